import { z } from 'zod';
import { provisioningOptions } from '../provisioning.ts';

/** Topology fields the vagrant provider reads (contributed to the VM node schema by the registry). */
export const vagrantOptions = {
  /** The seeds' VM role: `base` (hybrid-base) or `docker` (hybrid-docker: Docker inside the guest). Default base. */
  role: z.enum(['base', 'docker'], { message: 'unknown VM role :: fix: use base or docker' }).optional(),
  /** The shared `provision:` fields (lib/vms/provisioning.ts), run by shell provisioners after the role's own (provisioners.ts). */
  ...provisioningOptions,
};

export type VagrantNodeOptions = z.output<z.ZodObject<typeof vagrantOptions>>;

/** The vagrant options of a VM node (the schema has checked them). */
export function vagrantNodeOptions(spec: object): VagrantNodeOptions {
  return z.object(vagrantOptions).parse(spec);
}

/**
 * What the vagrant provider cannot do yet: its VM has one private_network NIC with a static
 * address on the lab's first bridge (lib/vms/vagrant/vagrantfile.ts). Several NICs, DHCP and a
 * fixed MAC are refused here, before anything is made, rather than silently dropped.
 */
export function checkVagrantNode(node: Record<string, unknown>, issue: (field: string, message: string) => void): void {
  const nics = (node.nics ?? []) as Array<{ ip?: string; mac?: string; ipv6?: string }>;
  const fix = ' :: fix: ';
  if (nics.length > 1) issue('nics', `the vagrant provider gives a VM one NIC, on the lab's first network${fix}keep one NIC, or use provider: qemu for a VM on several networks`);
  for (const [i, nic] of nics.entries()) {
    if (nic.ip === 'dhcp') issue(`nics.${i}.ip`, `the vagrant provider cannot take a VM's address by DHCP yet${fix}give a static ip, or use provider: qemu`);
    if (nic.mac !== undefined) issue(`nics.${i}.mac`, `the vagrant provider cannot set a NIC's MAC yet${fix}remove mac, or use provider: qemu`);
    if (nic.ipv6 !== undefined) issue(`nics.${i}.ipv6`, `the vagrant provider cannot give a VM an IPv6 address yet${fix}remove ipv6, or use provider: qemu`);
  }
}
