import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyseCapture, type CaptureAnalysis } from '../debug/analyse/analyse-capture.ts';
import { runDebug } from '../debug/run-debug.ts';
import type { NodeDescription } from '../debug/snapshot/host-snapshot.ts';
import { CaptureError, capturePackets, startCapture } from './tcpdump-capture.ts';
import { main } from '../cli/main.ts';
import { existsSync, readFileSync } from 'node:fs';
import { vi } from 'vitest';
import { TEST_NET, TestNetwork } from './testing/test-network.ts';
import * as tshark from './testing/tshark-reference.ts';

// Real traffic on our own bridge (hldbg0, 10.66.0.0/24) between network namespaces: captured
// with tcpdump, decoded by us and by tshark, and explained by `runDebug`. Needs root.
const isRoot = process.getuid?.() === 0;
const { client, web, dns } = TEST_NET.namespaces;
const NODES: NodeDescription[] = [
  { name: 'client', ip: client.ip, kind: 'vm', hostInterface: client.hostIf },
  { name: 'web', ip: web.ip, kind: 'vm', hostInterface: web.hostIf },
  { name: 'dns', ip: dns.ip, kind: 'vm', hostInterface: dns.hostIf },
  { name: 'ghost', ip: TEST_NET.ghost.ip, kind: 'vm', hostInterface: TEST_NET.ghost.hostIf },
];

describe.skipIf(!isRoot)('capture on a real bridge', () => {
  const net = new TestNetwork();
  const dir = mkdtempSync(join(tmpdir(), 'hl-capture-int-'));
  let pcap: string;
  let analysis: CaptureAnalysis;
  let capturedCount = 0;

  beforeAll(async () => {
    await net.up();
    pcap = join(dir, 'real.pcap');
    const capture = startCapture({ interface: TEST_NET.bridge, outputPath: pcap });
    await capture.ready;
    await net.generateTraffic();
    capture.stop();
    capturedCount = (await capture.done).packets;
    analysis = await analyseCapture(pcap, { subnet: TEST_NET.subnet });
  });
  afterAll(async () => {
    await net.down();
  });

  it('counted every packet tcpdump wrote while capturing', () => {
    expect(capturedCount).toBeGreaterThan(30);
    expect(analysis.mix.packets).toBe(capturedCount);
    expect(analysis.file.truncated).toBe(false);
  });

  it('agrees with tshark on protocol counts, DNS transactions, ICMP pairs and unanswered DNS', async () => {
    expect(tshark.ourProtocolCounts(analysis)).toEqual(await tshark.tsharkProtocolCounts(pcap));
    const ourDns = tshark.ourDnsTransactions(analysis);
    const theirDns = await tshark.tsharkDnsTransactions(pcap);
    expect(ourDns.map((t) => t.key)).toEqual(theirDns.map((t) => t.key));
    ourDns.forEach((t, i) => expect(t.responseTimeMs).toBeCloseTo(theirDns[i].responseTimeMs, 3));
    const ourIcmp = tshark.ourIcmpPairs(analysis);
    const theirIcmp = await tshark.tsharkIcmpPairs(pcap);
    expect(ourIcmp.map((p) => p.key)).toEqual(theirIcmp.map((p) => p.key));
    ourIcmp.forEach((p, i) => expect(p.rttMs).toBeCloseTo(theirIcmp[i].rttMs, 3));
    expect(analysis.dns.unanswered.map((t) => t.queryFrame)).toEqual(await tshark.tsharkUnansweredDns(pcap));
    expect(tshark.ourTcpEvents(analysis)).toEqual(await tshark.tsharkTcpEvents(pcap));
  });

  it('sees what the traffic did: answers, NXDOMAIN, port-unreachable DNS, pings, HTTP, reset, ARP into the void', () => {
    const byName = analysis.dns.transactions.filter((t) => t.server === dns.ip);
    expect(byName.find((t) => t.name === 'web.hybrid.local')).toMatchObject({ rcode: 'NOERROR', answers: [`A ${web.ip}`] });
    expect(byName.find((t) => t.name === 'missing.hybrid.local')?.rcode).toBe('NXDOMAIN');
    expect(analysis.dns.unanswered.map((t) => `${t.server} ${t.name}`)).toEqual([`${web.ip} web.hybrid.local`]);
    // The port-unreachable names what it answers: the DNS query to web, port 53.
    expect(analysis.icmp.errors.some((e) => e.kind === 'destination unreachable: port unreachable' && e.from === web.ip && e.quoted?.dst === web.ip && e.quoted.dstPort === 53)).toBe(true);
    expect(analysis.icmp.pairs.filter((p) => p.ipVersion === 4 && p.to === web.ip)).toHaveLength(3);
    expect(analysis.icmp.pairs.filter((p) => p.ipVersion === 6)).toHaveLength(2);
    expect(analysis.icmp.pairs.every((p) => p.rttMs > 0 && p.rttMs < 50)).toBe(true);
    expect(analysis.tcp.resets.some((r) => r.src === web.ip && r.srcPort === 9)).toBe(true);
    expect(analysis.conversations.tcp.rows.some((c) => [c.a, c.b].includes(web.ip) && [c.aPort, c.bPort].includes(8080) && c.bytesAtoB + c.bytesBtoA > 5000)).toBe(true);
    expect(analysis.arp.unanswered.map((a) => a.targetIp)).toEqual([TEST_NET.ghost.ip]);
    expect(analysis.outsideLab.packets).toBe(0);
  });

  it('runDebug: snapshot + capture + probe + findings + report, naming the detached NIC', async () => {
    const { report, written } = await runDebug({
      interface: TEST_NET.bridge,
      subnet: TEST_NET.subnet,
      durationSec: 4,
      nodes: NODES,
      dnsRecords: [{ name: 'web', ip: web.ip }, { name: 'client', ip: client.ip }],
      probe: () => net.generateTraffic(),
      outDir: join(dir, 'report'),
    });
    expect(report.source).toMatchObject({ kind: 'live-capture', interface: TEST_NET.bridge });
    expect(report.analysis.mix.packets).toBeGreaterThan(30);
    expect(report.snapshot?.bridge.ports.map((p) => p.name).sort()).toEqual([client.hostIf, dns.hostIf, web.hostIf].sort());
    const ids = report.findings.map((f) => f.id);
    expect(report.findings.find((f) => f.id === 'vm-nic-not-on-bridge')?.title).toBe(`VM ghost: its NIC ${TEST_NET.ghost.hostIf} has no master, not on ${TEST_NET.bridge}`);
    expect(report.findings.find((f) => f.id === 'arp-unanswered')?.title).toBe(`ARP for ${TEST_NET.ghost.ip} unanswered: VM ghost NIC not on the bridge, or the node is down`);
    expect(report.findings.find((f) => f.id === 'dns-record-missing')?.nodes).toEqual(['dns']);
    expect(ids).not.toContain('forward-policy-drop');
    expect(written.pcapPath).toBe(join(dir, 'report', 'capture.pcap'));
  });

  it('runDebug without the ACCEPT rule: FORWARD policy DROP is found with its counter (when the host drops by policy)', async () => {
    await net.setAcceptRule(false);
    try {
      const { report } = await runDebug({ interface: TEST_NET.bridge, subnet: TEST_NET.subnet, durationSec: 3, nodes: NODES, probe: async () => void (await net.exec('client', ['ping', '-c', '2', '-i', '0.2', '-W', '1', web.ip])), outDir: join(dir, 'report-drop') });
      const forward = report.snapshot?.iptables.chains.filter?.FORWARD;
      const dropsBridged = forward?.policy === 'DROP' && report.snapshot?.sysctls.bridgeNfCallIptables === 1;
      if (!dropsBridged) {
        // This host does not filter bridged frames; then nothing may be reported either.
        expect(report.findings.map((f) => f.id)).not.toContain('forward-policy-drop');
        return;
      }
      const finding = report.findings.find((f) => f.id === 'forward-policy-drop');
      expect(finding?.severity).toBe('critical');
      expect(finding?.title).toMatch(/^FORWARD policy DROP and no accept rule for hldbg0: VM traffic over the bridge is dropped \(counter \d+\)$/);
      expect(report.analysis.icmp.unanswered.filter((u) => u.to === web.ip).length).toBeGreaterThan(0);
      expect(report.findings[0].severity).toBe('critical');
    } finally {
      await net.setAcceptRule(true);
    }
  });

  it('stops on abort (Ctrl-C) with every packet flushed, and refuses a bad filter clearly', async () => {
    const abort = new AbortController();
    const progress: number[] = [];
    const capturing = capturePackets({ interface: TEST_NET.bridge, outputPath: join(dir, 'abort.pcap'), signal: abort.signal, filter: 'icmp', onProgress: (p) => progress.push(p.packets) });
    await new Promise((resolve) => setTimeout(resolve, 300));
    await net.exec('client', ['ping', '-c', '4', '-i', '0.2', web.ip]);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    abort.abort();
    const result = await capturing;
    expect(result.stoppedBy).toBe('stop');
    expect(result.packets).toBe(8);
    expect(progress.at(-1)).toBe(8);
    expect((await analyseCapture(result.path, { subnet: TEST_NET.subnet })).icmp.pairs).toHaveLength(4);
    await expect(capturePackets({ interface: TEST_NET.bridge, outputPath: join(dir, 'bad.pcap'), durationSec: 1, filter: 'port nope' })).rejects.toBeInstanceOf(CaptureError);
  });

  it('hybrid-lab debug (live CLI) captures, explains and writes the report', async () => {
    const out = join(dir, 'cli-live');
    let stdout = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((stdout += String(chunk)), true));
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const traffic = new Promise((resolve) => setTimeout(resolve, 800)).then(() => net.generateTraffic());
    const code = await main(['node', 'hybrid-lab', 'debug', '--bridge', TEST_NET.bridge, '--subnet', TEST_NET.subnet, '--duration', '4', '--out', out]);
    await traffic;
    vi.restoreAllMocks();
    process.exitCode = undefined;
    // The traffic asks web (no DNS server) for a lab name: a critical finding, so exit 1.
    expect(code).toBe(1);
    expect(stdout).toMatch(/Findings: \d+ critical/);
    expect(stdout).toContain(`report: ${join(out, 'report.html')}`);
    expect(existsSync(join(out, 'capture.pcap'))).toBe(true);
    const json = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
    expect(json.source).toMatchObject({ kind: 'live-capture', interface: TEST_NET.bridge });
    expect(json.snapshot.bridge.exists).toBe(true);
    const titles = json.findings.map((f: { title: string }) => f.title);
    // The unanswered lookups are folded into the ICMP port-unreachable that answered them.
    const portUnreachable = json.findings.find((f: { id: string; title: string }) => f.id === 'icmp-error' && /port unreachable/.test(f.title));
    expect(portUnreachable.severity).toBe('critical');
    expect(portUnreachable.symptoms).toContain('DNS queries for hybrid.local unanswered by 10.66.0.11');
    expect(portUnreachable.fix).toBe('nothing listens on udp port 53 at 10.66.0.11');
    expect(titles).toContain('ARP for 10.66.0.99 unanswered (no lab node has this address)');
  });
});
