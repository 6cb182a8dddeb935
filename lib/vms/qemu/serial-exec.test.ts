import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { serialExec } from './serial-exec.ts';

/** A stand-in for the guest agent on a unix socket: answers requests with `answer(argv)`, or not at all. */
async function fakeAgent(answer: (script: string) => { out: string; code: number } | undefined): Promise<{ path: string; server: Server; seen: string[] }> {
  const dir = await mkdtemp(join(tmpdir(), 'hl-serial-'));
  const path = join(dir, 'serial.sock');
  const seen: string[] = [];
  const server = createServer((socket) => {
    let buffer = '';
    socket.on('data', (chunk) => {
      buffer += chunk.toString();
      for (let newline = buffer.indexOf('\n'); newline >= 0; newline = buffer.indexOf('\n')) {
        const [, tag, , script] = buffer.slice(0, newline).split(' ');
        buffer = buffer.slice(newline + 1);
        const decoded = Buffer.from(script, 'base64').toString();
        seen.push(decoded);
        const reply = answer(decoded);
        if (!reply) continue;
        const out = Buffer.from(reply.out).toString('base64');
        // Late noise from an earlier request first: the parser must skip it by tag.
        socket.write(`HLX-OUT stale\r\nHLX-ERR stale\r\nHLX-END stale 1\r\nHLX-OUT ${tag}\r\n${out}\r\nHLX-ERR ${tag}\r\nHLX-END ${tag} ${reply.code}\r\n`);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(path, resolve));
  return { path, server, seen };
}

describe('serialExec against a fake agent', () => {
  let cleanup: (() => Promise<void>) | undefined;
  afterEach(async () => cleanup?.());

  it('queues concurrent calls on one console and returns each its own answer', async () => {
    const agent = await fakeAgent((script) => ({ out: `ran ${script.trim()}`, code: script.includes('fail') ? 1 : 0 }));
    cleanup = async () => { agent.server.close(); await rm(join(agent.path, '..'), { recursive: true, force: true }); };
    const results = await Promise.all([serialExec(agent.path, ['echo', 'one']), serialExec(agent.path, ['fail']), serialExec(agent.path, ['echo', 'three'])]);
    expect(results.map((result) => [result.exitCode, result.stdout])).toEqual([
      [0, `ran exec 'echo' 'one'`],
      [1, `ran exec 'fail'`],
      [0, `ran exec 'echo' 'three'`],
    ]);
    expect(agent.seen).toHaveLength(3);
  });

  it('gives up with exit 124 when the guest never answers, and the next call still works', async () => {
    const agent = await fakeAgent((script) => (script.includes('hang') ? undefined : { out: 'ok', code: 0 }));
    cleanup = async () => { agent.server.close(); await rm(join(agent.path, '..'), { recursive: true, force: true }); };
    const hung = await serialExec(agent.path, ['hang'], 1, 200);
    expect(hung.exitCode).toBe(124);
    expect(hung.stderr).toMatch(/no answer/);
    expect(await serialExec(agent.path, ['echo'])).toEqual({ exitCode: 0, stdout: 'ok', stderr: '' });
  });

  it('reports a missing console as exit 255 with the socket path', async () => {
    const result = await serialExec('/nonexistent/serial.sock', ['true']);
    expect(result.exitCode).toBe(255);
    expect(result.stderr).toContain('/nonexistent/serial.sock');
  });
});
