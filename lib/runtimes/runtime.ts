import type { Readable } from 'node:stream';
import type { ExecOptions, ExecResult } from '../nodes/node.ts';
import type { FileToCopy } from './file-archive.ts';
import type { Readiness } from './readiness.ts';

/** Labels every lab container and network carries: how `down` and ownership checks find them. */
export const LAB_LABEL = 'hybrid-lab.lab';
export const NODE_LABEL = 'hybrid-lab.node';
export const ROLE_LABEL = 'hybrid-lab.role';
export const IMAGE_LABEL = 'hybrid-lab.image';
/** Hash of everything a node's container was created from: when it differs, `up` re-creates the container. */
export const SPEC_LABEL = 'hybrid-lab.spec';

export function labLabels(labName: string, nodeName: string, role: 'dns' | 'node'): Record<string, string> {
  return { [LAB_LABEL]: labName, [NODE_LABEL]: nodeName, [ROLE_LABEL]: role };
}

/** Everything needed to run one lab container at a fixed address on the lab network. */
export interface ContainerSpec {
  name: string;
  hostname: string;
  image: string;
  network: string;
  /** Fixed address on `network`; without one the engine picks (e.g. on Docker's default bridge). */
  ip?: string;
  /** Fixed IPv6 address on `network` (a dual-stack network). */
  ipv6?: string;
  /** Fixed MAC on `network`; default the engine's. */
  mac?: string;
  /** Further networks the container sits on (one endpoint each), attached before it starts. */
  extraNetworks?: ContainerEndpoint[];
  labels: Record<string, string>;
  /** Arguments (the image's CMD); empty: the image's own. */
  command: string[];
  /** Replaces the image's ENTRYPOINT when given. */
  entrypoint?: string[];
  env?: Record<string, string>;
  dnsServer?: string;
  dnsSearch?: string;
  bindMounts?: Array<{ source: string; target: string; mode: 'ro' | 'rw' }>;
  /** Host files copied in after create, before start. */
  files?: FileToCopy[];
  /** CPU share (1.5 = one and a half cores) and memory limit. */
  limits?: { cpus?: number; memoryMb?: number };
  /** The only capabilities the container gets: the runtime's default set is dropped first. */
  capabilities: string[];
  /** Without one the container is ready once it runs (and has not exited at once). */
  readiness?: Readiness;
}

/** A container's attachment to one engine network. */
export interface ContainerEndpoint {
  network: string;
  ip: string;
  ipv6?: string;
  mac?: string;
}

/** Docker's default capability set: what a user's image gets, so it behaves as under `docker run`. */
export const DEFAULT_CAPABILITIES = ['CHOWN', 'DAC_OVERRIDE', 'FSETID', 'FOWNER', 'MKNOD', 'NET_RAW', 'SETGID', 'SETUID', 'SETFCAP', 'SETPCAP', 'NET_BIND_SERVICE', 'SYS_CHROOT', 'KILL', 'AUDIT_WRITE'];

/** Progress lines of a pull or build, as the engine reports them. */
export type ProgressLine = (line: string) => void;

export interface ImageBuildSpec {
  /** Folder sent as the build context. */
  contextDir: string;
  /** Dockerfile path inside the context. */
  dockerfile: string;
  reference: string;
  buildArgs: Record<string, string>;
  labels: Record<string, string>;
}

/** Who owns a container or network of a given name: this lab, another owner, or nobody (absent). */
export type Ownership = { owner: 'this-lab'; id: string } | { owner: 'absent' } | { owner: 'foreign'; id: string; describe: string };

export interface LabContainerInfo {
  id: string;
  name: string;
  node: string;
  role: string;
  state: string;
  ip?: string;
  /** The SPEC_LABEL it was created with. */
  spec?: string;
}

export interface NetworkSpec {
  name: string;
  labName: string;
  bridge: string;
  subnet: string;
  gateway: string;
  /** Dual stack: the network's IPv6 prefix and the host's address in it. */
  ipv6?: { subnet: string; gateway: string };
  /** Whether the engine masquerades traffic leaving the network (its default); off for isolated and routed networks. */
  masquerade?: boolean;
  /** A macvlan network (bridge mode) on this existing host interface instead of a bridge network on `bridge`. */
  macvlanParent?: string;
}

export interface LogOptions {
  follow?: boolean;
  /** Unix seconds or a duration the engine understands (10m). */
  since?: string;
  timestamps?: boolean;
  signal?: AbortSignal;
}

/**
 * One interface over a container engine (Docker, podman): images, containers, networks. The lab
 * never calls an engine's CLI or a library's internals; adding a runtime is one folder that
 * implements this and one registry line.
 */
export interface ContainerRuntime {
  readonly name: string;
  /** Whether the engine answers; `why` explains when it does not (not running, permission denied). */
  probe(): Promise<{ reachable: true } | { reachable: false; why: string }>;
  /** Starts the engine when it is installed but not running (machines without systemd). */
  ensureRunning(): Promise<boolean>;

  imageExists(reference: string): Promise<boolean>;
  /** Imports a root filesystem tarball as an image, with Dockerfile-style changes (ENV, ENTRYPOINT, LABEL). */
  importImage(tarball: string, reference: string, changes: string[]): Promise<void>;
  /** Pulls from a registry; rejects with the engine's error (no registry reachable, unknown image). */
  pullImage(reference: string, onProgress?: ProgressLine): Promise<void>;
  /** Builds a Dockerfile context; rejects with the failing step's error. */
  buildImage(spec: ImageBuildSpec, onProgress?: ProgressLine): Promise<void>;
  /** Gives an existing image another name. */
  tagImage(source: string, reference: string): Promise<void>;

  /** Creates and starts the container, then waits for its readiness; removes it if it never gets ready. */
  runContainer(spec: ContainerSpec): Promise<{ id: string }>;
  containerOwnership(idOrName: string, labName: string): Promise<Ownership>;
  /** Removes a container (force, with its anonymous volumes); quiet when it is already gone. */
  removeContainer(idOrName: string): Promise<void>;
  listLabContainers(labName: string): Promise<LabContainerInfo[]>;
  exec(idOrName: string, argv: readonly string[], options?: ExecOptions & { stdin?: Readable }): Promise<ExecResult>;
  /** The container's output, stdout and stderr merged, line by line. */
  logLines(idOrName: string, options?: LogOptions): AsyncIterable<string>;
  signal(idOrName: string, signal: string): Promise<void>;
  pause(idOrName: string): Promise<void>;
  unpause(idOrName: string): Promise<void>;

  ensureNetwork(spec: NetworkSpec): Promise<{ created: boolean; id: string }>;
  networkOwnership(name: string, labName: string): Promise<Ownership>;
  /** Removes the lab's network, first disconnecting containers that are not the lab's (named in the result). */
  removeNetwork(name: string, labName: string): Promise<{ ownership: Ownership; disconnected: string[] }>;
  listLabNetworks(labName: string): Promise<string[]>;
  /** The engine's bridge networks with their host bridge (what isolation rules name) and owning lab, if any. */
  listBridgeNetworks(): Promise<BridgeNetwork[]>;
  /** Whether the engine itself drops forwarding between its networks (Docker does; podman 4.3/netavark 1.4 does not). */
  readonly isolatesItsNetworks: boolean;
}

export interface BridgeNetwork {
  name: string;
  bridge: string;
  lab?: string;
}
