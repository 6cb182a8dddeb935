import { shortHash } from '../../../common/hash.ts';
import { stringify } from 'yaml';
import type { GuestNetwork } from '../cmdline.ts';
import type { QemuNodeOptions } from '../options.ts';

/** What the NoCloud seed says about one VM: who it is, its hybrid NIC and what to run. */
export interface SeedInputs extends GuestNetwork {
  labName: string;
  nodeName: string;
  /** netplan matches the NIC by `mac`. */
  sshPublicKey: string;
  cloudInit?: QemuNodeOptions['cloudInit'];
}

/** The three files of a NoCloud seed (the cidata volume). */
export interface SeedFiles {
  'meta-data': string;
  'user-data': string;
  'network-config': string;
}

/** netplan v2: the NIC matched by MAC, static address, default route, the lab's DNS server and search domain. */
export function renderNetworkConfig(inputs: SeedInputs): string {
  return stringify({
    version: 2,
    ethernets: {
      hybrid: {
        match: { macaddress: inputs.mac },
        'set-name': 'eth0',
        addresses: [`${inputs.ip}/${inputs.prefix}`],
        routes: [{ to: 'default', via: inputs.gateway }],
        nameservers: { addresses: [inputs.dnsServer], search: [inputs.dnsDomain] },
      },
    },
  });
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
      { path: '/etc/resolv.conf', content: `nameserver ${inputs.dnsServer}\nsearch ${inputs.dnsDomain}\n`, permissions: '0644' },
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
