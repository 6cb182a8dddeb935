import { z } from 'zod';

/** Separates the problem from the fix inside a zod message (the same marker as schema.ts's FIX). */
const FIX = ' :: fix: ';

/** The slowest rate tbf is asked for: below it a full-size frame takes longer than any sane queue. */
export const MIN_RATE_BITS_PER_SEC = 10_000;
/** A ceiling that catches a misplaced unit (bits vs. bytes, an extra 000) rather than a real link. */
export const MAX_RATE_BITS_PER_SEC = 100e9;
const MAX_DELAY_MS = 60_000;

/**
 * A link impairment. Each field applies to both directions of the link: `delayMs` is added to
 * every packet each way (a ping's round trip grows by twice it), `lossPercent` drops that share
 * each way, `rateBitsPerSec` caps each direction separately.
 */
export const impairmentSchema = z
  .strictObject({
    /** Added one-way delay per direction, ms (netem). */
    delayMs: z.number().min(0).max(MAX_DELAY_MS, `more than a minute of delay${FIX}give delayMs in milliseconds (at most ${MAX_DELAY_MS})`).optional(),
    /** Random variation around delayMs, ms (netem; needs delayMs). */
    jitterMs: z.number().min(0).max(MAX_DELAY_MS).optional(),
    /** Share of packets dropped per direction, percent (netem). */
    lossPercent: z.number().min(0, `a negative loss${FIX}give lossPercent between 0 and 100`).max(100, `more than 100% loss${FIX}give lossPercent between 0 and 100`).optional(),
    /** Rate cap per direction, bits per second (tbf), e.g. 20000000 for 20 Mbit/s. */
    rateBitsPerSec: z
      .number()
      .int(`not a whole number of bits per second${FIX}write e.g. 20000000 for 20 Mbit/s`)
      .min(MIN_RATE_BITS_PER_SEC, `below ${MIN_RATE_BITS_PER_SEC} bit/s${FIX}rateBitsPerSec is in bits per second: write e.g. 20000000 for 20 Mbit/s`)
      .max(MAX_RATE_BITS_PER_SEC, `above 100 Gbit/s${FIX}rateBitsPerSec is in bits per second: write e.g. 20000000 for 20 Mbit/s`)
      .optional(),
  })
  .superRefine((impairment, context) => {
    const issue = (path: string, message: string) => context.addIssue({ code: 'custom', path: path ? [path] : [], message });
    if (Object.values(impairment).every((value) => value === undefined)) {
      issue('', `an impairment with nothing in it${FIX}give at least one of delayMs, jitterMs (with delayMs), lossPercent, rateBitsPerSec, or remove impair`);
    }
    if (impairment.jitterMs !== undefined && impairment.delayMs === undefined) issue('jitterMs', `jitter without a delay${FIX}give delayMs too (jitter varies the delay around it)`);
    if (impairment.jitterMs !== undefined && impairment.delayMs !== undefined && impairment.jitterMs > impairment.delayMs) {
      issue('jitterMs', `jitterMs (${impairment.jitterMs}) larger than delayMs (${impairment.delayMs}): delays would go below zero and be cut off${FIX}give jitterMs at most delayMs`);
    }
  });

export type Impairment = z.output<typeof impairmentSchema>;

/** The qdiscs an impairment needs from a kernel. */
export type ImpairmentQdisc = 'tbf' | 'netem';

/** Whether the impairment needs netem (delay, jitter or loss); rate alone is tbf's. */
export function needsNetem(impairment: Impairment): boolean {
  return impairment.delayMs !== undefined || impairment.jitterMs !== undefined || impairment.lossPercent !== undefined;
}

/** The impairment's fields netem handles, by name (for errors naming the field). */
export function netemFields(impairment: Impairment): string[] {
  return (['delayMs', 'jitterMs', 'lossPercent'] as const).filter((field) => impairment[field] !== undefined);
}

/** One line a person reads: "20 Mbit/s, delay 10 ms ± 2 ms, loss 1%". */
export function describeImpairment(impairment: Impairment): string {
  const parts: string[] = [];
  if (impairment.rateBitsPerSec !== undefined) parts.push(`rate ${formatRate(impairment.rateBitsPerSec)}`);
  if (impairment.delayMs !== undefined) parts.push(`delay ${impairment.delayMs} ms${impairment.jitterMs ? ` ± ${impairment.jitterMs} ms` : ''}`);
  if (impairment.lossPercent !== undefined) parts.push(`loss ${impairment.lossPercent}%`);
  return parts.join(', ');
}

function formatRate(bitsPerSec: number): string {
  if (bitsPerSec >= 1e9) return `${+(bitsPerSec / 1e9).toFixed(3)} Gbit/s`;
  if (bitsPerSec >= 1e6) return `${+(bitsPerSec / 1e6).toFixed(3)} Mbit/s`;
  return `${+(bitsPerSec / 1e3).toFixed(3)} kbit/s`;
}
