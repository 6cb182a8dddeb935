import { PassThrough } from 'node:stream';
import type { ExecOptions, ExecResult } from '../nodes/node.ts';
import { killProcessTree } from '../common/process-tree.ts';
import { docker } from './docker-client.ts';

/** Runs argv in a container through the Engine API, with stdout and stderr kept apart. */
export async function execInContainer(containerId: string, argv: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
  const container = docker().getContainer(containerId);
  const exec = await container.exec({ Cmd: [...argv], AttachStdout: true, AttachStderr: true });
  const stream = await exec.start({ hijack: true, stdin: false });
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on('data', (chunk: Buffer) => out.push(chunk));
  stderr.on('data', (chunk: Buffer) => err.push(chunk));
  docker().modem.demuxStream(stream, stdout, stderr);
  const finished = new Promise<void>((resolve, reject) => {
    stream.on('end', resolve);
    stream.on('close', resolve);
    stream.on('error', reject);
  });
  let timedOut = false;
  const timer = options.timeoutMs
    ? setTimeout(() => {
        timedOut = true;
        stream.destroy();
      }, options.timeoutMs)
    : undefined;
  await finished.catch(() => undefined);
  if (timer) clearTimeout(timer);
  // Docker has no API to stop an exec: closing our stream leaves the command running in the
  // node. Its host pid (exec inspect) is killed with its children, as `timeout` would.
  if (timedOut) await killExecProcess(exec);
  if (timedOut) return { exitCode: 124, stdout: Buffer.concat(out).toString(), stderr: `${Buffer.concat(err).toString()}timed out after ${options.timeoutMs} ms` };
  const inspected = await exec.inspect();
  return { exitCode: inspected.ExitCode ?? 1, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() };
}

async function killExecProcess(exec: { inspect(): Promise<{ Pid?: number; Running?: boolean }> }): Promise<void> {
  const info = await exec.inspect().catch(() => undefined);
  if (info?.Running && info.Pid && info.Pid > 0) await killProcessTree(info.Pid);
}
