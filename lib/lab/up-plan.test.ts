import { describe, expect, it } from 'vitest';
import { terminalReporter, step } from '../common/progress.ts';
import { PassThrough } from 'node:stream';
import { hostInputRules, labRules } from '../net/iptables.ts';
import { SPEC_LABEL } from '../runtimes/runtime.ts';
import { parseTopology } from '../topology/load.ts';
import { containerName, dnsContainerName, labNetworkName } from './names.ts';
import { nodeContainerSpec } from './node-container-spec.ts';
import type { LabResource, LabState, RecordedResource } from './state.ts';
import { countingReporter, upStepsAhead } from './up-plan.ts';

// Issue 16, item 3: `up` numbers its steps [n/N]; N counts what this run will make.
const topology = parseTopology('name: pl\nbridge: { name: hlpl0, subnet: 10.0.47.0/24 }\nnodes:\n  - { name: a, kind: container }\n  - { name: b, kind: container }\n  - { name: v, kind: vm, provider: qemu }\n', 'test');
const images = new Map([['a', 'hybrid-lab/node:1'], ['b', 'hybrid-lab/node:1']]);
const containerNodes = topology.nodes.filter((node) => node.kind === 'container');
const specOf = (name: string) => nodeContainerSpec(topology, containerNodes.find((node) => node.name === name)!, images.get(name)!);

/** The state of this lab once it is fully up. */
function upState(): LabState {
  const created = (resource: LabResource) => ({ ...resource, phase: 'created' }) as RecordedResource;
  const rules = [...labRules('pl', 'hlpl0'), ...hostInputRules('pl', 'hlpl0', [])];
  return {
    version: 1, lab: 'pl', topology, status: 'up', updatedAt: '', sysctls: [],
    resources: [
      created({ kind: 'bridge', id: 'hlpl0' }),
      ...rules.map((rule) => created({ kind: 'iptables-rule', id: rule.purpose, rule })),
      created({ kind: 'docker-network', id: labNetworkName('pl') }),
      created({ kind: 'dns-container', id: dnsContainerName('pl') }),
      created({ kind: 'container', id: containerName('pl', 'a'), node: 'a' }),
      created({ kind: 'container', id: containerName('pl', 'b'), node: 'b' }),
      created({ kind: 'vm', id: 'pl-v', node: 'v', provider: 'qemu' }),
    ],
  };
}
const allRunning = () => new Map<string, string | undefined>([[dnsContainerName('pl'), 'x'], ...['a', 'b'].map((name) => [specOf(name).name, specOf(name).labels[SPEC_LABEL]] as [string, string])]);

describe('upStepsAhead', () => {
  it('a fresh lab: bridge, one rule batch, network, DNS, each container, each VM and its provider once', () => {
    expect(upStepsAhead(topology, { state: undefined })).toBe(8);
    expect(upStepsAhead(topology, { state: undefined, running: new Map(), images, isolate: [{ bridge: 'podman0', what: 'podman network podman' }] })).toBe(9);
  });

  it('a lab that is up as described: nothing ahead', () => {
    expect(upStepsAhead(topology, { state: upState(), running: allRunning(), images, isolate: [] })).toBe(0);
  });

  it('counts a container made from another definition, a stopped DNS container and a node gone from the file', () => {
    const state = upState();
    state.resources.push({ kind: 'container', id: containerName('pl', 'old'), node: 'old', phase: 'created' });
    const running = allRunning();
    running.set(specOf('a').name, 'stale-hash');
    running.delete(dnsContainerName('pl'));
    expect(upStepsAhead(topology, { state, running, images })).toBe(3);
    // Before the images and the engine were asked: what is recorded as created counts as kept.
    expect(upStepsAhead(topology, { state })).toBe(1);
  });

  it('a rule batch counts when one of its rules is only planned', () => {
    const state = upState();
    const rule = state.resources.find((resource) => resource.kind === 'iptables-rule')!;
    rule.phase = 'planned';
    expect(upStepsAhead(topology, { state, running: allRunning(), images })).toBe(1);
  });
});

describe('countingReporter', () => {
  it('passes every call on, counts started steps, and the CLI reporter numbers them [n/N] in a pipe', async () => {
    const stream = new PassThrough();
    let text = '';
    stream.on('data', (chunk: Buffer) => (text += chunk));
    const reporter = countingReporter(terminalReporter({ stream, numbered: true }));
    await step(reporter, 'node image', async () => undefined);
    reporter.plan?.(reporter.started() + 1);
    await step(reporter, 'bridge hlpl0', async () => undefined);
    expect(reporter.started()).toBe(2);
    expect(text.split('\n').filter(Boolean).map((line) => line.replace(/ \(\d+ ms\)$/, ''))).toEqual(['… [1] node image', '✔ [1] node image', '… [2/2] bridge hlpl0', '✔ [2/2] bridge hlpl0']);
  });
});
