import { EXIT_BAD_INPUT, EXIT_CHECK_FAILED, HybridLabError } from '../common/errors.ts';
import { packageVersion } from './version.ts';

/** Global flags every command sees. */
export interface GlobalOptions {
  debug?: boolean;
}

/** Version of the JSON documents' shapes; bump a document's number when its shape changes. */
export const JSON_SCHEMA_VERSION = 1;

/** The `schema` field of a JSON document: `hybrid-lab/status@1`. */
export function schemaId(name: string): string {
  return `hybrid-lab/${name}@${JSON_SCHEMA_VERSION}`;
}

/** Prints an error the way users should see it: one message, no stack unless --debug. Returns the exit code. */
export function reportError(error: unknown, debug: boolean, json = false): number {
  const exitCode = error instanceof HybridLabError ? error.exitCode : EXIT_BAD_INPUT;
  const message = error instanceof Error ? error.message : String(error);
  if (json) printDocument('error', { exitCode, message, kind: error instanceof Error ? error.name : 'Error', version: packageVersion() });
  process.stderr.write(`error: ${message}\n`);
  if (debug && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
  if (debug && error instanceof Error && error.cause) process.stderr.write(`cause: ${String((error.cause as Error).stack ?? error.cause)}\n`);
  if (!debug && !(error instanceof HybridLabError)) process.stderr.write('(run with --debug for details)\n');
  return exitCode;
}

/** Writes a value as pretty JSON to stdout (documents without a schema name: see printDocument). */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/**
 * Prints one JSON document, tagged `schema: "hybrid-lab/<name>@1"` so scripts can tell what they
 * read and when its shape changed; the shapes are published as JSON Schema in schemas/.
 */
export function printDocument(name: string, body: object): void {
  printJson({ schema: schemaId(name), ...body });
}

export { EXIT_CHECK_FAILED };
