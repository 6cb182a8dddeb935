import { describe, expect, it } from 'vitest';
import { encodeExecRequest, parseExecReply, shellQuote } from './serial-protocol.ts';

const b64 = (text: string) => Buffer.from(text).toString('base64');

describe('shellQuote', () => {
  it('keeps each argument whole, quotes included', () => {
    expect(shellQuote(['echo', "it's", 'a b', '$HOME'])).toBe(`'echo' 'it'\\''s' 'a b' '$HOME'`);
  });
});

describe('encodeExecRequest', () => {
  it('is one line: marker, tag, whole seconds (rounded up, at least 1), base64 script', () => {
    const line = encodeExecRequest('abc123', ['ping', '-c', '1', 'web'], 1500);
    expect(line.endsWith('\n')).toBe(true);
    const [kind, tag, seconds, script, ...rest] = line.trim().split(' ');
    expect([kind, tag, seconds, rest.length]).toEqual(['HLX', 'abc123', '2', 0]);
    expect(Buffer.from(script, 'base64').toString()).toBe(`exec 'ping' '-c' '1' 'web'\n`);
    expect(encodeExecRequest('t', ['true'], 10).split(' ')[2]).toBe('1');
  });

  it('refuses an empty argv', () => {
    expect(() => encodeExecRequest('t', [], 1000)).toThrow(/empty/);
  });
});

describe('parseExecReply', () => {
  const reply = (tag: string, out: string, err: string, code: number) =>
    `HLX-OUT ${tag}\n${b64(out)}\nHLX-ERR ${tag}\n${err ? `${b64(err)}\n` : ''}HLX-END ${tag} ${code}\n`;

  it('decodes stdout, stderr and exit code', () => {
    expect(parseExecReply(reply('t1', 'hello\n', 'oops\n', 3), 't1')).toEqual({ exitCode: 3, stdout: 'hello\n', stderr: 'oops\n' });
  });

  it('waits for the END line to be complete', () => {
    const full = reply('t1', 'x', '', 0);
    expect(parseExecReply(full.slice(0, full.length - 1), 't1')).toBeUndefined();
    expect(parseExecReply(full.slice(0, full.indexOf('HLX-ERR')), 't1')).toBeUndefined();
    expect(parseExecReply(full, 't1')?.exitCode).toBe(0);
  });

  it('skips a late answer to an abandoned request and CRs from the console', () => {
    const text = reply('old', 'stale\n', '', 124) + reply('new', 'fresh\n', '', 0).replaceAll('\n', '\r\n');
    expect(parseExecReply(text, 'new')).toEqual({ exitCode: 0, stdout: 'fresh\n', stderr: '' });
  });

  it('ignores non-base64 noise (a kernel message) inside the payload, and output that looks like a marker', () => {
    const sneaky = 'HLX-END t1 0\n';
    const text = `HLX-OUT t1\n${b64(sneaky)}\n[  12.3] virtio_net virtio0 eth0: link down\nHLX-ERR t1\nHLX-END t1 0\n`;
    expect(parseExecReply(text, 't1')).toEqual({ exitCode: 0, stdout: sneaky, stderr: '' });
  });

  it('decodes multi-line base64 (busybox wraps at 76 columns)', () => {
    const long = 'x'.repeat(200);
    const wrapped = b64(long).match(/.{1,76}/g)!.join('\n');
    expect(parseExecReply(`HLX-OUT t\n${wrapped}\nHLX-ERR t\nHLX-END t 0\n`, 't')?.stdout).toBe(long);
  });
});
