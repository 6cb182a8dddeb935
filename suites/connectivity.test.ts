import { afterAll, beforeAll, describe, expect, it, type RunnerTestCase } from 'vitest';
import { startHostServices, type HostServices } from '../lib/nodes/host-services.ts';
import { queryDns } from '../lib/dns/client.ts';
import type { LabNode } from '../lib/nodes/node.ts';
import { echo } from '../lib/probe/echo.ts';
import { httpGet, httpStatusFrom } from '../lib/probe/http.ts';
import { tcpConnect } from '../lib/probe/tcp-connect.ts';
import { ping } from '../lib/probe/ping.ts';
import { lookup } from '../lib/probe/dns-lookup.ts';
import { labRecords, recordNameOf } from '../lib/dns/records.ts';
import { familyTag, pairFamilies, primaryAddress, urlHost, type AddressFamily, type FamilyTarget } from '../lib/topology/families.ts';
import { declaredPorts, endpoints, hasProbeTools, liveLab, noToolsReason, orderedPairs, portDeniedBy, servesBuiltinServices } from './support/lab.ts';

// Every ordered pair of endpoints (host included), every protocol, by IP and by DNS name, over
// each address family the pair has (IPv6 when both ends have it on a shared network).
const lab = await liveLab();
const { domain, address: dnsServer } = lab.state.topology.dns;

// The host answers HTTP and echo too, for the duration of the suite, so X -> host is checked like any pair.
let hostServices: HostServices;
const hostIpv6 = primaryAddress(lab.state.topology, 'host', 'ipv6');
beforeAll(async () => {
  hostServices = await startHostServices(lab.host.ip, 'gateway', { labName: lab.state.lab, bridge: lab.state.topology.bridge.name }, hostIpv6);
});
afterAll(() => hostServices?.stop());

/** The FQDN whose record holds a target address (the target's own name first; NODE.<network> for a further NIC), if the lab DNS has one. */
function fqdnOf(to: LabNode, target: FamilyTarget): string | undefined {
  const name = recordNameOf(lab.state.topology, target.address, to.name);
  return name ? `${name}.${domain}` : undefined;
}

/** Whether a name has an AAAA record beside its A: then the name alone does not say which family a connection takes. */
const isDualStackName = (fqdn: string) => labRecords(lab.state.topology).some((record) => `${record.name}.${domain}` === fqdn && record.ipv6 && record.ip);

/**
 * The name a node uses for a target, or the address it resolved that name to. Containers and VMs
 * resolve through the lab DNS themselves; the host's own resolver does not know the lab, so for
 * the host the name is resolved through the lab DNS server first. A dual-stack name is resolved
 * on the node in the family under test first (wget and nc cannot be told a family), so a [v4]
 * check never goes over IPv6 or the other way round.
 */
async function targetByName(from: LabNode, fqdn: string, family: AddressFamily): Promise<string> {
  if (from.kind !== 'host' && !isDualStackName(fqdn)) return fqdn;
  return resolveAt(from, fqdn, family);
}

/**
 * The address a node's own resolver gives for a name in one family (the lab DNS for the host):
 * the echo tool takes addresses, so "echo by name" resolves on the sending node first, then echoes there.
 */
async function resolveAt(from: LabNode, fqdn: string, family: AddressFamily): Promise<string> {
  const type = family === 'ipv6' ? 'AAAA' : 'A';
  if (from.kind === 'host') {
    const answer = await queryDns(dnsServer, fqdn, type);
    if (answer.answers.length === 0) throw new Error(`lab DNS ${dnsServer} has no ${type} record for ${fqdn} (${answer.rcode})`);
    return answer.answers[0];
  }
  const answer = await lookup(from, fqdn, undefined, type);
  const address = answer.answers.find((a) => (family === 'ipv6' ? a.includes(':') : /^\d+\.\d+\.\d+\.\d+$/.test(a)));
  if (!address) throw new Error(`${from.name} cannot resolve ${fqdn} (${type}) with its own resolver: ${answer.rcode}\n${answer.output}`);
  return address;
}

/** Registers a check: `it`, or a skip naming the rule when the lab's policies deny this port between the two (the reachability suite checks that). */
type Check = (title: string, check: (context: { task: RunnerTestCase }) => Promise<void>) => void;
function onPort(from: LabNode, to: LabNode, target: FamilyTarget, port: number, protocol: 'tcp' | 'udp'): Check {
  const rule = portDeniedBy(lab, from, to, port, protocol, target.family);
  return rule ? (title, check) => it.skip(`${title} (skipped: ${port}/${protocol} is denied by ${rule}; the reachability suite checks it is blocked)`, check) : (title, check) => it(title, check);
}

/** A user's image or a VM is checked on the ports it declares: TCP connect by name and IP, HTTP where declared. */
function declaredPortChecks(from: LabNode, to: LabNode, target: FamilyTarget, fqdn: string | undefined): void {
  const tag = familyTag(target.family);
  for (const served of declaredPorts(lab, to)) {
    if (served.protocol === 'udp') {
      it.skip(`udp ${served.port} ${tag} (skipped: a UDP service answers only its own protocol; no generic check)`, () => {});
      continue;
    }
    const gate = onPort(from, to, target, served.port, 'tcp');
    byName(fqdn, `tcp ${served.port} connect by name ${tag}`, async (name) => {
      const resolved = await targetByName(from, name, target.family);
      const result = await tcpConnect(from, resolved, served.port);
      expect(result.ok, `${tag} ${from.name} -> ${name} (${resolved}):${served.port}/tcp: ${result.detail}`).toBe(true);
    }, gate);
    gate(`tcp ${served.port} connect by ip ${tag}`, async () => {
      const result = await tcpConnect(from, target.address, served.port);
      expect(result.ok, `${tag} ${from.name} -> ${urlHost(target.address)}:${served.port}/tcp (${to.name}): ${result.detail}`).toBe(true);
    });
    if (served.http) byName(fqdn, `http :${served.port}${served.path} by name ${tag}`, async (name, task) => {
      const url = `http://${urlHost(await targetByName(from, name, target.family))}:${served.port}${served.path}`;
      const result = await httpStatusFrom(from, url);
      task.meta.figure = result.status ? `HTTP ${result.status}` : undefined;
      expect(result.ok, `${tag} ${from.name} -> ${url} (${to.name}): ${result.detail}`).toBe(true);
    });
  }
}

/** A check by name, skipped with the reason when no lab name holds the address (a further NIC of the host or DNS server). */
function byName(fqdn: string | undefined, title: string, check: (fqdn: string, task: RunnerTestCase) => Promise<void>, register: Check = (t, c) => it(t, c)): void {
  if (!fqdn) it.skip(`${title} (skipped: no lab DNS name has this address)`, () => {});
  else register(title, ({ task }) => check(fqdn, task));
}

/** Every check from one endpoint to another over one family; titles and failures name the family. */
function pairChecks(from: LabNode, to: LabNode, target: FamilyTarget): void {
  const { family, address } = target;
  const tag = familyTag(family);
  const fqdn = fqdnOf(to, target);
  it(`icmp by ip ${tag}`, async ({ task }) => {
    const result = await ping(from, address, { count: 2, family });
    expect(result.received, `${tag} ${from.name} -> ${to.name} (${address}) icmp: ${result.received}/${result.sent} replies\n${result.output}`).toBeGreaterThan(0);
    task.meta.figure = `${Math.min(...result.rttMs).toFixed(2)} ms`;
  });

  byName(fqdn, `icmp by name ${tag}`, async (name, task) => {
    // ping takes -4/-6, so a node pings the name itself; the host pings what the lab DNS answered.
    const pinged = from.kind === 'host' ? await resolveAt(from, name, family) : name;
    const result = await ping(from, pinged, { count: 1, family });
    expect(result.received, `${tag} ${from.name} -> ${name} icmp: no reply\n${result.output}`).toBe(1);
    task.meta.figure = `${result.rttMs[0]?.toFixed(2)} ms`;
  });

  // A user's image and a VM's own programs (initramfs.start, a disk's services): their declared ports.
  declaredPortChecks(from, to, target, fqdn);
  if (!servesBuiltinServices(lab, to)) return;
  const expected = to.kind === 'host' ? 'hello from gateway' : `hello from ${to.name}`;

  byName(fqdn, `tcp http by name ${tag}`, async (name) => {
    const resolved = await targetByName(from, name, family);
    const result = await httpGet(from, resolved, expected);
    expect(result.ok, `${tag} ${from.name} -> http://${name}/ (${resolved}): ${result.detail}`).toBe(true);
  }, onPort(from, to, target, 80, 'tcp'));

  onPort(from, to, target, 80, 'tcp')(`tcp http by ip ${tag}`, async () => {
    const result = await httpGet(from, address, expected);
    expect(result.ok, `${tag} ${from.name} -> http://${urlHost(address)}/ (${to.name}): ${result.detail}`).toBe(true);
  });

  for (const protocol of ['tcp', 'udp'] as const) {
    byName(fqdn, `${protocol} echo by name ${tag}`, async (name) => {
      const resolved = await resolveAt(from, name, family);
      expect(resolved, `${tag} ${from.name} resolved ${name}`).toBe(address);
      const result = await echo(from, protocol, resolved);
      expect(result.ok, `${tag} ${from.name} -> ${name} (${resolved}):7/${protocol} echo: ${result.detail}`).toBe(true);
    }, onPort(from, to, target, 7, protocol));
  }

  for (const protocol of ['tcp', 'udp'] as const) {
    onPort(from, to, target, 7, protocol)(`${protocol} echo by ip ${tag}`, async () => {
      const result = await echo(from, protocol, address);
      expect(result.ok, `${tag} ${from.name} -> ${to.name} ${urlHost(address)}:7/${protocol} echo: ${result.detail}`).toBe(true);
    });
  }
}

for (const [from, to] of orderedPairs(endpoints(lab), lab)) describe(`connectivity: ${from.name} -> ${to.name}`, () => {
  if (!hasProbeTools(lab, from)) {
    it.skip(`every check (${noToolsReason(lab, from)})`, () => {});
    return;
  }
  for (const target of pairFamilies(lab.state.topology, from.name, to)) pairChecks(from, to, target);
});
