import { z } from 'zod';
import { hostPublishField } from './port-publish.ts';

/**
 * The fields a container node may carry to run the user's own workload (issue 11): any image or
 * a Dockerfile build, its environment, command, files, bind mounts, limits, the ports it serves,
 * when it counts as ready and what it waits for. Kept apart from schema.ts so that file stays the
 * lab's shape; the cross-field rules (image vs build, built-in-only fields) live in schema.ts.
 */

/** Separates the problem from the fix inside a zod message (same marker as schema.ts). */
const FIX = ' :: fix: ';

/** The built-in image: busybox test services (http, echo, iperf3) built locally. */
export const BUILTIN_IMAGE = 'node';

/**
 * An image reference as Docker spells it: [registry[:port]/]path[:tag][@sha256:digest]. Checked
 * here so a typo is refused at validate, before any engine is asked.
 */
const imageReference = /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9.-]*[a-zA-Z0-9])?(?::\d+)?\/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::[\w][\w.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$/;

export const imageField = z
  .string()
  .regex(imageReference, `not an image reference${FIX}write NAME[:TAG] such as hybrid-lab/debian:bookworm or registry.example:5000/team/app:1.2 (lowercase path)`);

/** Debian package names as dpkg allows them. */
export const debianPackageName = z
  .string()
  .regex(/^[a-z0-9][a-z0-9+.-]+$/, `not a Debian package name${FIX}use the package's name as apt knows it, e.g. python3-psycopg2`);

const relativePath = z.string().min(1, `empty path${FIX}give a path relative to the topology file`);

/** `build: DIR` or `build: { context, dockerfile, args, debianPackages }`. */
export const buildField = z.union(
  [
    relativePath.transform((context) => ({ context, dockerfile: 'Dockerfile', args: {}, debianPackages: [] as string[] })),
    z.strictObject({
      /** Directory sent to the engine as the build context, relative to the topology file. */
      context: relativePath,
      /** Dockerfile inside the context. */
      dockerfile: relativePath.default('Dockerfile'),
      /** Build arguments (ARG) given to the Dockerfile. */
      args: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, `not a build argument name${FIX}use letters, digits and _`), z.string()).default({}),
      /**
       * Debian packages for the local base image: it is built (debootstrap, cached) and passed to
       * the Dockerfile as the build argument HYBRID_LAB_BASE, so `FROM $HYBRID_LAB_BASE` needs no registry.
       */
      debianPackages: z.array(debianPackageName).default([]),
    }),
  ],
  { message: `build must be a directory or { context, dockerfile, args, debianPackages }${FIX}write build: ./my-service` },
);

const envName = /^[A-Za-z_][A-Za-z0-9_]*$/;

export const envField = z.record(
  z.string().regex(envName, `not an environment variable name${FIX}use letters, digits and _, not starting with a digit`),
  z.union([z.string(), z.number(), z.boolean()]).transform(String),
);

const absoluteTarget = z.string().regex(/^\/[^\0]*$/, `not an absolute path in the container${FIX}write it from /, e.g. /etc/app/config.ini`);

/** A host file or directory copied into the container when it is created. */
export const fileCopy = z.strictObject({
  source: relativePath,
  target: absoluteTarget,
  /** File mode in the container (octal as a string such as "0644", or a number); default: the host file's. */
  mode: z.union([z.number().int().min(0).max(0o7777), z.string().regex(/^0?[0-7]{3,4}$/, `not an octal file mode${FIX}write e.g. "0644"`).transform((text) => parseInt(text, 8))]).optional(),
});

/** A bind mount of a host path (which must exist) into the container. */
export const volumeMount = z.strictObject({
  source: relativePath,
  target: absoluteTarget,
  readOnly: z.boolean().default(false),
});

/**
 * A port the node serves: the suites connect to it from every other node. With `host:` it is
 * also published on the host (a port forward: DNAT from the host address and port to the node).
 */
export const servedPort = z.strictObject({
  port: z.number().int().min(1).max(65535),
  protocol: z.enum(['tcp', 'udp'], { message: `unknown protocol${FIX}use tcp or udp` }).default('tcp'),
  /** Speaks HTTP: the suites also GET it and expect a status below 500. */
  http: z.boolean().default(false),
  /** Path the HTTP check asks for. */
  path: z.string().regex(/^\//, `not an HTTP path${FIX}start it with /`).default('/'),
  /** Publish on the host: 8080 (on 127.0.0.1), "ADDRESS:PORT" or "[IPV6]:PORT". */
  host: hostPublishField.optional(),
  /**
   * A service name (RFC 6335: 1-15 lowercase letters, digits, inner hyphens): the lab DNS then
   * answers SRV `_<service>._<protocol>.<domain>` with this port on every node declaring it.
   */
  service: z.string().regex(/^(?=.*[a-z])[a-z0-9](?:[a-z0-9-]{0,13}[a-z0-9])?$/, `not a service name${FIX}use 1-15 lowercase letters, digits and inner hyphens, e.g. node-exporter`).optional(),
});

const timeoutSec = z.number().positive().max(3600).default(30);

/** When the node counts as ready; `up` waits for it (and dependents wait for `up`'s wait). */
export const readinessField = z.discriminatedUnion(
  'kind',
  [
    z.strictObject({ kind: z.literal('tcp'), port: z.number().int().min(1).max(65535), timeoutSec }),
    z.strictObject({
      kind: z.literal('http'),
      port: z.number().int().min(1).max(65535),
      path: z.string().regex(/^\//, `not an HTTP path${FIX}start it with /`).default('/'),
      status: z.number().int().min(100).max(599).default(200),
      timeoutSec,
    }),
    z.strictObject({
      kind: z.literal('log'),
      /** A regular expression matched against each log line. */
      pattern: z.string().min(1).refine((text) => isRegExp(text), `not a valid regular expression${FIX}check the pattern's brackets and escapes`),
      timeoutSec,
    }),
    z.strictObject({ kind: z.literal('command'), argv: z.array(z.string()).min(1), timeoutSec }),
  ],
  { message: `unknown readiness kind${FIX}use kind: tcp, http, log or command` },
);

function isRegExp(text: string): boolean {
  try {
    new RegExp(text);
    return true;
  } catch {
    return false;
  }
}

export type BuildSpec = z.output<typeof buildField>;
export type FileCopy = z.output<typeof fileCopy>;
export type VolumeMount = z.output<typeof volumeMount>;
export type ServedPort = z.output<typeof servedPort>;
export type ReadinessSpec = z.output<typeof readinessField>;
