import { shortHash } from '../common/hash.ts';
import type { Readiness } from '../runtimes/readiness.ts';
import { DEFAULT_CAPABILITIES, SPEC_LABEL, labLabels, type ContainerSpec } from '../runtimes/runtime.ts';
import type { ContainerNodeSpec } from '../topology/schema.ts';
import { labNetworks, nodeNics, type ResolvedNic, type Topology } from '../topology/topology.ts';
import { isBuiltinNode } from '../topology/schema.ts';
import type { ReadinessSpec } from '../topology/workload-schema.ts';
import { containerName, engineNetworkName } from './names.ts';

/** The topology's readiness (timeouts in seconds, patterns as text) as the runtime's check. */
export function toReadiness(spec: ReadinessSpec): Readiness {
  const timeoutMs = spec.timeoutSec * 1000;
  switch (spec.kind) {
    case 'tcp':
      return { kind: 'tcp', port: spec.port, timeoutMs };
    case 'http':
      return { kind: 'http', port: spec.port, path: spec.path, status: spec.status, timeoutMs };
    case 'log':
      return { kind: 'log', pattern: new RegExp(spec.pattern), timeoutMs };
    case 'command':
      return { kind: 'command', argv: spec.argv, timeoutMs };
  }
}

/** Everything `up` gives the runtime for one container node, from the topology and its resolved image. */
export function nodeContainerSpec(topology: Topology, node: Omit<ContainerNodeSpec, 'nics'> & { ip: string; nics?: ResolvedNic[] }, image: string): ContainerSpec {
  const builtin = isBuiltinNode(node);
  // Containers have static addresses only (the schema refuses dhcp and slaac for them).
  const [first, ...others] = nodeNics(topology, node).map((nic) => ({
    network: engineNetworkName(topology, nic.network),
    ip: nic.ip!,
    ...(nic.ipv6 ? { ipv6: nic.ipv6 } : {}),
    ...(nic.mac ? { mac: nic.mac } : {}),
  }));
  const firstNetwork = labNetworks(topology).find((network) => network.name === nodeNics(topology, node)[0].network);
  const spec: ContainerSpec = {
    name: containerName(topology.name, node.name),
    hostname: node.name,
    image,
    ...first,
    ...(others.length > 0 ? { extraNetworks: others } : {}),
    labels: labLabels(topology.name, node.name, 'node'),
    command: builtin ? node.services : (node.command ?? []),
    entrypoint: node.entrypoint,
    env: Object.keys(node.env).length > 0 ? node.env : undefined,
    // The lab DNS server on the node's first network (it has an address on every network).
    dnsServer: firstNetwork?.dns ?? topology.dns.address,
    dnsSearch: topology.dns.domain,
    bindMounts: node.volumes.map((volume) => ({ source: volume.source, target: volume.target, mode: volume.readOnly ? 'ro' : 'rw' })),
    files: node.files,
    limits: node.cpus || node.memoryMb ? { cpus: node.cpus, memoryMb: node.memoryMb } : undefined,
    // The built-in image: ping (raw sockets) and the services on ports 7 and 80; no NET_ADMIN, a node
    // cannot re-address itself. A user's image gets the engine's usual set (still no NET_ADMIN).
    capabilities: builtin ? ['NET_RAW', 'NET_BIND_SERVICE'] : DEFAULT_CAPABILITIES,
    readiness: builtin ? { kind: 'log', pattern: /hybrid-lab: services ready/ } : node.readiness ? toReadiness(node.readiness) : undefined,
  };
  return { ...spec, labels: { ...spec.labels, [SPEC_LABEL]: specHash(spec) } };
}

/** Hash of the container's definition (image reference included, so a rebuilt image counts). */
function specHash(spec: ContainerSpec): string {
  const { readiness, ...rest } = spec;
  return shortHash([JSON.stringify(rest), readiness ? `${readiness.kind}:${JSON.stringify(readiness, (_, value: unknown) => (value instanceof RegExp ? value.source : value))}` : '']);
}
