import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { HybridLabError } from '../../common/errors.ts';
import { labStatus } from '../../lab/status.ts';
import { readState } from '../../lab/state.ts';
import { renderDot } from '../../report/graph/render-dot.ts';
import { renderHtml } from '../../report/graph/render-html.ts';
import { renderMermaid } from '../../report/graph/render-mermaid.ts';
import { topologyGraph, type TopologyGraph } from '../../report/graph/topology-graph.ts';
import { loadTopology } from '../../topology/load.ts';
import { assertDockerSocketAccess } from '../docker-access.ts';
import { LAB_OPTION, selectedLabName, TOPOLOGY_OPTION } from '../lab-select.ts';
import { schemaId } from '../output.ts';

const FORMATS = ['mermaid', 'dot', 'html', 'json'] as const;
type GraphFormat = (typeof FORMATS)[number];

interface GraphFlags {
  topology?: string;
  lab?: string;
  format: string;
  out?: string;
  json?: boolean;
}

/** The lab's picture: from its state (with live node states) when up, else from the topology file. */
async function buildGraph(flags: GraphFlags): Promise<TopologyGraph> {
  const labName = await selectedLabName(flags);
  const state = await readState(labName);
  if (state?.status === 'up') {
    await assertDockerSocketAccess(); // live states need the engine: never draw a healthy node as missing
    const status = await labStatus(labName);
    return topologyGraph(state.topology, new Map(status.nodes.map((node) => [node.name, node.state])));
  }
  return topologyGraph(state?.topology ?? (await loadTopology(flags.topology)));
}

function render(graph: TopologyGraph, format: GraphFormat): string {
  if (format === 'mermaid') return renderMermaid(graph);
  if (format === 'dot') return renderDot(graph);
  if (format === 'html') return renderHtml(graph);
  return `${JSON.stringify({ schema: schemaId('graph'), ...graph }, null, 2)}\n`;
}

export function registerGraph(program: Command): void {
  program
    .command('graph')
    .description('draw the topology (bridge, nodes, addresses, providers, live state when up) as Mermaid, Graphviz DOT or a self-contained HTML page')
    .option(...TOPOLOGY_OPTION)
    .option(...LAB_OPTION)
    .option('--format <format>', `${FORMATS.join(', ')}`, 'mermaid')
    .option('--json', 'same as --format json')
    .option('-o, --out <file>', 'write to a file instead of stdout')
    .addHelpText(
      'after',
      '\nExamples:\n  npx hybrid-lab graph                              Mermaid (paste into Markdown)\n  npx hybrid-lab graph --format dot | dot -Tsvg > lab.svg\n  npx hybrid-lab graph --format html -o reports/lab.html',
    )
    .action(async (flags: GraphFlags) => {
      const format = flags.json ? 'json' : flags.format;
      if (!(FORMATS as readonly string[]).includes(format)) throw new HybridLabError(`--format ${format}: expected one of ${FORMATS.join(', ')}`);
      const text = render(await buildGraph(flags), format as GraphFormat);
      if (!flags.out) return void process.stdout.write(text);
      await writeFile(flags.out, text);
      process.stdout.write(`wrote ${flags.out} (${format})\n`);
    });
}
