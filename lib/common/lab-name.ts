import { TopologyError, HybridLabError } from './errors.ts';

/** One DNS label: what every lab name must be, wherever it comes from (file, --lab, env, a directory listing). */
export const LAB_NAME_PATTERN = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/** A lab name from the command line or the environment that is not a DNS label. */
export class LabNameError extends HybridLabError {}

export function isLabName(name: unknown): name is string {
  return typeof name === 'string' && LAB_NAME_PATTERN.test(name);
}

/**
 * Refuses anything but a DNS label before it can reach a path or a command: `..`, `.`, `''`,
 * `a/b` and friends would otherwise name directories outside the state root.
 */
export function assertLabName(name: unknown, source: string): string {
  if (isLabName(name)) return name;
  throw new LabNameError(
    `${source}: ${JSON.stringify(name)} is not a valid lab name. Fix: use 1-63 lowercase letters, digits and inner hyphens (e.g. mylab)`,
  );
}

/** The same rule as a topology field error (file, field, value, fix). */
export function labNameFieldError(value: unknown, file?: string): TopologyError {
  return new TopologyError('name', value, 'not a valid lab name', 'use 1-63 lowercase letters, digits and inner hyphens (e.g. mylab)', file);
}
