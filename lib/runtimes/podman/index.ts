import { EngineApiRuntime } from '../engine-api/engine-runtime.ts';
import { createPodmanNetwork } from './network-config.ts';
import { ensurePodmanService, podmanSocket } from './service.ts';
import { serviceUlimits } from './ulimits.ts';

/**
 * podman, through its Docker-compatible API service (`podman system service`, started when not
 * answering). Adaptations: the lab network is declared as a netavark definition (network-config.ts); image
 * imports carry their tag in `repo`; containers get
 * the podman service's own resource limits (ulimits.ts).
 */
export const podmanRuntime: EngineApiRuntime = new EngineApiRuntime('podman', podmanSocket, () => ensurePodmanService(async () => (await podmanRuntime.probe()).reachable), {
  createNetwork: createPodmanNetwork,
  importTagInRepo: true,
  ulimits: () => serviceUlimits(podmanSocket()),
});
