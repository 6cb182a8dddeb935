import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { EDGE, edgeCaseRecords } from '../../capture/testing/edge-captures.ts';
import { buildPcap } from '../../capture/testing/pcap-writer.ts';
import * as frame from '../../capture/testing/frames.ts';
import { analyseCapture, type CaptureAnalysis } from './analyse-capture.ts';

let analysis: CaptureAnalysis;

beforeAll(async () => {
  const path = join(mkdtempSync(join(tmpdir(), 'hl-analyse-')), 'edge.pcap');
  writeFileSync(path, buildPcap(edgeCaseRecords()));
  analysis = await analyseCapture(path, { subnet: EDGE.subnet });
});

describe('analyseCapture on hand-crafted edge cases', () => {
  it('counts frames per protocol', () => {
    expect(analysis.mix.packets).toBe(18);
    expect(analysis.mix.protocolCounts).toMatchObject({ ethernet: 18, arp: 3, ipv4: 13, ipv6: 2, icmp: 3, icmpv6: 2, udp: 6, dns: 6, tcp: 4, vlan: 2 });
    expect(analysis.mix.snapCutPackets).toBe(1);
    expect(analysis.mix.broadcastPackets).toBe(2);
    expect(analysis.mix.multicastPackets).toBe(1);
  });

  it('pairs ICMP echoes with RTT and lists the unanswered one', () => {
    const v4 = analysis.icmp.pairs.filter((p) => p.ipVersion === 4);
    expect(v4).toEqual([{ ipVersion: 4, from: EDGE.client, to: EDGE.server, id: 7, seq: 1, requestFrame: 4, replyFrame: 5, rttNs: 1_500_000, rttMs: 1.5 }]);
    expect(analysis.icmp.v4).toEqual({ requests: 2, replies: 1, pairs: 1, unanswered: 1 });
    expect(analysis.icmp.v6).toEqual({ requests: 1, replies: 1, pairs: 1, unanswered: 0 });
    expect(analysis.icmp.pairs.find((p) => p.ipVersion === 6)?.rttMs).toBe(1);
    expect(analysis.icmp.unanswered.map((u) => u.seq)).toEqual([2]);
  });

  it('matches DNS transactions, rcodes, unanswered and malformed messages', () => {
    const byName = Object.fromEntries(analysis.dns.transactions.map((t) => [t.name, t]));
    expect(byName['web.hybrid.local']).toMatchObject({ rcode: 'NOERROR', responseTimeMs: 2, answers: ['A 10.66.0.5'] });
    expect(byName['nope.hybrid.local']).toMatchObject({ rcode: 'NXDOMAIN', answers: [] });
    expect(analysis.dns.unanswered.map((t) => t.name)).toEqual(['db.hybrid.local']);
    expect(analysis.dns.malformed).toHaveLength(1);
    expect(analysis.dns.malformed[0].frame).toBe(11);
    expect(analysis.dns.malformed[0].problem).toMatch(/^DNS .* runs past the end of the message$/);
  });

  it('finds unanswered ARP, TCP resets, retransmitted SYNs and outside traffic', () => {
    expect(analysis.arp.unanswered.map((a) => a.targetIp)).toEqual(['10.66.0.10']);
    expect(analysis.arp.ipToMac[EDGE.server]).toBe(EDGE.serverMac);
    expect(analysis.tcp.resets.map((r) => r.frame)).toEqual([14]);
    expect(analysis.tcp.retransmissions.map((r) => r.frame)).toEqual([13]);
    // The SYNs were answered by a reset: refused, not silently dropped.
    expect(analysis.tcp.unansweredSyns).toEqual([]);
    expect(analysis.outsideLab.addresses.map((a) => a.address).sort()).toEqual(['192.0.2.7', '2001:db8::2']);
  });

  it('builds conversations (both directions in one row) and talkers', () => {
    const tcp = analysis.conversations.tcp.rows.find((c) => c.b === '192.0.2.7');
    expect(tcp).toMatchObject({ a: EDGE.client, aPort: 5001, bPort: 80, framesAtoB: 1, bytesAtoB: 554, framesBtoA: 0 });
    const toServer = analysis.conversations.tcp.rows.find((c) => c.aPort === 5000);
    expect(toServer).toMatchObject({ framesAtoB: 2, framesBtoA: 1 });
    expect(analysis.talkers[0].address).toBe(EDGE.client);
  });
});

describe('TCP connection attempts into silence', () => {
  it('reports a SYN that got neither SYN-ACK nor reset', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'hl-syn-')), 'syn.pcap');
    const syn = frame.ethernet(EDGE.serverMac, EDGE.clientMac, 0x0800, frame.ipv4(EDGE.client, EDGE.server, 6, frame.tcp(40000, 443, 7, 0, 0x02)));
    const answeredSyn = frame.ethernet(EDGE.serverMac, EDGE.clientMac, 0x0800, frame.ipv4(EDGE.client, EDGE.server, 6, frame.tcp(40001, 22, 9, 0, 0x02)));
    const synAck = frame.ethernet(EDGE.clientMac, EDGE.serverMac, 0x0800, frame.ipv4(EDGE.server, EDGE.client, 6, frame.tcp(22, 40001, 100, 10, 0x12)));
    writeFileSync(path, buildPcap([{ timeSec: 1, frame: syn }, { timeSec: 2, frame: answeredSyn }, { timeSec: 2.001, frame: synAck }]));
    const result = await analyseCapture(path, { subnet: EDGE.subnet });
    expect(result.tcp.unansweredSyns.map((s) => `${s.dst}:${s.dstPort}`)).toEqual([`${EDGE.server}:443`]);
  });
});
