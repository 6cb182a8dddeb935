import { shortHash } from '../../../common/hash.ts';
import { stringify } from 'yaml';
import type { GuestNetwork } from '../cmdline.ts';
import type { GuestNic } from '../nic-plan.ts';
import type { QemuNodeOptions } from '../options.ts';

/** What the NoCloud seed says about one VM: who it is, its hybrid NIC and what to run. */
export interface SeedInputs extends GuestNetwork {
  labName: string;
  nodeName: string;
    sshPublicKey: string;
  cloudInit?: QemuNodeOptions['cloudInit'];
}

/** The three files of a NoCloud seed (the cidata volume). */
export interface SeedFiles {
  'meta-data': string;
  'user-data': string;
  'network-config': string;
}

/**
 * netplan v2: every NIC matched by its MAC (eth0, eth1, ... in order), a static address or
 * DHCP (sending the node's name, so the lease gets its DNS name), static IPv6 or router
 * advertisements; the default route and the lab's DNS server and search domain on the first NIC only.
 */
export function renderNetworkConfig(inputs: SeedInputs): string {
  const ethernets = Object.fromEntries(inputs.nics.map((nic, index) => [index === 0 ? 'hybrid' : `nic${index}`, netplanEthernet(nic, index, inputs)]));
  return stringify({ version: 2, ethernets });
}

function netplanEthernet(nic: GuestNic, index: number, inputs: SeedInputs): Record<string, unknown> {
  const first = index === 0;
  const addresses = [nic.ipv4, nic.ipv6].flatMap((address) => (typeof address === 'object' ? [`${address.ip}/${address.prefix}`] : []));
  const routes = first && typeof nic.ipv4 === 'object' ? [{ to: 'default', via: nic.gateway }] : [];
  if (first && typeof nic.ipv6 === 'object' && nic.gateway6) routes.push({ to: '::/0', via: nic.gateway6 });
  return {
    match: { macaddress: nic.mac },
    'set-name': `eth${index}`,
    ...(addresses.length ? { addresses } : {}),
    ...(nic.ipv4 === 'dhcp' ? { dhcp4: true, 'dhcp4-overrides': { hostname: nic.dhcpHostName ?? inputs.nodeName, ...(first ? {} : { 'use-routes': false, 'use-dns': false }) } } : {}),
    ...(nic.ipv6 !== undefined ? { 'accept-ra': nic.ipv6 === 'slaac' } : {}),
    ...(routes.length ? { routes } : {}),
    ...(first ? { nameservers: { addresses: [nic.dns], search: [inputs.dnsDomain] } } : {}),
  };
}

/**
 * #cloud-config: hostname, the lab's key for root (exec runs as root, like the other nodes),
 * resolv.conf written directly (no systemd-resolved in the image: netplan's nameservers would not
 * reach it) and the user's packages, write_files and runcmd.
 */
export function renderUserData(inputs: SeedInputs): string {
  const user = inputs.cloudInit;
  const config: Record<string, unknown> = {
    hostname: inputs.nodeName,
    fqdn: `${inputs.nodeName}.${inputs.dnsDomain}`,
    prefer_fqdn_over_hostname: false,
    manage_etc_hosts: true,
    disable_root: false,
    ssh_pwauth: false,
    ssh_authorized_keys: [inputs.sshPublicKey.trim()],
    write_files: [
      { path: '/etc/resolv.conf', content: `nameserver ${inputs.nics[0].dns}\nsearch ${inputs.dnsDomain}\n`, permissions: '0644' },
      ...(user?.writeFiles ?? []).map((file) => ({ path: file.path, content: file.content, permissions: file.permissions })),
    ],
    package_update: false,
    package_upgrade: false,
  };
  if (user?.packages.length) config.packages = user.packages;
  if (user?.runcmd.length) config.runcmd = user.runcmd;
  return `#cloud-config\n${stringify(config)}`;
}

/** meta-data: the instance id changes with the seed, so cloud-init runs again for a changed config. */
export function renderSeed(inputs: SeedInputs): SeedFiles {
  const userData = renderUserData(inputs);
  const networkConfig = renderNetworkConfig(inputs);
  const instanceId = `${inputs.labName}-${inputs.nodeName}-${shortHash([userData, networkConfig], 10)}`;
  return {
    'meta-data': stringify({ 'instance-id': instanceId, 'local-hostname': inputs.nodeName }),
    'user-data': userData,
    'network-config': networkConfig,
  };
}
