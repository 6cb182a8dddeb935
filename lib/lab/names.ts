/**
 * Names of what a lab makes in a container engine. Lab and node names are DNS labels (no `_`),
 * so `<lab>_<node>` can never equal another lab's node container (`hybrid` + `web-server` vs
 * `hybrid-web` + `server`), nor `<lab>-dns` / `<lab>-net` (the seeds' names, kept).
 */
export function containerName(labName: string, nodeName: string): string {
  return `${labName}_${nodeName}`;
}

export function dnsContainerName(labName: string): string {
  return `${labName}-dns`;
}

export function labNetworkName(labName: string): string {
  return `${labName}-net`;
}
