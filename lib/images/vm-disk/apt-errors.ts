import { SetupError, type CommandError } from '../../common/errors.ts';
import type { DebianMirror } from '../debian/apt-mirror.ts';

/** Package names debootstrap or apt could not find, from their own error lines. */
export function parseMissingDebs(output: string): string[] {
  const names = new Set<string>();
  for (const match of output.matchAll(/Couldn't find these debs:\s*([^\n]+)/g)) {
    for (const name of match[1].trim().split(/\s+/)) if (name) names.add(name);
  }
  for (const match of output.matchAll(/Couldn't find package (\S+)/g)) names.add(match[1]);
  // apt-get install: "E: Unable to locate package foo"
  for (const match of output.matchAll(/Unable to locate package (\S+)/g)) names.add(match[1]);
  return [...names];
}

/** One clear error naming the unknown packages, or undefined when the failure is something else. */
export function missingPackagesError(error: CommandError, mirror: DebianMirror): SetupError | undefined {
  const missing = parseMissingDebs(`${error.stderr}\n${error.stdout}`);
  if (missing.length === 0) return undefined;
  const list = missing.map((name) => `"${name}"`).join(', ');
  return new SetupError(
    `Debian package${missing.length > 1 ? 's' : ''} ${list} not found in ${mirror.suite} on ${mirror.uri}. ` +
      `Fix: check the name with \`apt-cache policy ${missing[0]}\` and correct or remove it from disk.packages (or --package)`,
    { cause: error },
  );
}
