import { graphId, nodeLabel, type TopologyGraph } from './topology-graph.ts';

const SHAPES = { host: ['[[', ']]'], dns: ['[(', ')]'], container: ['[', ']'], vm: ['([', '])'] } as const;

/** Mermaid flowchart (renders in GitHub Markdown, GitLab, mermaid.live). */
export function renderMermaid(graph: TopologyGraph): string {
  const bridge = `br_${graph.bridge.name.replace(/[^a-zA-Z0-9_]/g, '_')}`;
  const lines = ['flowchart TB', `  ${bridge}{{"bridge ${graph.bridge.name}<br/>${graph.bridge.subnet}"}}`];
  for (const node of graph.nodes) {
    const [open, close] = SHAPES[node.kind];
    lines.push(`  ${graphId(node.name)}${open}"${nodeLabel(node).join('<br/>')}"${close}`);
    lines.push(`  ${graphId(node.name)} --- ${bridge}`);
  }
  if (graph.live) {
    lines.push('  classDef running stroke:#2e7d32,stroke-width:2px', '  classDef broken stroke:#c62828,stroke-width:2px,stroke-dasharray:4');
    for (const node of graph.nodes) lines.push(`  class ${graphId(node.name)} ${node.state === 'running' ? 'running' : 'broken'}`);
  }
  return `${lines.join('\n')}\n`;
}
