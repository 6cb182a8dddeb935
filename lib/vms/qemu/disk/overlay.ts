import { ProvisionError, TopologyError } from '../../../common/errors.ts';
import { run } from '../../../common/run.ts';

/** Format of a base image as QEMU reads it (only qcow2 and raw are accepted). */
export async function imageFormat(path: string, nodeName: string): Promise<'qcow2' | 'raw'> {
  const info = await run('qemu-img', ['info', '--output=json', '-U', path], { allowFailure: true });
  if (info.exitCode !== 0) throw new ProvisionError(`VM ${nodeName}: cannot read disk image ${path}: ${info.stderr.trim()}. Fix: give a readable qcow2 or raw image`);
  const format = (JSON.parse(info.stdout) as { format?: string }).format;
  if (format !== 'qcow2' && format !== 'raw') {
    throw new TopologyError(`VM ${nodeName} disk`, path, `is a ${format ?? 'unknown'} image`, 'convert it with `qemu-img convert -O qcow2 IN OUT` (qcow2 and raw are supported)');
  }
  return format;
}

/** A copy-on-write qcow2 over `base`: the VM writes only the overlay, the base stays untouched. */
export async function createOverlay(base: string, baseFormat: 'qcow2' | 'raw', overlay: string): Promise<void> {
  await run('qemu-img', ['create', '-q', '-f', 'qcow2', '-F', baseFormat, '-b', base, overlay]);
}
