import { createReadStream } from 'node:fs';
import type Docker from 'dockerode';
import { sleep } from '../../common/time.ts';
import { packFilesForContainer } from '../file-archive.ts';
import { ProvisionError } from '../../common/errors.ts';
import { waitReady } from '../readiness.ts';
import { LAB_LABEL, NODE_LABEL, ROLE_LABEL, SPEC_LABEL, type ContainerEndpoint, type ContainerSpec, type LabContainerInfo, type Ownership } from '../runtime.ts';
import { execIn } from './exec.ts';
import { logLines, logTail } from './logs.ts';

/** Says whose a container or network is from its labels. */
export function ownershipOf(labels: Record<string, string> | undefined | null, id: string, labName: string): Ownership {
  const lab = labels?.[LAB_LABEL];
  if (lab === labName) return { owner: 'this-lab', id };
  return { owner: 'foreign', id, describe: lab ? `hybrid-lab lab "${lab}"` : 'not made by hybrid-lab (no hybrid-lab.lab label)' };
}

function isNotFound(error: unknown): boolean {
  return (error as { statusCode?: number }).statusCode === 404;
}

export async function containerOwnership(client: Docker, idOrName: string, labName: string): Promise<Ownership> {
  try {
    const info = await client.getContainer(idOrName).inspect();
    return ownershipOf(info.Config?.Labels, info.Id, labName);
  } catch (error) {
    if (isNotFound(error)) return { owner: 'absent' };
    throw error;
  }
}

export async function removeContainer(client: Docker, idOrName: string): Promise<void> {
  try {
    await client.getContainer(idOrName).remove({ force: true, v: true });
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
}

export async function listLabContainers(client: Docker, labName: string): Promise<LabContainerInfo[]> {
  const containers = await client.listContainers({ all: true, filters: { label: [`${LAB_LABEL}=${labName}`] } });
  return containers.map((container) => ({
    id: container.Id,
    name: container.Names[0]?.replace(/^\//, '') ?? container.Id,
    node: container.Labels[NODE_LABEL] ?? '',
    role: container.Labels[ROLE_LABEL] ?? '',
    state: container.State,
    ip: Object.values(container.NetworkSettings?.Networks ?? {})[0]?.IPAddress || undefined,
    spec: container.Labels[SPEC_LABEL],
  }));
}

/**
 * Creates the container with its fixed address on the lab network, the engine's init as PID 1
 * (busybox as PID 1 ignores SIGTERM), only the capabilities asked for, copies its files in, then
 * starts it and waits for its readiness. A container that never gets ready is removed and the
 * error shows its log.
 */
/** Docker's own choice of MAC for a fixed address (02:42 and the IPv4 bytes): one address, one MAC, across re-creations. */
export function macForIp(ip: string): string {
  return ['02', '42', ...ip.split('.').map((byte) => Number(byte).toString(16).padStart(2, '0'))].join(':');
}

export interface EngineCreateOptions {
  ulimits?: Array<{ Name: string; Soft: number; Hard: number }>;
  /** Set the MAC from the fixed address, as Docker does by itself (podman picks a random one). */
  macFromIp?: boolean;
}

export async function runContainer(client: Docker, spec: ContainerSpec, engine: EngineCreateOptions = {}): Promise<{ id: string }> {
  const created = await client.createContainer(createOptions(spec, engine)).catch((error: Error) => {
    throw new ProvisionError(`cannot create container ${spec.name} (image ${spec.image}): ${error.message}`, { cause: error });
  });
  try {
    if (spec.files?.length) await copyFiles(created, spec);
    await connectExtraNetworks(client, created, spec, engine);
    await created.start();
    const target = {
      name: `container ${spec.name}`,
      ip: spec.ip ?? '',
      lines: (signal: AbortSignal) => logLines(client, created.id, { follow: true, signal }),
      exec: (argv: readonly string[], timeoutMs: number) => execIn(client, created.id, argv, { timeoutMs }),
      tail: () => logTail(client, created.id, 20),
    };
    if (spec.readiness) await waitReady(target, spec.readiness);
    else await assertStillRunning(created, target.tail, spec.name);
  } catch (error) {
    await removeContainer(client, created.id).catch(() => undefined);
    throw error instanceof ProvisionError ? error : new ProvisionError(`container ${spec.name} did not start: ${(error as Error).message}`, { cause: error });
  }
  return { id: created.id };
}

function createOptions(spec: ContainerSpec, engine: EngineCreateOptions): Docker.ContainerCreateOptions {
  return {
    name: spec.name,
    Hostname: spec.hostname,
    Image: spec.image,
    Cmd: spec.command,
    ...(spec.entrypoint ? { Entrypoint: spec.entrypoint } : {}),
    ...(spec.env ? { Env: Object.entries(spec.env).map(([key, value]) => `${key}=${value}`) } : {}),
    Labels: spec.labels,
    HostConfig: {
      NetworkMode: spec.network,
      Init: true,
      RestartPolicy: { Name: 'no' },
      CapDrop: ['ALL'],
      CapAdd: spec.capabilities,
      Dns: spec.dnsServer ? [spec.dnsServer] : undefined,
      DnsSearch: spec.dnsSearch ? [spec.dnsSearch] : undefined,
      Binds: spec.bindMounts?.map((mount) => `${mount.source}:${mount.target}:${mount.mode}`),
      ...(spec.limits?.cpus ? { NanoCpus: Math.round(spec.limits.cpus * 1e9) } : {}),
      ...(spec.limits?.memoryMb ? { Memory: spec.limits.memoryMb * 1024 * 1024 } : {}),
      ...(engine.ulimits ? { Ulimits: engine.ulimits } : {}),
    },
    ...(spec.ip ? { NetworkingConfig: { EndpointsConfig: { [spec.network]: endpointConfig({ network: spec.network, ip: spec.ip, ipv6: spec.ipv6, mac: spec.mac }, engine) } } } : {}),
  };
}

/** One endpoint's fixed addresses (and MAC: given, or derived from the address where the engine would not). */
function endpointConfig(endpoint: ContainerEndpoint, engine: EngineCreateOptions): Docker.EndpointSettings {
  const mac = endpoint.mac ?? (engine.macFromIp ? macForIp(endpoint.ip) : undefined);
  return {
    IPAMConfig: { IPv4Address: endpoint.ip, ...(endpoint.ipv6 ? { IPv6Address: endpoint.ipv6 } : {}) },
    ...(mac ? { MacAddress: mac } : {}),
  };
}

/**
 * The container's further networks, connected after create and before start (the way every
 * engine version accepts; creating with several endpoints needs a recent API).
 */
async function connectExtraNetworks(client: Docker, container: Docker.Container, spec: ContainerSpec, engine: EngineCreateOptions): Promise<void> {
  for (const endpoint of spec.extraNetworks ?? []) {
    await client.getNetwork(endpoint.network).connect({ Container: container.id, EndpointConfig: endpointConfig(endpoint, engine) }).catch((error: Error) => {
      throw new ProvisionError(`cannot attach container ${spec.name} to network ${endpoint.network} at ${endpoint.ip}: ${error.message}`, { cause: error });
    });
  }
}

/** Host files into the created (not yet started) container, through the engine's put-archive. */
async function copyFiles(container: Docker.Container, spec: ContainerSpec): Promise<void> {
  const { tarball, remove } = await packFilesForContainer(spec.files ?? []);
  try {
    await container.putArchive(createReadStream(tarball), { path: '/' });
  } catch (error) {
    throw new ProvisionError(`cannot copy files into container ${spec.name} (${(spec.files ?? []).map((f) => f.target).join(', ')}): ${(error as Error).message}`, { cause: error });
  } finally {
    await remove();
  }
}

/** With no readiness check, a container that exits right after start is still a failure, with its log. */
async function assertStillRunning(container: Docker.Container, tail: () => Promise<string>, name: string): Promise<void> {
  await sleep(300);
  const state = (await container.inspect()).State;
  if (state.Running) return;
  const lines = await tail().catch(() => '');
  throw new ProvisionError(`container ${name} exited right after start (exit code ${state.ExitCode}). Last lines:\n${lines.trim() || '(no output)'}`);
}
