import type { Command } from 'commander';

/** One CLI command: its name and summary (for the command list) and how to load its full definition. */
export interface CommandEntry {
  name: string;
  summary: string;
  /** Imported only when this command runs, so `--help` and other commands start fast. */
  load: () => Promise<(program: Command) => void>;
}

/** Every CLI command, in the order `--help` lists them; add new ones here. */
export const commands: CommandEntry[] = [
  { name: 'up', summary: 'bring a lab up (host packages, images, bridge, DNS, containers, VMs)', load: async () => (await import('./up.ts')).registerUp },
  { name: 'down', summary: 'remove everything a lab made (also leftovers of a crashed up)', load: async () => (await import('./down.ts')).registerDown },
  { name: 'status', summary: 'nodes, kinds, IPs, DNS names and their live state; --all: every lab', load: async () => (await import('./status.ts')).registerStatus },
  { name: 'exec', summary: 'run a command inside a node (host, dns, container or VM), like docker exec', load: async () => (await import('./exec.ts')).registerExec },
  { name: 'logs', summary: "a lab service's log (dns: every query, who asked, the answer)", load: async () => (await import('./logs.ts')).registerLogs },
  { name: 'test', summary: 'run the suites against the live lab', load: async () => (await import('./test.ts')).registerTest },
  { name: 'bench', summary: 'run only the measurements and append them to the latency history', load: async () => (await import('./test.ts')).registerBench },
  { name: 'graph', summary: 'draw the topology: Mermaid, Graphviz DOT or a self-contained HTML page', load: async () => (await import('./graph.ts')).registerGraph },
  { name: 'validate', summary: 'check a topology file without creating anything', load: async () => (await import('./validate.ts')).registerValidate },
  { name: 'doctor', summary: 'report what the host has for the lab, and the fix for what it lacks', load: async () => (await import('./doctor.ts')).registerDoctor },
  { name: 'setup', summary: 'install missing Debian packages and start the Docker engine', load: async () => (await import('./setup.ts')).registerSetup },
  { name: 'report', summary: 'reports built from recorded runs (latency history, ...)', load: async () => (await import('./report.ts')).registerReport },
  { name: 'image', summary: 'images built locally from Debian packages: a container base image, a VM disk', load: async () => (await import('./image.ts')).registerImage },
  { name: 'box', summary: 'Vagrant boxes for the vagrant VM provider (built locally)', load: async () => (await import('./box.ts')).registerBox },
  { name: 'debug', summary: 'capture on the lab bridge (or read a pcap), explain what is wrong, write a report', load: async () => (await import('./debug.ts')).registerDebug },
  { name: 'monitor', summary: 'live bridge traffic per node: packets/s, bytes/s, top flows, drops', load: async () => (await import('./monitor.ts')).registerMonitor },
];

/** Every command fully defined (for tests that inspect all options at once). */
export async function loadAllCommands(program: Command): Promise<void> {
  for (const entry of commands) (await entry.load())(program);
}
