import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync, chmodSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../common/run.ts';
import { CLI_BIN, REPO_ROOT, runCli } from '../testing/cli-process.ts';
import { loadAllCommands } from './commands/index.ts';

// The CLI run as a process, as a shell user or a CI script runs it. No lab is needed: these
// commands read a lab that is down, bad input, or the host.
const scratch = mkdtempSync(join(tmpdir(), 'hl-unix-'));
chmodSync(scratch, 0o755); // readable by `nobody` in the non-root test
const topology = join(scratch, 'unix12.yaml');
writeFileSync(topology, 'name: unix12\nbridge: { name: hybr12u, subnet: 10.0.12.0/24 }\nnodes:\n  - { name: a, kind: container }\n');
chmodSync(topology, 0o644);
const ESC = '\x1b[';
const version = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;

/** Runs the CLI with its stdout a pipe whose reader is already gone (what `| head -1` leads to). */
function runWithClosedStdout(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI_BIN, ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

/** Runs the CLI on a pseudo-terminal of the given width (util-linux `script`), returning what the terminal shows. */
async function onTerminal(args: string[], env: Record<string, string> = {}, columns = 80): Promise<string> {
  const assignments = Object.entries(env).map(([name, value]) => `${name}=${value}`);
  const command = ['stty', 'cols', String(columns), ';', 'exec', 'env', '-u', 'NO_COLOR', '-u', 'FORCE_COLOR', 'TERM=xterm', ...assignments, process.execPath, CLI_BIN, ...args.map((a) => `'${a}'`)].join(' ');
  const result = await run('script', ['-qefc', command, '/dev/null'], { cwd: REPO_ROOT, allowFailure: true });
  return result.stdout.replaceAll('\r\n', '\n');
}

describe('Unix manners of the hybrid-lab CLI (run as a process)', () => {
  it('--version prints the package version and exits 0', async () => {
    for (const flag of ['--version', '-V']) {
      const result = await runCli([flag]);
      expect(result).toMatchObject({ exitCode: 0, stdout: `${version}\n`, stderr: '' });
    }
  });

  it('a closed stdout (`| head -1`) ends quietly with exit 0: --help, status', async () => {
    for (const args of [['--help'], ['status', '-t', topology], ['status', '--all'], ['validate', '-t', topology, '--json']]) {
      const result = await runWithClosedStdout(args);
      expect({ args, ...result }).toEqual({ args, code: 0, stderr: '' });
    }
    const shell = await run('bash', ['-c', `"${process.execPath}" "${CLI_BIN}" --help | head -1; echo "exit=\${PIPESTATUS[0]}"`]);
    expect(shell.stdout).toBe('Usage: hybrid-lab [options] [command]\nexit=0\n');
    expect(shell.stderr).toBe('');
  });

  it('colour only on a terminal; NO_COLOR and FORCE_COLOR are honoured', async () => {
    const piped = await runCli(['status', '-t', topology]);
    expect(piped.stdout).toBe('lab "unix12": down\n');
    const forced = await runCli(['status', '-t', topology], { env: { FORCE_COLOR: '1' } });
    expect(forced.stdout).toBe(`lab "unix12": ${ESC}31mdown${ESC}39m\n`);
    expect((await runCli(['status', '-t', topology], { env: { FORCE_COLOR: '1', NO_COLOR: '1' } })).stdout).not.toContain(ESC);
    expect(await onTerminal(['status', '-t', topology])).toContain(`${ESC}31mdown${ESC}39m`);
    expect(await onTerminal(['status', '-t', topology], { NO_COLOR: '1' })).toBe('lab "unix12": down\n');
  });

  it('tables: borderless and colourless in a pipe, header never coloured, fit 80 columns on a terminal', async () => {
    const piped = await runCli(['doctor']);
    const lines = piped.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^CHECK\s+OK\s+DETAIL\s+FIX$/);
    expect(piped.stdout).not.toMatch(/[│─┌└]/);
    expect(piped.stdout).not.toContain(ESC);
    // awk-friendly: the second field of the dockerd row is its mark.
    expect(lines.find((line) => line.startsWith('dockerd '))!.split(/\s+/)[1]).toBe('✔');
    const terminal = await onTerminal(['doctor']);
    const shown = terminal.trimEnd().split('\n');
    expect(shown[0]).toMatch(/^CHECK\s+OK\s+DETAIL/); // no escape codes in the header
    for (const line of shown) expect(line.replace(/\x1b\[[0-9;]*m/g, '').length, line).toBeLessThanOrEqual(80);
    expect(terminal).toContain(`${ESC}32m✔${ESC}39m`); // colour where it means something
  });

  it('one meaning per short flag across commands', async () => {
    const program = new Command('hybrid-lab');
    await loadAllCommands(program);
    const meanings = new Map<string, Set<string>>();
    const visit = (command: Command) => {
      for (const option of command.options) if (option.short) meanings.set(option.short, (meanings.get(option.short) ?? new Set()).add(option.long ?? ''));
      command.commands.forEach(visit);
    };
    visit(program);
    // debug.ts belongs to the debug work: its -i (--interface) and -f (--filter) are to become long-only.
    const owedByDebug = new Map([['-i', '--interface'], ['-f', '--filter']]);
    for (const [short, longs] of meanings) {
      const mine = [...longs].filter((long) => owedByDebug.get(short) !== long);
      expect(mine, `${short} means ${[...longs].join(' and ')}`).toHaveLength(1);
    }
    expect([...meanings.get('-t')!]).toEqual(['--topology']);
    expect(meanings.get('-i')).toContain('--interactive');
  });

  it('bad input exits 2 with one message naming the flag, value and choices', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['status', '--lab', 'nosuch'], /--lab nosuch: no lab of that name on this host .*Fix:/],
      [['monitor', '--lab', 'nope', '--once'], /--lab nope: no lab of that name on this host/],
      [['logs', 'dns', '--lab', 'nope'], /--lab nope: no lab of that name/],
      [['exec', '--lab', 'nope', 'a', '--', 'true'], /--lab nope: no lab of that name/],
      [['setup', '--with', 'frob'], /--with: unknown "frob"; valid choices are vm, vagrant, debug, reports/],
      [['exec', '--timeout', 'abc', 'a', '--', 'true'], /--timeout expects a whole number of milliseconds >= 1 \(got "abc"\)/],
      [['monitor', '--interval', '0'], /--interval expects a positive number of seconds \(got "0"\)/],
      [['report', 'latency', '--history', scratch], new RegExp(`--history ${scratch} is a directory, not a history file\\. Fix: give the file, e\\.g\\. --history ${scratch}/latency\\.jsonl`)],
    ];
    for (const [args, message] of cases) {
      const result = await runCli(args);
      expect(result.exitCode, args.join(' ')).toBe(2);
      expect(result.stderr, args.join(' ')).toMatch(message);
      expect(result.stderr, args.join(' ')).not.toMatch(/\n\s+at |EISDIR/);
    }
  });

  it('validate --json on a bad file prints a JSON error document and exits 2', async () => {
    const bad = join(scratch, 'bad.yaml');
    writeFileSync(bad, 'name: bad\nnodes:\n  - { name: a, kind: container, ip: 10.0.1.1 }\n');
    const result = await runCli(['validate', '-t', bad, '--no-host-check', '--json']);
    expect(result.exitCode).toBe(2);
    expect(JSON.parse(result.stdout)).toEqual({
      schema: 'hybrid-lab/error@1',
      exitCode: 2,
      kind: 'TopologyError',
      message: `${bad}: nodes[0].ip: is the gateway address (got "10.0.1.1"). Fix: choose a free host address in the subnet, or omit ip to allocate one`,
      version,
    });
    const good = JSON.parse((await runCli(['validate', '-t', topology, '--no-host-check', '--json'])).stdout) as { schema: string; name: string };
    expect(good).toMatchObject({ schema: 'hybrid-lab/resolved-topology@1', name: 'unix12' });
  });

  it('every --json document names its schema', async () => {
    for (const [args, schema] of [
      [['status', '-t', topology, '--json'], 'hybrid-lab/status@1'],
      [['status', '--all', '--json'], 'hybrid-lab/status-all@1'],
      [['doctor', '--json'], 'hybrid-lab/doctor@1'],
      [['graph', '-t', topology, '--format', 'json'], 'hybrid-lab/graph@1'],
    ] as const) {
      const result = await runCli(args);
      expect(result.stderr, args.join(' ')).toBe('');
      expect((JSON.parse(result.stdout) as { schema: string }).schema).toBe(schema);
    }
  });

  describe('as a user who may not use the Docker socket', () => {
    let fakeSocket: string;
    let server: ReturnType<typeof createServer>;
    beforeAll(async () => {
      // A socket only root may use, like /var/run/docker.sock without the docker group.
      const dir = join(scratch, 'docker');
      mkdirSync(dir, { mode: 0o755 });
      fakeSocket = join(dir, 'docker.sock');
      server = createServer().listen(fakeSocket);
      await new Promise((resolve) => server.once('listening', resolve));
      chmodSync(fakeSocket, 0o660);
    });
    afterAll(() => server.close());

    it('status, doctor, exec, test and up say permission denied on the socket and exit 2, never "missing"', async () => {
      for (const args of [['status', '-t', topology], ['status', '--all'], ['doctor'], ['exec', '-t', topology, 'a', '--', 'true'], ['test', 'dns', '-t', topology], ['up', '-t', topology]]) {
        const result = await run('setpriv', ['--reuid=nobody', '--regid=nogroup', '--clear-groups', '--', process.execPath, CLI_BIN, ...args], {
          allowFailure: true,
          cwd: scratch,
          env: { DOCKER_SOCKET: fakeSocket, DOCKER_HOST: `unix://${fakeSocket}`, NODE_COMPILE_CACHE: join(scratch, 'nobody-cache') },
        });
        expect(result.exitCode, `${args.join(' ')}: ${result.stderr}`).toBe(2);
        expect(result.stderr).toMatch(new RegExp(`^error: permission denied on the Docker socket ${fakeSocket} \\(running as uid \\d+\\)\\. Fix: run hybrid-lab as root`));
        expect(result.stdout).not.toMatch(/missing|stopped|not reachable/);
      }
    });
  });
});
