import type Docker from 'dockerode';
import { ProvisionError } from '../../common/errors.ts';
import { sleep } from '../../common/time.ts';
import { LAB_LABEL, type BridgeNetwork, type NetworkSpec, type Ownership } from '../runtime.ts';
import { ownershipOf } from './containers.ts';
import { engineNetworkIpv6Problem } from '../../net/ipv6-support.ts';

async function findNetwork(client: Docker, name: string) {
  const networks = await client.listNetworks({ filters: { name: [name] } });
  return networks.find((network) => network.Name === name);
}

function foreignNetworkError(name: string, owner: string | undefined): ProvisionError {
  const who = owner ? `lab "${owner}"` : 'someone else (it has no hybrid-lab.lab label)';
  return new ProvisionError(`network ${name} already exists and belongs to ${who}. Fix: rename this lab, or remove that network if it is unused`);
}

/** How an engine makes a network it does not have yet; the Engine API's create unless a runtime says otherwise. */
export type NetworkCreator = (client: Docker, spec: NetworkSpec) => Promise<{ id: string }>;

/**
 * Docker's way: a bridge network on the lab bridge (com.docker.network.bridge.name), the lab's
 * subnet and gateway; for a macvlan network, the macvlan driver in bridge mode on the parent.
 */
export const createEngineNetwork: NetworkCreator = async (client, spec) => {
  const network = await client.createNetwork(engineNetworkOptions(spec));
  return { id: network.id };
};

/** The Engine API's network create body for a lab network. */
export function engineNetworkOptions(spec: NetworkSpec): Docker.NetworkCreateOptions {
  return {
    Name: spec.name,
    Driver: spec.macvlanParent ? 'macvlan' : 'bridge',
    CheckDuplicate: true,
    ...(spec.ipv6 ? { EnableIPv6: true } : {}),
    IPAM: { Driver: 'default', Config: [{ Subnet: spec.subnet, Gateway: spec.gateway }, ...(spec.ipv6 ? [{ Subnet: spec.ipv6.subnet, Gateway: spec.ipv6.gateway }] : [])] },
    Options: spec.macvlanParent
      ? { parent: spec.macvlanParent, macvlan_mode: 'bridge' }
      : {
          'com.docker.network.bridge.name': spec.bridge,
          ...(spec.masquerade === false ? { 'com.docker.network.bridge.enable_ip_masquerade': 'false' } : {}),
        },
    Labels: { [LAB_LABEL]: spec.labName },
  };
}

/** Creates the lab's network on the lab bridge. Idempotent; never adopts a foreign network. */
export async function ensureNetwork(client: Docker, spec: NetworkSpec, create: NetworkCreator = createEngineNetwork): Promise<{ created: boolean; id: string }> {
  const existing = await findNetwork(client, spec.name);
  if (existing) {
    if (existing.Labels?.[LAB_LABEL] !== spec.labName) throw foreignNetworkError(spec.name, existing.Labels?.[LAB_LABEL]);
    const bridge = existing.Options?.['com.docker.network.bridge.name'];
    if (bridge !== undefined && bridge !== spec.bridge) {
      throw new ProvisionError(`network ${spec.name} exists on bridge ${bridge}, not ${spec.bridge}. Fix: run \`hybrid-lab down\` first`);
    }
    const parent = existing.Driver === 'macvlan' ? existing.Options?.parent : undefined;
    if (parent !== spec.macvlanParent) {
      const was = parent ? `a macvlan network on ${parent}` : `a ${existing.Driver} network`;
      throw new ProvisionError(`network ${spec.name} exists as ${was}, not ${spec.macvlanParent ? `a macvlan network on ${spec.macvlanParent}` : 'a bridge network'}. Fix: run \`hybrid-lab down\` first`);
    }
    return { created: false, id: existing.Id };
  }
  const { id } = await create(client, spec);
  // An engine may take the IPv6 prefix and still make the network without it: stop here, naming it, not at the first [v6] check.
  const problem = spec.ipv6 ? engineNetworkIpv6Problem(await client.getNetwork(id).inspect(), spec.ipv6.subnet, 'the container engine') : undefined;
  if (problem) throw new ProvisionError(problem);
  return { created: true, id };
}

export async function networkOwnership(client: Docker, name: string, labName: string): Promise<Ownership> {
  const existing = await findNetwork(client, name);
  if (!existing) return { owner: 'absent' };
  return ownershipOf(existing.Labels, existing.Id, labName);
}

/**
 * Removes this lab's network. Containers still attached that are not the lab's (someone ran
 * `docker network connect`) would make the engine refuse with "active endpoints": they are
 * disconnected first and named in the result.
 */
export async function removeNetwork(client: Docker, name: string, labName: string): Promise<{ ownership: Ownership; disconnected: string[] }> {
  const ownership = await networkOwnership(client, name, labName);
  if (ownership.owner !== 'this-lab') return { ownership, disconnected: [] };
  const network = client.getNetwork(ownership.id);
  const info = await network.inspect();
  const disconnected: string[] = [];
  for (const [id, endpoint] of Object.entries((info.Containers ?? {}) as Record<string, { Name?: string }>)) {
    await network.disconnect({ Container: id, Force: true }).catch((error: { statusCode?: number }) => {
      if (error.statusCode !== 404) throw error;
    });
    disconnected.push(endpoint.Name ?? id.slice(0, 12));
  }
  await removeReleasedNetwork(network);
  return { ownership, disconnected };
}

/**
 * Removes the network, retrying a few times while the engine still counts an endpoint of a
 * container it has just removed (seen under load 30+ after 50 parallel removals: "has active
 * endpoints" with no container left on the network).
 */
async function removeReleasedNetwork(network: Docker.Network, attempts = 10): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await network.remove();
    } catch (error) {
      const stale = (error as { statusCode?: number }).statusCode === 403 && /active endpoints/.test((error as Error).message);
      if (!stale || attempt >= attempts || Object.keys(((await network.inspect()).Containers ?? {}) as object).length > 0) throw error;
      await sleep(200 * attempt);
    }
  }
}

export async function listLabNetworks(client: Docker, labName: string): Promise<string[]> {
  const networks = await client.listNetworks({ filters: { label: [`${LAB_LABEL}=${labName}`] } });
  return networks.map((network) => network.Name);
}

/** How an engine names the host bridges of its networks; Docker's inspect data unless a runtime says otherwise. */
export type BridgeLister = (client: Docker) => Promise<BridgeNetwork[]>;

/** Docker's way: the bridge-name option, else Docker's own name for it (br- and the id's first 12 digits). */
export const listEngineBridges: BridgeLister = async (client) => {
  const networks = await client.listNetworks({ filters: { driver: ['bridge'] } });
  return networks.map((network) => ({
    name: network.Name,
    bridge: network.Options?.['com.docker.network.bridge.name'] ?? `br-${network.Id.slice(0, 12)}`,
    lab: network.Labels?.[LAB_LABEL],
  }));
};
