import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyseCapture, type CaptureAnalysis } from '../analyse/analyse-capture.ts';
import { counterWindow } from '../snapshot/counter-window.ts';
import { emptySnapshot, type HostSnapshot } from '../snapshot/host-snapshot.ts';
import { parseIptablesSave } from '../../net/iptables-save.ts';
import * as frame from '../../capture/testing/frames.ts';
import { buildPcap } from '../../capture/testing/pcap-writer.ts';
import { computeFindings } from './compute-findings.ts';

const BRIDGE = 'hybr13';
const A = { name: 'alpha', ip: '10.0.13.10', kind: 'container' as const };
const B = { name: 'beta', ip: '10.0.13.20', kind: 'container' as const };
const DNS = { name: 'dns', ip: '10.0.13.2', kind: 'dns' as const };

/** Three pings alpha -> beta, none answered; one DNS query to the lab DNS answered with a wrong address. */
async function silentCapture(): Promise<CaptureAnalysis> {
  const ping = (seq: number) => ({ timeSec: 100 + seq, frame: frame.ethernet('02:00:00:00:00:20', '02:00:00:00:00:10', 0x0800, frame.ipv4(A.ip, B.ip, 1, frame.icmpEcho(8, 9, seq))) });
  const query = { timeSec: 104, frame: frame.ethernet('02:00:00:00:00:02', '02:00:00:00:00:10', 0x0800, frame.ipv4(A.ip, DNS.ip, 17, frame.udp(40000, 53, frame.dnsQuery(5, 'beta.hybrid.local')))) };
  const answer = { timeSec: 104.001, frame: frame.ethernet('02:00:00:00:00:10', '02:00:00:00:00:02', 0x0800, frame.ipv4(DNS.ip, A.ip, 17, frame.udp(53, 40000, frame.dnsResponse(5, 'beta.hybrid.local', '10.0.13.99')))) };
  const path = join(mkdtempSync(join(tmpdir(), 'hl-cause-')), 'silent.pcap');
  writeFileSync(path, buildPcap([ping(1), ping(2), ping(3), query, answer]));
  return analyseCapture(path, { subnet: '10.0.13.0/24' });
}

const BEFORE = `*filter
:INPUT ACCEPT [0:0]
:FORWARD DROP [10:600]
:DOCKER-USER - [0:0]
[50:3000] -A FORWARD -j DOCKER-USER
[0:0] -A FORWARD -s 10.0.13.10/32 -d 10.0.13.20/32 -j DROP
[50:3000] -A DOCKER-USER -i hybr13 -o hybr13 -j ACCEPT
COMMIT
`;

function snapshotAfter(saveText: string, state: Partial<Record<string, { state?: string; hostInterfaceMaster?: string; hostInterfaceOperState?: string }>> = {}): HostSnapshot {
  const snapshot = emptySnapshot(BRIDGE, '10.0.13.0/24');
  snapshot.bridge = { exists: true, operState: 'UP', ports: [] };
  snapshot.addresses = [{ interface: BRIDGE, family: 'inet', cidr: '10.0.13.1/24', operState: 'UP' }];
  snapshot.iptables = parseIptablesSave(saveText);
  snapshot.counterWindow = counterWindow(parseIptablesSave(BEFORE), snapshot.iptables, 'before', 'after');
  snapshot.nodes = [A, B, DNS].map((n) => ({ ...n, state: 'running', attachedBridges: [BRIDGE], hostInterface: `veth-${n.name}`, hostInterfaceMaster: BRIDGE, hostInterfaceOperState: 'UP', ...state[n.name] }));
  return snapshot;
}

let analysis: CaptureAnalysis;
beforeAll(async () => {
  analysis = await silentCapture();
});

const input = (snapshot: HostSnapshot) => ({ bridge: BRIDGE, subnet: '10.0.13.0/24', domain: 'hybrid.local', nodes: [A, B, DNS], analysis, snapshot });

describe('findings name the cause, not the symptom', () => {
  it('a DROP rule whose counter moved during the capture: table, chain, position, text, packets, and a fix that deletes it', () => {
    const after = BEFORE.replace('[0:0] -A FORWARD -s', '[3:252] -A FORWARD -s');
    const findings = computeFindings(input(snapshotAfter(after)));
    const cause = findings.find((f) => f.id === 'blocked-by-rule')!;
    expect(cause.severity).toBe('critical');
    expect(cause.title).toBe('10.0.13.10 (alpha) -> 10.0.13.20 (beta) is blocked by iptables rule filter/FORWARD #2 (DROP)');
    expect(cause.evidence).toContain('3 packets (252 bytes) matched it during the capture');
    expect(cause.fix).toBe('iptables -t filter -D FORWARD -s 10.0.13.10/32 -d 10.0.13.20/32 -j DROP');
    // The unanswered-ping symptom is folded into the cause, not listed apart.
    expect(findings.find((f) => f.id === 'icmp-unanswered')).toBeUndefined();
    expect(cause.symptoms).toEqual(['3 pings from 10.0.13.10 (alpha) to 10.0.13.20 (beta) got no reply']);
  });

  it('a rule that did not move during the capture is not blamed', () => {
    const findings = computeFindings(input(snapshotAfter(BEFORE)));
    expect(findings.find((f) => f.id === 'blocked-by-rule')).toBeUndefined();
    expect(findings.find((f) => f.id === 'icmp-unanswered')?.severity).toBe('warning');
  });

  it('a FORWARD policy DROP that took packets while nothing accepts the bridge', () => {
    const after = BEFORE.replace(':FORWARD DROP [10:600]', ':FORWARD DROP [13:852]').replace(/\[50:3000\] -A DOCKER-USER -i hybr13 -o hybr13 -j ACCEPT\n/, '');
    const cause = computeFindings(input(snapshotAfter(after))).find((f) => f.id === 'blocked-by-policy')!;
    expect(cause.title).toBe('filter/FORWARD policy DROP took 3 packets during the capture: nothing accepts traffic across hybr13');
    expect(cause.fix).toMatch(/^iptables -I DOCKER-USER -i hybr13 -o hybr13 -j ACCEPT/);
  });

  it('a paused node, with the command that unpauses it; a stopped one is started', () => {
    const paused = computeFindings(input(snapshotAfter(BEFORE, { beta: { state: 'paused' } }))).find((f) => f.id === 'node-not-running')!;
    expect(paused).toMatchObject({ severity: 'critical', fix: 'docker unpause beta' });
    expect(paused.title).toBe('container beta (10.0.13.20) is paused: 3 requests to it went unanswered');
    const stopped = computeFindings(input(snapshotAfter(BEFORE, { beta: { state: 'exited' } }))).find((f) => f.id === 'node-not-running')!;
    expect(stopped.fix).toBe('docker start beta');
  });

  it('a bridge port detached or down', () => {
    const detached = computeFindings(input(snapshotAfter(BEFORE, { beta: { hostInterfaceMaster: '' } }))).find((f) => f.id === 'bridge-port-detached')!;
    expect(detached.title).toBe("beta's bridge port veth-beta is a port of no bridge, not of hybr13: beta is cut off");
    expect(detached.fix).toBe('ip link set dev veth-beta master hybr13 up');
    const down = computeFindings(input(snapshotAfter(BEFORE, { beta: { hostInterfaceOperState: 'DOWN' } }))).find((f) => f.id === 'bridge-port-down')!;
    expect(down.fix).toBe('ip link set dev veth-beta up');
  });

  it('a DNS answer that is not the node address', () => {
    const wrong = computeFindings(input(snapshotAfter(BEFORE))).find((f) => f.id === 'dns-wrong-answer')!;
    expect(wrong.title).toBe('DNS answered beta.hybrid.local with 10.0.13.99, but beta is at 10.0.13.20');
  });
});
