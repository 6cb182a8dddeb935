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
import { lookup, lookupWithGetent, type LookupResult, type LookupType } from '../lib/probe/dns-lookup.ts';
import type { LabNode } from '../lib/nodes/node.ts';
import { cidrContains, intToIp, ipToInt, parseCidr, broadcastAddress, networkAddress, reverseName } from '../lib/topology/ipv4.ts';
import { labNetworks, nodeNics } from '../lib/topology/topology.ts';
import { familyOf, familyTag, labIpv6Prefixes, pairFamilies, primaryAddress } from '../lib/topology/families.ts';
import { cidr6Contains, formatIpv6, hostAddress6, parseCidr6, parseIpv6, reverseName6 } from '../lib/topology/ipv6.ts';
import { endpoints, hasProbeTools, liveLab, noToolsReason } from './support/lab.ts';
import { MeasurementLog } from './support/measurements.ts';
import { CEILING_POLICY } from '../lib/measure/budget-rounds.ts';
import { dnsTimeCeiling } from '../lib/measure/lab-checks.ts';

const lab = await liveLab();
const { topology } = lab.state;
const { domain, address: dnsServer } = topology.dns;
const records = labRecords(topology);
/** The DNS server's IPv6 address on a dual-stack lab: lookups are checked over IPv6 transport too. */
const dnsServer6 = primaryAddress(topology, 'dns', 'ipv6');
const prefixes6 = labIpv6Prefixes(topology).map((prefix) => parseCidr6(prefix)!);
/** Whether an address is the lab's own: in its subnet, or in one of its IPv6 prefixes. */
const subnets4 = labNetworks(topology).map((network) => parseCidr(network.subnet)!);
function isLabAddress(address: string): boolean {
  if (familyOf(address) === 'ipv4') return subnets4.some((subnet) => cidrContains(subnet, ipToInt(address)));
  const value = parseIpv6(address)!;
  return prefixes6.some((prefix) => cidr6Contains(prefix, value));
}
/** The DNS server's IPv6 address on a network it shares with a node, if the node has IPv6 there (then it asks over IPv6 too). */
const dnsIpv6For = (node: LabNode) => pairFamilies(topology, node.name, lab.dns).find((target) => target.family === 'ipv6')?.address;
const log = new MeasurementLog('dns');
afterAll(() => log.write());

/**
 * How a node looks names up: busybox nslookup asking the lab DNS, or, in a user's image without
 * busybox, getent through the node's own resolver (which the runtime points at the lab DNS).
 * Undefined: the image has neither, so DNS is checked for it from the other nodes only.
 */
type Resolver = (query: string, type?: LookupType) => Promise<LookupResult>;
async function resolverOf(node: LabNode): Promise<Resolver | undefined> {
  // The lab DNS answers on every network: each node asks it on its own first network.
  if (hasProbeTools(lab, node)) return (query, type) => lookup(node, query, dnsServerFor(node), type);
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

// A node's lookups are independent questions to the lab DNS: they run at once (one node at a time).
for (const node of endpoints(lab)) describe.concurrent(`dns: from ${node.name}`, () => {
  const resolve = resolvers.get(node.name);
  if (!resolve) {
    it.skip(`every lookup (${noToolsReason(lab, node).replace('(ping, wget, nc)', '(nslookup, getent)')})`, () => {});
    return;
  }
  for (const { name, ip } of records) if (ip) it(`A ${name} -> ${ip} [v4]`, async ({ expect }) => {
    for (const query of [name, `${name}.${domain}`]) {
      const result = await resolve(query, 'A');
      expect(result.answers, `[v4] ${node.name}: A ${query} at ${dnsServer} gave ${result.rcode} ${result.answers.join(',')}\n${result.output}`).toContain(ip);
    }
  });
  for (const { name, ipv6 } of records) if (ipv6) it(`AAAA ${name} -> ${ipv6} [v6]`, async ({ expect }) => {
    for (const query of [name, `${name}.${domain}`]) {
      const result = await resolve(query, 'AAAA');
      expect(result.answers, `[v6] ${node.name}: AAAA ${query} at ${dnsServer} gave ${result.rcode} ${result.answers.join(',')}\n${result.output}`).toContain(ipv6);
    }
  });

  // getent asks Docker's embedded resolver (127.0.0.11) and /etc/hosts, which answer PTR for
  // containers themselves (wl11_api.wl11-net): the lab's PTR records are checked from the other nodes.
  const ptrThroughLab = hasProbeTools(lab, node);
  const addresses = new Set(records.flatMap((r) => [r.ip, r.ipv6 ?? '']).filter((address) => address));
  for (const ip of addresses) {
    const tag = familyTag(familyOf(ip));
    (ptrThroughLab ? it : it.skip)(ptrThroughLab ? `PTR ${ip} ${tag}` : `PTR ${ip} ${tag} (skipped: ${node.name} has only its own resolver, whose PTR answers for containers come from the engine's embedded DNS, not the lab's)`, async ({ expect }) => {
      const result = await resolve(ip);
      const expected = records.filter((r) => r.ip === ip || r.ipv6 === ip).map((r) => `${r.name}.${domain}`);
      const reverse = familyOf(ip) === 'ipv6' ? reverseName6(ip) : reverseName(ip);
      expect(result.answers.some((answer) => expected.includes(answer)), `${tag} ${node.name}: PTR ${reverse} gave ${result.answers.join(',') || result.rcode}, wanted one of ${expected.join(', ')}`).toBe(true);
    });
  }

  // The same questions over IPv6 transport, to the DNS server's IPv6 address.
  const server6 = dnsIpv6For(node);
  if (server6) (hasProbeTools(lab, node) ? it : it.skip)(`A, AAAA and PTR answered over IPv6 by the DNS server at ${server6} [v6]${hasProbeTools(lab, node) ? '' : ` (${noToolsReason(lab, node)})`}`, async ({ expect }) => {
    const target = records.find((r) => r.ip && r.ipv6 && r.name !== 'host' && r.name !== 'gateway')!;
    const ask = (query: string, type?: LookupType) => lookup(node, query, server6, type);
    expect((await ask(`${target.name}.${domain}`, 'A')).answers, `[v6] ${node.name}: A ${target.name}.${domain} at ${server6}`).toContain(target.ip);
    expect((await ask(`${target.name}.${domain}`, 'AAAA')).answers, `[v6] ${node.name}: AAAA ${target.name}.${domain} at ${server6}`).toContain(target.ipv6);
    expect((await ask(target.ipv6!)).answers, `[v6] ${node.name}: PTR ${reverseName6(target.ipv6!)} at ${server6}`).toContain(`${target.name}.${domain}`);
  });

  it('NXDOMAIN for an unknown lab name [v4]', async ({ expect }) => {
    const result = await resolve(`no-such-node.${domain}`);
    expect(result.rcode, `[v4] ${node.name}: no-such-node.${domain} gave ${result.rcode}\n${result.output}`).toBe('NXDOMAIN');
  });

  const searchTitle = 'search domain makes short names resolve through the node\'s own resolver [v4]';
  // The host's resolver is the host's, not the lab's: nothing to check there.
  (node.kind === 'host' ? it.skip : it)(node.kind === 'host' ? `${searchTitle} (skipped: the host's resolver is not the lab's)` : searchTitle, async ({ expect }) => {
    const target = lab.nodes.find((other) => other !== node) ?? lab.dns;
    const result = hasProbeTools(lab, node) ? await lookup(node, target.name, undefined, 'A') : await lookupWithGetent(node, target.name);
    expect(result.answers, `[v4] ${node.name}: short name ${target.name} via its own resolver\n${result.output}`).toContain(target.ip);
  });
});

describe('dns: live updates and timing', () => {
  const live = liveRecords(topology);
  const subnet = parseCidr(topology.bridge.subnet)!;
  const liveIp = intToIp(broadcastAddress(subnet) - 3);
  // On a dual-stack lab the live record has an AAAA too (the same host number in the lab's prefix).
  const liveIp6 = prefixes6.length > 0 ? formatIpv6(hostAddress6(prefixes6[0], broadcastAddress(subnet) - 3 - networkAddress(subnet))) : undefined;
  const liveTags = liveIp6 ? '[v4] [v6]' : '[v4]';

  it(`a record added live answers within 1 s (live-probe -> ${[liveIp, liveIp6].filter(Boolean).join(', ')}) ${liveTags}`, async ({ task }) => {
    const started = performance.now();
    await live.put({ name: 'live-probe', ip: liveIp, ...(liveIp6 ? { ipv6: liveIp6 } : {}) });
    await waitFor('live-probe to resolve', async () => ((await queryDns(dnsServer, `live-probe.${domain}`, 'A')).answers[0] === liveIp ? true : undefined), { timeoutMs: 1000, intervalMs: 20 });
    if (liveIp6) expect((await queryDns(dnsServer, `live-probe.${domain}`, 'AAAA')).answers, '[v6] AAAA of the live record').toEqual([liveIp6]);
    task.meta.figure = `${Math.round(performance.now() - started)} ms`;
  });

  it(`a record removed live disappears within 1 s ${liveTags}`, async ({ task }) => {
    const started = performance.now();
    await live.remove('live-probe');
    await waitFor('live-probe to vanish', async () => ((await queryDns(dnsServer, `live-probe.${domain}`, 'A')).rcode === 'NXDOMAIN' ? true : undefined), { timeoutMs: 1000, intervalMs: 20 });
    task.meta.figure = `${Math.round(performance.now() - started)} ms`;
  });

  for (const server of [dnsServer, ...(dnsServer6 ? [dnsServer6] : [])]) {
    const tag = familyTag(familyOf(server));
    it(`cached answers take less than ${topology.budgets.latency.dnsCachedMs} ms (p50, median of >= ${CEILING_POLICY.minRounds} rounds of 10, host -> dns ${server}) ${tag}`, async ({ task }) => {
      const name = `${lab.nodes[0]?.name ?? 'dns'}.${domain}`;
      await queryDns(server, name, 'A');
      const { outcome, measurements, errors } = await dnsTimeCeiling(lab, name, topology.budgets.latency.dnsCachedMs, server);
      measurements.forEach((measurement) => log.add(measurement));
      task.meta.figure = `p50 ${outcome.value.toFixed(3)} ms (median of ${outcome.rounds.length} rounds)${outcome.cause === 'within-budget' ? '' : `; ${outcome.cause}`}`;
      expect(outcome.passed, `${tag} DNS cached resolution at ${server}: ${outcome.summary}${errors.length > 0 ? `\n${errors.join('\n')}` : ''}`).toBe(true);
    });
  }
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

  it(`no DNS packet on the bridge is addressed outside the lab while every node looks up lab names ${dnsServer6 ? '[v4] [v6]' : '[v4]'}`, async () => {
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
      const server6 = dnsIpv6For(node);
      if (server6 && hasProbeTools(lab, node)) await lookup(node, `${lab.nodes[0]?.name ?? 'dns'}.${domain}`, server6, 'AAAA'); // over IPv6
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
    for (const entry of captures) entry.capture.stop();
    await Promise.all(captures.map((entry) => entry.capture.done));
    let queries = 0;
    let seenOverIpv6 = 0;
    for (const entry of captures) {
      // IPv6 is judged against the lab's prefixes: another unique-local address (the uplink's) is not the lab's.
      const analysis = await analyseCapture(entry.pcap, { subnet: entry.network.subnet, ipv6Prefixes: labIpv6Prefixes(topology) });
      queries += analysis.dns.queries;
      seenOverIpv6 += analysis.dns.transactions.filter((t) => familyOf(t.server) === 'ipv6').length;
      const leaked = analysis.dns.transactions.filter((t) => !isLabAddress(t.server));
      expect(leaked.map((t) => `${t.client} -> ${t.server}: ${t.name}`), `DNS queries addressed outside the lab on ${entry.network.bridge}`).toEqual([]);
      const outside = analysis.outsideLab.addresses.map((a) => a.address).filter((address) => !isLabAddress(address));
      expect(outside, `addresses outside the lab in DNS traffic on ${entry.network.bridge}`).toEqual([]);
    }
    expect(queries, 'the captures saw the lookups (else this check proves nothing)').toBeGreaterThanOrEqual(endpoints(lab).length);
    const askedOverIpv6 = endpoints(lab).filter((node) => dnsIpv6For(node) && hasProbeTools(lab, node)).length;
    expect(seenOverIpv6, '[v6] the captures saw the IPv6 lookups (else the IPv6 side proves nothing)').toBeGreaterThanOrEqual(askedOverIpv6);
    await rm(dir, { recursive: true, force: true });
  });

  it(`forwards a delegated domain to a lab-local upstream (${upstreamIp}) [v4]`, async () => {
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
