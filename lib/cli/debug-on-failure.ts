import { join } from 'node:path';
import { runDebug } from '../debug/run-debug.ts';
import { reportsDir } from '../common/paths.ts';
import { labDebugContext } from '../lab/debug-context.ts';
import { readState } from '../lab/state.ts';
import { loadTopology } from '../topology/load.ts';

/** Seconds of capture when a check failed: long enough for a probe round between every pair. */
const CAPTURE_SECONDS = 5;

/**
 * `test --debug-on-failure`: while the lab is still up, capture on its bridge for a few seconds
 * probing every pair, analyse, and print where the report is (like cilium's sysdump on failure).
 */
export async function captureOnFailure(topologyFile: string | undefined, out: NodeJS.WritableStream): Promise<void> {
  const labName = (await loadTopology(topologyFile ?? process.env.HYBRID_LAB_TOPOLOGY)).name;
  if ((await readState(labName))?.status !== 'up') {
    out.write(`debug on failure: lab "${labName}" is not up, nothing to capture\n`);
    return;
  }
  out.write(`\ndebug on failure: capturing ${CAPTURE_SECONDS} s on the lab bridge while probing every pair...\n`);
  try {
    const context = await labDebugContext(labName);
    const result = await runDebug({
      interface: context.bridge,
      bridge: context.bridge,
      subnet: context.subnet,
      durationSec: CAPTURE_SECONDS,
      nodes: context.nodes,
      dnsRecords: context.dnsRecords,
      probe: context.probe,
      outDir: join(reportsDir(), `debug-on-failure-${new Date().toISOString().replace(/[:.]/g, '-')}`),
    });
    const critical = result.report.findings.filter((finding) => finding.severity === 'critical').map((finding) => finding.title);
    out.write(`debug report: ${result.written.htmlPath}${critical.length ? `\n  critical: ${critical.join('\n  critical: ')}` : ''}\n`);
  } catch (error) {
    out.write(`debug on failure: the capture failed: ${(error as Error).message}\n`);
  }
}
