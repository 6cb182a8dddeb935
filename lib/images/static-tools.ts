import { existsSync } from 'node:fs';
import { mkdir, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { shortHash } from '../common/hash.ts';
import { cacheDir } from '../common/paths.ts';
import { run } from '../common/run.ts';
import { LAB_DIR } from '../topology/load.ts';

const ECHO_SOURCE = join(LAB_DIR, 'images', 'tools', 'hl-echo.c');

/**
 * Builds lab/images/tools/hl-echo.c as a static binary (TCP/UDP echo server and client for
 * containers and VMs), cached by the source's hash. Returns the binary's path.
 */
export async function buildEchoTool(): Promise<string> {
  const source = await readFile(ECHO_SOURCE);
  const output = join(cacheDir(), 'tools', `hl-echo-${shortHash([source])}`);
  if (existsSync(output)) return output;
  await mkdir(join(cacheDir(), 'tools'), { recursive: true });
  const temp = `${output}.${process.pid}.tmp`;
  await run('gcc', ['-static', '-O2', '-Wall', '-o', temp, ECHO_SOURCE]);
  await rename(temp, output);
  return output;
}
