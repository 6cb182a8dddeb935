/**
 * Turns a capture timestamp counted in some unit (µs, ns, 10^-n s, 2^-n s) into exact whole
 * seconds + nanoseconds. Numbers stay integers: a nanosecond epoch (~1.7e18) exceeds 2^53, so
 * such values go through BigInt.
 */
export class TimestampScale {
  readonly description: string;
  private readonly unitsPerSec: number;
  private readonly unitsPerSecBig: bigint;
  private readonly decimalDigits: number;

  /** `resolution` is the pcapng if_tsresol byte: high bit 0 = 10^-n, 1 = 2^-n. */
  constructor(resolution = 6, private readonly offsetSec = 0) {
    const binary = (resolution & 0x80) !== 0;
    const exponent = resolution & 0x7f;
    this.decimalDigits = binary ? -1 : exponent;
    this.unitsPerSec = binary ? 2 ** exponent : 10 ** exponent;
    this.unitsPerSecBig = binary ? 1n << BigInt(exponent) : 10n ** BigInt(exponent);
    this.description = binary ? `2^-${exponent} s` : exponent === 6 ? 'µs' : exponent === 9 ? 'ns' : `10^-${exponent} s`;
  }

  get nanosecond(): boolean {
    return this.decimalDigits === 9;
  }

  /** Converts a 64-bit count given as two 32-bit halves; writes into `out`. */
  convert(high: number, low: number, out: { tsSec: number; tsNs: number }): void {
    const units = high * 4294967296 + low;
    if (units <= Number.MAX_SAFE_INTEGER && this.decimalDigits >= 0 && this.decimalDigits <= 9) {
      const sec = Math.floor(units / this.unitsPerSec);
      out.tsSec = sec + this.offsetSec;
      out.tsNs = (units - sec * this.unitsPerSec) * 10 ** (9 - this.decimalDigits);
      return;
    }
    const big = (BigInt(high) << 32n) | BigInt(low);
    const sec = big / this.unitsPerSecBig;
    out.tsSec = Number(sec) + this.offsetSec;
    out.tsNs = Number(((big - sec * this.unitsPerSecBig) * 1_000_000_000n) / this.unitsPerSecBig);
  }
}

/** Nanoseconds from (aSec, aNs) to (bSec, bNs): exact while under 2^53 ns (104 days). */
export function nsBetween(aSec: number, aNs: number, bSec: number, bNs: number): number {
  return (bSec - aSec) * 1_000_000_000 + (bNs - aNs);
}

/** "1700000000.465646711": the epoch time as tshark prints frame.time_epoch (9 digits). */
export function formatEpoch(sec: number, ns: number): string {
  return `${sec}.${String(ns).padStart(9, '0')}`;
}

/** Milliseconds as text from integer nanoseconds, with no floating-point rounding: 14482 -> "0.014482". */
export function formatNsAsMs(ns: number): string {
  const negative = ns < 0;
  const abs = Math.abs(ns);
  const whole = Math.floor(abs / 1_000_000);
  const fraction = String(abs % 1_000_000).padStart(6, '0').replace(/0+$/, '');
  return `${negative ? '-' : ''}${whole}${fraction ? `.${fraction}` : ''}`;
}

/** Exact "seconds.nnnnnnnnn" from (aSec, aNs) to (bSec, bNs), however far apart (no float, no 2^53 limit). */
export function formatElapsed(aSec: number, aNs: number, bSec: number, bNs: number): string {
  let sec = bSec - aSec;
  let ns = bNs - aNs;
  if (ns < 0) {
    sec -= 1;
    ns += 1_000_000_000;
  }
  return formatEpoch(sec, ns);
}
