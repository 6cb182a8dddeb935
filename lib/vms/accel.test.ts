import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ProgressReporter } from '../common/progress.ts';
import { detectAccel } from './accel.ts';

function recordingReporter(notes: string[]): ProgressReporter {
  return { stepStarted() {}, stepDone() {}, stepFailed() {}, note: (message) => notes.push(message) };
}

// A guest that cannot boot: if detectAccel ever probed here, the test would see tcg + a QEMU error.
const noGuest = { kernel: '/nonexistent/vmlinuz', initrd: '/nonexistent/initrd' };

describe('detectAccel', () => {
  let cache: string;
  const saved = { cache: process.env.HYBRID_LAB_CACHE, accel: process.env.HYBRID_LAB_ACCEL };

  beforeEach(async () => {
    cache = await mkdtemp(join(tmpdir(), 'hl-accel-'));
    process.env.HYBRID_LAB_CACHE = cache;
    delete process.env.HYBRID_LAB_ACCEL;
  });
  afterEach(async () => {
    for (const [key, value] of [['HYBRID_LAB_CACHE', saved.cache], ['HYBRID_LAB_ACCEL', saved.accel]] as const) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    await rm(cache, { recursive: true, force: true });
  });

  it('obeys HYBRID_LAB_ACCEL without probing', async () => {
    process.env.HYBRID_LAB_ACCEL = 'kvm';
    expect(await detectAccel(noGuest, recordingReporter([]))).toEqual({ mode: 'kvm', reason: 'HYBRID_LAB_ACCEL=kvm' });
  });

  it('reuses the decision cached for this boot and tells the user when it is TCG', async () => {
    const bootId = (await readFile('/proc/sys/kernel/random/boot_id', 'utf8')).trim();
    await mkdir(join(cache, 'vm'), { recursive: true });
    await writeFile(join(cache, 'vm', `accel-${bootId}.json`), JSON.stringify({ mode: 'tcg', reason: 'cached verdict' }));
    const notes: string[] = [];
    expect(await detectAccel(noGuest, recordingReporter(notes))).toEqual({ mode: 'tcg', reason: 'cached verdict' });
    expect(notes.join('\n')).toMatch(/KVM not usable \(cached verdict\).*TCG/);
  });
});
