import { describe, expect, it } from 'vitest';
import { parseTopology } from '../../topology/load.ts';
import { renderDot } from './render-dot.ts';
import { renderHtml } from './render-html.ts';
import { renderMermaid } from './render-mermaid.ts';
import { topologyGraph } from './topology-graph.ts';

const topology = parseTopology(
  'name: graph12\nbridge: { name: hybr12g, subnet: 10.0.12.0/24 }\nnodes:\n  - { name: web-server, kind: container, ip: 10.0.12.20 }\n  - { name: vm1, kind: vm, provider: vagrant, ip: 10.0.12.30 }\n',
  'graph12.yaml',
);

describe('topology graph', () => {
  it('has the host, the DNS server and every node with address and provider', () => {
    const graph = topologyGraph(topology);
    expect(graph.nodes.map((n) => [n.name, n.ip, n.provider])).toEqual([
      ['host', '10.0.12.1', 'host'],
      ['dns', '10.0.12.2', 'docker (dnsmasq)'],
      ['web-server', '10.0.12.20', 'docker'],
      ['vm1', '10.0.12.30', 'vagrant'],
    ]);
    expect(graph.live).toBe(false);
  });

  it('Mermaid: a flowchart with the bridge, every node linked to it, and state classes when live', () => {
    const text = renderMermaid(topologyGraph(topology, new Map([['web-server', 'running'], ['vm1', 'stopped']])));
    expect(text.split('\n')[0]).toBe('flowchart TB');
    expect(text).toContain('br_hybr12g{{"bridge hybr12g<br/>10.0.12.0/24"}}');
    expect(text).toContain('n_web_server["web-server<br/>10.0.12.20<br/>container · docker<br/>running"]');
    expect(text).toContain('n_vm1(["vm1<br/>10.0.12.30<br/>vm · vagrant<br/>stopped"])');
    expect(text.match(/ --- br_hybr12g/g)).toHaveLength(4);
    expect(text).toContain('class n_vm1 broken');
  });

  it('DOT: an undirected graph with one edge per node to the bridge, labelled with the address', () => {
    const text = renderDot(topologyGraph(topology));
    expect(text).toMatch(/^graph "graph12" \{/);
    expect(text).toContain('n_web_server -- bridge [label="10.0.12.20"];');
    expect(text.trimEnd().endsWith('}')).toBe(true);
  });

  it('HTML: self-contained (inline SVG, no script, nothing fetched), every node named', () => {
    const html = renderHtml(topologyGraph(topology));
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('<svg xmlns="http://www.w3.org/2000/svg"');
    expect(html).not.toMatch(/<script|<link|src=|href=|@import|url\(/i);
    for (const name of ['host', 'dns', 'web-server', 'vm1', 'hybr12g']) expect(html).toContain(name);
  });
});
