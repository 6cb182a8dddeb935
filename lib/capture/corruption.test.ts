import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyseCapture } from '../debug/analyse/analyse-capture.ts';
import { PcapFormatError } from './errors.ts';
import { EDGE, edgeCaseRecords } from './testing/edge-captures.ts';
import { buildPcap } from './testing/pcap-writer.ts';
import { syntheticTraffic } from './testing/synthetic-traffic.ts';

/** A small deterministic PRNG so a failing mutation can be replayed from its seed. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const dir = mkdtempSync(join(tmpdir(), 'hl-corrupt-'));
const original = buildPcap([...edgeCaseRecords(), ...syntheticTraffic(120, 1000.2)].sort((a, b) => a.timeSec - b.timeSec));

// Random byte flips, cuts and garbage tails: analysis must finish (result or PcapFormatError),
// never throw anything else and never hang (the test timeout catches a hang).
describe('damaged captures', () => {
  it('300 random corruptions end in a result or a clear format error', { timeout: 60_000 }, async () => {
    let results = 0;
    let truncated = 0;
    let refused = 0;
    for (let seed = 1; seed <= 300; seed++) {
      const random = prng(seed);
      let bytes = Buffer.from(original);
      const flips = 1 + Math.floor(random() * 40);
      for (let i = 0; i < flips; i++) bytes[Math.floor(random() * bytes.length)] = Math.floor(random() * 256);
      if (random() < 0.3) bytes = bytes.subarray(0, Math.floor(random() * bytes.length));
      if (random() < 0.2) bytes = Buffer.concat([bytes, Buffer.from(Array.from({ length: 50 }, () => Math.floor(random() * 256)))]);
      const path = join(dir, `mutant-${seed}.pcap`);
      writeFileSync(path, bytes);
      try {
        const analysis = await analyseCapture(path, { subnet: EDGE.subnet });
        results++;
        if (analysis.file.truncated) truncated++;
        expect(analysis.mix.packets).toBeGreaterThanOrEqual(0);
      } catch (error) {
        if (!(error instanceof PcapFormatError)) throw new Error(`seed ${seed}: ${(error as Error).stack}`);
        refused++;
      }
    }
    expect(results + refused).toBe(300);
    expect(results).toBeGreaterThan(100);
    expect(truncated).toBeGreaterThan(10);
  });
});
