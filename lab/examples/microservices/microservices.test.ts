/**
 * Scenario 1, microservices with a VM database (lab/examples/microservices/microservices.yaml):
 * a note written through one app container is read back through the other; both reach
 * PostgreSQL in the Debian VM `database-vm` by its lab DNS name over the lab bridge.
 * Written as a user would, against the package's public API; brings its own lab up and down.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { downLab, findNode, loadTopology, openLab, pauseNode, resumeNode, terminalReporter, upLab, type LabNode, type LiveLab, type Topology } from 'hybrid-lab';

const TOPOLOGY_FILE = fileURLToPath(new URL('./microservices.yaml', import.meta.url));
const reporter = terminalReporter();

let topology: Topology;
let lab: LiveLab;
let database: LabNode;

beforeAll(async () => {
  topology = await loadTopology(TOPOLOGY_FILE);
  await upLab(topology, { reporter });
  lab = await openLab(topology.name);
  database = findNode(lab, 'database-vm');
});

afterAll(async () => {
  // Also after a failed up (which rolled back what it made): down sweeps whatever is left.
  if (topology) await downLab(topology.name, topology, reporter);
});

interface StoredNote {
  id: number;
  body: string;
  writtenBy: string;
  readBy: string;
  database: { server: string; client: string };
}

const appUrl = (name: string, path: string) => `http://${findNode(lab, name).ip}:8080${path}`;

async function writeNote(app: string, body: string): Promise<{ id: number; writtenBy: string }> {
  const response = await fetch(appUrl(app, '/notes'), { method: 'POST', body, signal: AbortSignal.timeout(15_000) });
  expect(response.status, await response.clone().text()).toBe(201);
  return (await response.json()) as { id: number; writtenBy: string };
}

async function readNote(app: string, id: number): Promise<StoredNote> {
  const response = await fetch(appUrl(app, `/notes/${id}`), { signal: AbortSignal.timeout(15_000) });
  expect(response.status, await response.clone().text()).toBe(200);
  return (await response.json()) as StoredNote;
}

describe('microservices with a VM database', () => {
  it('both apps resolve database-vm in the lab DNS to the VM', async () => {
    for (const app of ['app-1', 'app-2']) {
      const answer = await findNode(lab, app).exec(['getent', 'hosts', `database-vm.${topology.dns.domain}`]);
      expect(answer.exitCode, `${app}: ${answer.stderr}`).toBe(0);
      expect(answer.stdout.split(/\s+/)[0]).toBe(database.ip);
    }
  });

  it('PostgreSQL on database-vm listens on the lab address', async () => {
    const listening = await database.exec(['ss', '-Hltn', 'sport = :5432']);
    expect(listening.stdout).toContain(`${database.ip}:5432`);
  });

  it.each([
    ['app-1', 'app-2'],
    ['app-2', 'app-1'],
  ])('a note written through %s is read back through %s', async (writer, reader) => {
    const body = `note from ${writer} at ${new Date().toISOString()}`;
    const written = await writeNote(writer, body);
    expect(written.writtenBy).toBe(writer);

    const note = await readNote(reader, written.id);
    expect(note).toMatchObject({ id: written.id, body, writtenBy: writer, readBy: reader });
    // The reader's connection, as PostgreSQL saw it: from the reader's lab address to the VM's.
    expect(note.database).toEqual({ server: database.ip, client: findNode(lab, reader).ip });
  });

  it('a frozen app takes nothing else down: the other still serves what it wrote, and it answers again once resumed', async () => {
    const written = await writeNote('app-1', 'written before app-1 froze');
    await pauseNode(topology.name, 'app-1');
    try {
      const frozen = await fetch(appUrl('app-1', '/health'), { signal: AbortSignal.timeout(2_000) }).then(() => 'answered', (error: Error) => error.name);
      expect(frozen, 'a paused app-1 must not answer').toBe('TimeoutError');
      expect(await readNote('app-2', written.id)).toMatchObject({ body: 'written before app-1 froze', writtenBy: 'app-1', readBy: 'app-2' });
    } finally {
      await resumeNode(topology.name, 'app-1');
    }
    expect((await readNote('app-1', written.id)).readBy).toBe('app-1');
  });

  it('the row is stored in PostgreSQL on database-vm', async () => {
    const written = await writeNote('app-1', 'checked inside the VM');
    const row = await database.exec(['runuser', '-u', 'postgres', '--', 'psql', '-d', 'notes', '-tA', '-F', '|', '-c', `SELECT written_by, body FROM notes WHERE id = ${written.id}`]);
    expect(row.exitCode, row.stderr).toBe(0);
    expect(row.stdout.trim()).toBe('app-1|checked inside the VM');
  });
});
