import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeAllPairs, type PairProbeOutcome } from './probe-pairs.ts';
import { runDebug } from './run-debug.ts';
import { NetnsNode } from '../capture/testing/netns-node.ts';
import { TEST_NET, TestNetwork } from '../capture/testing/test-network.ts';

const isRoot = process.getuid?.() === 0;
const { client, web, dns } = TEST_NET.namespaces;

// `debug --probe` end to end on our own bridge: every pair pings and looks up every other node
// while we capture; the report must hold each pair's echo and lookup as evidence.
describe.skipIf(!isRoot)('runDebug with probeAllPairs', () => {
  const net = new TestNetwork();
  beforeAll(() => net.up());
  afterAll(() => net.down());

  it('captures one echo pair and one DNS transaction per ordered pair of nodes', async () => {
    const nodes = [new NetnsNode('client', client.ip, client.ns), new NetnsNode('web', web.ip, web.ns), new NetnsNode('dns', dns.ip, dns.ns)];
    let outcomes: PairProbeOutcome[] = [];
    const { report } = await runDebug({
      interface: TEST_NET.bridge,
      subnet: TEST_NET.subnet,
      durationSec: 6,
      nodes: nodes.map((n) => ({ name: n.name, ip: n.ip, kind: 'host' as const })),
      probe: async () => {
        outcomes = await probeAllPairs(nodes, { domain: 'hybrid.local', dnsServer: dns.ip });
      },
      outDir: join(mkdtempSync(join(tmpdir(), 'hl-probe-')), 'report'),
    });
    expect(outcomes).toHaveLength(6);
    expect(outcomes.every((o) => o.pingReplied)).toBe(true);
    // dnsmasq serves web and client only: the lookups of dns.hybrid.local answer NXDOMAIN.
    expect(outcomes.filter((o) => o.lookupRcode === 'NXDOMAIN').map((o) => o.to)).toEqual(['dns', 'dns']);
    const pairs = new Set(report.analysis.icmp.pairs.map((p) => `${p.from}>${p.to}`));
    for (const a of nodes) for (const b of nodes) if (a !== b) expect(pairs.has(`${a.ip}>${b.ip}`)).toBe(true);
    const looked = report.analysis.dns.transactions.filter((t) => t.server === dns.ip && t.queryType === 'A');
    expect(new Set(looked.map((t) => t.name))).toEqual(new Set(['client.hybrid.local', 'web.hybrid.local', 'dns.hybrid.local']));
    expect(report.findings.find((f) => f.id === 'dns-nxdomain-lab')?.title).toBe('lab names not found (NXDOMAIN): dns.hybrid.local');
  });
});
