#!/usr/bin/env node
// Start-up of the compiled CLI beside reference programs, measured in the same run:
//   npm run bench:cli [-- --rounds 15] [-- --lab NAME]
// Wall time of whole processes, interleaved round by round so load spikes hit every command
// alike; prints median and p90 per command. Goals (quiet host): --help/--version <= 150 ms,
// status <= 300 ms.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const bin = join(repo, 'dist', 'cli', 'bin.js');
const argValue = (name, fallback) => {
  const at = process.argv.indexOf(name);
  return at > 0 ? process.argv[at + 1] : fallback;
};
const rounds = Number(argValue('--rounds', '15'));
const lab = argValue('--lab', undefined);

if (!existsSync(bin)) {
  process.stderr.write(`error: ${bin} is missing. Fix: npm run build\n`);
  process.exit(2);
}

const node = process.execPath;
const commands = [
  { name: 'node -e 0', argv: [node, '-e', '0'] },
  { name: 'docker version', argv: ['docker', 'version'] },
  { name: 'hybrid-lab --version', argv: [node, bin, '--version'], goalMs: 150 },
  { name: 'hybrid-lab --help', argv: [node, bin, '--help'], goalMs: 150 },
  { name: `hybrid-lab status${lab ? ` --lab ${lab}` : ''}`, argv: [node, bin, 'status', ...(lab ? ['--lab', lab] : [])], goalMs: 300 },
];

function timeOnce(argv) {
  const started = process.hrtime.bigint();
  const result = spawnSync(argv[0], argv.slice(1), { stdio: ['ignore', 'ignore', 'pipe'] });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.error) throw result.error;
  return ms;
}

const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
for (const command of commands) timeOnce(command.argv); // warm the page cache and V8's compile cache
const samples = new Map(commands.map((command) => [command.name, []]));
for (let round = 0; round < rounds; round++) for (const command of commands) samples.get(command.name).push(timeOnce(command.argv));

const load = (await import('node:os')).loadavg()[0].toFixed(2);
process.stdout.write(`CLI start-up, ${rounds} rounds, node ${process.version}, load average ${load}\n\n`);
process.stdout.write(`${'COMMAND'.padEnd(34)}${'MEDIAN'.padStart(10)}${'P90'.padStart(10)}   GOAL\n`);
for (const command of commands) {
  const sorted = samples.get(command.name).sort((a, b) => a - b);
  const median = quantile(sorted, 0.5);
  const goal = command.goalMs ? `<= ${command.goalMs} ms ${median <= command.goalMs ? 'met' : 'MISSED'}` : '';
  process.stdout.write(`${command.name.padEnd(34)}${`${median.toFixed(0)} ms`.padStart(10)}${`${quantile(sorted, 0.9).toFixed(0)} ms`.padStart(10)}   ${goal}\n`);
}
