/** What every capture format reader hands on: one record at a time, one interface table. */

/** An interface a capture was taken on (pcap has one; pcapng one per Interface Description Block). */
export interface CaptureInterface {
  linkType: number;
  /** 0 means "no limit" in pcapng. */
  snapLength: number;
  /** Digits of sub-second resolution as text: "µs", "ns", "10^-4 s", "2^-20 s". */
  resolution: string;
  name?: string;
}

/**
 * One record. `data` is only valid during the callback: the reader does not copy it. The time
 * is exact: whole seconds since the epoch plus nanoseconds (never a floating-point second).
 */
export interface CaptureRecord {
  interfaceId: number;
  linkType: number;
  tsSec: number;
  tsNs: number;
  /** False for a pcapng Simple Packet Block, which carries no timestamp (tsSec/tsNs are 0). */
  hasTime: boolean;
  capturedLength: number;
  originalLength: number;
  data: Buffer;
}

export type CaptureFormat = 'pcap' | 'pcapng';

export interface CaptureFileHeader {
  format: CaptureFormat;
  littleEndian: boolean;
  /** The first interface's link type and snap length (pcap: the only ones). */
  linkLayerType: number;
  snapshotLength: number;
  /** Classic pcap with magic a1b23c4d, or a pcapng interface with nanosecond resolution. */
  nanosecondTimestamps: boolean;
  interfaces: CaptureInterface[];
}

export interface CaptureHandlers {
  /** Called once the file's format is known; throwing here rejects the read with that error. */
  onHeader?: (header: CaptureFileHeader) => void;
  /** Called for each new interface (pcapng: each IDB); throwing rejects the read. */
  onInterface?: (iface: CaptureInterface, index: number) => void;
  onRecord: (record: CaptureRecord) => void;
}

export interface CaptureReadResult {
  header: CaptureFileHeader;
  packets: number;
  /** The file ended inside a record, or a header was impossible: `packets` is what came before. */
  truncated: boolean;
  truncationReason?: string;
  bytesRead: number;
}

/** Thrown inside a format parser to end the read: the rest of the file cannot be trusted. */
export class CaptureStop extends Error {}
