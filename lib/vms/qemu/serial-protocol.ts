import type { ExecResult } from '../../nodes/node.ts';

/**
 * The host half of the exec protocol spoken with lab/images/vm/hl-agent.sh over the serial
 * console. Pure functions, so the framing is unit-tested without a VM.
 */

/** Quotes argv for the guest's sh so each element arrives as exactly one argument. */
export function shellQuote(argv: readonly string[]): string {
  return argv.map((arg) => `'${arg.replaceAll("'", `'\\''`)}'`).join(' ');
}

/** The one-line request: `HLX <tag> <seconds> <base64 script>`; `exec` makes the program the killed process on timeout. */
export function encodeExecRequest(tag: string, argv: readonly string[], timeoutMs: number): string {
  if (argv.length === 0) throw new Error('exec: empty command');
  const seconds = Math.max(1, Math.ceil(timeoutMs / 1000));
  const script = Buffer.from(`exec ${shellQuote(argv)}\n`, 'utf8').toString('base64');
  return `HLX ${tag} ${seconds} ${script}\n`;
}

const BASE64_LINE = /^[A-Za-z0-9+/]+=*$/;

function decodeBase64Lines(lines: string[]): string {
  // Anything that is not base64 (a stray kernel message) cannot be part of the payload.
  return Buffer.from(lines.filter((line) => BASE64_LINE.test(line)).join(''), 'base64').toString('utf8');
}

/**
 * Finds the complete answer to request `tag` in what the console has sent so far; undefined
 * while it is incomplete. Answers to other tags (late replies to requests the host gave up on) are skipped.
 */
export function parseExecReply(received: string, tag: string): ExecResult | undefined {
  const lines = received.replaceAll('\r', '').split('\n');
  const outAt = lines.indexOf(`HLX-OUT ${tag}`);
  if (outAt < 0) return undefined;
  const errAt = lines.indexOf(`HLX-ERR ${tag}`, outAt);
  if (errAt < 0) return undefined;
  const endAt = lines.findIndex((line, index) => index > errAt && line.startsWith(`HLX-END ${tag} `));
  // The END line counts only once its newline has arrived (the exit code may still be partial).
  if (endAt < 0 || endAt === lines.length - 1) return undefined;
  const exitCode = Number(lines[endAt].slice(`HLX-END ${tag} `.length).trim());
  if (!Number.isInteger(exitCode)) return undefined;
  return {
    exitCode,
    stdout: decodeBase64Lines(lines.slice(outAt + 1, errAt)),
    stderr: decodeBase64Lines(lines.slice(errAt + 1, endAt)),
  };
}
