import { PassThrough } from 'node:stream';
import { createInterface } from 'node:readline';
import type Docker from 'dockerode';
import type { LogOptions } from '../runtime.ts';

/** A container's output, stdout and stderr merged (demultiplexed), line by line. */
export async function* logLines(client: Docker, idOrName: string, options: LogOptions = {}): AsyncIterable<string> {
  const container = client.getContainer(idOrName);
  const merged = new PassThrough();
  const common = { stdout: true, stderr: true, timestamps: options.timestamps ?? false, ...(options.since ? { since: options.since } : {}) };
  if (options.follow) {
    const stream = await container.logs({ ...common, follow: true });
    client.modem.demuxStream(stream, merged, merged);
    const stop = () => {
      (stream as unknown as { destroy(): void }).destroy();
      merged.end();
    };
    stream.on('end', () => merged.end());
    stream.on('close', () => merged.end());
    if (options.signal?.aborted) stop();
    options.signal?.addEventListener('abort', stop, { once: true });
  } else {
    const buffer = await container.logs({ ...common, follow: false });
    demuxBuffer(buffer, merged);
    merged.end();
  }
  yield* createInterface({ input: merged, crlfDelay: Infinity });
}

/** Splits the Engine API's multiplexed log buffer (8-byte frame headers) into one stream. */
function demuxBuffer(buffer: Buffer, into: PassThrough): void {
  let offset = 0;
  while (offset + 8 <= buffer.length) {
    const size = buffer.readUInt32BE(offset + 4);
    into.write(buffer.subarray(offset + 8, offset + 8 + size));
    offset += 8 + size;
  }
  if (offset === 0 && buffer.length > 0) into.write(buffer); // a TTY container's logs are not framed
}

/** The container's last lines, for error messages. */
export async function logTail(client: Docker, idOrName: string, lines: number): Promise<string> {
  const buffer = await client.getContainer(idOrName).logs({ stdout: true, stderr: true, tail: lines, follow: false });
  const merged = new PassThrough();
  demuxBuffer(buffer, merged);
  merged.end();
  const chunks: Buffer[] = [];
  for await (const chunk of merged) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString();
}
