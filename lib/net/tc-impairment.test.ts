import { describe, expect, it } from 'vitest';
import { clearCommands, egressCommands, linkCommands, redirectCommands, tbfBurstBytes, tbfLimitBytes } from './tc-impairment.ts';

describe('tc commands for an impairment', () => {
  it('a rate alone is one tbf at the root, with a bucket of 10 ms and a queue of 100 ms of the rate', () => {
    expect(egressCommands('veth1', { rateBitsPerSec: 20_000_000 })).toEqual([
      ['qdisc', 'add', 'dev', 'veth1', 'root', 'handle', '1:', 'tbf', 'rate', '20000000bit', 'burst', '25000', 'limit', '250000'],
    ]);
  });

  it('slow rates keep a bucket of ten full-size frames and a queue of three buckets', () => {
    expect(tbfBurstBytes(100_000)).toBe(15140);
    expect(tbfLimitBytes(100_000)).toBe(3 * 15140);
  });

  it('delay, jitter and loss alone are one netem at the root', () => {
    expect(egressCommands('hlt-x', { delayMs: 20, jitterMs: 2, lossPercent: 0.5 })).toEqual([
      ['qdisc', 'add', 'dev', 'hlt-x', 'root', 'handle', '10:', 'netem', 'delay', '20ms', '2ms', 'loss', '0.5%'],
    ]);
    expect(egressCommands('hlt-x', { lossPercent: 1 })).toEqual([['qdisc', 'add', 'dev', 'hlt-x', 'root', 'handle', '10:', 'netem', 'loss', '1%']]);
  });

  it('rate and delay together: netem as the child of tbf, so delayed packets still leave at the rate', () => {
    const commands = egressCommands('veth1', { rateBitsPerSec: 1_000_000, delayMs: 5 });
    expect(commands[0].slice(0, 9)).toEqual(['qdisc', 'add', 'dev', 'veth1', 'root', 'handle', '1:', 'tbf', 'rate']);
    expect(commands[1]).toEqual(['qdisc', 'add', 'dev', 'veth1', 'parent', '1:1', 'handle', '10:', 'netem', 'delay', '5ms']);
  });

  it('traffic from the node: the host interface ingress is redirected to the ifb', () => {
    expect(redirectCommands('veth1', 'hli-abc')).toEqual([
      ['qdisc', 'add', 'dev', 'veth1', 'handle', 'ffff:', 'ingress'],
      ['filter', 'add', 'dev', 'veth1', 'parent', 'ffff:', 'protocol', 'all', 'prio', '1', 'u32', 'match', 'u32', '0', '0', 'action', 'mirred', 'egress', 'redirect', 'dev', 'hli-abc'],
    ]);
  });

  it('both directions get the same shaping: the host interface towards the node, the ifb from it', () => {
    const commands = linkCommands('veth1', 'hli-abc', { rateBitsPerSec: 5_000_000 });
    const shaped = commands.filter((command) => command.includes('tbf')).map((command) => command[3]);
    expect(shaped).toEqual(['veth1', 'hli-abc']);
    expect(commands.at(-1)).toContain('redirect');
  });

  it('clearing removes only the root and ingress qdiscs of that device', () => {
    expect(clearCommands('veth1')).toEqual([['qdisc', 'del', 'dev', 'veth1', 'root'], ['qdisc', 'del', 'dev', 'veth1', 'ingress']]);
  });
});
