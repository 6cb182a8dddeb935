import { HybridLabError } from '../common/errors.ts';

/** A capture file we cannot read at all (not pcap, pcapng, unknown link type). */
export class PcapFormatError extends HybridLabError {}
