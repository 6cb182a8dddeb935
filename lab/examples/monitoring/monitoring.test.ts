// Scenario 3: service discovery and monitoring, written as a user of the package would (only the
// `hybrid-lab` entry point). The suite brings lab sc3 (monitoring.yaml) up and takes it down.
//   npx vitest run --project scenarios lab/examples/monitoring
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { downLab, findNode, loadTopology, openLab, queryDns, terminalReporter, upLab, type LiveLab, type ResolvedNode, type Topology } from 'hybrid-lab';

const TOPOLOGY_FILE = join(import.meta.dirname, 'monitoring.yaml');
const SERVICE = 'node-exporter';
/** A first scrape needs discovery (3 s refresh), a scrape slot (3 s) and, under TCG, a slow VM. */
const DISCOVERY_DEADLINE_MS = 120_000;

let topology: Topology;
let lab: LiveLab;
/** Set when beforeAll already took the lab down after a failed up. */
let tornDown = false;

beforeAll(async () => {
  topology = await loadTopology(TOPOLOGY_FILE);
  try {
    const started = performance.now();
    await upLab(topology, { reporter: terminalReporter() });
    process.stderr.write(`monitoring: lab ${topology.name} up in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
    lab = await openLab(topology.name);
  } catch (error) {
    // upLab rolled back what it made; down sweeps whatever a crash could have left, and afterAll has nothing more to do.
    await downLab(topology.name, topology, terminalReporter()).catch(() => undefined);
    tornDown = true;
    throw error;
  }
});

afterAll(async () => {
  if (!topology || tornDown) return;
  const started = performance.now();
  const result = await downLab(topology.name, topology, terminalReporter());
  process.stderr.write(`monitoring: lab ${topology.name} down in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
  expect(result.failures, 'down could not remove everything').toEqual([]);
});

/** The nodes whose topology entry declares the exporter's port with `service: node-exporter`. */
function exporterNodes(): Array<ResolvedNode & { exporterPort: number }> {
  return topology.nodes.flatMap((node) => {
    const port = (node.ports ?? []).find((declared) => declared.service === SERVICE);
    return port ? [{ ...node, exporterPort: port.port }] : [];
  });
}

interface PrometheusTarget {
  health: 'up' | 'down' | 'unknown';
  lastError: string;
  labels: Record<string, string>;
  discoveredLabels: Record<string, string>;
}

/** Prometheus' HTTP API, asked from the host over the lab bridge. */
async function prometheusApi<T>(path: string): Promise<T> {
  const prometheus = findNode(lab, 'prometheus');
  const response = await fetch(`http://${prometheus.ip}:9090${path}`, { signal: AbortSignal.timeout(5_000) });
  if (!response.ok) throw new Error(`GET ${path}: HTTP ${response.status}`);
  const body = (await response.json()) as { status: string; data: T };
  if (body.status !== 'success') throw new Error(`GET ${path}: status ${body.status}`);
  return body.data;
}

/** Polls until `check` returns a value, or fails at the deadline with the last reason it gave. */
async function eventually<T>(what: string, deadlineMs: number, check: () => Promise<{ value?: T; why: string }>): Promise<{ value: T; elapsedMs: number }> {
  const started = performance.now();
  let why = 'not checked yet';
  while (performance.now() - started < deadlineMs) {
    const outcome = await check().catch((error: unknown) => ({ value: undefined, why: String(error) }));
    if (outcome.value !== undefined) return { value: outcome.value, elapsedMs: performance.now() - started };
    why = outcome.why;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${what}: not within ${deadlineMs / 1000} s. Last: ${why}`);
}

describe('scenario 3: service discovery and monitoring', () => {
  it('declares exporters on at least one VM and two containers', () => {
    const kinds = exporterNodes().map((node) => node.kind);
    expect(kinds.filter((kind) => kind === 'vm').length).toBeGreaterThanOrEqual(1);
    expect(kinds.filter((kind) => kind === 'container').length).toBeGreaterThanOrEqual(2);
  });

  it('the lab DNS answers SRV _node-exporter._tcp with every node declaring it', async () => {
    const name = `_${SERVICE}._tcp.${topology.dns.domain}`;
    const answer = await queryDns(topology.dns.address, name, 'SRV');
    expect(answer.rcode).toBe('NOERROR');
    const expected = exporterNodes().map((node) => `0 0 ${node.exporterPort} ${node.name}.${topology.dns.domain}`);
    expect([...answer.answers].sort()).toEqual(expected.sort());
  });

  it('Prometheus discovers every exporter through DNS SRV and scrapes each one up', async ({ task }) => {
    const expected = new Map(exporterNodes().map((node) => [`${node.name}.${topology.dns.domain}:${node.exporterPort}`, node]));
    const { value: targets, elapsedMs } = await eventually('every exporter discovered and up', DISCOVERY_DEADLINE_MS, async () => {
      const { activeTargets } = await prometheusApi<{ activeTargets: PrometheusTarget[] }>('/api/v1/targets?state=active');
      const byInstance = new Map(activeTargets.map((target) => [target.labels.instance, target]));
      const pending = [...expected.keys()].filter((instance) => byInstance.get(instance)?.health !== 'up');
      const why = pending.map((instance) => `${instance}: ${byInstance.get(instance) ? `${byInstance.get(instance)!.health} ${byInstance.get(instance)!.lastError}` : 'not discovered'}`).join('; ');
      return pending.length === 0 ? { value: activeTargets, why } : { why };
    });
    task.meta.figure = `${expected.size} targets up ${(elapsedMs / 1000).toFixed(1)} s after the lab was up`;
    process.stderr.write(`monitoring: ${task.meta.figure}\n`);
    // Nothing but the lab's exporters, each found by the SRV lookup (not a static list).
    expect(targets.map((target) => target.labels.instance).sort()).toEqual([...expected.keys()].sort());
    for (const target of targets) expect(target.discoveredLabels.__meta_dns_name).toBe(`_${SERVICE}._tcp.${topology.dns.domain}`);
  });

  it('each target is the node it names: node_uname_info carries that node\'s hostname', async () => {
    const result = await prometheusApi<{ result: Array<{ metric: Record<string, string> }> }>(`/api/v1/query?query=${encodeURIComponent('node_uname_info')}`);
    const hostnames = new Map(result.result.map((series) => [series.metric.instance, series.metric.nodename]));
    for (const node of exporterNodes()) expect(hostnames.get(`${node.name}.${topology.dns.domain}:${node.exporterPort}`), node.name).toBe(node.name);
  });
});
