import type { Topology } from '../topology/topology.ts';

/** One SRV answer: `_<service>._<protocol>.<domain> SRV <priority> <weight> <port> <target>`. */
export interface SrvRecord {
  /** Owner name, e.g. _node-exporter._tcp.hybrid.local. */
  name: string;
  /** The serving node's full name, e.g. vm1.hybrid.local (its A record comes from hostsdir). */
  target: string;
  port: number;
  priority: number;
  weight: number;
}

/**
 * The SRV records the lab DNS serves: one per node and declared port that carries a `service`
 * name, so a service is discovered on every node that declares it (equal priority and weight:
 * the client spreads its use). Sorted, so the rendered config changes only when a record does.
 */
export function srvRecords(topology: Pick<Topology, 'nodes' | 'dns'>): SrvRecord[] {
  const { domain } = topology.dns;
  const records = topology.nodes.flatMap((node) =>
    // Optional on VMs (and absent on nodes read from older state files).
    (node.ports ?? []).flatMap((port) =>
      port.service === undefined ? [] : [{ name: `_${port.service}._${port.protocol}.${domain}`, target: `${node.name}.${domain}`, port: port.port, priority: 0, weight: 0 }],
    ),
  );
  return records.sort((a, b) => a.name.localeCompare(b.name) || a.target.localeCompare(b.target) || a.port - b.port);
}

/** dnsmasq's line for one SRV record (`srv-host=<name>,<target>,<port>,<priority>,<weight>`). */
export function srvHostLine(record: SrvRecord): string {
  return `srv-host=${record.name},${record.target},${record.port},${record.priority},${record.weight}`;
}
