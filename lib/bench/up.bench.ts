/**
 * npm run bench:up — cold `up` (images not built), warm `up` (images cached), `down`, for a
 * containers-only lab shaped like the default one. Prints wall times of the real CLI as a user
 * runs it, and the library's own time (without Node start-up). Targets: warm up <= 3 s, down <= 3 s.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../common/run.ts';
import { CLI_BIN, REPO_ROOT } from '../testing/cli-process.ts';

// The compiled CLI as users run it (npm run build first).
const node = process.execPath;
const cli = CLI_BIN;
const repoRoot = REPO_ROOT;

const topology = `
name: benchlab
bridge: { name: hlbench0, subnet: 10.0.7.0/24 }
nodes:
  - { name: test-container, kind: container, ip: 10.0.7.50 }
  - { name: web-server, kind: container, ip: 10.0.7.100 }
`;

async function timed(args: string[]): Promise<{ wallMs: number; libraryMs: number }> {
  const started = performance.now();
  const result = await run(node, [cli, ...args, '--json'], { cwd: repoRoot, timeoutMs: 600_000 });
  const wallMs = performance.now() - started;
  return { wallMs, libraryMs: (JSON.parse(result.stdout) as { elapsedMs: number }).elapsedMs };
}

async function removeLocalImages(): Promise<void> {
  const images = (await run('docker', ['images', '--format', '{{.Repository}}:{{.Tag}}', '--filter', 'reference=hybrid-lab/*'])).stdout.split('\n').filter(Boolean);
  if (images.length > 0) await run('docker', ['rmi', '--force', ...images]);
}

const file = join(await mkdtemp(join(tmpdir(), 'hybrid-lab-bench-')), 'bench.yaml');
await writeFile(file, topology);
const rows: Array<[string, { wallMs: number; libraryMs: number }]> = [];
await run(node, [cli, 'down', '-t', file], { cwd: repoRoot });
await removeLocalImages();
rows.push(['cold up (images built)', await timed(['up', '-t', file])]);
rows.push(['down', await timed(['down', '-t', file])]);
for (let i = 1; i <= 3; i++) {
  rows.push([`warm up #${i} (images cached)`, await timed(['up', '-t', file])]);
  rows.push([`down #${i}`, await timed(['down', '-t', file])]);
}
console.log(`hybrid-lab up/down benchmark (2 containers + DNS), ${new Date().toISOString()}`);
console.log('step                          CLI wall   library');
for (const [name, { wallMs, libraryMs }] of rows) console.log(`${name.padEnd(30)}${(wallMs / 1000).toFixed(2).padStart(7)} s ${(libraryMs / 1000).toFixed(2).padStart(7)} s`);
