import type { ServiceName } from '../../topology/schema.ts';
import type { AddressWithPrefix, GuestNic } from './nic-plan.ts';

/** The NICs as a guest is told them (kernel command line or cloud-init seed); the first carries the default route and DNS. */
export interface GuestNetwork {
  nics: readonly GuestNic[];
  dnsDomain: string;
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

function addressText(address: AddressWithPrefix | 'dhcp' | 'slaac' | undefined): string {
  if (address === undefined) return '-';
  return typeof address === 'string' ? address : `${address.ip}/${address.prefix}`;
}

/** `hl.nic=MAC,IPV4,IPV6[,HOSTNAME]`: `a.b.c.d/p` or `dhcp`, `x::y/p` or `slaac`, `-` for none; a DHCP NIC's host name last. */
export function nicParameter(nic: GuestNic): string {
  const hostName = nic.ipv4 === 'dhcp' && nic.dhcpHostName ? `,${nic.dhcpHostName}` : '';
  return checked('hl.nic', `${nic.mac},${addressText(nic.ipv4)},${addressText(nic.ipv6)}${hostName}`);
}

/**
 * The guest kernel command line: serial console, quiet boot, reboot (= QEMU exits) on panic,
 * and the hl.* parameters the guest init reads: one hl.nic per NIC in order, the first NIC's
 * gateway(s) and DNS server (a DHCP NIC takes its router and DNS from the lease instead).
 */
export function renderKernelCmdline(params: GuestParams): string {
  const first = params.nics[0];
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
    ...params.nics.map(nicParameter),
    ...(first && typeof first.ipv4 === 'object' ? [checked('hl.gw', first.gateway)] : []),
    ...(first?.gateway6 && typeof first.ipv6 === 'object' ? [checked('hl.gw6', first.gateway6)] : []),
    ...(first ? [checked('hl.dns', first.dns)] : []),
    checked('hl.domain', params.dnsDomain),
    checked('hl.services', params.services.join(',')),
  ];
  if (params.managementMac) parts.push(checked('hl.mgmt', params.managementMac));
  return parts.join(' ');
}
