import { randomBytes } from 'node:crypto';
import { createConnection } from 'node:net';
import type { ExecResult } from '../../nodes/node.ts';
import { encodeExecRequest, parseExecReply } from './serial-protocol.ts';

/** Default time a command inside a VM may run. */
export const DEFAULT_VM_EXEC_TIMEOUT_MS = 120_000;

/** How long past the guest's own timeout the host waits before declaring the channel stuck. */
const HOST_GRACE_MS = 5_000;

/** One queue per serial socket: the console carries one command at a time. */
const queues = new Map<string, Promise<unknown>>();

/**
 * Runs argv in the VM over its serial console (no network needed), with stdout and stderr kept
 * apart. Calls on one VM are queued; other processes' calls wait in QEMU's accept backlog, since
 * QEMU serves one console client at a time. A command past its timeout is killed in the guest
 * and reported as exit 124; if the guest does not answer at all the host gives up the same way
 * and the next request, with its own tag, ignores any late answer.
 */
export function serialExec(socketPath: string, argv: readonly string[], timeoutMs = DEFAULT_VM_EXEC_TIMEOUT_MS, hostGraceMs = HOST_GRACE_MS): Promise<ExecResult> {
  const previous = queues.get(socketPath) ?? Promise.resolve();
  const next = previous.catch(() => undefined).then(() => execOnce(socketPath, argv, timeoutMs, hostGraceMs));
  queues.set(socketPath, next);
  void next.finally(() => {
    if (queues.get(socketPath) === next) queues.delete(socketPath);
  }).catch(() => undefined);
  return next;
}

function execOnce(socketPath: string, argv: readonly string[], timeoutMs: number, hostGraceMs: number): Promise<ExecResult> {
  const tag = randomBytes(6).toString('hex');
  const request = encodeExecRequest(tag, argv, timeoutMs);
  return new Promise((resolve) => {
    const socket = createConnection(socketPath);
    let received = '';
    const finish = (result: ExecResult) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(
      () => finish({ exitCode: 124, stdout: '', stderr: `no answer from the VM console within ${timeoutMs + hostGraceMs} ms` }),
      timeoutMs + hostGraceMs,
    );
    socket.on('connect', () => socket.write(request));
    socket.on('data', (chunk) => {
      received += chunk.toString('utf8');
      const reply = parseExecReply(received, tag);
      if (reply) finish(reply);
    });
    socket.on('error', (error) => finish({ exitCode: 255, stdout: '', stderr: `VM console ${socketPath}: ${error.message}` }));
    socket.on('close', () => finish({ exitCode: 255, stdout: '', stderr: `VM console ${socketPath} closed before the command finished` }));
  });
}
