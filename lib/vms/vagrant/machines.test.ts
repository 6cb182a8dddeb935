import { describe, expect, it } from 'vitest';
import { sleep } from '../../common/time.ts';
import { serializedForLab, withMachine } from './machines.ts';
import type { VagrantMachine } from './vagrantfile.ts';

const machine = (name: string, ip: string): VagrantMachine => ({ name, role: 'base', ip, memoryMb: 256, cpus: 1 });

describe('lab machines', () => {
  it('adds or replaces a machine by name, sorted', () => {
    const list = withMachine([machine('b', '10.0.2.11')], machine('a', '10.0.2.10'));
    expect(list.map((m) => m.name)).toEqual(['a', 'b']);
    expect(withMachine(list, machine('b', '10.0.2.99')).find((m) => m.name === 'b')?.ip).toBe('10.0.2.99');
  });

  it('runs work of one lab one at a time, even after a failure, but labs in parallel', async () => {
    const events: string[] = [];
    const job = (lab: string, name: string, ms: number, fail = false) =>
      serializedForLab(lab, async () => {
        events.push(`${name}:start`);
        await sleep(ms);
        events.push(`${name}:end`);
        if (fail) throw new Error(name);
      });
    const results = await Promise.allSettled([job('l1', 'a', 30, true), job('l1', 'b', 5), job('l2', 'c', 5)]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'fulfilled', 'fulfilled']);
    expect(events.indexOf('b:start')).toBeGreaterThan(events.indexOf('a:end'));
    expect(events.indexOf('c:end')).toBeLessThan(events.indexOf('a:end'));
  });
});
