/**
 * Test helper process: appends synthetic runs to a history file, as fast as it can, so tests
 * can run several at once or SIGKILL one mid-stream. Usage: append-loop.ts FILE COUNT|forever TAG [SAMPLES]
 */
import { summarize } from '../../measurement.ts';
import { appendRun } from '../append-run.ts';

const [file, countText, tag, samplesText] = process.argv.slice(2);
const count = countText === 'forever' ? Infinity : Number(countText);
const samplesPerMeasurement = Number(samplesText ?? 50);

for (let index = 0; index < count; index++) {
  const samples = Array.from({ length: samplesPerMeasurement }, (_, sample) => 0.1 + ((index * 7919 + sample * 104729) % 1000) / 1000);
  await appendRun(
    {
      context: {
        runId: `${tag}-${index}`,
        startedAtIso: new Date(Date.UTC(2026, 0, 1) + index * 1000).toISOString(),
        topologyName: 'loop',
        topologyHash: 'loop',
        accelMode: 'none',
        hostKernel: 'test',
        toolVersion: 'test',
        hostname: tag,
      },
      measurements: [{ suite: 'latency', metric: 'icmp-rtt', unit: 'ms', from: 'a', to: 'b', samples, summary: summarize(samples) }],
    },
    file,
  );
  // Tell the parent how far we got; it kills us once the file holds some runs.
  if (index === 2) process.stdout.write('ready\n');
}
