import { z } from 'zod';
import { LAB_NAME_PATTERN } from '../common/lab-name.ts';
import { LAB_CHAIN_PATTERN } from '../net/lab-chain.ts';

/**
 * What a state file may contain. `down` acts on what it lists as root, so a file that does not
 * match (edited, corrupted, crafted) is refused as a whole; ownership of each listed resource is
 * still proven live before it is removed (see ownership.ts).
 */
const ifName = z.string().regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,14}$/);
const resourceName = z.string().regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}$/);
const dnsLabel = z.string().regex(LAB_NAME_PATTERN);
const phase = z.enum(['planned', 'created']);

const iptablesRule = z.strictObject({
  family: z.enum(['ipv4', 'ipv6']).optional(),
  /** Absent in older state files: filter. */
  table: z.enum(['filter', 'nat']).optional(),
  chain: z.union([z.enum(['FORWARD', 'DOCKER-USER', 'INPUT', 'PREROUTING', 'OUTPUT', 'POSTROUTING']), z.string().regex(LAB_CHAIN_PATTERN)]),
  spec: z.array(z.string().max(200)).max(40),
  purpose: z.string().max(300),
  top: z.boolean().optional(),
});

const vmHandle = z.looseObject({
  name: dnsLabel,
  provider: z.string(),
  ip: z.string(),
  accel: z.enum(['kvm', 'tcg']),
  nic: z.strictObject({ hostInterface: z.string().regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,14}$/).optional(), mac: z.string().optional() }),
  // Every NIC (several networks, DHCP); handles written before several NICs lack it.
  nics: z.array(z.strictObject({
    network: z.string().regex(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/),
    hostInterface: ifName.optional(),
    mac: z.string().optional(),
    ip: z.string().optional(),
    ipv6: z.string().optional(),
    dhcp: z.boolean().optional(),
  })).optional(),
  management: z.strictObject({ bridge: z.string().regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,14}$/), ip: z.string() }).optional(),
  boot: z.strictObject({ ms: z.number(), rssKb: z.number() }).optional(),
  details: z.record(z.string(), z.union([z.string(), z.number()])),
});

export const recordedResourceSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('bridge'), id: ifName, phase }),
  z.strictObject({ kind: z.literal('macvlan-shim'), id: ifName, network: dnsLabel, parent: ifName, phase }),
  z.strictObject({ kind: z.literal('docker-network'), id: resourceName, phase }),
  z.strictObject({ kind: z.literal('iptables-rule'), id: z.string().max(300), rule: iptablesRule, phase }),
  z.strictObject({ kind: z.literal('iptables-chain'), id: z.string().regex(new RegExp(`^ipv[46]:${LAB_CHAIN_PATTERN.source.slice(1)}`)), family: z.enum(['ipv4', 'ipv6']), phase }),
  z.strictObject({ kind: z.literal('dns-container'), id: resourceName, phase }),
  z.strictObject({ kind: z.literal('container'), id: resourceName, node: dnsLabel, phase }),
  z.strictObject({ kind: z.literal('ifb'), id: ifName, node: dnsLabel, phase }),
  z.strictObject({ kind: z.literal('vm'), id: resourceName, node: dnsLabel, provider: z.string().regex(/^[a-z0-9-]+$/), handle: vmHandle.optional(), phase }),
]);

const sysctlChange = z.strictObject({ key: z.string().regex(/^net\.[a-zA-Z0-9_.-]+$/), before: z.string(), after: z.string() });

/** The topology as `up` resolved it; the fields `down` relies on are checked, the rest carried. */
const storedTopology = z.looseObject({
  name: dnsLabel,
  bridge: z.looseObject({ name: ifName, subnet: z.string(), gateway: z.string(), prefix: z.number() }),
  dns: z.looseObject({ address: z.string(), domain: z.string() }),
  nodes: z.array(z.looseObject({ name: dnsLabel, kind: z.enum(['container', 'vm']) })),
});

export const labStateSchema = z.strictObject({
  version: z.literal(1),
  lab: dnsLabel,
  topology: storedTopology,
  status: z.enum(['creating', 'up', 'failed']),
  updatedAt: z.string(),
  resources: z.array(recordedResourceSchema),
  sysctls: z.array(sysctlChange).default([]),
});
