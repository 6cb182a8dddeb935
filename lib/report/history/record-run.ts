import type { AccelMode, Measurement, RunRecord } from '../measurement.ts';
import { appendRun } from './append-run.ts';
import { collectRunContext } from './run-context.ts';

export interface RecordRunOptions {
  /** The resolved topology the run measured (its name and content hash). */
  topology: { name: string; hash: string };
  accelMode: AccelMode;
  /** Name for this run, usable as `--baseline LABEL`; default $HYBRID_LAB_RUN_LABEL. */
  label?: string;
  /** History file; default reports/history/latency.jsonl or $HYBRID_LAB_HISTORY. */
  historyPath?: string;
  /** When measuring began (pass it from the suite's start); default now. */
  startedAt?: Date;
}

/**
 * What suites and `hybrid-lab bench` call after measuring: gathers the run context and appends
 * the run to the latency history. Returns the record and the file it went to.
 */
export async function recordRun(measurements: Measurement[], options: RecordRunOptions): Promise<{ record: RunRecord; path: string }> {
  const label = options.label ?? (process.env.HYBRID_LAB_RUN_LABEL || undefined);
  const context = await collectRunContext({
    topologyName: options.topology.name,
    topologyHash: options.topology.hash,
    accelMode: options.accelMode,
    ...(label ? { label } : {}),
    ...(options.startedAt ? { startedAt: options.startedAt } : {}),
  });
  const record = { context, measurements };
  return { record, path: await appendRun(record, options.historyPath) };
}
