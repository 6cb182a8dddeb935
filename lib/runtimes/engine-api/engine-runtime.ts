import { createReadStream } from 'node:fs';
import { createRequire } from 'node:module';
import type Docker from 'dockerode';
import type { Readable } from 'node:stream';
import type { ExecOptions } from '../../nodes/node.ts';
import type { ContainerRuntime, ContainerSpec, ImageBuildSpec, LogOptions, NetworkSpec, ProgressLine } from '../runtime.ts';
import { containerOwnership, listLabContainers, removeContainer, runContainer } from './containers.ts';
import { engineGet } from './engine-http.ts';
import { execIn } from './exec.ts';
import { buildImage, importImage, imageExists, pullImage, tagImage } from './images.ts';
import { packContext } from '../context-archive.ts';
import { logLines } from './logs.ts';
import { createEngineNetwork, ensureNetwork, listEngineBridges, listLabNetworks, networkOwnership, removeNetwork, type BridgeLister, type NetworkCreator } from './networks.ts';

const requireModule = createRequire(import.meta.url);

/** Where an engine's compatible API falls short of Docker's, the runtime supplies its own way. */
export interface EngineAdaptations {
  /** Makes the lab's network (podman's API refuses a subnet already on a host interface: the lab bridge's). */
  createNetwork?: NetworkCreator;
  /** The image import takes repo:tag in `repo` (podman ignores the `tag` parameter and would tag `latest`). */
  importTagInRepo?: boolean;
  /** Resource limits every container is created with (podman would ask for more than a host without CAP_SYS_RESOURCE allows). */
  ulimits?: () => Promise<Array<{ Name: string; Soft: number; Hard: number }>>;
  /**
   * A fixed address gets the MAC Docker would give it (podman picks a random one, so a re-created
   * node keeps its address but not its MAC, and its peers' neighbour caches point at the old one).
   */
  macFromIp?: boolean;
  /** Lists the engine's networks with their host bridges (podman's compat API does not show the bridge name). */
  listBridges?: BridgeLister;
  /** The engine forwards between its own networks (podman 4.3): the lab must drop that itself. */
  forwardsBetweenNetworks?: boolean;
}

/**
 * A runtime reached through the Docker Engine API on a unix socket: Docker itself, and podman's
 * compatible service. What differs between engines (socket, how to start the engine, adaptations) is given.
 */
export class EngineApiRuntime implements ContainerRuntime {
  private cachedClient: Docker | undefined;

  constructor(
    readonly name: string,
    private readonly socketPath: () => string,
    private readonly start: () => Promise<boolean>,
    private readonly adaptations: EngineAdaptations = {},
  ) {}

  /** One client per runtime (dockerode keeps its agent), loaded on first use: `status` needs only engineGet. */
  get client(): Docker {
    this.cachedClient ??= new (requireModule('dockerode') as typeof Docker)({ socketPath: this.socketPath() });
    return this.cachedClient;
  }

  async probe(): Promise<{ reachable: true } | { reachable: false; why: string }> {
    try {
      await engineGet(this.socketPath(), '/_ping');
      return { reachable: true };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const why = code === 'EACCES' ? `permission denied on ${this.socketPath()}` : code === 'ENOENT' || code === 'ECONNREFUSED' ? `no ${this.name} engine answers on ${this.socketPath()}` : (error as Error).message;
      return { reachable: false, why };
    }
  }

  ensureRunning = () => this.start();
  imageExists = (reference: string) => imageExists(this.client, reference);
  importImage = (tarball: string, reference: string, changes: string[]) => importImage(this.client, tarball, reference, changes, this.adaptations.importTagInRepo);
  pullImage = (reference: string, onProgress?: ProgressLine) => pullImage(this.client, reference, onProgress);
  tagImage = (source: string, reference: string) => tagImage(this.client, source, reference);

  async buildImage(spec: ImageBuildSpec, onProgress?: ProgressLine): Promise<void> {
    const context = await packContext(spec.contextDir);
    try {
      await buildImage(this.client, { context: createReadStream(context.tarball), dockerfile: spec.dockerfile, tag: spec.reference, buildArgs: spec.buildArgs, labels: spec.labels }, onProgress);
    } finally {
      await context.remove();
    }
  }

  runContainer = async (spec: ContainerSpec) => runContainer(this.client, spec, { ulimits: await this.adaptations.ulimits?.(), macFromIp: this.adaptations.macFromIp });
  containerOwnership = (idOrName: string, labName: string) => containerOwnership(this.client, idOrName, labName);
  removeContainer = (idOrName: string) => removeContainer(this.client, idOrName);
  listLabContainers = (labName: string) => listLabContainers(this.socketPath(), labName);
  exec = (idOrName: string, argv: readonly string[], options?: ExecOptions & { stdin?: Readable }) => execIn(this.client, idOrName, argv, options);
  logLines = (idOrName: string, options?: LogOptions) => logLines(this.client, idOrName, options);
  signal = async (idOrName: string, signal: string) => void (await this.client.getContainer(idOrName).kill({ signal }));
  pause = async (idOrName: string) => void (await this.client.getContainer(idOrName).pause());
  unpause = async (idOrName: string) => void (await this.client.getContainer(idOrName).unpause());
  ensureNetwork = (spec: NetworkSpec) => ensureNetwork(this.client, spec, this.adaptations.createNetwork ?? createEngineNetwork);
  networkOwnership = (name: string, labName: string) => networkOwnership(this.client, name, labName);
  removeNetwork = (name: string, labName: string) => removeNetwork(this.client, name, labName);
  listLabNetworks = (labName: string) => listLabNetworks(this.client, labName);
  listBridgeNetworks = () => (this.adaptations.listBridges ?? listEngineBridges)(this.client);
  get isolatesItsNetworks(): boolean {
    return !this.adaptations.forwardsBetweenNetworks;
  }
}
