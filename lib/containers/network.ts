import { ProvisionError } from '../common/errors.ts';
import { LAB_LABEL, docker } from './docker-client.ts';

export function dockerNetworkName(labName: string): string {
  return `${labName}-net`;
}

export interface DockerNetworkSpec {
  labName: string;
  bridge: string;
  subnet: string;
  gateway: string;
}

/** Creates the lab's Docker network on the lab bridge (com.docker.network.bridge.name). Idempotent. */
export async function ensureDockerNetwork(spec: DockerNetworkSpec): Promise<{ created: boolean; id: string }> {
  const name = dockerNetworkName(spec.labName);
  const existing = await findNetwork(name);
  if (existing) {
    const options = existing.Options ?? {};
    if (options['com.docker.network.bridge.name'] !== spec.bridge) {
      throw new ProvisionError(`Docker network ${name} exists on bridge ${options['com.docker.network.bridge.name']}, not ${spec.bridge}. Fix: run \`hybrid-lab down\` first`);
    }
    return { created: false, id: existing.Id };
  }
  const network = await docker().createNetwork({
    Name: name,
    Driver: 'bridge',
    CheckDuplicate: true,
    IPAM: { Driver: 'default', Config: [{ Subnet: spec.subnet, Gateway: spec.gateway }] },
    Options: { 'com.docker.network.bridge.name': spec.bridge },
    Labels: { [LAB_LABEL]: spec.labName },
  });
  return { created: true, id: network.id };
}

export async function dockerNetworkExists(name: string): Promise<boolean> {
  return (await findNetwork(name)) !== undefined;
}

async function findNetwork(name: string) {
  const networks = await docker().listNetworks({ filters: { name: [name] } });
  return networks.find((network) => network.Name === name);
}

export async function removeDockerNetwork(name: string): Promise<void> {
  const existing = await findNetwork(name);
  if (existing) await docker().getNetwork(existing.Id).remove();
}

/** Networks labelled with the lab, even when the state file is gone. */
export async function findLabNetworks(labName: string): Promise<string[]> {
  const networks = await docker().listNetworks({ filters: { label: [`${LAB_LABEL}=${labName}`] } });
  return networks.map((network) => network.Name);
}
