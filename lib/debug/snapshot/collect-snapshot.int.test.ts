import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasProgram, run, succeeds } from '../../common/run.ts';
import { computeFindings } from '../findings/compute-findings.ts';
import { TEST_NET, TestNetwork } from '../../capture/testing/test-network.ts';
import type { HostSnapshot, NodeDescription } from './host-snapshot.ts';
import { collectSnapshot } from './collect-snapshot.ts';

const isRoot = process.getuid?.() === 0;
const CONTAINER = 'hldbg-detached';

/** Any locally built lab node image (no registry here); the test is skipped without one. */
async function localNodeImage(): Promise<string | undefined> {
  if (!(await hasProgram('docker')) || !(await succeeds('docker', ['info']))) return undefined;
  const { stdout } = await run('docker', ['images', '--filter', 'reference=hybrid-lab/node', '--format', '{{.Repository}}:{{.Tag}}'], { allowFailure: true });
  return stdout.split('\n').find(Boolean);
}

const image = isRoot ? await localNodeImage() : undefined;

// The real collector against our test bridge and a real container that is on no network:
// ports, sysctls, our iptables rule with counters, and the container's missing attachment.
describe.skipIf(!isRoot || !image)('collectSnapshot on a real host', () => {
  const net = new TestNetwork();
  let snapshot: HostSnapshot;
  const nodes: NodeDescription[] = [
    { name: CONTAINER, ip: '10.66.0.50', kind: 'container' },
    { name: 'hldbg-never-created', ip: '10.66.0.51', kind: 'container' },
    { name: 'client', ip: TEST_NET.namespaces.client.ip, kind: 'vm', hostInterface: TEST_NET.namespaces.client.hostIf },
  ];

  beforeAll(async () => {
    await run('docker', ['rm', '-f', CONTAINER], { allowFailure: true });
    await net.up();
    await run('docker', ['run', '-d', '--name', CONTAINER, '--network', 'none', '--entrypoint', '/bin/sleep', image!, '300']);
    await net.exec('client', ['ping', '-c', '2', '-i', '0.2', TEST_NET.namespaces.web.ip]);
    snapshot = await collectSnapshot({ bridge: TEST_NET.bridge, subnet: TEST_NET.subnet, nodes });
  });
  afterAll(async () => {
    await run('docker', ['rm', '-f', CONTAINER], { allowFailure: true });
    await net.down();
  });

  it('reads bridge, ports, fdb, addresses, routes and sysctls', () => {
    expect(snapshot.errors).toEqual([]);
    expect(snapshot.bridge).toMatchObject({ exists: true, operState: 'UP' });
    expect(snapshot.bridge.ports.map((p) => p.name).sort()).toEqual(Object.values(TEST_NET.namespaces).map((n) => n.hostIf).sort());
    expect(snapshot.bridge.ports.every((p) => p.state === 'forwarding')).toBe(true);
    expect(snapshot.fdb.some((f) => f.port === TEST_NET.namespaces.client.hostIf && !f.permanent)).toBe(true);
    expect(snapshot.addresses).toContainEqual(expect.objectContaining({ interface: TEST_NET.bridge, cidr: '10.66.0.1/24' }));
    expect(snapshot.routes).toContainEqual(expect.objectContaining({ destination: TEST_NET.subnet, device: TEST_NET.bridge }));
    expect([0, 1]).toContain(snapshot.sysctls.ipForward);
  });

  it('reads iptables with counters: our ACCEPT rule saw the pings when bridged frames are filtered', () => {
    const rule = snapshot.iptables.rules.find((r) => r.text.includes(TEST_NET.ruleComment));
    expect(rule).toMatchObject({ table: 'filter', target: 'ACCEPT', inInterface: TEST_NET.bridge, outInterface: TEST_NET.bridge });
    if (snapshot.sysctls.bridgeNfCallIptables === 1) expect(rule!.packets).toBeGreaterThanOrEqual(4);
  });

  it('sees the container on no bridge and the one that does not exist, and says so', () => {
    const byName = Object.fromEntries(snapshot.nodes.map((n) => [n.name, n]));
    expect(byName[CONTAINER]).toMatchObject({ state: 'running', attachedBridges: [] });
    expect(byName['hldbg-never-created'].state).toBe('missing');
    expect(byName.client).toMatchObject({ hostInterfaceMaster: TEST_NET.bridge, attachedBridges: [TEST_NET.bridge] });
    const findings = computeFindings({ bridge: TEST_NET.bridge, subnet: TEST_NET.subnet, domain: 'hybrid.local', nodes, snapshot });
    const titles = findings.map((f) => f.title);
    expect(titles).toContain(`container ${CONTAINER} not attached to ${TEST_NET.bridge}`);
    expect(titles.find((t) => t.startsWith('container hldbg-never-created ('))).toMatch(/\) is missing$/);
    expect(findings.find((f) => f.nodes?.includes('client'))).toBeUndefined();
    expect(snapshot.dockerNetworks.some((n) => n.name === 'none')).toBe(true);
  });
});
