import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../common/run.ts';
import type { ExecOptions, ExecResult } from '../../nodes/node.ts';
import { sshPrivateKey } from './env.ts';

/** Quotes one argument for the remote POSIX shell ssh hands the command line to. */
export function shellQuote(argument: string): string {
  if (/^[A-Za-z0-9_./:=@%+-]+$/.test(argument)) return argument;
  return `'${argument.replace(/'/g, `'\\''`)}'`;
}

/**
 * ssh options for lab guests: the insecure key, no host key bookkeeping (every box shares host
 * keys and addresses are reused), no agent or X forwarding, fail fast instead of prompting.
 */
export function sshOptions(privateKey: string): string[] {
  return [
    '-i', privateKey,
    '-o', 'IdentitiesOnly=yes',
    '-o', 'StrictHostKeyChecking=no',
    '-o', 'UserKnownHostsFile=/dev/null',
    '-o', 'LogLevel=ERROR',
    '-o', 'BatchMode=yes',
    '-o', 'ConnectTimeout=10',
    '-o', 'ForwardAgent=no',
    '-o', 'ForwardX11=no',
  ];
}

/**
 * Where ssh keeps its shared connections: short (unix socket paths are limited to 108 bytes;
 * %C is a 40-character hash of user, host and port).
 */
export function sshControlDir(): string {
  return join(tmpdir(), 'hl-ssh');
}

/**
 * Connection sharing: the first exec opens a master connection that later ones reuse for 60 s.
 * A key exchange costs ~2 s in a TCG guest; a shared session costs tens of milliseconds.
 * ServerAlive makes a master to a destroyed VM give up within ~10 s instead of hanging.
 */
function multiplexOptions(): string[] {
  mkdirSync(sshControlDir(), { recursive: true, mode: 0o700 });
  return [
    '-o', 'ControlMaster=auto',
    '-o', `ControlPath=${join(sshControlDir(), '%C')}`,
    '-o', 'ControlPersist=60',
    '-o', 'ServerAliveInterval=5',
    '-o', 'ServerAliveCountMax=2',
  ];
}

/**
 * Runs argv as root in the guest over its management address with plain ssh (`vagrant ssh -c`
 * costs 3-5 s of Ruby start-up each time). ssh's own failures give exit 255.
 */
export async function sshExec(managementIp: string, argv: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
  if (argv.length === 0) throw new Error('exec: empty command');
  const command = argv.map(shellQuote).join(' ');
  const args = [...sshOptions(await sshPrivateKey()), ...multiplexOptions(), `root@${managementIp}`, '--', command];
  try {
    const result = await run('ssh', args, { allowFailure: true, timeoutMs: options.timeoutMs });
    return { exitCode: result.exitCode, stdout: result.stdout, stderr: result.stderr };
  } catch (error) {
    return { exitCode: 255, stdout: '', stderr: error instanceof Error ? error.message : String(error) };
  }
}

/** Closes the shared connection to a guest (before it is destroyed). Never throws. */
export async function closeSshMaster(managementIp: string): Promise<void> {
  const args = [...sshOptions(await sshPrivateKey()), ...multiplexOptions(), '-O', 'exit', `root@${managementIp}`];
  await run('ssh', args, { allowFailure: true, timeoutMs: 10_000 }).catch(() => undefined);
}
