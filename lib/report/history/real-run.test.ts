import { createSocket, type Socket } from 'node:dgram';
import { mkdtemp, rm } from 'node:fs/promises';
import { release, tmpdir } from 'node:os';
import { join } from 'node:path';
import dnsPacket from 'dns-packet';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_BIN } from '../../testing/cli-process.ts';
import { summarize, type Measurement } from '../measurement.ts';
import { readHistory } from './read-history.ts';
import { recordRun } from './record-run.ts';

const BIN = CLI_BIN;

/** A real DNS server on loopback that answers A queries after `delayMs`: our knob for a real regression. */
async function startSlowDnsServer(): Promise<{ socket: Socket; port: number; setDelay: (ms: number) => void }> {
  let delayMs = 0;
  const socket = createSocket('udp4');
  socket.on('message', (message, peer) => {
    const query = dnsPacket.decode(message);
    const answer = dnsPacket.encode({
      id: query.id,
      type: 'response',
      flags: dnsPacket.AUTHORITATIVE_ANSWER,
      questions: query.questions,
      answers: [{ type: 'A', name: query.questions![0].name, ttl: 0, data: '10.0.1.10' }],
    });
    setTimeout(() => socket.send(answer, peer.port, peer.address), delayMs);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return { socket, port: socket.address().port, setDelay: (ms) => (delayMs = ms) };
}

/** Times `count` real DNS queries over UDP to 127.0.0.1:port, one after the other. */
async function measureDns(port: number, count: number): Promise<Measurement> {
  const client = createSocket('udp4');
  const samples: number[] = [];
  try {
    for (let id = 1; id <= count; id++) {
      const query = dnsPacket.encode({ id, type: 'query', flags: dnsPacket.RECURSION_DESIRED, questions: [{ type: 'A', name: 'web-server.hybrid.local' }] });
      const started = performance.now();
      await new Promise<void>((resolve) => {
        client.once('message', () => resolve());
        client.send(query, port, '127.0.0.1');
      });
      samples.push(performance.now() - started);
    }
  } finally {
    client.close();
  }
  return { suite: 'dns', metric: 'dns-resolve', unit: 'ms', from: 'host', to: 'dns', samples, summary: summarize(samples), lossPercent: 0 };
}

// Real sockets, real packets, the real CLI in its own process; only the lab is left out (loopback).
describe('a real measured run appends to the history and is reported', () => {
  let dir: string;
  let server: Awaited<ReturnType<typeof startSlowDnsServer>>;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hl-real-run-'));
    server = await startSlowDnsServer();
  });
  afterAll(async () => {
    server?.socket.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('flags a DNS server that got 10 ms slower, with the run context recorded', async () => {
    const historyPath = join(dir, 'latency.jsonl');
    const topology = { name: 'loopback', hash: 'loopback0001' };
    for (let index = 0; index < 5; index++) await recordRun([await measureDns(server.port, 25)], { topology, accelMode: 'none', historyPath });

    const report = (...args: string[]) => execa(process.execPath, [BIN, 'report', 'latency', '--history', historyPath, '--json', ...args], { reject: false });
    // Loopback timing on a shared machine is noisy, so the steady check uses a wide threshold.
    const steady = await report('--threshold', '300%');
    expect(steady.stderr).toBe('');
    expect(steady.exitCode).toBe(0);

    server.setDelay(10);
    const { record, path } = await recordRun([await measureDns(server.port, 25)], { topology, accelMode: 'none', historyPath, label: 'slow-dns' });
    expect(path).toBe(historyPath);
    expect(record.context).toMatchObject({ hostKernel: release(), accelMode: 'none', topologyHash: 'loopback0001', label: 'slow-dns' });
    const head = await execa('git', ['rev-parse', 'HEAD'], { reject: false });
    expect(record.context.gitCommit).toBe(head.exitCode === 0 ? head.stdout.trim() : undefined);
    expect((await readHistory(historyPath)).runs).toHaveLength(6);

    const slow = await report('--threshold', '300%');
    expect(slow.exitCode).toBe(1);
    const json = JSON.parse(slow.stdout);
    expect(json.latest.label).toBe('slow-dns');
    expect(json.comparisons[0]).toMatchObject({ from: 'host', to: 'dns', metric: 'dns-resolve', verdict: 'regression' });
    expect(json.comparisons[0].latest.value).toBeGreaterThan(10);
  }, 60_000);
});
