import { readdirSync, readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, runCli } from '../../testing/cli-process.ts';
import { documentSchemas, type DocumentName } from './documents.ts';
import { jsonSchemaFiles } from './write-schemas.ts';

const scratch = mkdtempSync(join(tmpdir(), 'hl-schemas-'));
const topology = join(scratch, 'schema12.yaml');
writeFileSync(topology, 'name: schema12\nbridge: { name: hybr12s, subnet: 10.0.12.0/24 }\nnodes:\n  - { name: a, kind: container }\n  - { name: v, kind: vm }\n');

describe('published JSON Schemas', () => {
  it('schemas/ holds exactly what the zod schemas generate (run `npm run build` after changing them)', () => {
    const generated = jsonSchemaFiles();
    expect(readdirSync(join(REPO_ROOT, 'schemas')).sort()).toEqual([...generated.keys()].sort());
    for (const [file, text] of generated) expect(readFileSync(join(REPO_ROOT, 'schemas', file), 'utf8'), file).toBe(text);
  });

  it('the topology schema is the zod schema of the file: defaults optional, unknown fields refused', () => {
    const schema = JSON.parse(jsonSchemaFiles().get('topology.schema.json')!) as { required?: string[]; additionalProperties: boolean; properties: Record<string, { default?: unknown }> };
    expect(schema.required).toEqual(['name']);
    expect(schema.additionalProperties).toBe(false);
    // Without bridge: and networks:, resolution gives the one default segment (hybr0, 10.0.1.0/24).
    expect(schema.properties.bridge.default).toBeUndefined();
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(['bridge', 'networks', 'nodes']));
  });

  it('example topology files point editors at the schema (yaml-language-server)', () => {
    for (const file of ['lab/default.yaml', 'lab/examples/vagrant.yaml']) {
      const first = readFileSync(join(REPO_ROOT, file), 'utf8').split('\n')[0];
      const match = /^# yaml-language-server: \$schema=(\S+)$/.exec(first);
      expect(match, file).not.toBeNull();
      expect(resolve(dirname(join(REPO_ROOT, file)), match![1])).toBe(join(REPO_ROOT, 'schemas', 'topology.schema.json'));
    }
  });

  it('what the CLI prints with --json matches its published schema', async () => {
    const cases: Array<[string[], DocumentName]> = [
      [['status', '-t', topology, '--json'], 'status'],
      [['status', '--all', '--json'], 'status-all'],
      [['doctor', '--json'], 'doctor'],
      [['validate', '-t', topology, '--no-host-check', '--json'], 'resolved-topology'],
      [['graph', '-t', topology, '--json'], 'graph'],
      [['status', '--lab', 'no-such-lab', '--json'], 'error'],
    ];
    for (const [args, name] of cases) {
      const result = await runCli(args);
      const parsed = documentSchemas[name].safeParse(JSON.parse(result.stdout));
      expect(parsed.error?.issues ?? [], `${args.join(' ')}`).toEqual([]);
    }
  });
});
