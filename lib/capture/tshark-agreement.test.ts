import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hasProgram } from '../common/run.ts';
import { analyseCapture } from '../debug/analyse/analyse-capture.ts';
import { EDGE, edgeCaseRecords } from './testing/edge-captures.ts';
import * as frame from './testing/frames.ts';
import { buildPcap } from './testing/pcap-writer.ts';
import { syntheticTraffic } from './testing/synthetic-traffic.ts';
import * as tshark from './testing/tshark-reference.ts';

const dir = mkdtempSync(join(tmpdir(), 'hl-tshark-'));
const haveTshark = await hasProgram('tshark');

/** Our decoder and tshark on the same hand-crafted file must agree on counts, DNS and ICMP. */
async function expectAgreement(path: string, subnet: string) {
  const analysis = await analyseCapture(path, { subnet });
  expect(tshark.ourProtocolCounts(analysis)).toEqual(await tshark.tsharkProtocolCounts(path));
  const ourDns = tshark.ourDnsTransactions(analysis);
  const theirDns = await tshark.tsharkDnsTransactions(path);
  expect(ourDns.map((t) => t.key)).toEqual(theirDns.map((t) => t.key));
  ourDns.forEach((t, i) => expect(t.responseTimeMs).toBeCloseTo(theirDns[i].responseTimeMs, 3));
  const ourIcmp = tshark.ourIcmpPairs(analysis);
  const theirIcmp = await tshark.tsharkIcmpPairs(path);
  expect(ourIcmp.map((p) => p.key)).toEqual(theirIcmp.map((p) => p.key));
  ourIcmp.forEach((p, i) => expect(p.rttMs).toBeCloseTo(theirIcmp[i].rttMs, 3));
  expect(analysis.dns.unanswered.map((t) => t.queryFrame)).toEqual(await tshark.tsharkUnansweredDns(path));
  expect(tshark.ourTcpEvents(analysis)).toEqual(await tshark.tsharkTcpEvents(path));
  return analysis;
}

describe.skipIf(!haveTshark)('decoder agrees with tshark', { timeout: 60_000 }, () => {
  it('on hand-crafted edge cases (VLAN, IPv6, snaplen cut, malformed DNS, NXDOMAIN, unanswered)', async () => {
    const path = join(dir, 'edge.pcap');
    writeFileSync(path, buildPcap(edgeCaseRecords()));
    const analysis = await expectAgreement(path, EDGE.subnet);
    expect(analysis.dns.transactions.length).toBeGreaterThan(1);
    expect(analysis.icmp.pairs.length).toBe(2);
  });

  it('on a truncated file, over the packets before the cut', async () => {
    const whole = buildPcap(edgeCaseRecords());
    const path = join(dir, 'truncated.pcap');
    writeFileSync(path, whole.subarray(0, whole.length - 20));
    const analysis = await expectAgreement(path, EDGE.subnet);
    expect(analysis.file.truncated).toBe(true);
  });

  it('on a Linux cooked v2 capture (tcpdump -i any)', async () => {
    const path = join(dir, 'any.pcap');
    const ping = frame.ipv4(EDGE.client, EDGE.server, 1, frame.icmpEcho(8, 3, 1));
    const pong = frame.ipv4(EDGE.server, EDGE.client, 1, frame.icmpEcho(0, 3, 1));
    const query = frame.ipv4(EDGE.client, EDGE.server, 17, frame.udp(41000, 53, frame.dnsQuery(9, 'web.hybrid.local')));
    const answer = frame.ipv4(EDGE.server, EDGE.client, 17, frame.udp(53, 41000, frame.dnsResponse(9, 'web.hybrid.local', EDGE.server)));
    const records = [ping, pong, query, answer].map((ip, i) => ({ timeSec: 50 + i * 0.001, frame: frame.linuxCooked2(0x0800, ip, i % 2 === 0 ? 4 : 0) }));
    writeFileSync(path, buildPcap(records, 262_144, 276));
    const analysis = await expectAgreement(path, EDGE.subnet);
    expect(analysis.mix.protocolCounts.linuxCooked).toBe(4);
    expect(analysis.icmp.pairs).toHaveLength(1);
    expect(analysis.dns.transactions[0].answers).toEqual([`A ${EDGE.server}`]);
  });

  it('on 6,000 frames of synthetic lab traffic', async () => {
    const path = join(dir, 'synthetic.pcap');
    writeFileSync(path, buildPcap([...syntheticTraffic(6000)]));
    const analysis = await expectAgreement(path, '10.66.0.0/24');
    expect(analysis.icmp.pairs.length).toBe(500);
    expect(analysis.dns.transactions.length).toBe(500);
  });
});
