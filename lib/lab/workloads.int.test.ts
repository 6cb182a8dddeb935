import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentReporter, type ProgressReporter } from '../common/progress.ts';
import { EngineApiRuntime } from '../runtimes/engine-api/engine-runtime.ts';
import { containerRuntime } from '../runtimes/registry.ts';
import { runCli } from '../testing/cli-process.ts';
import { labRemains, NOTHING_LEFT, topologyFromYaml } from '../testing/lab-fixture.ts';
import { LAB_DIR, loadTopology, parseTopology } from '../topology/load.ts';
import type { Topology } from '../topology/topology.ts';
import { downLab } from './down.ts';
import { findNode, openLab } from './lab-nodes.ts';
import { readState } from './state.ts';
import { upLab } from './up.ts';

// The example workloads lab (wl11 on hybr11, 10.0.11.0/24) brought up for real: two python3
// services built FROM the local Debian base, a local image, a built-in probe node. Then the
// failures: a readiness check that never passes and an image that cannot be had, on the same bridge.
const EXAMPLE = join(LAB_DIR, 'examples', 'workloads.yaml');
const BRIDGE = 'hybr11';
let topology: Topology;

/** Step titles in the order they finished, to see the start order dependsOn gives. */
function recordingReporter(done: string[]): ProgressReporter {
  return { ...silentReporter, stepDone: (title) => done.push(title) };
}

beforeAll(async () => {
  topology = await loadTopology(EXAMPLE);
  const state = await readState(topology.name);
  if (state) throw new Error(`lab ${topology.name} is already there (${state.status}): this test brings it up itself. Fix: npx hybrid-lab down -t ${EXAMPLE}`);
});

afterAll(async () => {
  await downLab(topology.name, topology, silentReporter).catch(() => undefined);
});

describe('the example workloads lab', () => {
  const finished: string[] = [];

  it('comes up: images built, containers started in dependsOn order', async () => {
    const result = await upLab(topology, { reporter: recordingReporter(finished) });
    expect(result.created).toEqual(expect.arrayContaining(['container wl11_api', 'container wl11_front', 'container wl11_plain', 'container wl11_probe']));
    expect(finished.indexOf('container wl11_front'), `front waits for api's readiness: ${finished.join(', ')}`).toBeGreaterThan(finished.indexOf('container wl11_api'));
  });

  it('front answers through the lab with what api said (env, copied file, lab DNS, bind mount)', async () => {
    const lab = await openLab(topology.name);
    const probe = findNode(lab, 'probe');
    const answer = await probe.exec(['busybox', 'wget', '-q', '-O', '-', 'http://front.hybrid.local:8080/'], { timeoutMs: 15_000 });
    expect(answer.exitCode, answer.stderr).toBe(0);
    expect(JSON.parse(answer.stdout)).toEqual({
      role: 'front',
      upstream: 'api:8080',
      from_upstream: { role: 'api', greeting: 'hello from api', config: { database: 'none', answer: 42 } },
      static: readFileSync(join(LAB_DIR, 'examples', 'workloads', 'static', 'index.txt'), 'utf8').trim(),
    });
  });

  it('limits, environment and the read-only bind mount are what the file says', async () => {
    const runtime = (await containerRuntime('docker')) as EngineApiRuntime;
    const api = await runtime.client.getContainer('wl11_api').inspect();
    expect(api.HostConfig.NanoCpus).toBe(500_000_000);
    expect(api.HostConfig.Memory).toBe(64 * 1024 * 1024);
    expect(api.Config.Env).toEqual(expect.arrayContaining(['ROLE=api', 'GREETING=hello from api']));
    const front = await runtime.client.getContainer('wl11_front').inspect();
    expect(front.HostConfig.Binds).toEqual([`${join(LAB_DIR, 'examples', 'workloads', 'static')}:/srv/static:ro`]);
    const write = await runtime.exec('wl11_front', ['sh', '-c', 'echo x > /srv/static/new.txt']);
    expect(write.exitCode, 'the bind mount is read-only').not.toBe(0);
  });

  it('a second up changes nothing; a changed env re-creates only that container', async () => {
    expect((await upLab(topology, { reporter: silentReporter })).created).toEqual([]);
    const changed = parseTopology(readFileSync(EXAMPLE, 'utf8').replace('GREETING: hello from api', 'GREETING: hello again'), EXAMPLE);
    const result = await upLab(changed, { reporter: silentReporter });
    expect(result.created).toEqual(['container wl11_api']);
    const probe = findNode(await openLab(topology.name), 'probe');
    const answer = await probe.exec(['busybox', 'wget', '-q', '-O', '-', 'http://api.hybrid.local:8080/'], { timeoutMs: 15_000 });
    expect(JSON.parse(answer.stdout).greeting).toBe('hello again');
  });

  it('goes down leaving nothing', async () => {
    await downLab(topology.name, topology, silentReporter);
    expect(await labRemains(topology.name, BRIDGE)).toEqual(NOTHING_LEFT);
  });
});

describe('workload failures roll back and leave nothing', () => {
  const lab = (nodes: string) => `name: wl11\nbridge: { name: ${BRIDGE}, subnet: 10.0.11.0/24 }\nnodes:\n${nodes}`;

  it('a readiness check that never passes: up fails after its timeout naming the node, the check and its last lines', async () => {
    const stuck = await topologyFromYaml(lab(`  - { name: ok, kind: container }
  - name: stuck
    kind: container
    image: hybrid-lab/debian:bookworm
    command: [sh, -c, "echo booting; echo still waiting for the database; exec sleep infinity"]
    readiness: { kind: tcp, port: 5432, timeoutSec: 3 }
`));
    const started = Date.now();
    const error = await upLab(stuck, { reporter: silentReporter }).then(() => new Error('up succeeded'), (e: unknown) => e as Error);
    expect(error.message).toMatch(/container wl11_stuck did not become ready within 3000 ms \(waiting for TCP port 5432 open\)\. Last lines:\nbooting\nstill waiting for the database/);
    expect(Date.now() - started, 'up waited for the timeout').toBeGreaterThanOrEqual(3000);
    expect(await labRemains('wl11', BRIDGE), 'rolled back: the ok container, network, DNS, bridge and rules too').toEqual(NOTHING_LEFT);
  });

  it('an image that cannot be had: exit 2, one line naming field, image and alternatives, nothing created', async () => {
    const dir = await topologyFromYaml(lab('  - { name: a, kind: container, image: "127.0.0.1:1/hybrid-lab-test/absent:1" }\n'));
    const result = await runCli(['up', '-t', dir.source]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/error: .*topology\.yaml: nodes\[0\]\.image: image is not on this machine and cannot be pulled: no registry is reachable.*\(got "127\.0\.0\.1:1\/hybrid-lab-test\/absent:1"\)\. Fix: build it here instead with build:.*docker load -i IMAGE\.tar/);
    expect(result.stderr, 'no stack trace without --debug').not.toMatch(/\n\s+at /);
    expect(await labRemains('wl11', BRIDGE)).toEqual(NOTHING_LEFT);
  });
});
