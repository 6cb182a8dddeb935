import { LAB_LABEL, NODE_LABEL, ROLE_LABEL, docker } from './docker-client.ts';

export interface LabContainerInfo {
  id: string;
  name: string;
  node: string;
  role: string;
  state: string;
  ip?: string;
}

/** Containers labelled with the lab, running or not: for status and for finding leftovers. */
export async function findLabContainers(labName: string): Promise<LabContainerInfo[]> {
  const containers = await docker().listContainers({ all: true, filters: { label: [`${LAB_LABEL}=${labName}`] } });
  return containers.map((container) => ({
    id: container.Id,
    name: container.Names[0]?.replace(/^\//, '') ?? container.Id,
    node: container.Labels[NODE_LABEL] ?? '',
    role: container.Labels[ROLE_LABEL] ?? '',
    state: container.State,
    ip: Object.values(container.NetworkSettings?.Networks ?? {})[0]?.IPAddress || undefined,
  }));
}

/** Removes a container (force, with its anonymous volumes); quiet when it is already gone. */
export async function removeContainer(idOrName: string): Promise<void> {
  try {
    await docker().getContainer(idOrName).remove({ force: true, v: true });
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode !== 404) throw error;
  }
}

/** Who owns a container or network of a given name: this lab, another owner, or nobody (absent). */
export type Ownership = { owner: 'this-lab'; id: string } | { owner: 'absent' } | { owner: 'foreign'; id: string; describe: string };

function ownershipOf(labels: Record<string, string> | undefined, id: string, labName: string): Ownership {
  const lab = labels?.[LAB_LABEL];
  if (lab === labName) return { owner: 'this-lab', id };
  return { owner: 'foreign', id, describe: lab ? `hybrid-lab lab "${lab}"` : 'not made by hybrid-lab (no hybrid-lab.lab label)' };
}

/** Inspects a container by name or id and says whose it is (its hybrid-lab.lab label). */
export async function containerOwnership(idOrName: string, labName: string): Promise<Ownership> {
  try {
    const info = await docker().getContainer(idOrName).inspect();
    return ownershipOf(info.Config?.Labels ?? undefined, info.Id, labName);
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) return { owner: 'absent' };
    throw error;
  }
}

/** Removes the container only if it carries this lab's label; says what it did. */
export async function removeOwnedContainer(idOrName: string, labName: string): Promise<Ownership> {
  const ownership = await containerOwnership(idOrName, labName);
  if (ownership.owner === 'this-lab') await removeContainer(ownership.id);
  return ownership;
}
