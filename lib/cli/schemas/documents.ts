import { z } from 'zod';
import { topologySchema } from '../../topology/schema.ts';
import { NETWORK_MODES } from '../../topology/network-schema.ts';
import { KERNEL_FEATURES } from '../../host/kernel-capabilities.ts';
import { schemaId } from '../output.ts';

// The JSON documents the CLI prints with --json, as zod schemas: the JSON Schema files in
// schemas/ are generated from these, and the tests parse the CLI's real output with them.

const resolvedNetwork = z.strictObject({
  name: z.string(),
  bridge: z.string(),
  mode: z.enum(NETWORK_MODES),
  parent: z.string().optional().describe('mode macvlan: the host interface the nodes sit on (bridge is then the host\'s shim on it)'),
  subnet: z.string(),
  prefix: z.number().int(),
  gateway: z.string(),
  dns: z.string(),
  ipv6: z.strictObject({ subnet: z.string(), prefix: z.number().int(), gateway: z.string(), dns: z.string() }).optional(),
  dhcp: z.strictObject({ start: z.string(), end: z.string(), leaseTime: z.string(), reservations: z.array(z.strictObject({ mac: z.string(), ip: z.string(), name: z.string().optional() })) }).optional(),
});

const resolvedNic = z.strictObject({
  network: z.string(),
  ip: z.string().optional().describe('absent for a dynamic DHCP lease'),
  dhcp: z.boolean(),
  ipv6: z.string().optional(),
  slaac: z.boolean(),
  mac: z.string().optional(),
});

const tag = (name: string) => z.literal(schemaId(name)).describe(`document type and shape version`);

const nodeStatus = z.strictObject({
  name: z.string(),
  kind: z.enum(['host', 'dns', 'container', 'vm']),
  ip: z.string(),
  dnsName: z.string(),
  state: z.string().describe('running, exited, missing, stopped...'),
  detail: z.string().optional().describe('VMs: provider and acceleration (KVM or emulated)'),
  impairment: z
    .strictObject({
      delayMs: z.number().optional(),
      jitterMs: z.number().optional(),
      lossPercent: z.number().optional(),
      rateBitsPerSec: z.number().optional(),
      hostInterface: z.string().optional().describe('the host-side interface carrying the host part (veth or tap)'),
      inGuest: z.boolean().optional().describe('delay/jitter/loss are applied inside the VM guest (the host kernel has no netem)'),
      applied: z.boolean().describe('both directions\' qdiscs are in place on the host'),
    })
    .optional()
    .describe('the link impairment the topology gives the node (impair:)'),
});

const dhcpLease = z.strictObject({
  mac: z.string(),
  ip: z.string(),
  name: z.string().optional().describe('the client\'s host name (absent when it sent none and no reservation names it)'),
  expiresAt: z.string().optional().describe('ISO 8601; absent for an infinite lease'),
  network: z.string().optional().describe('the lab network whose subnet holds the address'),
});

const labStatus = z.strictObject({
  lab: z.string(),
  status: z.enum(['up', 'creating', 'failed', 'down', 'invalid']),
  problem: z.string().optional().describe('why the state file of an `invalid` lab is not trusted, with the fix'),
  bridge: z.strictObject({ name: z.string(), subnet: z.string(), present: z.boolean() }),
  networks: z.array(z.strictObject({
    name: z.string(),
    mode: z.enum(NETWORK_MODES),
    interface: z.string().describe('the host interface carrying the gateway: the lab bridge, or a macvlan network\'s shim'),
    parent: z.string().optional().describe('mode macvlan: the host interface the nodes sit on'),
    subnet: z.string(),
    present: z.boolean().describe('the host interface (and a macvlan network\'s parent) exists'),
  })).describe('every segment, the primary first (empty when the lab is down and no topology is known)'),
  nodes: z.array(nodeStatus),
  leases: z.array(dhcpLease).optional().describe('DHCP leases of the lab DNS server; absent when no network has DHCP'),
  forwards: z.array(z.strictObject({
    node: z.string(),
    protocol: z.enum(['tcp', 'udp']),
    host: z.string().describe('host endpoint, e.g. 127.0.0.1:8080'),
    target: z.string().describe("the node's endpoint, e.g. 10.0.1.10:80"),
    state: z.enum(['active', 'missing', 'unknown']).describe('active: every rule of the forward is in place'),
  })).describe('port forwards (nodes[].ports[].host)'),
});

const graphNode = z.strictObject({
  name: z.string(),
  kind: z.enum(['host', 'dns', 'container', 'vm']),
  ip: z.string(),
  dnsName: z.string(),
  provider: z.string(),
  state: z.string().optional(),
});

const nodeRates = z.strictObject({
  name: z.string(),
  ip: z.string(),
  packetsInPerSec: z.number(),
  packetsOutPerSec: z.number(),
  bytesInPerSec: z.number(),
  bytesOutPerSec: z.number(),
  dropped: z.number().optional().describe('kernel drops on the node\'s host interface during the interval'),
});

const flowRate = z.strictObject({ src: z.string(), dst: z.string(), protocol: z.string(), packetsPerSec: z.number(), bytesPerSec: z.number() });

const failure = z.strictObject({ name: z.string().describe('suite: check'), message: z.string() });

/** Every CLI JSON document by name: `hybrid-lab/<name>@1`. */
export const documentSchemas = {
  error: z.strictObject({ schema: tag('error'), exitCode: z.number().int(), message: z.string(), kind: z.string(), version: z.string() }),
  status: labStatus.extend({ schema: tag('status') }),
  'status-all': z.strictObject({ schema: tag('status-all'), labs: z.array(labStatus) }),
  up: z.strictObject({ schema: tag('up'), lab: z.string(), created: z.array(z.string()), removed: z.array(z.string()), elapsedMs: z.number() }),
  down: z.strictObject({
    schema: tag('down'),
    lab: z.string(),
    removed: z.array(z.string()),
    leftovers: z.array(z.string()).describe('found by label/name though the state file did not list them'),
    notes: z.array(z.string()).optional(),
    refused: z.array(z.string()).optional().describe('recorded resources left alone: they do not carry the lab\'s mark'),
    failures: z.array(z.string()).optional().describe('what could not be removed, with why (exit 1)'),
    elapsedMs: z.number(),
  }),
  exec: z.strictObject({ schema: tag('exec'), node: z.string(), argv: z.array(z.string()), exitCode: z.number().int(), stdout: z.string(), stderr: z.string() }),
  doctor: z.strictObject({
    schema: tag('doctor'),
    checks: z.array(z.strictObject({ name: z.string(), ok: z.boolean(), detail: z.string(), fix: z.string().optional(), required: z.boolean() })),
    kernel: z
      .array(z.strictObject({ feature: z.enum(KERNEL_FEATURES), state: z.enum(['present', 'missing', 'unknown']), detail: z.string().optional().describe("the kernel's answer when missing") }))
      .optional()
      .describe('network features of the running kernel, found by creating each in a scratch namespace'),
  }),
  setup: z.strictObject({ schema: tag('setup'), features: z.array(z.string()), elapsedMs: z.number() }),
  graph: z.strictObject({
    schema: tag('graph'),
    lab: z.string(),
    bridge: z.strictObject({ name: z.string(), subnet: z.string(), gateway: z.string() }),
    domain: z.string(),
    live: z.boolean(),
    nodes: z.array(graphNode),
  }),
  'resolved-topology': topologySchema.extend({
    schema: tag('resolved-topology'),
    source: z.string().describe('the file it was read from'),
    hash: z.string().describe('content hash of the resolved topology'),
    runtime: z.string().optional().describe('container runtime (docker, podman)'),
    warnings: z.array(z.string()).optional().describe('valid but noteworthy choices'),
    bridge: z.strictObject({ name: z.string(), subnet: z.string(), prefix: z.number().int(), gateway: z.string() }),
    networks: z.array(resolvedNetwork).describe('every segment, the primary first'),
    nodes: z.array(z.looseObject({ name: z.string(), kind: z.enum(['container', 'vm']), ip: z.string().describe('first NIC\'s IPv4 address; empty for a dynamic DHCP lease'), nics: z.array(resolvedNic) })),
  }),
  'test-run': z.strictObject({
    schema: tag('test-run'),
    passed: z.number().int(),
    failed: z.number().int(),
    skipped: z.number().int(),
    setupErrors: z.array(z.string()),
    failures: z.array(failure).describe('every failed check with its reason'),
    exitCode: z.number().int(),
    junitPath: z.string(),
  }),
  'monitor-sample': z.strictObject({
    schema: tag('monitor-sample'),
    atIso: z.string(),
    intervalSec: z.number(),
    interface: z.string(),
    nodes: z.array(nodeRates),
    otherPacketsPerSec: z.number().describe('traffic from or to addresses that are no node'),
    topFlows: z.array(flowRate),
    interfaceDropped: z.number(),
    packetsSeen: z.number(),
  }),
  'dns-query': z.strictObject({
    schema: tag('dns-query'),
    timeIso: z.string(),
    serial: z.number().int().describe("dnsmasq's serial for the query"),
    clientIp: z.string(),
    clientName: z.string().optional().describe('the asking node, when the address is a lab node\'s'),
    type: z.string(),
    name: z.string(),
    answers: z.array(z.string()),
    source: z.enum(['records', 'cache', 'upstream', 'config', 'pending']),
    forwardedTo: z.string().optional(),
  }),
  'test-list': z.strictObject({ schema: tag('test-list'), checks: z.array(z.string()).describe('suite: check names, as --test matches them') }),
  bench: z.strictObject({
    schema: tag('bench'),
    label: z.string().optional(),
    runs: z.array(z.strictObject({ runId: z.string(), measurements: z.number().int().describe('measurements appended in this run'), history: z.string().describe('the history file') })),
  }),
} as const;

export type DocumentName = keyof typeof documentSchemas;
