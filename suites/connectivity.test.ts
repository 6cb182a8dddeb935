import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHostServices, type HostServices } from '../lib/nodes/host-services.ts';
import { queryDns } from '../lib/dns/client.ts';
import type { LabNode } from '../lib/nodes/node.ts';
import { echo } from '../lib/probe/echo.ts';
import { httpGet, httpStatusFrom } from '../lib/probe/http.ts';
import { tcpConnect } from '../lib/probe/tcp-connect.ts';
import { ping } from '../lib/probe/ping.ts';
import { lookup } from '../lib/probe/dns-lookup.ts';
import { declaredPorts, endpoints, hasProbeTools, liveLab, noToolsReason, orderedPairs, portDeniedBy, servesBuiltinServices } from './support/lab.ts';

// Every ordered pair of endpoints (host included), every protocol, by IP and by DNS name.
const lab = await liveLab();
const { domain, address: dnsServer } = lab.state.topology.dns;

// The host answers HTTP and echo too, for the duration of the suite, so X -> host is checked like any pair.
let hostServices: HostServices;
beforeAll(async () => {
  hostServices = await startHostServices(lab.host.ip, 'gateway', { labName: lab.state.lab, bridge: lab.state.topology.bridge.name });
});
afterAll(() => hostServices?.stop());

/**
 * The name a node uses for a target. Containers and VMs resolve through the lab DNS themselves;
 * the host's own resolver does not know the lab, so for the host the name is resolved through
 * the lab DNS server first and the probe goes to the address it answered.
 */
async function targetByName(from: LabNode, to: LabNode): Promise<string> {
  const fqdn = `${to.name}.${domain}`;
  if (from.kind !== 'host') return fqdn;
  return resolveAt(from, fqdn);
}

/**
 * The address a node's own resolver gives for a name (the lab DNS for the host): the echo tool
 * takes addresses, so "echo by name" resolves on the sending node first, then echoes there.
 */
async function resolveAt(from: LabNode, fqdn: string): Promise<string> {
  if (from.kind === 'host') {
    const answer = await queryDns(dnsServer, fqdn, 'A');
    if (answer.answers.length === 0) throw new Error(`lab DNS ${dnsServer} has no A record for ${fqdn} (${answer.rcode})`);
    return answer.answers[0];
  }
  const answer = await lookup(from, fqdn);
  const address = answer.answers.find((a) => /^\d+\.\d+\.\d+\.\d+$/.test(a));
  if (!address) throw new Error(`${from.name} cannot resolve ${fqdn} with its own resolver: ${answer.rcode}\n${answer.output}`);
  return address;
}

/** `it`, or a skip naming the rule when the lab's policies deny this port between the two (the reachability suite checks that). */
function onPort(from: LabNode, to: LabNode, port: number, protocol: 'tcp' | 'udp'): (title: string, check: () => Promise<void>) => void {
  const rule = portDeniedBy(lab, from, to, port, protocol);
  return rule ? (title, check) => it.skip(`${title} (skipped: ${port}/${protocol} is denied by ${rule}; the reachability suite checks it is blocked)`, check) : (title, check) => it(title, check);
}

/** A user's image or a VM is checked on the ports it declares: TCP connect by name and IP, HTTP where declared. */
function declaredPortChecks(from: LabNode, to: LabNode): void {
  for (const served of declaredPorts(lab, to)) {
    if (served.protocol === 'udp') {
      it.skip(`udp ${served.port} (skipped: a UDP service answers only its own protocol; no generic check)`, () => {});
      continue;
    }
    onPort(from, to, served.port, 'tcp')(`tcp ${served.port} connect by name`, async () => {
      const target = await targetByName(from, to);
      const result = await tcpConnect(from, target, served.port);
      expect(result.ok, `${from.name} -> ${to.name}.${domain}:${served.port}/tcp: ${result.detail}`).toBe(true);
    });
    onPort(from, to, served.port, 'tcp')(`tcp ${served.port} connect by ip`, async () => {
      const result = await tcpConnect(from, to.ip, served.port);
      expect(result.ok, `${from.name} -> ${to.ip}:${served.port}/tcp (${to.name}): ${result.detail}`).toBe(true);
    });
    if (served.http) it(`http :${served.port}${served.path} by name`, async ({ task }) => {
      const url = `http://${await targetByName(from, to)}:${served.port}${served.path}`;
      const result = await httpStatusFrom(from, url);
      task.meta.figure = result.status ? `HTTP ${result.status}` : undefined;
      expect(result.ok, `${from.name} -> ${url} (${to.name}): ${result.detail}`).toBe(true);
    });
  }
}

for (const [from, to] of orderedPairs(endpoints(lab), lab)) describe(`connectivity: ${from.name} -> ${to.name}`, () => {
  if (!hasProbeTools(lab, from)) {
    it.skip(`every check (${noToolsReason(lab, from)})`, () => {});
    return;
  }
  it('icmp by ip', async ({ task }) => {
    const result = await ping(from, to.ip, { count: 2 });
    expect(result.received, `${from.name} -> ${to.name} (${to.ip}) icmp: ${result.received}/${result.sent} replies\n${result.output}`).toBeGreaterThan(0);
    task.meta.figure = `${Math.min(...result.rttMs).toFixed(2)} ms`;
  });

  it('icmp by name', async ({ task }) => {
    const target = await targetByName(from, to);
    const result = await ping(from, target, { count: 1 });
    expect(result.received, `${from.name} -> ${to.name}.${domain} icmp: no reply\n${result.output}`).toBe(1);
    task.meta.figure = `${result.rttMs[0]?.toFixed(2)} ms`;
  });

  // A user's image and a VM's own programs (initramfs.start, a disk's services): their declared ports.
  declaredPortChecks(from, to);
  if (!servesBuiltinServices(lab, to)) return;

  onPort(from, to, 80, 'tcp')('tcp http by name', async () => {
    const expected = to.kind === 'host' ? 'hello from gateway' : `hello from ${to.name}`;
    const result = await httpGet(from, await targetByName(from, to), expected);
    expect(result.ok, `${from.name} -> http://${to.name}.${domain}/: ${result.detail}`).toBe(true);
  });

  onPort(from, to, 80, 'tcp')('tcp http by ip', async () => {
    const expected = to.kind === 'host' ? 'hello from gateway' : `hello from ${to.name}`;
    const result = await httpGet(from, to.ip, expected);
    expect(result.ok, `${from.name} -> http://${to.ip}/ (${to.name}): ${result.detail}`).toBe(true);
  });

  for (const protocol of ['tcp', 'udp'] as const) {
    onPort(from, to, 7, protocol)(`${protocol} echo by name`, async () => {
      const fqdn = `${to.name}.${domain}`;
      const address = await resolveAt(from, fqdn);
      expect(address, `${from.name} resolved ${fqdn}`).toBe(to.ip);
      const result = await echo(from, protocol, address);
      expect(result.ok, `${from.name} -> ${fqdn} (${address}):7/${protocol} echo: ${result.detail}`).toBe(true);
    });
  }

  onPort(from, to, 7, 'tcp')('tcp echo by ip', async () => {
    const result = await echo(from, 'tcp', to.ip);
    expect(result.ok, `${from.name} -> ${to.name} ${to.ip}:7/tcp echo: ${result.detail}`).toBe(true);
  });

  onPort(from, to, 7, 'udp')('udp echo by ip', async () => {
    const result = await echo(from, 'udp', to.ip);
    expect(result.ok, `${from.name} -> ${to.name} ${to.ip}:7/udp echo: ${result.detail}`).toBe(true);
  });
});
