import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../lib/testing/cli-process.ts';
import { labRemains, NOTHING_LEFT } from '../../../lib/testing/lab-fixture.ts';

// The issue 14 example, end to end through the CLI as a user runs it: `up`, the built-in suites
// that judge several networks, the port forward from the host, `status`, and `down` leaving nothing.
const FILE = join(import.meta.dirname, 'networks.yaml');
const BRIDGES = ['hybr76', 'hybr77', 'hybr78', 'hybr79'];

interface TestRun {
  passed: number;
  failed: number;
  skipped: number;
  failures: Array<{ name: string; message?: string }>;
  setupErrors: string[];
}

const failuresOf = (run: TestRun) => run.failures.map((failure) => `${failure.name}: ${(failure.message ?? '').split('\n')[0]}`);

describe('example: several networks, DHCP, dual stack, a forward, policies, an impairment', () => {
  beforeAll(async () => {
    await runCli(['down', '-t', FILE], { timeoutMs: 120_000 });
    const up = await runCli(['up', '-t', FILE], { timeoutMs: 600_000 });
    expect(up.exitCode, `up failed:\n${up.stdout}\n${up.stderr}`).toBe(0);
  });

  afterAll(async () => {
    await runCli(['down', '-t', FILE], { timeoutMs: 120_000 });
  });

  // The suites that judge several networks (the reachability matrix, DHCP, DNS on every segment,
  // the isolation rules), and the rate-limited link's throughput. Connectivity, latency and
  // throughput of every pair (580 checks, ~11 min with two emulated VMs) run on the default lab.
  it('passes the reachability, DHCP, DNS and isolation suites', async () => {
    const run = await runCli(['test', '-t', FILE, '--json', 'reachability', 'dhcp', 'dns', 'isolation'], { timeoutMs: 900_000 });
    const result = JSON.parse(run.stdout) as TestRun;
    expect(result.setupErrors, 'suite setup errors').toEqual([]);
    expect(failuresOf(result), failuresOf(result).join('\n')).toEqual([]);
    // The matrix, DHCP and both families are all there (not silently skipped).
    expect(result.passed).toBeGreaterThan(80);
    expect(run.exitCode).toBe(0);
  });

  it('holds the rate-limited link to its cap (throughput suite, web -> api)', async () => {
    const run = await runCli(['test', '-t', FILE, '--json', 'throughput', '--test', 'web -> api'], { timeoutMs: 600_000 });
    const result = JSON.parse(run.stdout) as TestRun;
    expect(failuresOf(result), failuresOf(result).join('\n')).toEqual([]);
    expect(result.passed).toBeGreaterThanOrEqual(2);
  });

  it('forwards 127.0.0.1:18076 on the host to web\'s HTTP service', async () => {
    const response = await fetch('http://127.0.0.1:18076/');
    expect(await response.text()).toContain('hello from web');
  });

  it('shows every network, the leases and the forward in status', async () => {
    const status = JSON.parse((await runCli(['status', '-t', FILE, '--json'], { timeoutMs: 60_000 })).stdout) as { leases?: Array<{ mac: string; ip: string }>; forwards?: Array<{ state: string }> };
    expect(status.leases?.find((lease) => lease.mac === '52:54:00:77:00:21')?.ip).toBe('10.0.77.21');
    expect(status.leases?.some((lease) => /^10\.0\.77\.1[0-4]\d$/.test(lease.ip))).toBe(true);
    expect(status.forwards?.map((forward) => forward.state)).toEqual(['active']);
  });

  it('down leaves nothing of the lab', async () => {
    const down = await runCli(['down', '-t', FILE], { timeoutMs: 120_000 });
    expect(down.exitCode, down.stderr).toBe(0);
    for (const bridge of BRIDGES) expect(await labRemains('nw14', bridge)).toEqual(NOTHING_LEFT);
  });
});
