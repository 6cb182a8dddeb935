import type { DecodedPacket } from '../../capture/decode/packet.ts';
import { nsBetween } from '../../capture/read/timestamp-scale.ts';

/** One pass over the capture: every analyser sees every decoded packet, then reports. */
export interface PacketAnalyser<Result> {
  onPacket(packet: DecodedPacket): void;
  finish(): Result;
}

/** An exact capture time: seconds since the epoch and nanoseconds within the second. */
export interface ExactTime {
  tsSec: number;
  tsNs: number;
}

/** Integer nanoseconds from `from` to the packet's time. */
export function elapsedNs(from: ExactTime, packet: ExactTime): number {
  return nsBetween(from.tsSec, from.tsNs, packet.tsSec, packet.tsNs);
}

/** Longest event list an analysis keeps (the totals count them all). */
export const EVENT_LIMIT = 5000;
/** Open requests (echo, DNS query, SYN) waiting for an answer; older ones count as unanswered. */
export const PENDING_LIMIT = 100_000;
/** Samples kept per distribution (RTT, DNS time); percentiles are exact below this. */
export const RESERVOIR_SIZE = 10_000;
