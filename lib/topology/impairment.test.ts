import { describe, expect, it } from 'vitest';
import { topologyErrorOf } from '../testing/topology-errors.ts';
import type { KernelFeatureProbe } from '../host/kernel-capabilities.ts';
import { KERNEL_FEATURES } from '../host/kernel-capabilities.ts';
import { describeImpairment } from './impairment.ts';
import { checkImpairmentsAgainstKernel, impairmentRequests, planImpairment } from './impairment-links.ts';
import { parseTopology } from './load.ts';

const base = `
name: im1
bridge: { name: tbr0, subnet: 10.9.0.0/24 }
nodes:
`;
const parse = (nodes: string) => parseTopology(base + nodes + '\n', 'test.yaml');
const errorOf = (nodes: string) => topologyErrorOf(() => parse(nodes));

describe('impair: schema', () => {
  it('accepts every field on containers and VMs and keeps them on the resolved node', () => {
    const topology = parse(`  - { name: a, kind: container, impair: { rateBitsPerSec: 20000000 } }\n  - { name: v, kind: vm, impair: { delayMs: 10, jitterMs: 2, lossPercent: 0.5, rateBitsPerSec: 1000000 } }\n  - { name: b, kind: container }`);
    expect(topology.nodes[0].impair).toEqual({ rateBitsPerSec: 20e6 });
    expect(topology.nodes[1].impair).toEqual({ delayMs: 10, jitterMs: 2, lossPercent: 0.5, rateBitsPerSec: 1e6 });
    expect(topology.nodes[2].impair).toBeUndefined();
    expect(impairmentRequests(topology).map((request) => [request.nodeName, request.fieldPath])).toEqual([['a', 'nodes[0].impair'], ['v', 'nodes[1].impair']]);
    expect(describeImpairment(topology.nodes[1].impair!)).toBe('rate 1 Mbit/s, delay 10 ms ± 2 ms, loss 0.5%');
  });

  it.each([
    ['jitter without delay', '{ jitterMs: 5 }', 'nodes[0].impair.jitterMs', /jitter without a delay.*Fix: give delayMs too/],
    ['jitter above delay', '{ delayMs: 2, jitterMs: 5 }', 'nodes[0].impair.jitterMs', /larger than delayMs/],
    ['loss above 100', '{ lossPercent: 120 }', 'nodes[0].impair.lossPercent', /more than 100% loss/],
    ['negative loss', '{ lossPercent: -1 }', 'nodes[0].impair.lossPercent', /negative loss/],
    ['a rate in Mbit by mistake', '{ rateBitsPerSec: 50 }', 'nodes[0].impair.rateBitsPerSec', /bits per second: write e.g. 20000000/],
    ['a fractional rate', '{ rateBitsPerSec: 1000000.5 }', 'nodes[0].impair.rateBitsPerSec', /whole number/],
    ['a rate as a string', '{ rateBitsPerSec: 50mbit }', 'nodes[0].impair.rateBitsPerSec', /expected number/],
    ['the other spelling', '{ rate: 50mbit }', 'nodes[0].impair.rate', /unknown field rate/],
    ['delay over a minute', '{ delayMs: 70000 }', 'nodes[0].impair.delayMs', /more than a minute/],
    ['an empty impairment', '{}', 'nodes[0].impair', /nothing in it/],
  ])('refuses %s, naming the field and the fix', (_label, impair, fieldPath, problem) => {
    const error = errorOf(`  - { name: a, kind: container, impair: ${impair} }`);
    expect(error.fieldPath).toBe(fieldPath);
    expect(error.message).toMatch(problem);
    expect(error.message).toMatch(/Fix: /);
    expect(error.exitCode).toBe(2);
  });
});

describe('impair: on a VM provider that cannot say where its NIC is', () => {
  it('a vagrant VM with impair is refused at parse time, naming the provider and the fix', () => {
    const error = errorOf(`  - { name: v, kind: vm, provider: vagrant, impair: { rateBitsPerSec: 1000000 } }`);
    expect(error.fieldPath).toBe('nodes[0].impair');
    expect(error.message).toMatch(/the vagrant provider does not say which host interface.*Fix: remove impair, or use provider: qemu/);
  });
});

/** A kernel like this machine's: tbf and ifb, no netem. */
function kernel(missing: string[]): KernelFeatureProbe[] {
  return KERNEL_FEATURES.map((feature) => (missing.includes(feature) ? { feature, state: 'missing', detail: 'Error: Specified qdisc kind is unknown.' } : { feature, state: 'present' }));
}

describe('impair: against the kernel', () => {
  it('a rate passes on a kernel with tbf and no netem', () => {
    expect(() => checkImpairmentsAgainstKernel(parse(`  - { name: a, kind: container, impair: { rateBitsPerSec: 20000000 } }`), kernel(['qdisc-netem']))).not.toThrow();
  });

  it('a delay on a kernel without netem is one error naming node, field, sch_netem and the fix', () => {
    const topology = parse(`  - { name: a, kind: container }\n  - { name: slow, kind: container, impair: { rateBitsPerSec: 20000000, delayMs: 20, lossPercent: 1 } }`);
    const error = topologyErrorOf(() => checkImpairmentsAgainstKernel(topology, kernel(['qdisc-netem'])));
    expect(error.fieldPath).toBe('nodes[1].impair.delayMs');
    expect(error.message).toMatch(/node slow asks for delayMs, lossPercent, which need the netem qdisc, but this host.s kernel has no netem qdisc \(sch_netem\)/);
    expect(error.message).toMatch(/CONFIG_NET_SCH_NETEM/);
    expect(error.message).toMatch(/Fix: remove delayMs, lossPercent from nodes\[1\]\.impair/);
    expect(error.exitCode).toBe(2);
  });

  it('a rate without tbf, or any impairment without ifb, is refused naming what is missing', () => {
    const rate = parse(`  - { name: a, kind: container, impair: { rateBitsPerSec: 20000000 } }`);
    expect(topologyErrorOf(() => checkImpairmentsAgainstKernel(rate, kernel(['qdisc-tbf']))).message).toMatch(/tbf qdisc \(sch_tbf\).*CONFIG_NET_SCH_TBF/);
    expect(topologyErrorOf(() => checkImpairmentsAgainstKernel(rate, kernel(['ifb']))).message).toMatch(/needs ifb .*CONFIG_IFB/);
  });

  it('a kernel that could not be probed is not taken for one that has the qdisc', () => {
    const topology = parse(`  - { name: a, kind: container, impair: { delayMs: 5 } }`);
    const unknown = KERNEL_FEATURES.map((feature) => ({ feature, state: 'unknown' as const, detail: 'needs a network namespace to probe in' }));
    expect(topologyErrorOf(() => checkImpairmentsAgainstKernel(topology, unknown)).message).toMatch(/could not be probed/);
  });
});

describe('impair: where netem goes on a host without it', () => {
  const diskVm = `  - { name: dvm, kind: vm, memoryMb: 512, disk: { recipe: debian }, impair: { delayMs: 10, rateBitsPerSec: 20000000 } }`;

  it('a qemu Debian disk VM takes delay/jitter/loss into its guest; the rate stays on the host', () => {
    const topology = parse(diskVm);
    expect(() => checkImpairmentsAgainstKernel(topology, kernel(['qdisc-netem']))).not.toThrow();
    const [request] = impairmentRequests(topology);
    expect(planImpairment(request, false)).toEqual({ host: { rateBitsPerSec: 20e6 }, guest: { delayMs: 10, jitterMs: undefined, lossPercent: undefined } });
    expect(planImpairment(request, true)).toEqual({ host: { delayMs: 10, rateBitsPerSec: 20e6 } });
  });

  it('the built-in (busybox initramfs) qemu guest carries tc and netem: its netem goes inside it too', () => {
    const topology = parse(`  - { name: v, kind: vm, impair: { delayMs: 5 } }`);
    expect(() => checkImpairmentsAgainstKernel(topology, kernel(['qdisc-netem']))).not.toThrow();
    expect(planImpairment(impairmentRequests(topology)[0], false)).toEqual({ host: undefined, guest: { delayMs: 5, jitterMs: undefined, lossPercent: undefined } });
  });

  it('a VM from a user\'s own disk image (tc and netem unknown) is refused, and the fix names the guests that can', () => {
    const parsed = parse(`  - { name: v, kind: vm, memoryMb: 512, impair: { lossPercent: 2 } }`);
    // The file check (the image must exist) is not what this test is about: the disk is set after parsing.
    const topology = { ...parsed, nodes: [{ ...parsed.nodes[0], disk: 'own.qcow2' }] };
    const error = topologyErrorOf(() => checkImpairmentsAgainstKernel(topology, kernel(['qdisc-netem'])));
    expect(error.fieldPath).toBe('nodes[0].impair.lossPercent');
    expect(error.message).toMatch(/node v asks for lossPercent, which needs the netem qdisc/);
    expect(error.message).toMatch(/use a qemu VM with the built-in guest or disk: \{ recipe: debian \}/);
  });
});
