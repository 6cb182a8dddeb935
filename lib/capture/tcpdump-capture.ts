import { createWriteStream, mkdirSync } from 'node:fs';
import { finished } from 'node:stream/promises';
import { dirname } from 'node:path';
import { execa } from 'execa';
import { HybridLabError } from '../common/errors.ts';
import { PcapRecordCounter } from './pcap-record-counter.ts';

/** tcpdump could not capture: no such interface, bad filter, no permission. */
export class CaptureError extends HybridLabError {}

export interface CaptureProgress {
  elapsedSec: number;
  /** Undefined when capturing until stopped. */
  secondsLeft?: number;
  packets: number;
  bytes: number;
}

export interface CaptureOptions {
  interface: string;
  /** Where the pcap goes (created with its directory). */
  outputPath: string;
  /** Stop after this long; without it, capture runs until `stop()` or the signal aborts. */
  durationSec?: number;
  /** A BPF expression, e.g. "icmp or port 53". */
  filter?: string;
  /** Bytes kept per packet; 0 = whole packet (default). */
  snaplen?: number;
  signal?: AbortSignal;
  /** Called about once a second while capturing. */
  onProgress?: (progress: CaptureProgress) => void;
}

export interface CaptureResult {
  path: string;
  packets: number;
  bytes: number;
  durationSec: number;
  stoppedBy: 'duration' | 'stop';
  /** tcpdump's "dropped by kernel" count: packets the capture missed. */
  droppedByKernel?: number;
}

export interface CaptureHandle {
  /** Resolves once tcpdump is listening: traffic sent after this is captured. */
  ready: Promise<void>;
  stop(): void;
  done: Promise<CaptureResult>;
}

/**
 * Starts tcpdump on an interface writing pcap to stdout (-w -), which we save and count as it
 * arrives. --immediate-mode and -U make tcpdump hand over every packet at once, so stopping it
 * (SIGINT) loses nothing still sitting in a buffer.
 */
export function startCapture(options: CaptureOptions): CaptureHandle {
  const args = ['-i', options.interface, '-n', '-s', String(options.snaplen ?? 0), '--immediate-mode', '-U', '-w', '-'];
  if (options.filter) args.push(options.filter);
  // The file and the counter are wired before tcpdump starts, so no early chunk is missed.
  mkdirSync(dirname(options.outputPath), { recursive: true });
  // Captures hold every packet of the lab: readable by root only, whatever the umask.
  const file = createWriteStream(options.outputPath, { mode: 0o600 });
  const child = execa('tcpdump', args, { stdout: 'pipe', stderr: 'pipe', reject: false, buffer: { stdout: false, stderr: true }, encoding: 'buffer' });
  const counter = new PcapRecordCounter();
  child.stdout!.on('data', (chunk: Buffer) => counter.push(chunk));
  child.stdout!.pipe(file);
  const startedAt = Date.now();
  let stoppedBy: CaptureResult['stoppedBy'] = 'stop';
  let stderrText = '';
  let exited = false;
  const settled = child.then(
    (result) => result,
    (error: Error) => {
      throw new CaptureError(`tcpdump could not run: ${error.message}`);
    },
  );
  void settled.finally(() => {
    exited = true;
  }).catch(() => {});

  const ready = new Promise<void>((resolve, reject) => {
    child.stderr?.on('data', (chunk: Buffer) => {
      stderrText += chunk.toString();
      if (stderrText.includes('listening on')) resolve();
    });
    settled.then(
      () => reject(new CaptureError(`tcpdump -i ${options.interface}${options.filter ? ` "${options.filter}"` : ''} did not start: ${stderrText.trim().replace(/\s*\n\s*/g, ' ') || 'it exited'}`)),
      (error: Error) => reject(error),
    );
  });
  ready.catch(() => {});

  const stop = () => {
    if (!exited) child.kill('SIGINT');
  };
  const timer = options.durationSec !== undefined ? setTimeout(() => {
    stoppedBy = 'duration';
    stop();
  }, options.durationSec * 1000) : undefined;
  options.signal?.addEventListener('abort', stop, { once: true });
  const ticker = setInterval(() => {
    const elapsedSec = (Date.now() - startedAt) / 1000;
    const secondsLeft = options.durationSec === undefined ? undefined : Math.max(0, Math.ceil(options.durationSec - elapsedSec));
    options.onProgress?.({ elapsedSec, secondsLeft, packets: counter.packets, bytes: counter.bytes });
  }, 1000);

  const done = (async (): Promise<CaptureResult> => {
    try {
      const result = await settled;
      // finished() also resolves for a stream that already finished (once() would wait forever).
      await finished(file).catch(() => {});
      const stderr = stderrText;
      // tcpdump exits 0 on SIGINT; anything else is a failure to capture.
      if (result.exitCode !== 0 && result.exitCode !== undefined) {
        throw new CaptureError(`tcpdump -i ${options.interface}${options.filter ? ` "${options.filter}"` : ''} failed (exit ${result.exitCode}): ${stderr.trim().split('\n').pop()}`);
      }
      const dropped = /(\d+) packets? dropped by kernel/.exec(stderr);
      return { path: options.outputPath, packets: counter.packets, bytes: counter.bytes, durationSec: (Date.now() - startedAt) / 1000, stoppedBy, droppedByKernel: dropped ? Number(dropped[1]) : undefined };
    } finally {
      clearTimeout(timer);
      clearInterval(ticker);
      options.signal?.removeEventListener('abort', stop);
    }
  })();
  return { ready, stop, done };
}

/** Captures for the duration (or until the signal aborts) and returns where the pcap is. */
export async function capturePackets(options: CaptureOptions): Promise<CaptureResult> {
  const handle = startCapture(options);
  try {
    await handle.ready;
  } catch (error) {
    await handle.done.catch(() => {});
    throw error;
  }
  return handle.done;
}
