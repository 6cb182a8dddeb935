import { mkdir, open, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { HybridLabError } from '../../common/errors.ts';
import type { RunRecord } from '../measurement.ts';
import { resolveHistoryPath } from './history-path.ts';
import { parseRunLine, serializeRun } from './record-schema.ts';

/**
 * Appends one run to the history file and returns the file's path.
 *
 * Durability: the whole line goes out in one write(2) on an O_APPEND descriptor, then fsync.
 * On Linux a regular-file write holds the inode lock, so concurrent appenders never interleave,
 * and a process killed at any point leaves earlier lines intact: at worst the last line is
 * missing, or (power loss) torn, which readHistory flags and skips. If the file does not end in
 * a newline (a torn tail from an earlier crash), we start with one so the new run stays whole.
 */
export async function appendRun(record: RunRecord, path?: string): Promise<string> {
  const file = resolveHistoryPath(path);
  const line = serializeRun(record);
  // Refuse to write what the reader would reject (NaN samples, bad dates): fail the writer, not the report.
  const check = parseRunLine(line);
  if ('problem' in check) {
    throw new HybridLabError(`refusing to append run ${record.context.runId} to ${file}: ${check.problem}`);
  }
  await mkdir(dirname(file), { recursive: true });
  const handle = await open(file, 'a+', 0o644);
  try {
    const prefix = (await endsWithoutNewline(handle)) ? '\n' : '';
    await writeAll(handle, Buffer.from(prefix + line, 'utf8'));
    await handle.sync();
  } finally {
    await handle.close();
  }
  return file;
}

async function endsWithoutNewline(handle: FileHandle): Promise<boolean> {
  const { size } = await handle.stat();
  if (size === 0) return false;
  const last = Buffer.alloc(1);
  await handle.read(last, 0, 1, size - 1);
  return last[0] !== 0x0a;
}

/** One write in practice; loops only if the kernel returns a short write (disk nearly full). */
async function writeAll(handle: FileHandle, buffer: Buffer): Promise<void> {
  let offset = 0;
  while (offset < buffer.length) {
    const { bytesWritten } = await handle.write(buffer, offset, buffer.length - offset);
    if (bytesWritten === 0) throw new HybridLabError('history append wrote 0 bytes (disk full?)');
    offset += bytesWritten;
  }
}
