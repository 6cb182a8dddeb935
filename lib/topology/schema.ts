import { z } from 'zod';
import { CONTAINER_RUNTIME_NAMES } from '../runtimes/registry.ts';
import { checkProviderOptions, VM_PROVIDERS, VM_PROVIDER_NAMES } from '../vms/registry.ts';
import { networkSchema, nicSchema } from './network-schema.ts';
import { policySchema } from './policy-schema.ts';
import { impairmentSchema } from './impairment.ts';
import { BUILTIN_IMAGE, buildField, envField, fileCopy, imageField, readinessField, servedPort, volumeMount } from './workload-schema.ts';

/** Separates the problem from the fix inside a zod message, so errors can name both. */
export const FIX = ' :: fix: ';

const dnsLabel = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const ipv4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const ifName = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,14}$/;

const ipField = z
  .string()
  .regex(ipv4, `not an IPv4 address${FIX}write four dotted decimals such as 10.0.1.50`);

const nodeName = z
  .string()
  .regex(
    dnsLabel,
    `not a valid DNS name${FIX}use 1-63 lowercase letters, digits and inner hyphens (e.g. web-server)`,
  );

export const serviceNames = ['http', 'tcp-echo', 'udp-echo', 'iperf3'] as const;
export type ServiceName = (typeof serviceNames)[number];

/** Well-known ports the node images listen on for each service. */
export const servicePorts: Record<ServiceName, { port: number; protocol: 'tcp' | 'udp' }> = {
  http: { port: 80, protocol: 'tcp' },
  'tcp-echo': { port: 7, protocol: 'tcp' },
  'udp-echo': { port: 7, protocol: 'udp' },
  iperf3: { port: 5201, protocol: 'tcp' },
};

const services = z.array(z.enum(serviceNames, { message: `unknown service${FIX}choose from ${serviceNames.join(', ')}` }));

const containerNode = z
  .strictObject({
    name: nodeName,
    kind: z.literal('container'),
    ip: ipField.optional(),
    /** One NIC per network the node sits on (instead of ip, which is a NIC on the first network). */
    nics: z.array(nicSchema).min(1).optional(),
    /** Any image reference; `node` (the default) is the built-in image with the test services. */
    image: imageField.optional(),
    /** A Dockerfile context built through the runtime, cached by content (instead of image). */
    build: buildField.optional(),
    /** The built-in image's test services; other images declare `ports` instead. */
    services: services.optional(),
    env: envField.default({}),
    command: z.array(z.string()).optional(),
    entrypoint: z.array(z.string()).optional(),
    files: z.array(fileCopy).default([]),
    volumes: z.array(volumeMount).default([]),
    cpus: z.number().positive().max(1024).optional(),
    memoryMb: z.number().int().min(6, `too little memory for a container${FIX}give at least 6 (MiB)`).max(1048576).optional(),
    ports: z.array(servedPort).default([]),
    readiness: readinessField.optional(),
    /** Nodes that must be ready before this one starts. */
    dependsOn: z.array(nodeName).default([]),
    impair: impairmentSchema.optional(),
  })
  .superRefine((node, ctx) => {
    const issue = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
    if (node.image !== undefined && node.build !== undefined) issue('build', `give either image or build, not both${FIX}remove image (build makes the image) or remove build`);
    if (isBuiltinNode(node)) {
      for (const field of ['command', 'entrypoint', 'readiness'] as const) {
        if (node[field] !== undefined) issue(field, `the built-in node image runs its test services and has its own ${field}${FIX}remove ${field}, or give the node your own image/build`);
      }
      checkPublishOnlyPorts(node.ports, 'the built-in node image', servedByServices(node.services ?? [...serviceNames]), ctx);
    } else if (node.services !== undefined) {
      issue('services', `services are the built-in node image's test services; image ${node.image ?? '(build)'} does not run them${FIX}remove services and declare the ports the image serves under ports:`);
    }
  })
  .transform((node) => ({ ...node, image: node.build ? undefined : (node.image ?? BUILTIN_IMAGE), services: node.services ?? (isBuiltinNode(node) ? [...serviceNames] : []) }));

/** The ports a built-in node's services listen on, as "80/tcp". */
function servedByServices(services: readonly ServiceName[]): string[] {
  return services.map((service) => `${servicePorts[service].port}/${servicePorts[service].protocol}`);
}

/**
 * Built-in containers, whose services the suites know by name, list ports only to publish them on
 * the host or name them for SRV: each entry needs `host:` or `service:`, and `http`/`path` (what the
 * suites check on a user's image) do not apply. `served`, when known, is what the node listens on.
 * (A VM's ports are what its guest serves beyond the built-in services, as a user's image's are.)
 */
function checkPublishOnlyPorts(ports: ReadonlyArray<{ port: number; protocol: string; http: boolean; path: string; host?: unknown; service?: string }>, what: string, served: string[] | undefined, ctx: z.RefinementCtx): void {
  ports.forEach((entry, i) => {
    const issue = (field: string, message: string) => ctx.addIssue({ code: 'custom', path: ['ports', i, field], message });
    if (entry.host === undefined && entry.service === undefined) issue('host', `${what} serves its own ports; on this node ports: only publishes a port on the host or names it for SRV${FIX}add host: 8080 (the host port; or "ADDRESS:PORT") or service: NAME, or remove this entry`);
    if (entry.http || entry.path !== '/') issue(entry.http ? 'http' : 'path', `http and path describe a user's image's port for the suites; ${what}'s services are checked by name${FIX}remove ${entry.http ? 'http' : 'path'}`);
    const key = `${entry.port}/${entry.protocol}`;
    if (served && !served.includes(key)) issue('port', `${what} does not listen on ${key}${FIX}publish one of its services' ports: ${served.join(', ')}`);
  });
}

/** Whether a container node runs the built-in image (no image and no build, or image: node). */
export function isBuiltinNode(node: { image?: string; build?: unknown }): boolean {
  return node.build === undefined && (node.image === undefined || node.image === BUILTIN_IMAGE);
}

/** Every provider's own fields, each refused on a VM of another provider (the registry lists them once). */
const providerOptionFields = Object.assign({}, ...Object.values(VM_PROVIDERS).map((entry) => entry.options)) as Record<string, z.ZodType>;

const vmNode = z
  .strictObject({
    name: nodeName,
    kind: z.literal('vm'),
    ip: ipField.optional(),
    nics: z.array(nicSchema).min(1).optional(),
    provider: z.enum(VM_PROVIDER_NAMES, { message: `unknown VM provider${FIX}use one of ${VM_PROVIDER_NAMES.join(', ')}` }).default('qemu'),
    memoryMb: z.number().int().min(96, `too little memory for the guest${FIX}give at least 96`).max(65536).default(128),
    cpus: z.number().int().min(1).max(64).default(1),
    services: services.default([...serviceNames]),
    /** Ports the guest serves beyond the built-in services (e.g. a program it starts), with optional SRV service names; host: publishes one. Optional: VM specs written in code and older state files have none. */
    ports: z.array(servedPort).optional(),
    impair: impairmentSchema.optional(),
    ...providerOptionFields,
  })
  .superRefine((node, context) => {
    for (const [provider, entry] of Object.entries(VM_PROVIDERS)) {
      if (provider === node.provider) continue;
      const own = VM_PROVIDERS[node.provider].options as Record<string, z.ZodType>;
      for (const field of Object.keys(entry.options)) {
        if ((node as Record<string, unknown>)[field] === undefined || field in own) continue; // shared fields (e.g. provision)
        context.addIssue({ code: 'custom', path: [field], message: `is a ${provider} provider option; this VM uses ${node.provider}${FIX}remove ${field} or set provider: ${provider}` });
      }
    }
    checkProviderOptions(node as Record<string, unknown> & { provider: string }, (field, message) => context.addIssue({ code: 'custom', path: [field], message }));
    if (node.impair && node.provider !== 'qemu') context.addIssue({ code: 'custom', path: ['impair'], message: `the ${node.provider} provider does not say which host interface is its VM's NIC, so that link cannot be impaired yet${FIX}remove impair, or use provider: qemu` });
  });

export const nodeSchema = z.discriminatedUnion('kind', [containerNode, vmNode], {
  message: `unknown node kind${FIX}use kind: container or kind: vm`,
});

const latencyBudget = z.strictObject({
  p95Ms: z.number().positive(),
  maxLossPercent: z.number().min(0).max(100).default(0),
});

/** Budgets the latency and throughput suites compare against; defaults are the seeds'. */
const budgets = z
  .strictObject({
    pings: z.number().int().min(3).max(1000).default(20),
    latency: z
      .strictObject({
        hostContainer: latencyBudget.default({ p95Ms: 0.5, maxLossPercent: 0 }),
        containerContainer: latencyBudget.default({ p95Ms: 0.5, maxLossPercent: 0 }),
        vmContainer: latencyBudget.default({ p95Ms: 1, maxLossPercent: 0 }),
        /** Applies instead of vmContainer when VMs run emulated (TCG, no KVM). */
        vmContainerEmulated: latencyBudget.default({ p95Ms: 25, maxLossPercent: 0 }),
        dnsCachedMs: z.number().positive().default(1),
      })
      .prefault({}),
    throughput: z
      .strictObject({
        containerContainerBitsPerSec: z.number().positive().default(1e9),
        vmContainerBitsPerSec: z.number().positive().default(1e9),
        vmContainerEmulatedBitsPerSec: z.number().positive().default(100e6),
        udpRateBitsPerSec: z.number().positive().default(10e6),
        udpMaxLossPercent: z.number().min(0).max(100).default(1),
      })
      .prefault({}),
  })
  .prefault({});

export const topologySchema = z.strictObject({
  name: nodeName.describe('lab name, used to label every resource'),
  /** Container engine that runs the lab's containers (and its DNS container). */
  runtime: z.enum(CONTAINER_RUNTIME_NAMES, { message: `unknown container runtime${FIX}use one of ${CONTAINER_RUNTIME_NAMES.join(', ')}` }).default('docker'),
  /** A lab of one segment: its bridge (default hybr0, 10.0.1.0/24). Labs of several segments use `networks:`. */
  bridge: z
    .strictObject({
      name: z
        .string()
        .regex(ifName, `not a valid Linux interface name${FIX}use at most 15 letters, digits, '-', '_' or '.'`)
        .default('hybr0'),
      subnet: z.string().default('10.0.1.0/24'),
      /** Defaults to the first host address of the subnet. */
      gateway: ipField.optional(),
    })
    .optional(),
  /** Several segments, the first being the primary one (its DNS address is `dns.address`). */
  networks: z.array(networkSchema).min(1, `a lab needs at least one network${FIX}list one, or remove networks: to get the default bridge`).max(32).optional(),
  dns: z
    .strictObject({
      /** Defaults to the second host address of the subnet. */
      address: ipField.optional(),
      domain: z
        .string()
        .regex(/^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/, `not a valid DNS domain${FIX}use lowercase labels separated by dots, e.g. hybrid.local`)
        .default('hybrid.local'),
      /** Resolvers dnsmasq forwards other names to. Default none: nothing leaves the lab. */
      upstreams: z.array(ipField).default([]),
    })
    .default({ domain: 'hybrid.local', upstreams: [] }),
  ipam: z
    .strictObject({
      /** First and last address handed to nodes without a static IP. */
      poolStart: ipField.optional(),
      poolEnd: ipField.optional(),
      /** Addresses or ranges (a-b) never handed out. */
      reserved: z.array(z.string()).default([]),
    })
    .optional(),
  host: z
    .strictObject({
      ipForward: z.boolean().default(true),
      /** br_netfilter's bridge-nf-call-iptables, as Docker leaves it. */
      bridgeNfCallIptables: z.boolean().default(true),
      /**
       * Host ports lab nodes may open on the host (INPUT from the bridge). Replies and ICMP are
       * always accepted; everything else from the lab is dropped.
       */
      acceptFromLab: z
        .array(z.strictObject({ port: z.number().int().min(1).max(65535), protocol: z.enum(['tcp', 'udp']).default('tcp') }))
        .default([]),
    })
    .default({ ipForward: true, bridgeNfCallIptables: true, acceptFromLab: [] }),
  nodes: z.array(nodeSchema).default([]),
  /** Allow/deny rules between nodes and networks, first match wins, before the lab's defaults. */
  policies: z.array(policySchema).max(256).default([]),
  budgets,
});

export type TopologyInput = z.input<typeof topologySchema>;
export type ParsedTopology = z.output<typeof topologySchema>;
export type NodeSpec = z.output<typeof nodeSchema>;
export type ContainerNodeSpec = Extract<NodeSpec, { kind: 'container' }>;
/** A VM node; provider-only fields (see lib/vms/registry.ts) are read by their provider. */
export type VmNodeSpec = Extract<NodeSpec, { kind: 'vm' }> & { [providerOption: string]: unknown };
export type Budgets = ParsedTopology['budgets'];
