import { readdir, readFile } from 'node:fs/promises';

/** Parent pid of every process, from /proc/<pid>/stat (field 4, after the parenthesised name). */
async function parentMap(): Promise<Map<number, number>> {
  const parents = new Map<number, number>();
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = await readFile(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      parents.set(Number(entry), Number(fields[1]));
    } catch {
      // the process ended while we looked
    }
  }
  return parents;
}

/** Kills a process and all its descendants with SIGKILL (children first found, then killed together). */
export async function killProcessTree(rootPid: number): Promise<number[]> {
  const parents = await parentMap();
  const tree = [rootPid];
  for (let i = 0; i < tree.length; i++) {
    for (const [pid, parent] of parents) if (parent === tree[i]) tree.push(pid);
  }
  const killed: number[] = [];
  for (const pid of tree) {
    try {
      process.kill(pid, 'SIGKILL');
      killed.push(pid);
    } catch {
      // already gone
    }
  }
  return killed;
}
