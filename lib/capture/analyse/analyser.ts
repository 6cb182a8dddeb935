import type { DecodedPacket } from '../decode/packet.ts';

/** One pass over the capture: every analyser sees every decoded packet, then reports. */
export interface PacketAnalyser<Result> {
  onPacket(packet: DecodedPacket): void;
  finish(): Result;
}

/** Milliseconds between two capture timestamps, rounded to microseconds (what pcap stores). */
export function elapsedMs(fromSec: number, toSec: number): number {
  return Math.round((toSec - fromSec) * 1e6) / 1e3;
}
