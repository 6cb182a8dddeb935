import { run } from '../../common/run.ts';

/** The host side of a container's NIC: the veth that should be a port of the lab bridge. */
export interface ContainerPort {
  /** Host interface name (veth...). */
  name: string;
  /** Its bridge ('' when detached from every bridge). */
  master: string;
  operState: string;
}

interface LinkJson {
  ifindex: number;
  ifname: string;
  master?: string;
  operstate?: string;
  link_index?: number;
  addr_info?: Array<{ local: string }>;
}

/**
 * Finds the host veth of the container interface that holds `ip`: the container's interface
 * names its peer's ifindex (link_index). Read with nsenter into the network namespace only, so
 * a paused container answers too. Undefined when the container has no process or no such NIC.
 */
export async function containerPort(containerName: string, ip: string, hostLinks: LinkJson[]): Promise<ContainerPort | undefined> {
  const inspected = await run('docker', ['inspect', '--type', 'container', '--format', '{{.State.Pid}}', containerName], { timeoutMs: 15_000, allowFailure: true });
  const pid = Number(inspected.stdout.trim());
  if (inspected.exitCode !== 0 || !pid) return undefined;
  const inside = await run('nsenter', ['-t', String(pid), '-n', 'ip', '-j', 'addr', 'show'], { timeoutMs: 15_000, allowFailure: true });
  if (inside.exitCode !== 0) return undefined;
  const nic = (JSON.parse(inside.stdout) as LinkJson[]).find((link) => link.addr_info?.some((a) => a.local === ip));
  const peer = nic?.link_index === undefined ? undefined : hostLinks.find((link) => link.ifindex === nic.link_index);
  if (!peer) return undefined;
  return { name: peer.ifname, master: peer.master ?? '', operState: peer.operstate ?? 'unknown' };
}
