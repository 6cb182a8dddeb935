import { hasProgram, run } from '../../common/run.ts';
import type { DockerNetworkInfo, HostSnapshot } from './host-snapshot.ts';

interface DockerNetworkJson {
  Name: string;
  Id: string;
  Driver: string;
  Options?: Record<string, string>;
  IPAM?: { Config?: Array<{ Subnet?: string }> };
  Containers?: Record<string, { Name: string; IPv4Address?: string; MacAddress?: string }>;
}

/** The Linux bridge behind a Docker bridge network (docker0 for the default one). */
function bridgeOf(network: DockerNetworkJson): string | undefined {
  if (network.Driver !== 'bridge') return undefined;
  return network.Options?.['com.docker.network.bridge.name'] ?? (network.Name === 'bridge' ? 'docker0' : `br-${network.Id.slice(0, 12)}`);
}

/** `docker network inspect` for every network; empty (with an error noted) when Docker is absent. */
export async function collectDocker(snapshot: HostSnapshot): Promise<DockerNetworkInfo[]> {
  if (!(await hasProgram('docker'))) {
    snapshot.errors.push({ source: 'docker', message: 'docker is not installed' });
    return [];
  }
  try {
    const names = (await run('docker', ['network', 'ls', '--format', '{{.Name}}'], { timeoutMs: 15_000 })).stdout.split('\n').filter(Boolean);
    if (names.length === 0) return [];
    const inspected = JSON.parse((await run('docker', ['network', 'inspect', ...names], { timeoutMs: 15_000 })).stdout) as DockerNetworkJson[];
    return inspected.map((network) => ({
      name: network.Name,
      driver: network.Driver,
      bridgeName: bridgeOf(network),
      subnets: (network.IPAM?.Config ?? []).map((c) => c.Subnet ?? '').filter(Boolean),
      containers: Object.values(network.Containers ?? {}).map((c) => ({ name: c.Name, ipv4: c.IPv4Address, mac: c.MacAddress })),
    }));
  } catch (error) {
    snapshot.errors.push({ source: 'docker network inspect', message: (error as Error).message.split('\n')[0] });
    return [];
  }
}

/** A container's state and the Linux bridges of the networks it is attached to. */
export async function containerBridges(snapshot: HostSnapshot, name: string): Promise<{ state: string; bridges: string[] }> {
  const inspected = await run('docker', ['inspect', '--type', 'container', name], { timeoutMs: 15_000, allowFailure: true }).catch(() => undefined);
  if (!inspected || inspected.exitCode !== 0) return { state: 'missing', bridges: [] };
  const [container] = JSON.parse(inspected.stdout) as Array<{ State?: { Status?: string }; NetworkSettings?: { Networks?: Record<string, unknown> } }>;
  const networkNames = Object.keys(container?.NetworkSettings?.Networks ?? {});
  const bridges = networkNames
    .map((network) => snapshot.dockerNetworks.find((n) => n.name === network)?.bridgeName)
    .filter((bridge): bridge is string => bridge !== undefined);
  return { state: container?.State?.Status ?? 'unknown', bridges };
}
