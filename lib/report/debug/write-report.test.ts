import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { placePcap } from './write-report.ts';

// Issue 9, item 6: a capture holds every packet of the lab; the report's copy is root-only (0600)
// whatever the umask, and it is a copy, not a link to the user's file.
describe('the report keeps its capture private', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it('copies a given pcap as 0600 even with umask 000', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hl-pcap-'));
    dirs.push(dir);
    const source = join(dir, 'input.pcap');
    await writeFile(source, Buffer.alloc(24), { mode: 0o666 });
    const previous = process.umask(0);
    try {
      const placed = await placePcap(source, join(dir, 'report'), false);
      expect(((await stat(placed)).mode & 0o777).toString(8)).toBe('600');
      expect((await stat(placed)).ino).not.toBe((await stat(source)).ino);
    } finally {
      process.umask(previous);
    }
  });
});
