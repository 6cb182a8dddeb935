import { randomBytes } from 'node:crypto';
import { createConnection, type Socket } from 'node:net';
import { sleep } from '../../common/time.ts';
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
 * apart. Calls on one VM are queued; other processes' calls wait in QEMU's accept backlog (QEMU
 * serves one console client at a time) or retry while that backlog is full. A command past its
 * timeout is killed in the guest and reported as exit 124; if the guest does not answer at all
 * the host gives up the same way, and the next request, with its own tag, ignores any late answer.
 * Channel failures (no QEMU) come back as exit 255 with the reason in stderr.
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

async function execOnce(socketPath: string, argv: readonly string[], timeoutMs: number, hostGraceMs: number): Promise<ExecResult> {
  const deadline = Date.now() + timeoutMs + hostGraceMs;
  let socket: Socket;
  try {
    socket = await connectWhenFree(socketPath, deadline);
  } catch (error) {
    return { exitCode: 255, stdout: '', stderr: `VM console ${socketPath}: ${(error as Error).message}` };
  }
  const tag = randomBytes(6).toString('hex');
  return exchange(socket, tag, encodeExecRequest(tag, argv, timeoutMs), deadline, socketPath);
}

/** Connects to the console socket, retrying while QEMU's listen backlog is full (EAGAIN). */
async function connectWhenFree(socketPath: string, deadline: number): Promise<Socket> {
  for (;;) {
    try {
      return await connectOnce(socketPath);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'EAGAIN' || Date.now() > deadline) throw error;
      await sleep(50 + Math.random() * 100);
    }
  }
}

function connectOnce(socketPath: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = createConnection(socketPath);
    socket.once('connect', () => {
      socket.removeListener('error', reject);
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

/** Sends the request and collects the console output until the tagged answer is complete. */
function exchange(socket: Socket, tag: string, request: string, deadline: number, socketPath: string): Promise<ExecResult> {
  return new Promise((resolve) => {
    let received = '';
    const finish = (result: ExecResult) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    const waitMs = Math.max(0, deadline - Date.now());
    const timer = setTimeout(() => finish({ exitCode: 124, stdout: '', stderr: `no answer from the VM console ${socketPath} in time` }), waitMs);
    socket.on('data', (chunk) => {
      received += chunk.toString('utf8');
      const reply = parseExecReply(received, tag);
      if (reply) finish(reply);
    });
    socket.on('error', (error) => finish({ exitCode: 255, stdout: '', stderr: `VM console ${socketPath}: ${error.message}` }));
    socket.on('close', () => finish({ exitCode: 255, stdout: '', stderr: `VM console ${socketPath} closed before the command finished` }));
    socket.write(request);
  });
}
