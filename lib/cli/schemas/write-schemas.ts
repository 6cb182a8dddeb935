import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { topologySchema } from '../../topology/schema.ts';
import { packageVersion } from '../version.ts';
import { documentSchemas } from './documents.ts';

const REPOSITORY_SCHEMAS = 'https://unpkg.com/hybrid-lab/schemas';

/** JSON Schema text for every published schema, by file name. */
export function jsonSchemaFiles(): Map<string, string> {
  const files = new Map<string, string>();
  const write = (file: string, title: string, schema: z.ZodType, io: 'input' | 'output') => {
    const json = { ...z.toJSONSchema(schema, { io, unrepresentable: 'any' }), $id: `${REPOSITORY_SCHEMAS}/${file}`, title };
    files.set(file, `${JSON.stringify(json, null, 2)}\n`);
  };
  // The topology file as a person writes it (defaults optional): for editors via yaml-language-server.
  write('topology.schema.json', `hybrid-lab topology file (hybrid-lab ${packageVersion()})`, topologySchema, 'input');
  for (const [name, schema] of Object.entries(documentSchemas)) write(`${name}.schema.json`, `hybrid-lab/${name}@1: the output of --json`, schema, 'output');
  return files;
}

/** Writes schemas/*.schema.json (run by `npm run build`). */
export function writeSchemas(dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  const files = jsonSchemaFiles();
  for (const [file, text] of files) writeFileSync(join(dir, file), text);
  return [...files.keys()];
}

if (process.argv[1] && import.meta.url === `file://${process.argv[1]}`) {
  const dir = process.argv[2] ?? 'schemas';
  process.stdout.write(`wrote ${writeSchemas(dir).length} JSON Schema files to ${dir}/\n`);
}
