/**
 * Bounds-checked reads over a DNS message with tshark's two limits: reading past the bytes the
 * capture kept (but inside the message's length on the wire) is "short" (snap-length cut, the
 * data so far is good); reading past the message's wire length is "malformed".
 */
export type DnsProblemKind = 'short' | 'malformed';

export class DnsBoundsError extends Error {
  constructor(
    readonly kind: DnsProblemKind,
    readonly at: number,
    readonly wanted: number,
    readonly what: string,
    /** What a record's data read as far as it went (kept like tshark keeps fields added before the error). */
    public partial?: string,
  ) {
    super(kind === 'short' ? `cut by the capture snap length while reading ${what}` : `${what} runs past the end of the message`);
  }
}

export class DnsCursor {
  constructor(
    readonly data: Buffer,
    /** Offset of the message's first byte (the ID). */
    readonly start: number,
    /** End of the bytes the capture kept. */
    readonly capturedEnd: number,
    /** End of the message on the wire (UDP payload length, or the TCP length prefix). */
    readonly reportedEnd: number,
  ) {}

  /** Throws the right DnsBoundsError unless `length` bytes at `at` can be read. */
  need(at: number, length: number, what: string): void {
    const end = at + length;
    if (end <= this.capturedEnd && end <= this.reportedEnd) return;
    if (end > this.reportedEnd) throw new DnsBoundsError('malformed', at - this.start, length, what);
    throw new DnsBoundsError('short', at - this.start, length, what);
  }

  /**
   * Like `need`, for data tshark reads one byte at a time (name labels): the first byte that is
   * missing decides, so a label running past a snap-length cut is short even if its length byte
   * also points past the message.
   */
  needBytewise(at: number, length: number, what: string): void {
    const end = at + length;
    if (end <= this.capturedEnd && end <= this.reportedEnd) return;
    const firstMissing = Math.max(at, Math.min(this.capturedEnd, this.reportedEnd));
    if (firstMissing >= this.reportedEnd) throw new DnsBoundsError('malformed', at - this.start, length, what);
    throw new DnsBoundsError('short', at - this.start, length, what);
  }

  u8(at: number, what: string): number {
    this.need(at, 1, what);
    return this.data[at];
  }

  u16(at: number, what: string): number {
    this.need(at, 2, what);
    return this.data.readUInt16BE(at);
  }

  u32(at: number, what: string): number {
    this.need(at, 4, what);
    return this.data.readUInt32BE(at);
  }

  bytes(at: number, length: number, what: string): Buffer {
    this.need(at, length, what);
    return this.data.subarray(at, at + length);
  }
}

/** Longest chain of compression pointers followed before a name is called a loop. */
const MAX_POINTERS = 64;

/** Presentation text for one label byte sequence: dots, backslashes and non-printables escaped as dig does. */
export function labelText(data: Buffer, from: number, to: number): string {
  let text = '';
  for (let i = from; i < to; i++) {
    const byte = data[i];
    if (byte === 0x2e || byte === 0x5c) text += `\\${String.fromCharCode(byte)}`;
    else if (byte > 0x20 && byte < 0x7f) text += String.fromCharCode(byte);
    else text += `\\${String(byte).padStart(3, '0')}`;
  }
  return text;
}

/**
 * Reads a possibly compressed domain name at `at`. Returns the name ("<Root>" for the root, as
 * tshark prints it) and the offset after it in the record (a pointer ends the name there).
 */
export function readName(cursor: DnsCursor, at: number, what: string): { name: string; next: number } {
  const labels: string[] = [];
  let offset = at;
  let next = -1;
  let pointers = 0;
  for (;;) {
    const length = cursor.u8(offset, what);
    if (length === 0) {
      if (next < 0) next = offset + 1;
      break;
    }
    if ((length & 0xc0) === 0xc0) {
      const target = cursor.u16(offset, what) & 0x3fff;
      if (next < 0) next = offset + 2;
      if (++pointers > MAX_POINTERS) throw new DnsBoundsError('malformed', offset - cursor.start, 2, `${what} (compression pointer loop)`);
      offset = cursor.start + target;
      continue;
    }
    // An extended label (RFC 2673) ends the name as tshark reads it; the reserved 0x80 type is an error.
    if ((length & 0xc0) === 0x40) return { name: '<Unknown extended label>', next: next < 0 ? offset + 1 : next };
    if ((length & 0xc0) !== 0) throw new DnsBoundsError('malformed', offset - cursor.start, 1, `${what} (label type 0x${(length & 0xc0).toString(16)})`);
    cursor.needBytewise(offset + 1, length, what);
    labels.push(labelText(cursor.data, offset + 1, offset + 1 + length));
    offset += 1 + length;
  }
  return { name: labels.length === 0 ? '<Root>' : labels.join('.'), next };
}
