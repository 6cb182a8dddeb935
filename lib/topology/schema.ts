import { z } from 'zod';
import { CONTAINER_RUNTIME_NAMES } from '../runtimes/registry.ts';

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

const services = z
  .array(z.enum(serviceNames, { message: `unknown service${FIX}choose from ${serviceNames.join(', ')}` }))
  .default([...serviceNames]);

const containerNode = z.strictObject({
  name: nodeName,
  kind: z.literal('container'),
  ip: ipField.optional(),
  /** Image recipe under lab/images. Only `node` ships today; any other value is refused, never ignored. */
  image: z
    .literal('node', { message: `only the built-in node image is supported so far${FIX}remove image (or write image: node)` })
    .default('node'),
  services,
});

const debianPackage = z.string().regex(/^[a-z0-9][a-z0-9+.-]+$/, `not a Debian package name${FIX}use the name apt knows, e.g. postgresql`);

/** `disk:` a qcow2/raw image file (relative to the topology file), or a disk built here from a recipe. */
const vmDisk = z.union([
  z.string().min(1, `empty disk path${FIX}give a qcow2/raw file, or disk: { recipe: debian }`),
  z.strictObject({
    recipe: z.literal('debian', { message: `unknown disk recipe${FIX}use recipe: debian` }),
    /** Debian packages baked into the image at build time (the lab has no mirror at boot). */
    packages: z.array(debianPackage).default([]),
  }),
], { message: `disk must be a file path or { recipe: debian, packages: [...] }${FIX}e.g. disk: { recipe: debian, packages: [nginx-light] }` });

/** cloud-init user-data the lab adds to its NoCloud seed (disk VMs only). */
const cloudInit = z.strictObject({
  /** Installed at first boot from the image's apt lists; bake packages into the disk recipe instead where you can. */
  packages: z.array(debianPackage).default([]),
  writeFiles: z.array(z.strictObject({
    path: z.string().regex(/^\//, `not an absolute path${FIX}write the guest path, e.g. /etc/app.conf`),
    content: z.string(),
    permissions: z.string().regex(/^0[0-7]{3}$/, `not an octal mode${FIX}write e.g. '0644'`).default('0644'),
  })).default([]),
  /** Commands run once at first boot: a string (run by sh) or an argv list. */
  runcmd: z.array(z.union([z.string(), z.array(z.string()).min(1)])).default([]),
});

const vmNode = z.strictObject({
  name: nodeName,
  kind: z.literal('vm'),
  ip: ipField.optional(),
  provider: z.enum(['qemu', 'vagrant'], { message: `unknown VM provider${FIX}use qemu or vagrant` }).default('qemu'),
  memoryMb: z.number().int().min(96, `too little memory for the guest${FIX}give at least 96`).max(65536).default(128),
  cpus: z.number().int().min(1).max(64).default(1),
  /** Optional management NIC (the seeds' eth0); off by default. Vagrant VMs always have one. */
  managementNic: z.boolean().default(false),
  /** The seeds' VM role: `base` (hybrid-base) or `docker` (hybrid-docker: Docker inside the guest). Vagrant provider. */
  role: z.enum(['base', 'docker'], { message: `unknown VM role${FIX}use base or docker` }).default('base'),
  services,
  /** qemu provider: boot this disk (systemd, cloud-init, exec over SSH) instead of the busybox initramfs. */
  disk: vmDisk.optional(),
  cloudInit: cloudInit.optional(),
}).superRefine((node, context) => {
  if (node.disk !== undefined && node.provider !== 'qemu') {
    context.addIssue({ code: 'custom', path: ['disk'], message: `only the qemu provider boots disk images${FIX}set provider: qemu or remove disk` });
  }
  if (node.cloudInit !== undefined && node.disk === undefined) {
    context.addIssue({ code: 'custom', path: ['cloudInit'], message: `cloudInit needs a disk image with cloud-init${FIX}add disk: { recipe: debian } or remove cloudInit` });
  }
  if (node.disk !== undefined && node.managementNic) {
    context.addIssue({ code: 'custom', path: ['managementNic'], message: `disk VMs have only the hybrid NIC (exec goes over SSH on it)${FIX}remove managementNic` });
  }
  if (node.disk !== undefined && node.memoryMb < 256) {
    context.addIssue({ code: 'custom', path: ['memoryMb'], message: `a Debian disk VM needs at least 256 MB${FIX}set memoryMb: 512` });
  }
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
    .default({ name: 'hybr0', subnet: '10.0.1.0/24' }),
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
    .default({ reserved: [] }),
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
  budgets,
});

export type TopologyInput = z.input<typeof topologySchema>;
export type ParsedTopology = z.output<typeof topologySchema>;
export type NodeSpec = z.output<typeof nodeSchema>;
export type ContainerNodeSpec = Extract<NodeSpec, { kind: 'container' }>;
export type VmNodeSpec = Extract<NodeSpec, { kind: 'vm' }>;
export type Budgets = ParsedTopology['budgets'];
