import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderMonitorSample } from '../report/debug/render-monitor.ts';
import { monitorTraffic } from './monitor.ts';
import { CaptureError } from '../capture/tcpdump-capture.ts';
import { TEST_NET, TestNetwork } from '../capture/testing/test-network.ts';

const isRoot = process.getuid?.() === 0;
const { client, web, dns } = TEST_NET.namespaces;

// The live monitor on our own bridge: a 100 packets/s ping from client to web must show up as
// roughly 100 pkts/s out of client and into web, and nothing much for the idle DNS namespace.
describe.skipIf(!isRoot)('monitorTraffic on a real bridge', () => {
  const net = new TestNetwork();
  beforeAll(() => net.up());
  afterAll(() => net.down());

  it('reports per-node packet and byte rates each interval', async () => {
    const pinging = net.exec('client', ['ping', '-i', '0.01', '-c', '400', '-s', '472', web.ip], 30_000);
    const samples = await monitorTraffic({
      interface: TEST_NET.bridge,
      nodes: [
        { name: 'client', ip: client.ip, hostInterface: client.hostIf },
        { name: 'web', ip: web.ip, hostInterface: web.hostIf },
        { name: 'dns', ip: dns.ip },
      ],
      samples: 3,
    });
    await pinging;
    expect(samples).toHaveLength(3);
    const busiest = samples[1];
    const byName = Object.fromEntries(busiest.nodes.map((n) => [n.name, n]));
    expect(byName.client.packetsOutPerSec).toBeGreaterThan(50);
    expect(byName.client.packetsOutPerSec).toBeLessThan(150);
    expect(byName.web.packetsInPerSec).toBeCloseTo(byName.client.packetsOutPerSec, -1);
    expect(byName.web.packetsOutPerSec).toBeGreaterThan(50);
    // 472-byte payload + 8 ICMP + 20 IP + 14 Ethernet = 514 bytes per frame.
    expect(byName.client.bytesOutPerSec / byName.client.packetsOutPerSec).toBeCloseTo(514, 0);
    expect(byName.dns.packetsInPerSec + byName.dns.packetsOutPerSec).toBeLessThan(5);
    expect(byName.client.dropped).toBe(0);
    expect(busiest.topFlows[0]).toMatchObject({ protocol: 'icmp' });
    expect(renderMonitorSample(busiest)).toMatch(/client\s+│ 10\.66\.0\.10/);
  });

  it('fails clearly on an interface that does not exist', async () => {
    await expect(monitorTraffic({ interface: 'hldbg-nope', nodes: [], samples: 1 })).rejects.toBeInstanceOf(CaptureError);
  });
});
