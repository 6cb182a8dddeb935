import { readFile, writeFile } from 'node:fs/promises';

const path = (key: string) => `/proc/sys/${key.replaceAll('.', '/')}`;

/** Reads a sysctl, or undefined when the key does not exist (e.g. br_netfilter not loaded). */
export async function readSysctl(key: string): Promise<string | undefined> {
  try {
    return (await readFile(path(key), 'utf8')).trim();
  } catch {
    return undefined;
  }
}

export async function writeSysctl(key: string, value: string): Promise<void> {
  await writeFile(path(key), `${value}\n`);
}
