import { createReadStream } from 'node:fs';
import type Docker from 'dockerode';
import { ProvisionError } from '../../common/errors.ts';

export async function imageExists(client: Docker, reference: string): Promise<boolean> {
  try {
    await client.getImage(reference).inspect();
    return true;
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) return false;
    throw error;
  }
}

/**
 * `docker import` through the API: a rootfs tarball becomes an image, with ENV/ENTRYPOINT/LABEL
 * changes. `tagInRepo`: the whole reference goes in `repo` (podman's compat import ignores `tag`).
 */
export async function importImage(client: Docker, tarball: string, reference: string, changes: string[], tagInRepo = false): Promise<void> {
  const at = reference.lastIndexOf(':');
  const [repo, tag] = at > reference.lastIndexOf('/') ? [reference.slice(0, at), reference.slice(at + 1)] : [reference, 'latest'];
  const where = tagInRepo ? { repo: `${repo}:${tag}` } : { repo, tag };
  const progress = await client.importImage(createReadStream(tarball) as unknown as string, { ...where, changes } as object);
  await new Promise<void>((resolve, reject) => {
    client.modem.followProgress(progress, (error: Error | null, events: Array<{ error?: string }>) => {
      const failed = error?.message ?? events?.find((event) => event.error)?.error;
      if (failed) reject(new ProvisionError(`importing ${tarball} as ${reference} failed: ${failed}`));
      else resolve();
    });
  });
}
