import { describe, expect, it } from 'vitest';
import { hostLockName, tryHostLock, releaseHostLock, withHostLock } from './host-lock.ts';
import { sleep } from './time.ts';

describe('host locks on abstract unix sockets', () => {
  const name = hostLockName('test', `scope-${process.pid}`, 'build-key');

  it('a second holder waits for the first, is told it waits, then runs; the lock is free after', async () => {
    const order: string[] = [];
    let waited = 0;
    const first = withHostLock(name, async () => {
      order.push('first start');
      await sleep(300);
      order.push('first end');
    });
    await sleep(50);
    const second = withHostLock(name, async () => order.push('second'), { pollMs: 20, onWait: () => waited++ });
    await Promise.all([first, second]);
    expect(order).toEqual(['first start', 'first end', 'second']);
    expect(waited).toBe(1);
    const free = await tryHostLock(name);
    expect(free, 'released after both').toBeDefined();
    await releaseHostLock(free!);
  });

  it('releases the lock when the work throws', async () => {
    await expect(withHostLock(name, async () => { throw new Error('build failed'); })).rejects.toThrow('build failed');
    const free = await tryHostLock(name);
    expect(free).toBeDefined();
    await releaseHostLock(free!);
  });

  it('names differ by scope and key, and fit an abstract socket name', () => {
    expect(hostLockName('build', '/a', 'k')).not.toBe(hostLockName('build', '/b', 'k'));
    expect(hostLockName('build', '/a', 'k')).not.toBe(hostLockName('build', '/a', 'j'));
    expect(Buffer.byteLength(hostLockName('build', '/var/cache/hybrid-lab', 'x'.repeat(12)))).toBeLessThan(108);
  });
});
