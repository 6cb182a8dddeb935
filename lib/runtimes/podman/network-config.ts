import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type Docker from 'dockerode';
import { writeFileAtomic } from '../../common/atomic-write.ts';
import { waitFor } from '../../common/time.ts';
import type { NetworkCreator } from '../engine-api/networks.ts';
import { LAB_LABEL, type NetworkSpec } from '../runtime.ts';

/** Where rootful podman keeps one JSON file per netavark network ($PODMAN_NETWORK_DIR for tests of other setups). */
export function podmanNetworkDir(): string {
  return process.env.PODMAN_NETWORK_DIR ?? '/etc/containers/networks';
}

/** The netavark network definition podman itself writes for `podman network create`. */
export function netavarkNetworkConfig(spec: NetworkSpec, id: string, created: Date): object {
  return {
    name: spec.name,
    id,
    driver: 'bridge',
    network_interface: spec.bridge,
    created: created.toISOString(),
    subnets: [{ subnet: spec.subnet, gateway: spec.gateway }, ...(spec.ipv6 ? [{ subnet: spec.ipv6.subnet, gateway: spec.ipv6.gateway }] : [])],
    ipv6_enabled: spec.ipv6 !== undefined,
    internal: false,
    // The lab runs its own DNS container; aardvark-dns would answer on the gateway address.
    dns_enabled: false,
    labels: { [LAB_LABEL]: spec.labName },
    // What the compat API sets too: netavark drops forwarding between isolated networks (podman's own included).
    options: { isolate: 'true' },
    ipam_options: { driver: 'host-local' },
  };
}

/**
 * podman's API refuses any subnet that is "already used on the host", and the lab bridge already
 * carries the lab's gateway address when the network is made (Docker accepts this, taking the
 * bridge over by name). So the network is declared the way `podman network create` stores it: a
 * netavark definition in podman's network directory, which the service reloads when the directory
 * changes. Everything after this (connect, inspect, remove) goes through the API as for Docker.
 */
export const createPodmanNetwork: NetworkCreator = async (client: Docker, spec: NetworkSpec) => {
  const id = randomBytes(32).toString('hex');
  await writeFileAtomic(join(podmanNetworkDir(), `${spec.name}.json`), `${JSON.stringify(netavarkNetworkConfig(spec, id, new Date()), null, 5)}\n`);
  await waitFor(`podman to list network ${spec.name}`, async () => ((await client.listNetworks({ filters: { name: [spec.name] } })).some((n) => n.Name === spec.name) ? true : undefined), { timeoutMs: 10_000, intervalMs: 100 });
  return { id };
};
