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
 * Runs argv as root in the guest over its management address with plain ssh (about a second
 * here, where `vagrant ssh -c` costs 3-4 s of Ruby start-up). ssh's own failures give exit 255.
 */
export async function sshExec(managementIp: string, argv: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
  if (argv.length === 0) throw new Error('exec: empty command');
  const command = argv.map(shellQuote).join(' ');
  const args = [...sshOptions(await sshPrivateKey()), `root@${managementIp}`, '--', command];
  try {
    const result = await run('ssh', args, { allowFailure: true, timeoutMs: options.timeoutMs });
    return { exitCode: result.exitCode, stdout: result.stdout, stderr: result.stderr };
  } catch (error) {
    return { exitCode: 255, stdout: '', stderr: error instanceof Error ? error.message : String(error) };
  }
}
