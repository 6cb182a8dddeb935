import { shortHash } from '../../common/hash.ts';

/**
 * Every libvirt object the provider makes starts with `hl_<lab>_`. Lab and node names are DNS
 * labels (no underscore), so the prefix of lab "a" never matches objects of lab "a-b".
 */
export function labPrefix(labName: string): string {
  return `hl_${labName}_`;
}

/** libvirt domain of a VM (vagrant-libvirt default_prefix + machine name). */
export function domainName(labName: string, vmName: string): string {
  return `${labPrefix(labName)}${vmName}`;
}

/** Bridge-mode libvirt network on the lab bridge: the VMs' hybrid NIC. */
export function hybridNetworkName(labName: string): string {
  return `${labPrefix(labName)}hybrid`;
}

/** Isolated libvirt network with DHCP that Vagrant uses to reach the guest (ssh). */
export function managementNetworkName(labName: string): string {
  return `${labPrefix(labName)}mgmt`;
}

/** Linux bridge of the management network: at most 15 characters, derived from the lab. */
export function managementBridgeName(labName: string): string {
  return `hlm${shortHash([labName], 8)}`;
}

/** Stable MAC for the hybrid NIC (locally administered, libvirt's 52:54:00 prefix). */
export function hybridMac(labName: string, vmName: string): string {
  const hex = shortHash(['vagrant-hybrid-nic', labName, vmName], 6);
  return `52:54:00:${hex.slice(0, 2)}:${hex.slice(2, 4)}:${hex.slice(4, 6)}`;
}
