import { join } from 'node:path';
import { readHostRoutes } from '../../topology/host-conflicts.ts';
import { cidrsOverlap, parseCidr, type Cidr } from '../../topology/ipv4.ts';
import { ensureNetwork, listNetworks, removeNetwork, virsh } from './libvirt.ts';
import { hybridNetworkName, managementBridgeName, managementNetworkName } from './names.ts';

/** The management network of a lab: Vagrant reaches the guest over it, the lab's traffic never does. */
export interface ManagementNetwork {
  name: string;
  bridge: string;
  /** e.g. 192.168.121.0/24 */
  subnet: string;
  /** The host's address on it (the network's gateway, which isolation must keep from forwarding). */
  hostAddress: string;
}

/** Vagrant-libvirt's own default; others are tried in order when it is taken. */
const FIRST_MANAGEMENT_THIRD_OCTET = 121;

/** XML of a libvirt network that joins VMs to an existing Linux bridge (no addresses, no DHCP). */
export function hybridNetworkXml(name: string, bridge: string): string {
  return `<network><name>${name}</name><forward mode='bridge'/><bridge name='${bridge}'/></network>\n`;
}

/** XML of an isolated (no <forward>) network with DHCP and no DNS: reaches only the host. */
export function managementNetworkXml(network: ManagementNetwork): string {
  const base = network.subnet.split('/')[0].split('.').slice(0, 3).join('.');
  return [
    `<network><name>${network.name}</name><bridge name='${network.bridge}' stp='off'/><dns enable='no'/>`,
    `<ip address='${network.hostAddress}' netmask='255.255.255.0'><dhcp><range start='${base}.100' end='${base}.254'/></dhcp></ip></network>`,
    '',
  ].join('\n');
}

/** Defines and starts the lab's bridge-mode network on the lab bridge. */
export async function ensureHybridNetwork(labName: string, bridge: string, stateDir: string): Promise<string> {
  const name = hybridNetworkName(labName);
  await ensureNetwork(name, hybridNetworkXml(name, bridge), join(stateDir, `${name}.xml`));
  return name;
}

/** Defines and starts the lab's management network, reusing its subnet when it already exists. */
export async function ensureManagementNetwork(labName: string, labSubnet: string, stateDir: string): Promise<ManagementNetwork> {
  const name = managementNetworkName(labName);
  const existing = (await listNetworks()).includes(name) ? await readManagementNetwork(name) : undefined;
  const network = existing ?? (await chooseManagementNetwork(labName, labSubnet));
  await ensureNetwork(name, managementNetworkXml(network), join(stateDir, `${name}.xml`));
  return network;
}

async function readManagementNetwork(name: string): Promise<ManagementNetwork | undefined> {
  const xml = (await virsh(['net-dumpxml', name])).stdout;
  const bridge = /<bridge name='([^']+)'/.exec(xml)?.[1];
  const address = /<ip address='([\d.]+)'/.exec(xml)?.[1];
  if (!bridge || !address) return undefined;
  return { name, bridge, hostAddress: address, subnet: `${address.split('.').slice(0, 3).join('.')}.0/24` };
}

/**
 * First /24 from 192.168.121.0 up that no host route or address uses and no libvirt network
 * claims, active or not: vagrant-libvirt finds the management network by its address and would
 * try to start another network of the same subnet (libvirt's inactive "default" is 192.168.122.0/24).
 */
async function chooseManagementNetwork(labName: string, labSubnet: string): Promise<ManagementNetwork> {
  const taken: Cidr[] = [parseCidr(labSubnet)!, ...(await libvirtNetworkSubnets())];
  for (const route of await readHostRoutes()) {
    const cidr = parseCidr(route.destination);
    if (cidr) taken.push(cidr);
  }
  for (let third = FIRST_MANAGEMENT_THIRD_OCTET; third < 255; third++) {
    const candidate = parseCidr(`192.168.${third}.0/24`)!;
    if (taken.some((cidr) => cidrsOverlap(candidate, cidr))) continue;
    return { name: managementNetworkName(labName), bridge: managementBridgeName(labName), subnet: `192.168.${third}.0/24`, hostAddress: `192.168.${third}.1` };
  }
  throw new Error('no free 192.168.x.0/24 for the Vagrant management network');
}

/** Subnets of every libvirt network's <ip> element (netmask or prefix form). */
async function libvirtNetworkSubnets(): Promise<Cidr[]> {
  const subnets: Cidr[] = [];
  for (const name of await listNetworks()) {
    const xml = (await virsh(['net-dumpxml', name], { allowFailure: true })).stdout;
    const subnet = subnetOfNetworkXml(xml);
    if (subnet) subnets.push(subnet);
  }
  return subnets;
}

/** The IPv4 subnet a libvirt network XML declares, if any. */
export function subnetOfNetworkXml(xml: string): Cidr | undefined {
  const element = /<ip\b[^>]*>/.exec(xml)?.[0] ?? '';
  const address = /address=['"]([\d.]+)['"]/.exec(element)?.[1];
  if (!address) return undefined;
  const netmask = /netmask=['"]([\d.]+)['"]/.exec(element)?.[1];
  const prefix = netmask ? netmask.split('.').reduce((bits, octet) => bits + Number(octet).toString(2).replace(/0/g, '').length, 0) : Number(/prefix=['"](\d+)['"]/.exec(element)?.[1] ?? 24);
  return parseCidr(`${address}/${prefix}`);
}

/** Removes both networks of a lab. Idempotent. */
export async function removeLabNetworks(labName: string): Promise<void> {
  await removeNetwork(hybridNetworkName(labName));
  await removeNetwork(managementNetworkName(labName));
}
