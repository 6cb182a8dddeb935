import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { analyseCapture } from '../lib/debug/analyse/analyse-capture.ts';
import { startCapture } from '../lib/capture/tcpdump-capture.ts';
import { waitFor } from '../lib/common/time.ts';
import { buildDnsImage } from '../lib/images/lab-images.ts';
import { labNetworkName } from '../lib/lab/names.ts';
import { containerRuntime } from '../lib/runtimes/registry.ts';
import { labLabels } from '../lib/runtimes/runtime.ts';
import { queryDns } from '../lib/dns/client.ts';
import { labRecords } from '../lib/dns/records.ts';
import { liveRecords, reloadUpstreams } from '../lib/lab/dns-control.ts';
import { lookup, lookupWithGetent, type LookupResult } from '../lib/probe/dns-lookup.ts';
import type { LabNode } from '../lib/nodes/node.ts';
import { cidrContains, intToIp, ipToInt, parseCidr, broadcastAddress, reverseName } from '../lib/topology/ipv4.ts';
import { endpoints, hasProbeTools, liveLab, noToolsReason } from './support/lab.ts';
import { labNetworks, nodeNics } from '../lib/topology/topology.ts';
import { MeasurementLog } from './support/measurements.ts';
import { CEILING_POLICY } from '../lib/measure/budget-rounds.ts';
import { dnsTimeCeiling } from '../lib/measure/lab-checks.ts';

const lab = await liveLab();
const { topology } = lab.state;
const { domain, address: dnsServer } = topology.dns;
const records = labRecords(topology);
const log = new MeasurementLog('dns');
afterAll(() => log.write());

/**
 * How a node looks names up: busybox nslookup asking the lab DNS, or, in a user's image without
 * busybox, getent through the node's own resolver (which the runtime points at the lab DNS).
 * Undefined: the image has neither, so DNS is checked for it from the other nodes only.
 */
async function resolverOf(node: LabNode): Promise<((query: string) => Promise<LookupResult>) | undefined> {
  // The lab DNS answers on every network: each node asks it on its own first network.
  if (hasProbeTools(lab, node)) return (query) => lookup(node, query, dnsServerFor(node));
  const getent = await node.exec(['getent', 'hosts', 'localhost'], { timeoutMs: 5_000 }).catch(() => undefined);
  return getent?.exitCode === 0 ? (query) => lookupWithGetent(node, query) : undefined;
}
/** The DNS server's address on a node's first network (the host: the primary network's). */
function dnsServerFor(node: LabNode): string {
  const spec = topology.nodes.find((candidate) => candidate.name === node.name);
  const first = spec ? nodeNics(topology, spec)[0].network : undefined;
  return labNetworks(topology).find((network) => network.name === first)?.dns ?? dnsServer;
}
const resolvers = new Map(await Promise.all(endpoints(lab).map(async (node) => [node.name, await resolverOf(node)] as const)));

for (const node of endpoints(lab)) describe(`dns: from ${node.name}`, () => {
  const resolve = resolvers.get(node.name);
  if (!resolve) {
    it.skip(`every lookup (${noToolsReason(lab, node).replace('(ping, wget, nc)', '(nslookup, getent)')})`, () => {});
    return;
  }
  for (const { name, ip } of records) it(`A ${name} -> ${ip}`, async () => {
    for (const query of [name, `${name}.${domain}`]) {
      const result = await resolve(query);
      expect(result.answers, `${node.name}: A ${query} at ${dnsServer} gave ${result.rcode} ${result.answers.join(',')}\n${result.output}`).toContain(ip);
    }
  });

  // getent asks Docker's embedded resolver (127.0.0.11) and /etc/hosts, which answer PTR for
  // containers themselves (wl11_api.wl11-net): the lab's PTR records are checked from the other nodes.
  const ptrThroughLab = hasProbeTools(lab, node);
  for (const ip of new Set(records.map((r) => r.ip))) (ptrThroughLab ? it : it.skip)(ptrThroughLab ? `PTR ${ip}` : `PTR ${ip} (skipped: ${node.name} has only its own resolver, whose PTR answers for containers come from the engine's embedded DNS, not the lab's)`, async () => {
    const result = await resolve(ip);
    const expected = records.filter((r) => r.ip === ip).map((r) => `${r.name}.${domain}`);
    expect(result.answers.some((answer) => expected.includes(answer)), `${node.name}: PTR ${reverseName(ip)} gave ${result.answers.join(',') || result.rcode}, wanted one of ${expected.join(', ')}`).toBe(true);
  });

  it('NXDOMAIN for an unknown lab name', async () => {
    const result = await resolve(`no-such-node.${domain}`);
    expect(result.rcode, `${node.name}: no-such-node.${domain} gave ${result.rcode}\n${result.output}`).toBe('NXDOMAIN');
  });

  const searchTitle = 'search domain makes short names resolve through the node\'s own resolver';
  // The host's resolver is the host's, not the lab's: nothing to check there.
  (node.kind === 'host' ? it.skip : it)(node.kind === 'host' ? `${searchTitle} (skipped: the host's resolver is not the lab's)` : searchTitle, async () => {
    const target = lab.nodes.find((other) => other !== node) ?? lab.dns;
    const result = hasProbeTools(lab, node) ? await lookup(node, target.name) : await lookupWithGetent(node, target.name);
    expect(result.answers, `${node.name}: short name ${target.name} via its own resolver\n${result.output}`).toContain(target.ip);
  });
});

describe('dns: live updates and timing', () => {
  const live = liveRecords(topology);
  const subnet = parseCidr(topology.bridge.subnet)!;
  const liveIp = intToIp(broadcastAddress(subnet) - 3);

  it(`a record added live answers within 1 s (live-probe -> ${liveIp})`, async ({ task }) => {
    const started = performance.now();
    await live.put({ name: 'live-probe', ip: liveIp });
    await waitFor('live-probe to resolve', async () => ((await queryDns(dnsServer, `live-probe.${domain}`, 'A')).answers[0] === liveIp ? true : undefined), { timeoutMs: 1000, intervalMs: 20 });
    task.meta.figure = `${Math.round(performance.now() - started)} ms`;
  });

  it('a record removed live disappears within 1 s', async ({ task }) => {
    const started = performance.now();
    await live.remove('live-probe');
    await waitFor('live-probe to vanish', async () => ((await queryDns(dnsServer, `live-probe.${domain}`, 'A')).rcode === 'NXDOMAIN' ? true : undefined), { timeoutMs: 1000, intervalMs: 20 });
    task.meta.figure = `${Math.round(performance.now() - started)} ms`;
  });

  it(`cached answers take less than ${topology.budgets.latency.dnsCachedMs} ms (p50, median of >= ${CEILING_POLICY.minRounds} rounds of 10, host -> dns)`, async ({ task }) => {
    const name = `${lab.nodes[0]?.name ?? 'dns'}.${domain}`;
    await queryDns(dnsServer, name, 'A');
    const { outcome, measurements, errors } = await dnsTimeCeiling(lab, name, topology.budgets.latency.dnsCachedMs);
    measurements.forEach((measurement) => log.add(measurement));
    task.meta.figure = `p50 ${outcome.value.toFixed(3)} ms (median of ${outcome.rounds.length} rounds)${outcome.cause === 'within-budget' ? '' : `; ${outcome.cause}`}`;
    expect(outcome.passed, `DNS cached resolution: ${outcome.summary}${errors.length > 0 ? `\n${errors.join('\n')}` : ''}`).toBe(true);
  });
});

describe('dns: no leakage and lab-local upstream forwarding', () => {
  const subnet = parseCidr(topology.bridge.subnet)!;
  const upstreamIp = intToIp(broadcastAddress(subnet) - 1);
  const upstreamName = `${topology.name}-upstream-probe`;
  let configDir: string | undefined;

  afterAll(async () => {
    await reloadUpstreams(topology);
    await (await containerRuntime(topology.runtime)).removeContainer(upstreamName);
    if (configDir) await rm(configDir, { recursive: true, force: true });
  });

  it('no DNS packet on the bridge is addressed outside the lab while every node looks up lab names', async () => {
    // One capture per network bridge: every node's lookups cross one of them.
    const dir = await mkdtemp(join(tmpdir(), 'hybrid-lab-dns-'));
    const networks = labNetworks(topology);
    const captures = networks.map((network) => ({ network, pcap: join(dir, `${network.name}.pcap`) })).map((entry) => ({ ...entry, capture: startCapture({ interface: entry.network.bridge, outputPath: entry.pcap, filter: 'port 53' }) }));
    await Promise.all(captures.map((entry) => entry.capture.ready));
    for (const node of endpoints(lab)) {
      const resolve = resolvers.get(node.name);
      if (!resolve) continue;
      await resolve(`${lab.nodes[0]?.name ?? 'dns'}.${domain}`);
      await resolve(`unknown-name.${domain}`);
      if (node.kind !== 'host' && hasProbeTools(lab, node)) await lookup(node, lab.dns.name); // through the node's own resolver
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
    for (const entry of captures) entry.capture.stop();
    await Promise.all(captures.map((entry) => entry.capture.done));
    const subnets = networks.map((network) => parseCidr(network.subnet)!);
    let queries = 0;
    for (const entry of captures) {
      const analysis = await analyseCapture(entry.pcap, { subnet: entry.network.subnet });
      queries += analysis.dns.queries;
      const leaked = analysis.dns.transactions.filter((t) => !subnets.some((net) => cidrContains(net, ipToInt(t.server))));
      expect(leaked.map((t) => `${t.client} -> ${t.server}: ${t.name}`), `DNS queries addressed outside the lab on ${entry.network.bridge}`).toEqual([]);
      const outside = analysis.outsideLab.addresses.map((a) => a.address).filter((address) => !subnets.some((net) => cidrContains(net, ipToInt(address))));
      expect(outside, `addresses outside the lab in DNS traffic on ${entry.network.bridge}`).toEqual([]);
    }
    expect(queries, 'the captures saw the lookups (else this check proves nothing)').toBeGreaterThanOrEqual(endpoints(lab).length);
    await rm(dir, { recursive: true, force: true });
  });

  it(`forwards a delegated domain to a lab-local upstream (${upstreamIp}) `, async () => {
    configDir = await mkdtemp(join(tmpdir(), 'hybrid-lab-upstream-'));
    await writeFile(join(configDir, 'dnsmasq.conf'), [`listen-address=${upstreamIp}`, 'bind-interfaces', 'no-resolv', 'no-hosts', `address=/upstream.test/${upstreamIp}`, 'log-queries', 'log-facility=-', 'pid-file=', 'user=root', ''].join('\n'));
    const runtime = await containerRuntime(topology.runtime);
    await runtime.runContainer({
      name: upstreamName,
      hostname: 'upstream-probe',
      image: (await buildDnsImage(runtime)).reference,
      network: labNetworkName(topology.name),
      ip: upstreamIp,
      labels: labLabels(topology.name, 'upstream-probe', 'dns'),
      command: [],
      bindMounts: [{ source: configDir, target: '/etc/dnsmasq', mode: 'ro' }],
      capabilities: ['NET_BIND_SERVICE', 'SETUID', 'SETGID'],
      readiness: { kind: 'log', pattern: /started, version/ },
    });
    expect((await queryDns(dnsServer, 'www.upstream.test', 'A')).rcode, 'before delegation the lab DNS refuses outside names').toBe('REFUSED');
    await reloadUpstreams(topology, [`server=/upstream.test/${upstreamIp}`]);
    const answer = await waitFor('forwarded answer', async () => {
      const result = await queryDns(dnsServer, 'www.upstream.test', 'A');
      return result.answers.length > 0 ? result : undefined;
    }, { timeoutMs: 3000 });
    expect(answer.answers).toEqual([upstreamIp]);
  });
});
