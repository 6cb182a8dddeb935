import { join } from 'node:path';
import { writeFileAtomic } from '../common/atomic-write.ts';
import { renderServersFile, SERVERS_FILE } from '../dns/dnsmasq-config.ts';
import { LiveRecords } from '../dns/live-records.ts';
import type { Topology } from '../topology/topology.ts';
import { containerRuntime } from '../runtimes/registry.ts';
import { dnsDir, hostsDir } from './dns-paths.ts';
import { dnsContainerName } from './names.ts';

/** The lab's live record folder: a record put here is answered within ~100 ms, no restart. */
export function liveRecords(topology: Topology): LiveRecords {
  return new LiveRecords(hostsDir(topology.name), topology.dns.domain);
}

/**
 * Rewrites the DNS server's upstreams (the topology's plus `extraLines`, e.g.
 * `server=/example.test/10.0.1.250`) and has dnsmasq re-read them with SIGHUP.
 */
export async function reloadUpstreams(topology: Topology, extraLines: readonly string[] = []): Promise<void> {
  await writeFileAtomic(join(dnsDir(topology.name), SERVERS_FILE), renderServersFile(topology.dns.upstreams, extraLines));
  await (await containerRuntime(topology.runtime)).signal(dnsContainerName(topology.name), 'SIGHUP');
}
