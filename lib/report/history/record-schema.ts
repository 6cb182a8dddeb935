import { z } from 'zod';
import type { RunRecord } from '../measurement.ts';

/**
 * The shape of one history line. Readers validate every line, so a hand-edited or foreign
 * file is reported line by line instead of crashing a report halfway.
 */
export const HISTORY_FORMAT = 'hybrid-lab/latency-run@1';

const finite = z.number().refine(Number.isFinite, 'must be a finite number');

const summarySchema = z.object({
  count: z.number().int().nonnegative(),
  // NaN summaries (no samples) are stored as null by JSON.stringify, so accept null too.
  min: z.number().nullable(),
  p50: z.number().nullable(),
  p95: z.number().nullable(),
  p99: z.number().nullable(),
  max: z.number().nullable(),
  mean: z.number().nullable(),
});

const measurementSchema = z.object({
  suite: z.string(),
  metric: z.enum(['icmp-rtt', 'dns-resolve', 'tcp-throughput', 'udp-throughput', 'udp-jitter']),
  unit: z.enum(['ms', 'bitsPerSec']),
  from: z.string().min(1),
  to: z.string().min(1),
  family: z.enum(['ipv4', 'ipv6']).optional(),
  samples: z.array(finite),
  summary: summarySchema,
  lossPercent: z.number().min(0).max(100).optional(),
  budget: z
    .object({ limit: z.number(), kind: z.enum(['max-p95', 'min-value', 'max-loss']), passed: z.boolean() })
    .optional(),
});

const contextSchema = z.object({
  runId: z.string().min(1),
  startedAtIso: z.string().refine((text) => !Number.isNaN(Date.parse(text)), 'must be an ISO date'),
  gitCommit: z.string().optional(),
  topologyName: z.string(),
  topologyHash: z.string(),
  accelMode: z.enum(['kvm', 'tcg', 'none']),
  hostKernel: z.string(),
  toolVersion: z.string(),
  hostname: z.string(),
  label: z.string().optional(),
});

export const historyLineSchema = z.object({
  format: z.literal(HISTORY_FORMAT),
  context: contextSchema,
  measurements: z.array(measurementSchema),
});

/** Serialises a run as one history line (with its trailing newline). */
export function serializeRun(record: RunRecord): string {
  return `${JSON.stringify({ format: HISTORY_FORMAT, context: record.context, measurements: record.measurements })}\n`;
}

/** Parses one line; returns the run or the reason it is unusable. */
export function parseRunLine(line: string): { record: RunRecord } | { problem: string } {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    return { problem: `not valid JSON (${(error as Error).message})` };
  }
  const parsed = historyLineSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { problem: `${issue.path.join('.') || '(line)'}: ${issue.message}` };
  }
  const { context, measurements } = parsed.data;
  // Nulls in summaries came from NaN; give them back as NaN so RunRecord's number types hold.
  const restored = measurements.map((measurement) => ({
    ...measurement,
    summary: Object.fromEntries(
      Object.entries(measurement.summary).map(([key, number]) => [key, number ?? NaN]),
    ) as unknown as RunRecord['measurements'][number]['summary'],
  }));
  return { record: { context, measurements: restored } };
}
