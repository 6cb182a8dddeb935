import { readFile } from 'node:fs/promises';
import { run } from '../../common/run.ts';

export interface Ulimit {
  Name: string;
  Soft: number;
  Hard: number;
}

const LIMITS = [
  { name: 'nofile', row: 'Max open files' },
  { name: 'nproc', row: 'Max processes' },
];

/** Parses /proc/<pid>/limits rows into the Engine API's Ulimits (unlimited rows are left out). */
export function parseProcLimits(text: string): Ulimit[] {
  const ulimits: Ulimit[] = [];
  for (const { name, row } of LIMITS) {
    const line = text.split('\n').find((candidate) => candidate.startsWith(row));
    const [soft, hard] = line?.slice(row.length).trim().split(/\s+/) ?? [];
    if (soft && hard && /^\d+$/.test(soft) && /^\d+$/.test(hard)) ulimits.push({ Name: name, Soft: Number(soft), Hard: Number(hard) });
  }
  return ulimits;
}

/** The pid of the process listening on a unix socket (ss shows its owner), when there is one. */
async function socketOwnerPid(socket: string): Promise<number | undefined> {
  const listing = await run('ss', ['-xlpnH', 'src', socket], { allowFailure: true });
  const pid = /pid=(\d+)/.exec(listing.stdout)?.[1];
  return pid ? Number(pid) : undefined;
}

/**
 * Rootful podman asks runc for nofile and nproc limits above what a host without
 * CAP_SYS_RESOURCE (a host that is itself a container) lets it raise to, and runc fails with
 * "error setting rlimit type 7 (or 6): operation not permitted", even for limits equal to the
 * caller's. Docker containers inherit dockerd's limits; podman is asked for the same explicitly:
 * the limits of the podman service answering on the socket (it lowers its own nproc at start),
 * or of this process when that service cannot be seen.
 */
export async function serviceUlimits(socket: string): Promise<Ulimit[]> {
  const pid = await socketOwnerPid(socket);
  const limits = pid ? await readFile(`/proc/${pid}/limits`, 'utf8').catch(() => undefined) : undefined;
  return parseProcLimits(limits ?? (await readFile('/proc/self/limits', 'utf8')));
}
