import { spawn } from 'node:child_process';
import { CommandError } from './errors.ts';

export interface RunResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

export interface RunOptions {
  /** Bytes fed to the program's stdin. */
  input?: string | Buffer;
  /** Kill the program after this many milliseconds. */
  timeoutMs?: number;
  /** Return the result instead of throwing when the exit code is not 0. */
  allowFailure?: boolean;
  /** Added to this process's environment. */
  env?: Record<string, string>;
  cwd?: string;
  /** Open descriptors of this process handed to the program as its fds 3, 4, ... (in this order). */
  passFds?: readonly number[];
}

/** A SIGTERM'd program that ignores it is killed after this long (as execa does). */
const FORCE_KILL_AFTER_MS = 5_000;

interface Finished {
  stdout: string;
  stderr: string;
  /** undefined: killed by a signal, timed out, or never started. */
  code: number | undefined;
  timedOut: boolean;
  spawnError?: Error;
  signal?: NodeJS.Signals | null;
}

/** Spawns the program (no shell) and collects its output; node:child_process keeps the CLI's start-up fast. */
function spawnCollect(command: string, args: readonly string[], options: RunOptions): Promise<Finished> {
  return new Promise((resolve) => {
    const child = spawn(command, [...args], { cwd: options.cwd, env: options.env ? { ...process.env, ...options.env } : process.env, stdio: ['pipe', 'pipe', 'pipe', ...(options.passFds ?? [])] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    let forceKill: NodeJS.Timeout | undefined;
    const timer = options.timeoutMs
      ? setTimeout(() => {
          timedOut = true;
          child.kill('SIGTERM');
          forceKill = setTimeout(() => child.kill('SIGKILL'), FORCE_KILL_AFTER_MS).unref();
        }, options.timeoutMs)
      : undefined;
    const done = (finished: Omit<Finished, 'stdout' | 'stderr' | 'timedOut'>) => {
      clearTimeout(timer);
      clearTimeout(forceKill);
      resolve({ stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), timedOut, ...finished });
    };
    child.stdout!.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr!.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', (error) => done({ code: undefined, spawnError: error }));
    child.on('close', (code, signal) => done({ code: timedOut ? undefined : (code ?? undefined), signal }));
    child.stdin!.on('error', () => undefined); // a program that exits without reading its input
    child.stdin!.end(options.input);
  });
}

/** Runs a program with an argument array (never a shell string); throws CommandError on failure. */
export async function run(command: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  const finished = await spawnCollect(command, args, options);
  const exitCode = finished.code ?? (finished.timedOut ? 124 : 128);
  if (finished.code === undefined && !options.allowFailure) {
    // Spawn failures (ENOENT), timeouts and signals land here.
    const why = finished.timedOut ? `timed out after ${options.timeoutMs} ms` : (finished.spawnError?.message ?? `killed by ${finished.signal ?? 'a signal'}`);
    throw new CommandError(command, args, undefined, why, finished.stdout);
  }
  if (exitCode !== 0 && !options.allowFailure) throw new CommandError(command, args, exitCode, finished.stderr, finished.stdout);
  return { stdout: finished.stdout, stderr: finished.stderr, exitCode };
}

/** True when the program exits 0; never throws. */
export async function succeeds(command: string, args: readonly string[], options: RunOptions = {}): Promise<boolean> {
  try {
    return (await run(command, args, { ...options, allowFailure: true })).exitCode === 0;
  } catch {
    return false;
  }
}

/** Whether a program is on PATH. */
export async function hasProgram(name: string): Promise<boolean> {
  return succeeds('sh', ['-c', 'command -v "$1"', 'sh', name]);
}
