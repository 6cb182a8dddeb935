import { formatDuration, nowMs } from './time.ts';

/** Where long steps report to; the CLI prints, the library stays quiet by default. */
export interface ProgressReporter {
  stepStarted(title: string): void;
  stepDone(title: string, elapsedMs: number, detail?: string): void;
  stepFailed(title: string, elapsedMs: number, error: unknown): void;
  note(message: string): void;
  /** Optional: how many steps the run will take, so steps can be numbered [n/N]. */
  plan?(totalSteps: number): void;
}

export const silentReporter: ProgressReporter = {
  stepStarted() {},
  stepDone() {},
  stepFailed() {},
  note() {},
};

export interface TerminalReporterOptions {
  stream?: NodeJS.WritableStream;
  /** Number steps as they start: `[3/12]` once plan() was called, `[3]` before. */
  numbered?: boolean;
  /** Colour the ✔/✘ marks (the CLI decides: TTY, NO_COLOR, FORCE_COLOR). */
  colour?: boolean;
  /** How often a running step's elapsed time is redrawn on a TTY. */
  tickMs?: number;
}

const paint = (on: boolean, code: number, text: string) => (on ? `\x1b[${code}m${text}\x1b[39m` : text);

/**
 * Prints every step when it starts and when it ends with its time, to stderr. On a terminal the
 * running step's line ticks (`… build node image 12 s`) and is replaced by its result; in a pipe
 * or CI log each start is its own line, so a minutes-long step never looks hung.
 */
export function terminalReporter(streamOrOptions: NodeJS.WritableStream | TerminalReporterOptions = {}): ProgressReporter {
  const options: TerminalReporterOptions = 'write' in streamOrOptions ? { stream: streamOrOptions } : streamOrOptions;
  const stream = options.stream ?? process.stderr;
  const tty = (stream as NodeJS.WriteStream).isTTY === true;
  const colour = options.colour ?? false;
  let started = 0;
  let total: number | undefined;
  const running = new Map<string, { label: string; since: number }>();
  let ticker: NodeJS.Timeout | undefined;
  const redraw = () => {
    const current = [...running.values()].at(-1);
    if (current) stream.write(`\x1b[2K… ${current.label} ${formatDuration(nowMs() - current.since)}\r`);
  };
  const finish = (title: string) => {
    const label = running.get(title)?.label ?? title;
    running.delete(title);
    if (running.size === 0 && ticker) {
      clearInterval(ticker);
      ticker = undefined;
    }
    return label;
  };
  const clear = tty ? '\x1b[2K' : '';
  return {
    plan(totalSteps) {
      total = totalSteps;
    },
    stepStarted(title) {
      started++;
      const label = options.numbered ? `[${started}${total ? `/${Math.max(total, started)}` : ''}] ${title}` : title;
      running.set(title, { label, since: nowMs() });
      if (!tty) return void stream.write(`… ${label}\n`);
      redraw();
      ticker ??= setInterval(redraw, options.tickMs ?? 1000).unref();
    },
    stepDone(title, elapsedMs, detail) {
      const line = finish(title);
      stream.write(`${clear}${paint(colour, 32, '✔')} ${line} (${formatDuration(elapsedMs)})${detail ? ` ${detail}` : ''}\n`);
      if (tty && running.size > 0) redraw();
    },
    stepFailed(title, elapsedMs, error) {
      const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
      const line = finish(title);
      stream.write(`${clear}${paint(colour, 31, '✘')} ${line} (${formatDuration(elapsedMs)}): ${message}\n`);
    },
    note(message) {
      stream.write(`${clear}  ${message}\n`);
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
