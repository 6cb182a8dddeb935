/**
 * Scenario 2, load balancer with VM backends (lab/examples/load-balancer/load-balancer.yaml):
 * HAProxy in a container spreads requests over two VMs; when one VM's HTTP service stops (refused
 * connections), or the whole VM freezes (pauseNode: no answer at all), the health check takes it
 * out and no request fails; when it is back, it rejoins. Requests go from
 * the lab's `client` node to lb.<domain> over the lab bridge; HAProxy's own view of each server
 * comes from its statistics (CSV). Written against the package's public API; brings its own lab
 * up and down.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { downLab, findNode, httpGet, loadTopology, openLab, pauseNode, resumeNode, terminalReporter, upLab, type LabNode, type LiveLab, type Topology } from 'hybrid-lab';

const TOPOLOGY_FILE = fileURLToPath(new URL('./load-balancer.yaml', import.meta.url));
const BACKENDS = ['backend-1', 'backend-2'] as const;
/** How long HAProxy may take to change a server's state: 3 (down) or 2 (up) checks a second apart (plus 1 s connect timeouts), on a loaded host. */
const HEALTH_CHANGE_TIMEOUT_MS = 30_000;
const reporter = terminalReporter();

let topology: Topology;
let lab: LiveLab;
let client: LabNode;
let lb: LabNode;

beforeAll(async () => {
  topology = await loadTopology(TOPOLOGY_FILE);
  await upLab(topology, { reporter });
  lab = await openLab(topology.name);
  client = findNode(lab, 'client');
  lb = findNode(lab, 'lb');
});

afterAll(async () => {
  // Also after a failed up (which rolled back what it made): down sweeps whatever is left.
  if (topology) await downLab(topology.name, topology, reporter);
});

interface Answer {
  ok: boolean;
  /** The backend that answered, from its body ("hello from backend-1 (10.0.52.11)"). */
  backend?: string;
  detail: string;
}

/** One GET http://lb.<domain>/ from the client node, through the lab DNS and bridge. */
async function requestThroughLb(): Promise<Answer> {
  const result = await httpGet(client, `lb.${topology.dns.domain}`);
  return { ok: result.ok, backend: /^hello from (\S+) /.exec(result.body)?.[1], detail: result.detail };
}

async function requests(count: number): Promise<Answer[]> {
  const answers: Answer[] = [];
  for (let i = 0; i < count; i++) answers.push(await requestThroughLb());
  return answers;
}

function expectAllSucceeded(answers: Answer[]): void {
  const failed = answers.filter((answer) => !answer.ok || answer.backend === undefined);
  expect(failed, `${failed.length} of ${answers.length} requests failed`).toEqual([]);
}

function countByBackend(answers: Answer[]): Record<string, number> {
  const counts: Record<string, number> = Object.fromEntries(BACKENDS.map((name) => [name, 0]));
  for (const answer of answers) if (answer.backend) counts[answer.backend] = (counts[answer.backend] ?? 0) + 1;
  return counts;
}

/** A server's state in HAProxy's statistics CSV: UP, DOWN, or a transition such as "UP 1/3". */
async function haproxyServerState(server: string): Promise<string> {
  const response = await fetch(`http://${lb.ip}:8404/;csv`, { signal: AbortSignal.timeout(5_000) });
  const [header, ...rows] = (await response.text()).trim().split('\n');
  const columns = header.replace(/^# /, '').split(',');
  const row = rows.map((line) => line.split(',')).find((fields) => fields[columns.indexOf('pxname')] === 'vms' && fields[columns.indexOf('svname')] === server);
  return row?.[columns.indexOf('status')] ?? `no row for ${server}`;
}

/** Runs argv in a backend VM (over its serial console) and expects it to succeed. */
async function run(node: string, argv: string[]): Promise<void> {
  const result = await findNode(lab, node).exec(argv);
  expect(result.exitCode, `${node}: ${argv.join(' ')}: ${result.stderr}`).toBe(0);
}

describe('load balancer with VM backends', () => {
  it('spreads requests over both VM backends', async () => {
    // HAProxy starts each server as "UP 1/3" (not yet checked); the first good check makes it UP.
    for (const backend of BACKENDS) await expect.poll(() => haproxyServerState(backend), { timeout: HEALTH_CHANGE_TIMEOUT_MS, interval: 200 }).toBe('UP');
    const answers = await requests(20);
    expectAllSucceeded(answers);
    const counts = countByBackend(answers);
    // Round robin gives 10 each; leave room for nothing but a clear imbalance.
    for (const backend of BACKENDS) expect(counts[backend], JSON.stringify(counts)).toBeGreaterThanOrEqual(5);
  });

  it('takes a backend whose service stopped out by its health check, and every request still succeeds', async () => {
    await run('backend-2', ['killall', 'httpd']);
    expect((await httpGet(client, findNode(lab, 'backend-2').ip)).ok, 'backend-2 still answers directly').toBe(false);
    await expectTakenOutWithoutFailures('backend-2');
  });

  it('brings the backend back in once its service answers again', async () => {
    await run('backend-2', ['httpd', '-p', '80', '-h', '/www']);
    await expectBackInRotation('backend-2');
  });

  it('takes a frozen backend VM out (no answer at all), and every request still succeeds', async () => {
    await pauseNode(topology.name, 'backend-1');
    await expectTakenOutWithoutFailures('backend-1');
  });

  it('brings the VM back in once it runs again', async () => {
    await resumeNode(topology.name, 'backend-1');
    await expectBackInRotation('backend-1');
  });
});

/** While HAProxy notices the backend is gone, and after: no request fails, and then none goes there. */
async function expectTakenOutWithoutFailures(gone: (typeof BACKENDS)[number]): Promise<void> {
  const meanwhile: Answer[] = [];
  await expect.poll(async () => {
    meanwhile.push(await requestThroughLb());
    return haproxyServerState(gone);
  }, { timeout: HEALTH_CHANGE_TIMEOUT_MS, interval: 100 }).toBe('DOWN');
  expectAllSucceeded(meanwhile);

  const afterwards = await requests(10);
  expectAllSucceeded(afterwards);
  const other = BACKENDS.find((backend) => backend !== gone)!;
  expect(countByBackend(afterwards)).toEqual({ [other]: 10, [gone]: 0 });
}

/** HAProxy's checks see the backend again, and requests spread over both once more. */
async function expectBackInRotation(backend: (typeof BACKENDS)[number]): Promise<void> {
  await expect.poll(() => haproxyServerState(backend), { timeout: HEALTH_CHANGE_TIMEOUT_MS, interval: 200 }).toBe('UP');
  const answers = await requests(20);
  expectAllSucceeded(answers);
  const counts = countByBackend(answers);
  for (const name of BACKENDS) expect(counts[name], JSON.stringify(counts)).toBeGreaterThanOrEqual(5);
}
