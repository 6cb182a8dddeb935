import Docker from 'dockerode';

let client: Docker | undefined;

/** One dockerode client on the default socket (what testcontainers lacks: exec demux, listing by label). */
export function docker(): Docker {
  client ??= new Docker({ socketPath: process.env.DOCKER_SOCKET ?? '/var/run/docker.sock' });
  return client;
}

export const LAB_LABEL = 'hybrid-lab.lab';
export const NODE_LABEL = 'hybrid-lab.node';
export const ROLE_LABEL = 'hybrid-lab.role';

export function labLabels(labName: string, nodeName: string, role: 'dns' | 'node'): Record<string, string> {
  return { [LAB_LABEL]: labName, [NODE_LABEL]: nodeName, [ROLE_LABEL]: role };
}

/**
 * Container name for a lab node: `<lab>_<node>`. Lab and node names are DNS labels (no `_`), so
 * two labs can never produce the same name (`hybrid` + `web-server` vs `hybrid-web` + `server`),
 * nor can a node container take a lab's `<lab>-dns` or `<lab>-net`.
 */
export function containerName(labName: string, nodeName: string): string {
  return `${labName}_${nodeName}`;
}
