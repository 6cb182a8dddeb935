import { formatDuration, nowMs } from './time.ts';

/** Where long steps report to; the CLI prints, the library stays quiet by default. */
export interface ProgressReporter {
  stepStarted(title: string): void;
  stepDone(title: string, elapsedMs: number, detail?: string): void;
  stepFailed(title: string, elapsedMs: number, error: unknown): void;
  note(message: string): void;
}

export const silentReporter: ProgressReporter = {
  stepStarted() {},
  stepDone() {},
  stepFailed() {},
  note() {},
};

/** Prints each step with its time to stderr: `✔ build node image (1.2 s)`. */
export function terminalReporter(stream: NodeJS.WritableStream = process.stderr): ProgressReporter {
  const tty = (stream as NodeJS.WriteStream).isTTY === true;
  return {
    stepStarted(title) {
      if (tty) stream.write(`… ${title}\r`);
    },
    stepDone(title, elapsedMs, detail) {
      stream.write(`${tty ? '\x1b[2K' : ''}✔ ${title} (${formatDuration(elapsedMs)})${detail ? ` ${detail}` : ''}\n`);
    },
    stepFailed(title, elapsedMs, error) {
      const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
      stream.write(`${tty ? '\x1b[2K' : ''}✘ ${title} (${formatDuration(elapsedMs)}): ${message}\n`);
    },
    note(message) {
      stream.write(`  ${message}\n`);
    },
  };
}

/** Runs one step, timing it and reporting start, end or failure. */
export async function step<T>(reporter: ProgressReporter, title: string, work: () => Promise<T>, detail?: (value: T) => string | undefined): Promise<T> {
  const started = nowMs();
  reporter.stepStarted(title);
  try {
    const value = await work();
    reporter.stepDone(title, nowMs() - started, detail?.(value));
    return value;
  } catch (error) {
    reporter.stepFailed(title, nowMs() - started, error);
    throw error;
  }
}
