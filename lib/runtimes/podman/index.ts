import { EngineApiRuntime } from '../engine-api/engine-runtime.ts';
import { listPodmanBridges } from './bridges.ts';
import { createPodmanNetwork } from './network-config.ts';
import { ensurePodmanService, podmanSocket } from './service.ts';
import { serviceUlimits } from './ulimits.ts';

/**
 * podman, through its Docker-compatible API service (`podman system service`, started when not
 * answering). Adaptations: the lab network is declared as a netavark definition (network-config.ts); image
 * imports carry their tag in `repo`; containers get
 * the podman service's own resource limits (ulimits.ts); bridges come from the libpod API
 * (bridges.ts); netavark does not keep networks apart, so the lab does (up-steps' engine isolation).
 */
export const podmanRuntime: EngineApiRuntime = new EngineApiRuntime('podman', podmanSocket, () => ensurePodmanService(async () => (await podmanRuntime.probe()).reachable), {
  createNetwork: createPodmanNetwork,
  importTagInRepo: true,
  ulimits: () => serviceUlimits(podmanSocket()),
  macFromIp: true,
  listBridges: listPodmanBridges,
  // netavark 1.4 accepts everything from each network's subnet (NETAVARK_FORWARD -s SUBNET -j ACCEPT).
  forwardsBetweenNetworks: true,
});
