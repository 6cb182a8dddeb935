import { HybridLabError } from '../../common/errors.ts';

/** Bad values of report flags: names the flag, the value and what would be accepted. Exit 2. */
export class ReportInputError extends HybridLabError {}

const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** `--since`: a relative age (`90m`, `12h`, `7d`, `2w`) or an ISO date; returns the cut-off time. */
export function parseSince(text: string, now = new Date()): Date {
  const relative = /^(\d+(?:\.\d+)?)\s*([mhdw])$/.exec(text.trim());
  if (relative) return new Date(now.getTime() - Number(relative[1]) * UNIT_MS[relative[2]]);
  if (/^\d{4}-\d{2}-\d{2}/.test(text.trim())) {
    const time = Date.parse(text.trim());
    if (!Number.isNaN(time)) return new Date(time);
  }
  throw new ReportInputError(`--since "${text}": expected an age like 90m, 12h, 7d, 2w or an ISO date like 2026-11-01`);
}

/** `--threshold`: a relative change in percent, `20%` or `20`; must be above 0. */
export function parseThresholdPercent(text: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*%?\s*$/.exec(text);
  const value = match ? Number(match[1]) : NaN;
  if (!(value > 0 && value < 10_000)) {
    throw new ReportInputError(`--threshold "${text}": expected a percentage above 0, like 20% or 7.5`);
  }
  return value;
}

/** `--alpha`: the significance level, a number strictly between 0 and 0.5. */
export function parseAlpha(text: string): number {
  const value = Number(text);
  if (!(value > 0 && value < 0.5)) throw new ReportInputError(`--alpha "${text}": expected a number between 0 and 0.5, like 0.01`);
  return value;
}

/** `--loss-threshold`: percentage points of extra loss that count as a regression. */
export function parseLossPoints(text: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*%?\s*$/.exec(text);
  const value = match ? Number(match[1]) : NaN;
  if (!(value > 0 && value <= 100)) throw new ReportInputError(`--loss-threshold "${text}": expected percentage points between 0 and 100, like 5`);
  return value;
}
