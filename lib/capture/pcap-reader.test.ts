import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PcapFormatError } from './errors.ts';
import { readPcap } from './pcap-reader.ts';
import { edgeCaseRecords } from './testing/edge-captures.ts';
import { buildPcap } from './testing/pcap-writer.ts';

const dir = mkdtempSync(join(tmpdir(), 'hl-pcap-'));
function file(name: string, content: Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}
async function count(path: string) {
  let packets = 0;
  const result = await readPcap(path, { onRecord: () => packets++ });
  return { ...result, seen: packets };
}

describe('readPcap', () => {
  const whole = buildPcap(edgeCaseRecords());

  it('reads every record of a well-formed file', async () => {
    const result = await count(file('ok.pcap', whole));
    expect(result.seen).toBe(edgeCaseRecords().length);
    expect(result.truncated).toBe(false);
    expect(result.header.linkLayerType).toBe(1);
  });

  it('flags a file cut inside a record and keeps the packets before it', async () => {
    const result = await count(file('cut.pcap', whole.subarray(0, whole.length - 10)));
    expect(result.truncated).toBe(true);
    expect(result.seen).toBe(edgeCaseRecords().length - 1);
    expect(result.truncationReason).toMatch(/ends inside record/);
  });

  it('flags a file cut right after a record header', async () => {
    const first = buildPcap(edgeCaseRecords().slice(0, 1));
    const result = await count(file('header-only.pcap', Buffer.concat([first, Buffer.alloc(16, 0x01).fill(0, 8)])));
    // A 16-byte record header claiming 0x01010101 seconds and a 0-byte body is a legal empty record.
    expect(result.seen).toBe(2);
    const cut = Buffer.concat([first, whole.subarray(first.length, first.length + 16)]);
    const cutResult = await count(file('header-cut.pcap', cut));
    expect(cutResult.truncated).toBe(true);
    expect(cutResult.seen).toBe(1);
  });

  it('stops at a corrupt record length instead of buffering the rest of the file', async () => {
    const corrupt = Buffer.from(whole);
    const secondRecord = buildPcap(edgeCaseRecords().slice(0, 1)).length;
    corrupt.writeUInt32LE(0x7fffffff, secondRecord + 8);
    const result = await count(file('corrupt.pcap', corrupt));
    expect(result.truncated).toBe(true);
    expect(result.seen).toBe(1);
    expect(result.truncationReason).toMatch(/corrupt record header 2/);
  });

  it('says a pcapng file without a readable section header cannot be read', async () => {
    const pcapng = Buffer.alloc(64);
    pcapng.writeUInt32BE(0x0a0d0d0a, 0);
    const result = await readPcap(file('x.pcapng', pcapng), { onRecord() {} }).catch((error: Error) => error);
    expect(String(result)).toMatch(/x\.pcapng: could not read the capture header. Fix:/);
  });

  it('rejects files that are not pcap at all, or too short', async () => {
    await expect(readPcap(file('text.pcap', Buffer.from('hello world, this is not a capture file')), { onRecord() {} })).rejects.toBeInstanceOf(PcapFormatError);
    const short = Buffer.alloc(5);
    short.writeUInt32LE(0xa1b2c3d4, 0);
    await expect(readPcap(file('short.pcap', short), { onRecord() {} })).rejects.toThrow(/short\.pcap is not a complete pcap file: only 5 bytes/);
    await expect(readPcap(join(dir, 'missing.pcap'), { onRecord() {} })).rejects.toThrow(/cannot read capture .*missing\.pcap: there is no such file/);
    await expect(readPcap(dir, { onRecord() {} })).rejects.toThrow(new RegExp(`cannot read capture ${dir}: it is a directory, not a capture file`));
  });

  it('reads nanosecond-resolution files and scales their timestamps', async () => {
    const nano = Buffer.from(whole);
    nano.writeUInt32LE(0xa1b23c4d, 0);
    const firstRecord = 24;
    nano.writeUInt32LE(465_646_711, firstRecord + 4);
    const times: string[] = [];
    const result = await readPcap(file('nano.pcap', nano), { onRecord: (r) => times.push(`${r.tsSec}.${r.tsNs}`) });
    expect(result.header.nanosecondTimestamps).toBe(true);
    // Exact: no floating-point second rounds …465646711 to …4656467.
    expect(times[0]).toBe('1000.465646711');
  });
});
