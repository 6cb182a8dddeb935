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

/** One event of the engine's JSON progress stream (pull, build). */
interface ProgressEvent {
  status?: string;
  progress?: string;
  id?: string;
  stream?: string;
  error?: string;
  errorDetail?: { message?: string };
}

/** Follows a progress stream to its end, passing readable lines on; rejects with the engine's own error text. */
function followProgress(client: Docker, stream: NodeJS.ReadableStream, onLine: ((line: string) => void) | undefined): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let failure: string | undefined;
    client.modem.followProgress(
      stream,
      (error: Error | null) => (error || failure ? reject(new Error(error?.message ?? failure)) : resolve()),
      (event: ProgressEvent) => {
        if (event.error || event.errorDetail?.message) failure = event.errorDetail?.message ?? event.error;
        const line = (event.stream ?? [event.id, event.status, event.progress].filter(Boolean).join(' ')).trimEnd();
        if (line) onLine?.(line);
      },
    );
  });
}

/** Pulls an image; throws the engine's error (no registry, unknown image, denied) as it said it. */
export async function pullImage(client: Docker, reference: string, onLine?: (line: string) => void): Promise<void> {
  const stream = await client.pull(reference);
  await followProgress(client, stream, onLine);
}

export interface ImageBuild {
  /** A tar stream of the build context. */
  context: NodeJS.ReadableStream;
  /** Dockerfile path inside the context. */
  dockerfile: string;
  tag: string;
  buildArgs: Record<string, string>;
  labels: Record<string, string>;
}

/** Builds an image from a context tarball through the Engine API (the classic builder; never pulls on its own). */
export async function buildImage(client: Docker, build: ImageBuild, onLine?: (line: string) => void): Promise<void> {
  const stream = await client.buildImage(build.context, { t: build.tag, dockerfile: build.dockerfile, buildargs: build.buildArgs, labels: build.labels, rm: true, forcerm: true });
  await followProgress(client, stream, onLine);
}

/** Gives an image a second name (repo:tag). */
export async function tagImage(client: Docker, source: string, reference: string): Promise<void> {
  const at = reference.lastIndexOf(':');
  const [repo, tag] = at > reference.lastIndexOf('/') ? [reference.slice(0, at), reference.slice(at + 1)] : [reference, 'latest'];
  await client.getImage(source).tag({ repo, tag });
}
