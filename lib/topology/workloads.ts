import { statSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { TopologyError } from '../common/errors.ts';
import type { ContainerNodeSpec, NodeSpec } from './schema.ts';

/**
 * What the schema cannot see in a container workload: the host paths it names (build context,
 * Dockerfile, files, volumes) must exist, and are made absolute against the topology file's
 * folder so `up` and the state file never depend on the working directory; `dependsOn` must
 * name other nodes and have no cycle.
 */
export function resolveWorkloads(nodes: readonly NodeSpec[], source: string): NodeSpec[] {
  const base = topologyDir(source);
  const resolved = nodes.map((node, index) => (node.kind === 'container' ? resolveContainerPaths(node, `nodes[${index}]`, base) : node));
  checkDependencies(resolved);
  return resolved;
}

/** The folder relative paths in a topology are read from: the file's own. */
function topologyDir(source: string): string {
  return isAbsolute(source) ? dirname(source) : resolve(dirname(source));
}

type PathKind = 'file' | 'directory' | 'any';

function existingPath(base: string, relativePath: string, kind: PathKind, field: string, fix: string): string {
  const path = resolve(base, relativePath);
  let info;
  try {
    info = statSync(path);
  } catch {
    throw new TopologyError(field, relativePath, `${path} does not exist`, fix);
  }
  if (kind === 'file' && !info.isFile()) throw new TopologyError(field, relativePath, `${path} is not a regular file`, fix);
  if (kind === 'directory' && !info.isDirectory()) throw new TopologyError(field, relativePath, `${path} is not a directory`, fix);
  return path;
}

function resolveContainerPaths(node: ContainerNodeSpec, field: string, base: string): ContainerNodeSpec {
  const relativeTo = `(paths are relative to ${base})`;
  let build = node.build;
  if (build) {
    const context = existingPath(base, build.context, 'directory', `${field}.build.context`, `create the folder with a Dockerfile in it, or correct the path ${relativeTo}`);
    existingPath(context, build.dockerfile, 'file', `${field}.build.dockerfile`, `add ${build.dockerfile} to ${context}, or name the Dockerfile inside the context with build.dockerfile`);
    build = { ...build, context };
  }
  const files = node.files.map((file, i) => ({ ...file, source: existingPath(base, file.source, 'any', `${field}.files[${i}].source`, `create it or correct the path ${relativeTo}`) }));
  const volumes = node.volumes.map((volume, i) => ({ ...volume, source: existingPath(base, volume.source, 'any', `${field}.volumes[${i}].source`, `create it (a bind mount needs an existing host path) or correct the path ${relativeTo}`) }));
  return { ...node, build, files, volumes };
}

/** Unknown names, self-dependencies and cycles are refused; start order follows from the rest. */
function checkDependencies(nodes: readonly NodeSpec[]): void {
  const index = new Map(nodes.map((node, i) => [node.name, i]));
  for (const [i, node] of nodes.entries()) {
    if (node.kind !== 'container') continue;
    for (const [j, dependency] of node.dependsOn.entries()) {
      const field = `nodes[${i}].dependsOn[${j}]`;
      if (dependency === node.name) throw new TopologyError(field, dependency, 'a node cannot depend on itself', 'remove it from dependsOn');
      if (!index.has(dependency)) throw new TopologyError(field, dependency, 'no node of that name', `name one of ${nodes.map((n) => n.name).join(', ')}`);
    }
  }
  const cycle = findCycle(nodes);
  if (cycle) {
    const first = index.get(cycle[0])!;
    throw new TopologyError(`nodes[${first}].dependsOn`, undefined, `dependency cycle ${cycle.join(' -> ')}`, 'remove one of these dependencies: nodes that wait for each other never start');
  }
}

/** A dependency cycle as a path of names (first repeated at the end), or undefined. */
export function findCycle(nodes: readonly NodeSpec[]): string[] | undefined {
  const edges = new Map(nodes.map((node) => [node.name, node.kind === 'container' ? node.dependsOn : []]));
  const state = new Map<string, 'visiting' | 'done'>();
  const path: string[] = [];
  const visit = (name: string): string[] | undefined => {
    if (state.get(name) === 'done') return undefined;
    if (state.get(name) === 'visiting') return [...path.slice(path.indexOf(name)), name];
    state.set(name, 'visiting');
    path.push(name);
    for (const next of edges.get(name) ?? []) {
      const found = visit(next);
      if (found) return found;
    }
    path.pop();
    state.set(name, 'done');
    return undefined;
  };
  for (const node of nodes) {
    const found = visit(node.name);
    if (found) return found;
  }
  return undefined;
}
