import { createHash } from 'node:crypto';

/** Short stable hex digest of strings/buffers, for cache keys and derived names. */
export function shortHash(parts: ReadonlyArray<string | Buffer>, length = 12): string {
  const hash = createHash('sha256');
  for (const part of parts) {
    hash.update(part);
    hash.update('\0');
  }
  return hash.digest('hex').slice(0, length);
}
