import type { ServiceName } from '../../topology/schema.ts';

/** The hybrid NIC as a guest is told it (kernel command line or cloud-init seed). */
export interface GuestNetwork {
  ip: string;
  prefix: number;
  gateway: string;
  dnsServer: string;
  dnsDomain: string;
  /** The stable MAC the provider gives the hybrid NIC. */
  mac: string;
}

/** Everything the guest's init learns from the kernel command line (see lab/images/vm/init.sh). */
export interface GuestParams extends GuestNetwork {
  name: string;
  services: readonly ServiceName[];
  /** MAC of the optional management NIC. */
  managementMac?: string;
}

/** Parameter values go into a space-separated command line: refuse anything that would split or inject. */
function checked(key: string, value: string): string {
  if (!/^[A-Za-z0-9.:,/_-]*$/.test(value)) throw new Error(`kernel command line: ${key}=${JSON.stringify(value)} has characters the guest cannot parse`);
  return `${key}=${value}`;
}

/**
 * The guest kernel command line: serial console, quiet boot, reboot (= QEMU exits) on panic,
 * and the hl.* parameters the guest init reads.
 */
export function renderKernelCmdline(params: GuestParams): string {
  const parts = [
    'console=ttyS0',
    'quiet',
    'loglevel=3',
    'panic=-1',
    // No hardware to probe on qboot's minimal pc: skipping these saves boot time under TCG.
    'i8042.noaux',
    'i8042.nokbd',
    'noreplace-smp',
    checked('hl.name', params.name),
    checked('hl.ip', `${params.ip}/${params.prefix}`),
    checked('hl.gw', params.gateway),
    checked('hl.dns', params.dnsServer),
    checked('hl.domain', params.dnsDomain),
    checked('hl.mac', params.mac),
    checked('hl.services', params.services.join(',')),
  ];
  if (params.managementMac) parts.push(checked('hl.mgmt', params.managementMac));
  return parts.join(' ');
}
