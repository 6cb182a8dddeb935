import { nodeLabel, type GraphNode, type TopologyGraph } from './topology-graph.ts';

const BOX_WIDTH = 170;
const BOX_HEIGHT = 74;
const GAP = 24;
const FILL = { host: '#eceff1', dns: '#e3f2fd', container: '#e8f5e9', vm: '#fff3e0' } as const;

const escape = (text: string) => text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');

function stroke(node: GraphNode): string {
  if (node.state === undefined) return '#607d8b';
  return node.state === 'running' ? '#2e7d32' : '#c62828';
}

function nodeBox(node: GraphNode, x: number, y: number, bridgeY: number): string {
  const lines = nodeLabel(node);
  const text = lines.map((line, i) => `<text x="${x + BOX_WIDTH / 2}" y="${y + 18 + i * 15}" text-anchor="middle"${i === 0 ? ' font-weight="bold"' : ''}>${escape(line)}</text>`).join('');
  const centre = x + BOX_WIDTH / 2;
  return (
    `<line x1="${centre}" y1="${bridgeY + 16}" x2="${centre}" y2="${y}" stroke="#90a4ae" stroke-width="2"/>` +
    `<g class="node ${node.kind}"><title>${escape(`${node.dnsName} (${node.ip})`)}</title>` +
    `<rect x="${x}" y="${y}" width="${BOX_WIDTH}" height="${BOX_HEIGHT}" rx="8" fill="${FILL[node.kind]}" stroke="${stroke(node)}" stroke-width="2"/>${text}</g>`
  );
}

/** The topology as an SVG: the bridge as a bar, each node a box hanging from it. */
export function renderSvg(graph: TopologyGraph): string {
  const width = Math.max(graph.nodes.length * (BOX_WIDTH + GAP) + GAP, 420);
  const bridgeY = 24;
  const boxY = 110;
  const boxes = graph.nodes.map((node, i) => nodeBox(node, GAP + i * (BOX_WIDTH + GAP), boxY, bridgeY)).join('');
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${boxY + BOX_HEIGHT + 20}" width="${width}" font-family="sans-serif" font-size="12" role="img" aria-label="${escape(`lab ${graph.lab}`)}">` +
    `<rect x="${GAP / 2}" y="${bridgeY}" width="${width - GAP}" height="32" rx="6" fill="#37474f"/>` +
    `<text x="${width / 2}" y="${bridgeY + 21}" text-anchor="middle" fill="#fff">${escape(`bridge ${graph.bridge.name} · ${graph.bridge.subnet} · gateway ${graph.bridge.gateway}`)}</text>` +
    `${boxes}</svg>`
  );
}

/** One self-contained page (inline SVG and CSS, no script, nothing fetched): opens offline. */
export function renderHtml(graph: TopologyGraph): string {
  const rows = graph.nodes.map((n) => `<tr><td>${escape(n.name)}</td><td>${n.kind}</td><td>${n.provider}</td><td>${n.ip}</td><td>${escape(n.dnsName)}</td><td>${n.state ?? ''}</td></tr>`).join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>lab ${escape(graph.lab)}</title>
<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}td,th{padding:2px 10px;text-align:left;border-bottom:1px solid #ddd}</style></head>
<body><h1>lab ${escape(graph.lab)}</h1><p>${graph.live ? 'live state from the running lab' : 'from the topology file (lab not up: no live state)'}</p>
${renderSvg(graph)}
<table><thead><tr><th>node</th><th>kind</th><th>provider</th><th>ip</th><th>dns name</th><th>state</th></tr></thead><tbody>${rows}</tbody></table>
</body></html>
`;
}
