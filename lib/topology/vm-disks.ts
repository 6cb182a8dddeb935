import { statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { TopologyError } from '../common/errors.ts';
import type { NodeSpec } from './schema.ts';

/**
 * Makes every VM's `disk:` file path absolute (relative paths are relative to the topology file)
 * and refuses a path that is not a regular file, before anything is created.
 */
export function resolveVmDiskPaths<T extends NodeSpec>(nodes: readonly T[], source: string): T[] {
  return nodes.map((node, index) => {
    const disk = node.kind === 'vm' ? (node as { disk?: unknown }).disk : undefined;
    if (typeof disk !== 'string') return node;
    const path = resolve(dirname(source), disk);
    const info = statSync(path, { throwIfNoEntry: false });
    if (!info?.isFile()) {
      const why = info ? 'is not a regular file' : `no such file (${path})`;
      throw new TopologyError(`nodes[${index}].disk`, disk, why, 'give the path of a qcow2 or raw disk image, relative to the topology file, or build one with disk: { recipe: debian }');
    }
    return { ...node, disk: path };
  });
}
