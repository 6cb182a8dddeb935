import { constants, existsSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { TopologyError } from '../common/errors.ts';
import { resolveTopology } from './resolve.ts';
import { FIX, topologySchema } from './schema.ts';
import type { Topology } from './topology.ts';

/** The repository's lab/ folder, where the embedded default topology and recipes live. */
export const LAB_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'lab');
export const DEFAULT_TOPOLOGY_FILE = join(LAB_DIR, 'default.yaml');
export const LOCAL_TOPOLOGY_FILE = 'hybrid-lab.yaml';

/** -t FILE wins; then ./hybrid-lab.yaml; then the embedded default. */
export function findTopologyFile(explicit?: string, cwd = process.cwd()): string {
  if (explicit) return resolve(cwd, explicit);
  const local = join(cwd, LOCAL_TOPOLOGY_FILE);
  return existsSync(local) ? local : DEFAULT_TOPOLOGY_FILE;
}

/** Reads, parses, validates and resolves a topology file. Throws TopologyError on any problem. */
export async function loadTopology(explicit?: string, cwd = process.cwd()): Promise<Topology> {
  const file = findTopologyFile(explicit, cwd);
  return parseTopology(await readTopologyText(file), file);
}

/** Topology files are small text files; anything else is refused before it is read. */
export const MAX_TOPOLOGY_BYTES = 1024 * 1024;

/**
 * Reads a topology file, refusing what is not a regular file under 1 MiB: a FIFO would hang,
 * /dev/zero would be read without end, a huge file read whole. O_NONBLOCK keeps opening a FIFO
 * from blocking; the checks are made on the opened descriptor, so the file cannot be swapped.
 */
async function readTopologyText(file: string): Promise<string> {
  let handle;
  try {
    handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : `cannot open it (${code})`;
    throw new TopologyError('', undefined, `cannot read the topology file: ${why}`, 'check the path given to -t', file);
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) {
      const kind = info.isDirectory() ? 'a directory' : info.isFIFO() ? 'a FIFO' : info.isCharacterDevice() || info.isBlockDevice() ? 'a device' : 'not a regular file';
      throw new TopologyError('', undefined, `is ${kind}, not a topology file`, 'give -t the path of a YAML file', file);
    }
    if (info.size > MAX_TOPOLOGY_BYTES) {
      throw new TopologyError('', undefined, `is ${info.size} bytes; topology files are limited to ${MAX_TOPOLOGY_BYTES} bytes (1 MiB)`, 'check that -t names the topology file', file);
    }
    return (await handle.readFile()).toString('utf8');
  } finally {
    await handle.close();
  }
}

/** Parses topology YAML text; `source` names it in errors. */
export function parseTopology(text: string, source: string): Topology {
  const document = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (document.errors.length > 0) {
    const first = document.errors[0];
    const where = first.linePos?.[0] ? `line ${first.linePos[0].line}, column ${first.linePos[0].col}` : '';
    throw new TopologyError(where, undefined, `invalid YAML: ${first.message.split('\n')[0]}`, 'fix the YAML syntax', source);
  }
  let raw: unknown;
  try {
    // maxAliasCount bounds alias expansion ("billion laughs"); the error then names the file.
    raw = document.toJS({ maxAliasCount: 100 }) ?? {};
  } catch (error) {
    throw new TopologyError('', undefined, `YAML cannot be expanded: ${(error as Error).message.split('\n')[0]}`, 'remove the excessive aliases (*refs) from the file', source);
  }
  const result = topologySchema.safeParse(raw);
  if (!result.success) throw zodIssueToError(result.error.issues[0], raw, source);
  try {
    return resolveTopology(result.data, source);
  } catch (error) {
    if (error instanceof TopologyError && !error.file) {
      throw new TopologyError(error.fieldPath, error.value, error.problem, error.fix, source);
    }
    throw error;
  }
}

/** Formats a zod path the way users write it: nodes[1].ip */
export function formatFieldPath(path: ReadonlyArray<PropertyKey>): string {
  return path.reduce<string>((text, key) => (typeof key === 'number' ? `${text}[${key}]` : text ? `${text}.${String(key)}` : String(key)), '');
}

function valueAt(raw: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let current: unknown = raw;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

function zodIssueToError(issue: z.core.$ZodIssue, raw: unknown, source: string): TopologyError {
  const fieldPath = formatFieldPath(issue.path);
  const value = valueAt(raw, issue.path);
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys.join(', ');
    return new TopologyError(fieldPath ? `${fieldPath}.${issue.keys[0]}` : issue.keys[0], undefined, `unknown field${issue.keys.length > 1 ? 's' : ''} ${keys}`, 'remove it or check its spelling (see lab/default.yaml)', source);
  }
  if (issue.code === 'invalid_type' && value === undefined) {
    return new TopologyError(fieldPath, undefined, `is required (${issue.expected})`, `add ${fieldPath || 'the field'}`, source);
  }
  const [problem, fix] = issue.message.includes(FIX) ? issue.message.split(FIX) : [issue.message, 'see lab/default.yaml for a valid example'];
  return new TopologyError(fieldPath, value, problem, fix, source);
}
