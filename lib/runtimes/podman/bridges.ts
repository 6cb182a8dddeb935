import type Docker from 'dockerode';
import type { BridgeLister } from '../engine-api/networks.ts';
import { LAB_LABEL } from '../runtime.ts';

interface LibpodNetwork {
  name: string;
  driver: string;
  network_interface?: string;
  labels?: Record<string, string>;
}

/** GET on podman's own (libpod) API, on the same socket as the compatible one. */
async function libpodGet<T>(client: Docker, path: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    client.modem.dial({ path: `/v4.0.0/libpod${path}`, method: 'GET', statusCodes: { 200: true } }, (error: Error | null, data: unknown) => (error ? reject(error) : resolve(data as T)));
  });
}

/**
 * podman's compat network list leaves Options empty, so the host bridge of each network (podman0
 * for the default one) comes from the libpod API's network_interface.
 */
export const listPodmanBridges: BridgeLister = async (client) => {
  const networks = await libpodGet<LibpodNetwork[]>(client, '/networks/json');
  return networks
    .filter((network) => network.driver === 'bridge' && network.network_interface)
    .map((network) => ({ name: network.name, bridge: network.network_interface!, lab: network.labels?.[LAB_LABEL] }));
};
