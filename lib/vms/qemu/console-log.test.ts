import { appendFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BOOT_MARKER, BootFailure, consoleTail, waitForBootMarker } from './console-log.ts';

describe('console log', () => {
  let dir: string;
  let log: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hl-console-'));
    log = join(dir, 'console.log');
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('returns the marker line once QEMU has written it', async () => {
    await writeFile(log, '[    1.0] booting\r\n');
    setTimeout(() => void appendFile(log, `${BOOT_MARKER} name=vm1 ip=10.0.1.200/24 iface=eth0 uptime=3.1\r\n`), 150);
    expect(await waitForBootMarker(log, 5000, async () => true)).toBe(`${BOOT_MARKER} name=vm1 ip=10.0.1.200/24 iface=eth0 uptime=3.1`);
  });

  it('gives up at the timeout, and at once when QEMU is gone', async () => {
    await writeFile(log, 'Kernel panic - not syncing: No working init found.\n');
    await expect(waitForBootMarker(log, 200, async () => true)).rejects.toThrow(/did not print HYBRID-LAB-BOOTED within 0.2 s/);
    const started = Date.now();
    await expect(waitForBootMarker(log, 60_000, async () => false)).rejects.toBeInstanceOf(BootFailure);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('shows the last non-empty lines for error messages', async () => {
    await writeFile(log, ['a', '', 'b', 'c\r', 'd', ''].join('\n'));
    expect(await consoleTail(log, 2)).toBe('c\nd');
    expect(await consoleTail(join(dir, 'missing.log'))).toBe('');
  });
});
