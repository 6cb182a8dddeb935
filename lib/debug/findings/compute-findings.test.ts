import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyseCapture, type CaptureAnalysis } from '../analyse/analyse-capture.ts';
import { emptySnapshot, type HostSnapshot, type NodeDescription } from '../snapshot/host-snapshot.ts';
import { parseIptablesSave } from '../../net/iptables-save.ts';
import { EDGE, edgeCaseRecords } from '../../capture/testing/edge-captures.ts';
import { buildPcap } from '../../capture/testing/pcap-writer.ts';
import { computeFindings } from './compute-findings.ts';

const NODES: NodeDescription[] = [
  { name: 'web', ip: EDGE.server, kind: 'container' },
  { name: 'vm1', ip: '10.66.0.10', kind: 'vm', hostInterface: 'tap-vm1' },
  { name: 'db', ip: '10.66.0.11', kind: 'container' },
];

function brokenSnapshot(): HostSnapshot {
  const snapshot = emptySnapshot('hldbg0', EDGE.subnet);
  snapshot.bridge = { exists: true, operState: 'UP', ports: [{ name: 'veth1', state: 'forwarding', operState: 'UP' }] };
  snapshot.addresses = [{ interface: 'hldbg0', family: 'inet', cidr: '10.66.0.1/24', operState: 'UP' }];
  snapshot.sysctls = { ipForward: 1, bridgeNfCallIptables: 1 };
  snapshot.iptables = parseIptablesSave(`*filter
:FORWARD DROP [412:34608]
:DOCKER-USER - [0:0]
[412:34608] -A FORWARD -j DOCKER-USER
[0:0] -A FORWARD -o hldbg0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
[412:34608] -A DOCKER-USER -j RETURN
COMMIT
`);
  snapshot.nodes = [
    { ...NODES[0], state: 'running', attachedBridges: ['hldbg0'] },
    { ...NODES[1], state: 'running', attachedBridges: [], hostInterfaceMaster: '' },
    { ...NODES[2], state: 'running', attachedBridges: ['docker0'] },
  ];
  snapshot.dnsRecords = [{ name: 'web', ip: EDGE.server }, { name: 'vm1', ip: '10.66.0.10' }, { name: 'db', ip: '10.66.0.99' }];
  return snapshot;
}

let analysis: CaptureAnalysis;
beforeAll(async () => {
  const path = join(mkdtempSync(join(tmpdir(), 'hl-findings-')), 'edge.pcap');
  writeFileSync(path, buildPcap(edgeCaseRecords()));
  analysis = await analyseCapture(path, { subnet: EDGE.subnet });
});

describe('computeFindings', () => {
  it('explains a broken host: FORWARD DROP with bridge netfilter, detached container, VM tap off the bridge, wrong DNS record', () => {
    const findings = computeFindings({ bridge: 'hldbg0', subnet: EDGE.subnet, domain: 'hybrid.local', nodes: NODES, snapshot: brokenSnapshot() });
    const byId = Object.fromEntries(findings.map((f) => [f.id, f]));
    expect(byId['forward-policy-drop']).toMatchObject({ severity: 'critical' });
    expect(byId['forward-policy-drop'].title).toBe('FORWARD policy DROP and no accept rule for hldbg0: VM traffic over the bridge is dropped (counter 412)');
    expect(byId['container-not-attached'].title).toBe('container db not attached to hldbg0');
    expect(byId['vm-nic-not-on-bridge'].title).toMatch(/tap-vm1 has no master/);
    expect(byId['dns-record-wrong'].title).toMatch(/db\.hybrid\.local resolves to 10\.66\.0\.99/);
    expect(byId['bridge-nf-call-iptables'].severity).toBe('info');
    // Ranked: every critical before every warning before every info.
    const order = findings.map((f) => ['critical', 'warning', 'info'].indexOf(f.severity));
    expect(order).toEqual([...order].sort((a, b) => a - b));
  });

  it('is quiet about a healthy host', () => {
    const healthy = brokenSnapshot();
    healthy.iptables = parseIptablesSave(`*filter\n:FORWARD DROP [0:0]\n:DOCKER-USER - [0:0]\n[9:540] -A FORWARD -j DOCKER-USER\n[9:540] -A DOCKER-USER -i hldbg0 -o hldbg0 -j ACCEPT\nCOMMIT\n`);
    healthy.nodes = healthy.nodes.map((n) => ({ ...n, attachedBridges: ['hldbg0'], hostInterfaceMaster: n.kind === 'vm' ? 'hldbg0' : undefined }));
    healthy.dnsRecords = NODES.map((n) => ({ name: n.name, ip: n.ip }));
    const findings = computeFindings({ bridge: 'hldbg0', subnet: EDGE.subnet, domain: 'hybrid.local', nodes: NODES, snapshot: healthy });
    expect(findings.filter((f) => f.severity !== 'info')).toEqual([]);
  });

  it('explains a capture: unanswered lab DNS, ARP for a VM, NXDOMAIN, outside traffic, lost ping', () => {
    const findings = computeFindings({ bridge: 'hldbg0', subnet: EDGE.subnet, domain: 'hybrid.local', nodes: NODES, analysis });
    const titles = findings.map((f) => f.title);
    expect(titles).toContain(`DNS queries for hybrid.local unanswered by ${EDGE.server} (web)`);
    expect(titles).toContain('ARP for 10.66.0.10 unanswered: VM vm1 NIC not on the bridge, or the node is down');
    expect(findings.find((f) => f.id === 'dns-nxdomain-lab')?.title).toMatch(/nope\.hybrid\.local/);
    expect(findings.find((f) => f.id === 'outside-lab-traffic')?.evidence.join()).toMatch(/192\.0\.2\.7/);
    expect(findings.find((f) => f.id === 'icmp-unanswered')?.title).toMatch(/^1 ping from 10\.66\.0\.1 to 10\.66\.0\.2 \(web\)/);
    expect(findings.find((f) => f.id === 'capture-snaplen-cut')).toBeDefined();
    expect(findings[0].severity).toBe('critical');
  });
});
