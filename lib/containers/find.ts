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
