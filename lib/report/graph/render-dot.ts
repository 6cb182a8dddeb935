import { graphId, nodeLabel, type TopologyGraph } from './topology-graph.ts';

const SHAPES = { host: 'box3d', dns: 'cylinder', container: 'box', vm: 'component' } as const;

const quote = (text: string) => `"${text.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;

/** Graphviz DOT (`dot -Tsvg lab.dot > lab.svg`). */
export function renderDot(graph: TopologyGraph): string {
  const lines = [`graph ${quote(graph.lab)} {`, '  layout=dot; rankdir=TB; node [fontname="sans-serif", fontsize=10];', `  label=${quote(`lab ${graph.lab}`)}; labelloc=t;`];
  lines.push(`  bridge [shape=hexagon, label=${quote(`bridge ${graph.bridge.name}\n${graph.bridge.subnet}`)}];`);
  for (const node of graph.nodes) {
    const colour = node.state === undefined ? '' : `, color=${node.state === 'running' ? '"#2e7d32"' : '"#c62828"'}, penwidth=2`;
    lines.push(`  ${graphId(node.name)} [shape=${SHAPES[node.kind]}, label=${quote(nodeLabel(node).join('\n'))}${colour}];`);
    lines.push(`  ${graphId(node.name)} -- bridge [label=${quote(node.ip)}];`);
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
}
