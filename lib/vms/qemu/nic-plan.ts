import { ProvisionError } from '../../common/errors.ts';
import type { ResolvedNetwork, ResolvedNic } from '../../topology/topology.ts';
import type { VmLabContext, VmNicRecord, VmStartSpec } from '../provider.ts';
import { leaseHostName } from '../../dns/dhcp-config.ts';
import { vmMac } from './mac.ts';
import { createTap, removeTap, tapAlias, tapName } from './tap.ts';
import { closeSync } from 'node:fs';
import { createMacvtap, openMacvtap } from '../../net/macvlan.ts';

/** An address with its prefix length, as `ip addr add` takes it. */
export interface AddressWithPrefix {
  ip: string;
  prefix: number;
}

/** One NIC of a qemu VM: the tap that carries it on its network's bridge, and how the guest configures it. */
export interface GuestNic {
  network: string;
  /** The network's bridge; on a macvlan network the host's shim (the tap is then a macvtap on `parent`, not on it). */
  bridge: string;
  /** A macvlan network's parent: the NIC is a macvtap on it (bridge mode), handed to QEMU as an open descriptor. */
  parent?: string;
  tap: string;
  tapAlias: string;
  mac: string;
  /** A static address, `dhcp` (the guest's DHCP client), or none. */
  ipv4?: AddressWithPrefix | 'dhcp';
  /** A static address, `slaac` (router advertisements), or none. */
  ipv6?: AddressWithPrefix | 'slaac';
  gateway: string;
  gateway6?: string;
  dns: string;
  /** The host name a DHCP NIC asks for (its lease's DNS name, see leaseHostName). */
  dhcpHostName?: string;
}

/** The networks a VM may join: the context's, or the one bridge of an older context. */
function contextNetworks(ctx: VmLabContext): ResolvedNetwork[] {
  if (ctx.networks?.length) return ctx.networks;
  return [{ name: 'main', bridge: ctx.bridgeName, mode: 'bridged', subnet: '', prefix: ctx.prefix, gateway: ctx.gateway, dns: ctx.dnsServer }];
}

/** The NICs a spec asks for; without `nics` one on the first network at `ip`. */
function specNics(spec: VmStartSpec, networks: readonly ResolvedNetwork[]): ResolvedNic[] {
  if (spec.nics?.length) return spec.nics;
  return [{ network: networks[0].name, ...(spec.ip ? { ip: spec.ip } : {}), dhcp: false, slaac: false }];
}

/**
 * One tap per NIC, on its network's bridge. The first NIC keeps the provider's original tap name
 * (so `down` of an older lab still finds it); the others are named per network. MACs are stable
 * per (lab, node, network) (the lab's first network keeps the provider's original one) unless the NIC gives its own (what a DHCP reservation matches).
 */
export function planGuestNics(spec: VmStartSpec, ctx: VmLabContext): GuestNic[] {
  const networks = contextNetworks(ctx);
  return specNics(spec, networks).map((nic, index) => {
    const network = networks.find((candidate) => candidate.name === nic.network);
    if (!network) throw new ProvisionError(`VM ${spec.name}: NIC ${index} is on network ${nic.network}, which the lab does not have. Fix: use one of ${networks.map((n) => n.name).join(', ')}`);
    const extra = index === 0 ? undefined : network.name;
    return {
      network: network.name,
      bridge: network.bridge,
      ...(network.mode === 'macvlan' ? { parent: network.parent } : {}),
      tap: tapName(ctx.labName, spec.name, extra),
      tapAlias: tapAlias(ctx.labName, spec.name, extra),
      mac: nic.mac ?? vmMac(ctx.labName, spec.name, network === networks[0] ? 'lab' : `net:${network.name}`),
      ipv4: nic.dhcp ? 'dhcp' : nic.ip ? { ip: nic.ip, prefix: network.prefix } : undefined,
      ipv6: nic.slaac ? 'slaac' : nic.ipv6 && network.ipv6 ? { ip: nic.ipv6, prefix: network.ipv6.prefix } : undefined,
      gateway: network.gateway,
      ...(network.ipv6 ? { gateway6: network.ipv6.gateway } : {}),
      dns: network.dns,
      ...(nic.dhcp ? { dhcpHostName: leaseHostName(spec.name, network.name, index === 0) } : {}),
    };
  });
}

/** The NICs as QEMU gets them: taps by name, macvtaps as descriptors passed at launch (close them once QEMU runs). */
export interface AttachedNics {
  launchNics: Array<{ tap: string; mac: string; fd?: number }>;
  /** This process's open macvtap devices, in the order QEMU receives them as fds 3, 4, ... */
  passFds: number[];
  close(): void;
}

/**
 * One tap per NIC on its network's bridge, or on a macvlan network a macvtap on the parent with
 * the guest's MAC (same name and alias as a tap, so `down` finds it the same way), its device
 * opened for QEMU. `scratchDir` is where a device node is made when /dev has none.
 */
export async function createTaps(nics: readonly GuestNic[], scratchDir: string): Promise<AttachedNics> {
  const passFds: number[] = [];
  const close = () => passFds.forEach((fd) => closeSync(fd));
  const launchNics: AttachedNics['launchNics'] = [];
  try {
    for (const nic of nics) {
      if (nic.parent === undefined) {
        await createTap(nic.tap, nic.tapAlias, nic.bridge);
        launchNics.push({ tap: nic.tap, mac: nic.mac });
        continue;
      }
      await removeTap(nic.tap);
      await createMacvtap(nic.tap, nic.parent, nic.mac, nic.tapAlias).catch((error: Error) => {
        throw new ProvisionError(`cannot create macvtap ${nic.tap} on ${nic.parent}: ${error.message}`, { cause: error });
      });
      passFds.push(await openMacvtap(nic.tap, scratchDir));
      launchNics.push({ tap: nic.tap, mac: nic.mac, fd: 2 + passFds.length });
    }
  } catch (error) {
    close();
    throw error;
  }
  return { launchNics, passFds, close };
}

/** What the handle records of each NIC; `leased` holds the addresses the guest got by DHCP, by MAC. */
export function nicRecords(nics: readonly GuestNic[], leased: ReadonlyMap<string, string> = new Map()): VmNicRecord[] {
  return nics.map((nic) => {
    const ip = nic.ipv4 === 'dhcp' ? leased.get(nic.mac) : nic.ipv4?.ip;
    const ipv6 = nic.ipv6 && nic.ipv6 !== 'slaac' ? nic.ipv6.ip : undefined;
    return { network: nic.network, hostInterface: nic.tap, mac: nic.mac, ...(ip ? { ip } : {}), ...(ipv6 ? { ipv6 } : {}), ...(nic.ipv4 === 'dhcp' ? { dhcp: true } : {}) };
  });
}
