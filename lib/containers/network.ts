import { ProvisionError } from '../common/errors.ts';
import { LAB_LABEL, docker } from './docker-client.ts';
import type { Ownership } from './find.ts';

export function dockerNetworkName(labName: string): string {
  return `${labName}-net`;
}

export interface DockerNetworkSpec {
  labName: string;
  bridge: string;
  subnet: string;
  gateway: string;
}

/** Creates the lab's Docker network on the lab bridge (com.docker.network.bridge.name). Idempotent. */
export async function ensureDockerNetwork(spec: DockerNetworkSpec): Promise<{ created: boolean; id: string }> {
  const name = dockerNetworkName(spec.labName);
  const existing = await findNetwork(name);
  if (existing) {
    if (existing.Labels?.[LAB_LABEL] !== spec.labName) throw foreignNetworkError(name, existing.Labels?.[LAB_LABEL]);
    const options = existing.Options ?? {};
    if (options['com.docker.network.bridge.name'] !== spec.bridge) {
      throw new ProvisionError(`Docker network ${name} exists on bridge ${options['com.docker.network.bridge.name']}, not ${spec.bridge}. Fix: run \`hybrid-lab down\` first`);
    }
    return { created: false, id: existing.Id };
  }
  const network = await docker().createNetwork({
    Name: name,
    Driver: 'bridge',
    CheckDuplicate: true,
    IPAM: { Driver: 'default', Config: [{ Subnet: spec.subnet, Gateway: spec.gateway }] },
    Options: { 'com.docker.network.bridge.name': spec.bridge },
    Labels: { [LAB_LABEL]: spec.labName },
  });
  return { created: true, id: network.id };
}

function foreignNetworkError(name: string, owner: string | undefined): ProvisionError {
  const who = owner ? `lab "${owner}"` : 'someone else (it has no hybrid-lab.lab label)';
  return new ProvisionError(`Docker network ${name} already exists and belongs to ${who}. Fix: rename this lab, or remove that network if it is unused (docker network rm ${name})`);
}

/** Whether this lab's network exists; a network of that name that is not the lab's is an error. */
export async function dockerNetworkExists(name: string, labName: string): Promise<boolean> {
  const existing = await findNetwork(name);
  if (existing && existing.Labels?.[LAB_LABEL] !== labName) throw foreignNetworkError(name, existing.Labels?.[LAB_LABEL]);
  return existing !== undefined;
}

async function findNetwork(name: string) {
  const networks = await docker().listNetworks({ filters: { name: [name] } });
  return networks.find((network) => network.Name === name);
}

/** Says whose the network of that name is (its hybrid-lab.lab label). */
export async function networkOwnership(name: string, labName: string): Promise<Ownership> {
  const existing = await findNetwork(name);
  if (!existing) return { owner: 'absent' };
  const lab = existing.Labels?.[LAB_LABEL];
  if (lab === labName) return { owner: 'this-lab', id: existing.Id };
  return { owner: 'foreign', id: existing.Id, describe: lab ? `hybrid-lab lab "${lab}"` : 'not made by hybrid-lab (no hybrid-lab.lab label)' };
}

/**
 * Removes this lab's network. Containers still attached that are not the lab's (someone ran
 * `docker network connect`) would make Docker refuse with "active endpoints": they are
 * disconnected first, and named in the result so `down` can say so.
 */
export async function removeDockerNetwork(name: string, labName: string): Promise<{ ownership: Ownership; disconnected: string[] }> {
  const ownership = await networkOwnership(name, labName);
  if (ownership.owner !== 'this-lab') return { ownership, disconnected: [] };
  const network = docker().getNetwork(ownership.id);
  const info = await network.inspect();
  const disconnected: string[] = [];
  for (const [id, endpoint] of Object.entries((info.Containers ?? {}) as Record<string, { Name?: string }>)) {
    await network.disconnect({ Container: id, Force: true }).catch((error: { statusCode?: number }) => {
      if (error.statusCode !== 404) throw error;
    });
    disconnected.push(endpoint.Name ?? id.slice(0, 12));
  }
  await network.remove();
  return { ownership, disconnected };
}

/** Networks labelled with the lab, even when the state file is gone. */
export async function findLabNetworks(labName: string): Promise<string[]> {
  const networks = await docker().listNetworks({ filters: { label: [`${LAB_LABEL}=${labName}`] } });
  return networks.map((network) => network.Name);
}
