import { PassThrough, type Readable } from 'node:stream';
import type Docker from 'dockerode';
import { killProcessTree } from '../../common/process-tree.ts';
import type { ExecOptions, ExecResult } from '../../nodes/node.ts';

/** Runs argv in a container through the Engine API, stdout and stderr kept apart, stdin passed when given. */
export async function execIn(client: Docker, idOrName: string, argv: readonly string[], options: ExecOptions & { stdin?: Readable } = {}): Promise<ExecResult> {
  const container = client.getContainer(idOrName);
  const exec = await container.exec({ Cmd: [...argv], AttachStdout: true, AttachStderr: true, AttachStdin: options.stdin !== undefined });
  const stream = await exec.start({ hijack: true, stdin: options.stdin !== undefined });
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on('data', (chunk: Buffer) => out.push(chunk));
  stderr.on('data', (chunk: Buffer) => err.push(chunk));
  client.modem.demuxStream(stream, stdout, stderr);
  if (options.stdin) {
    options.stdin.pipe(stream);
    // Half-close so the command sees end-of-file when our stdin ends.
    options.stdin.once('end', () => (stream as unknown as { end(): void }).end());
  }
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
  if (timedOut) {
    // The Engine API cannot stop an exec: closing our stream leaves the command running in the
    // node. Its host pid (exec inspect) is killed with its children, as `timeout` would.
    const info = await exec.inspect().catch(() => undefined);
    if (info?.Running && info.Pid && info.Pid > 0) await killProcessTree(info.Pid);
    return { exitCode: 124, stdout: Buffer.concat(out).toString(), stderr: `${Buffer.concat(err).toString()}timed out after ${options.timeoutMs} ms` };
  }
  const inspected = await exec.inspect();
  return { exitCode: inspected.ExitCode ?? 1, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() };
}
