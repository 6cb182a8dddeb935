import { readFile } from 'node:fs/promises';
import { withBuildLock } from './build-lock.ts';
import { basename, join } from 'node:path';
import { ProvisionError, TopologyError } from '../common/errors.ts';
import { step, type ProgressReporter } from '../common/progress.ts';
import { IMAGE_LABEL, type ContainerRuntime } from '../runtimes/runtime.ts';
import type { ContainerNodeSpec } from '../topology/schema.ts';
import type { Topology } from '../topology/topology.ts';
import { BUILTIN_IMAGE, type BuildSpec } from '../topology/workload-schema.ts';
import { contextHash } from './context-hash.ts';
import { DEBIAN_IMAGE_REPO, ensureDebianImage } from './debian/base-image.ts';
import { dockerfileFromLines } from './dockerfile-from.ts';
import { pullRefusal, pullPolicy } from './pull-errors.ts';

/** The build argument a Dockerfile starts FROM to get the Debian base with build.debianPackages. */
export const BASE_BUILD_ARG = 'HYBRID_LAB_BASE';

/** What a node needs its image for: the field to name in errors and where the topology lives. */
interface ImageRequest {
  runtime: ContainerRuntime;
  reporter: ProgressReporter;
  field: string;
  source: string;
}

/**
 * The image every container node runs, made present before anything of the lab is created: the
 * built-in image, an image already here or pulled (where a registry answers), or a Dockerfile
 * context built and cached by content. A missing image stops `up` with one error, never a fallback.
 */
export async function resolveNodeImages(topology: Topology, runtime: ContainerRuntime, builtinImage: string, reporter: ProgressReporter): Promise<Map<string, string>> {
  const images = new Map<string, string>();
  for (const [index, node] of topology.nodes.entries()) {
    if (node.kind !== 'container') continue;
    const request: ImageRequest = { runtime, reporter, field: `nodes[${index}]`, source: topology.source };
    images.set(node.name, await nodeImage(node, builtinImage, request));
  }
  return images;
}

async function nodeImage(node: ContainerNodeSpec, builtinImage: string, request: ImageRequest): Promise<string> {
  if (node.build) return buildContext(node.name, node.build, { ...request, field: `${request.field}.build` });
  if (!node.image || node.image === BUILTIN_IMAGE) return builtinImage;
  await ensurePresent(node.image, { ...request, field: `${request.field}.image` });
  return node.image;
}

/** An image that is here is used as it is; one that is not is pulled, or refused with the alternatives. */
async function ensurePresent(reference: string, request: ImageRequest): Promise<void> {
  if (await request.runtime.imageExists(reference)) return;
  // hybrid-lab/debian:SUITE (the plain recipe) is built here when missing; a HASH tag cannot be guessed back.
  if (new RegExp(`^${DEBIAN_IMAGE_REPO}:[a-z]+$`).test(reference) && (await ensurePlainDebian(reference, request))) return;
  const policy = pullPolicy();
  if (policy === 'never') throw pullRefusal(reference, request.field, request.source, 'pulling is off (HYBRID_LAB_PULL=never)');
  let lastStatus = '';
  try {
    await step(request.reporter, `pull ${reference}`, () =>
      request.runtime.pullImage(reference, (line) => {
        // Layer states, not every progress bar tick.
        if (/^(Status|Digest):|Pull complete|Already exists|Pulling from/.test(line) && line !== lastStatus) request.reporter.note((lastStatus = line));
      }),
    );
  } catch (error) {
    throw pullRefusal(reference, request.field, request.source, (error as Error).message);
  }
}

/** Builds (or finds) the plain Debian base; true when it is the reference asked for (the host's release). */
async function ensurePlainDebian(reference: string, request: ImageRequest): Promise<boolean> {
  const built = await ensureDebianImage(request.runtime, [], { reporter: request.reporter, field: request.field });
  return built.alias === reference || built.reference === reference;
}

/** Builds a Dockerfile context (tag = hash of its content, arguments and base), or reuses that tag. */
async function buildContext(nodeName: string, build: BuildSpec, request: ImageRequest): Promise<string> {
  const dockerfilePath = join(build.context, build.dockerfile);
  const buildArgs = { ...build.args };
  if (build.debianPackages.length > 0) {
    const base = await ensureDebianImage(request.runtime, build.debianPackages, { reporter: request.reporter, field: `${request.field}.debianPackages` });
    buildArgs[BASE_BUILD_ARG] = base.reference;
  }
  const dockerfile = await readFile(dockerfilePath, 'utf8');
  await ensureBaseImages(dockerfile, buildArgs, dockerfilePath, request);
  const hash = await contextHash(build.context, [build.dockerfile, JSON.stringify(Object.entries(buildArgs).sort())]);
  const repo = `hybrid-lab/build-${basename(build.context).toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || nodeName}`;
  const reference = `${repo}:${hash}`;
  if (await request.runtime.imageExists(reference)) return reference;
  return withBuildLock(reference, request.reporter, async () => {
    if (await request.runtime.imageExists(reference)) return reference; // another process built it while this one waited
    const tail: string[] = [];
    try {
      await step(request.reporter, `build ${reference} from ${build.context}`, () =>
        request.runtime.buildImage({ contextDir: build.context, dockerfile: build.dockerfile, reference, buildArgs, labels: { [IMAGE_LABEL]: 'build' } }, (line) => {
          tail.push(line);
          if (tail.length > 10) tail.shift();
          if (/^Step \d+\/\d+ :/.test(line)) request.reporter.note(line);
        }),
      );
    } catch (error) {
      throw new ProvisionError(`${request.source}: ${request.field}: building ${dockerfilePath} failed: ${(error as Error).message}\nLast lines:\n${tail.join('\n')}\nFix: correct the Dockerfile (try \`docker build ${build.context}\` to iterate)`);
    }
    return reference;
  });
}

/** Every stage's FROM image must be here (or be the local Debian base, built on demand) before the build. */
async function ensureBaseImages(dockerfile: string, buildArgs: Record<string, string>, dockerfilePath: string, request: ImageRequest): Promise<void> {
  const froms = dockerfileFromLines(dockerfile, buildArgs);
  if (froms.length === 0) throw new TopologyError(request.field, dockerfilePath, 'the Dockerfile has no FROM line', 'start it with FROM hybrid-lab/debian:bookworm (built here) or another local image', request.source);
  for (const from of froms.filter((f) => !f.internal)) {
    if (!from.image) throw new TopologyError(request.field, `${dockerfilePath}:${from.line}: ${from.text}`, 'FROM names no image (an ARG without value)', `give the argument a default, or set build.debianPackages so ${BASE_BUILD_ARG} is passed`, request.source);
    await ensurePresent(from.image, { ...request, field: `${request.field} (${basename(dockerfilePath)} line ${from.line}: ${from.text})` });
  }
}
