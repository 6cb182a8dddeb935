import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { debugPcapFile, type DebugResult } from '../../debug/run-debug.ts';
import { EDGE, edgeCaseRecords } from '../../capture/testing/edge-captures.ts';
import { buildPcap } from '../../capture/testing/pcap-writer.ts';
import { syntheticTraffic } from '../../capture/testing/synthetic-traffic.ts';

/** A real debug report over a capture with both healthy traffic and every edge case. */
export async function fixtureDebugReport(): Promise<DebugResult & { dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'hl-debug-report-'));
  const pcapPath = join(dir, 'input.pcap');
  const records = [...edgeCaseRecords(), ...syntheticTraffic(3000, 1000.1)].sort((a, b) => a.timeSec - b.timeSec);
  writeFileSync(pcapPath, buildPcap(records));
  const result = await debugPcapFile({
    pcapPath,
    subnet: EDGE.subnet,
    outDir: join(dir, 'report'),
    nodes: [
      { name: 'laptop', ip: EDGE.client, kind: 'host' },
      { name: 'web', ip: EDGE.server, kind: 'container' },
      { name: 'vm1', ip: '10.66.0.10', kind: 'vm' },
    ],
  });
  return { ...result, dir };
}
