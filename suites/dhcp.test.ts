import { describe, expect, it } from 'vitest';
import { queryDns } from '../lib/dns/client.ts';
import { dhcpNetworks } from '../lib/dns/dhcp-config.ts';
import { guestAddressOf, renewLease } from '../lib/dns/dhcp-renew.ts';
import { readLeases, type DhcpLease } from '../lib/dns/leases.ts';
import { leaseFile } from '../lib/lab/dns-paths.ts';
import { waitFor } from '../lib/common/time.ts';
import { ipToInt, reverseName } from '../lib/topology/ipv4.ts';
import type { VmNicRecord } from '../lib/vms/provider.ts';
import { liveLab } from './support/lab.ts';

// DHCP of the lab DNS server (dnsmasq): reserved MACs get their address, dynamic leases fall in
// the range, every lease is in DNS both ways, and a renewal keeps the address.
const lab = await liveLab();
const { topology } = lab.state;
const networks = dhcpNetworks(topology);
const leasePath = leaseFile(topology.name);
const leases = await readLeases(leasePath, topology.networks);
const { domain, address: dnsServer } = topology.dns;

/** Every VM NIC that took its address by DHCP, as its provider recorded it. */
const dhcpNics = lab.state.resources.flatMap((resource) => {
  if (resource.kind !== 'vm' || !resource.handle) return [];
  return (resource.handle.nics ?? []).filter((nic) => nic.dhcp).map((nic) => ({ node: resource.node, nic: nic as VmNicRecord & { mac: string } }));
});
const leaseOf = (all: readonly DhcpLease[], mac: string) => all.find((lease) => lease.mac === mac.toLowerCase());

if (networks.length === 0) {
  describe('dhcp', () => it.skip(`every check (skipped: no network of lab ${topology.name} has dhcp:)`, () => {}));
}

for (const network of networks) describe(`dhcp: network ${network.name}`, () => {
  const dhcp = network.dhcp!;
  for (const reservation of dhcp.reservations) {
    const holder = dhcpNics.find(({ nic }) => nic.network === network.name && nic.mac === reservation.mac);
    if (!holder) {
      it.skip(`reserved ${reservation.mac} -> ${reservation.ip} (skipped: no VM NIC of this lab has that MAC)`, () => {});
      continue;
    }
    it(`reserved ${reservation.mac} (${holder.node}) -> ${reservation.ip}`, () => {
      expect(leaseOf(leases, reservation.mac)?.ip, `lease of ${reservation.mac} in ${leasePath}`).toBe(reservation.ip);
      expect(holder.nic.ip, `the address ${holder.node} reported after boot`).toBe(reservation.ip);
    });
  }

  const reservedMacs = new Set(dhcp.reservations.map((reservation) => reservation.mac));
  for (const { node, nic } of dhcpNics.filter(({ nic }) => nic.network === network.name && !reservedMacs.has(nic.mac))) {
    it(`dynamic lease of ${node} (${nic.mac}) inside ${dhcp.start}-${dhcp.end}`, () => {
      const lease = leaseOf(leases, nic.mac);
      expect(lease, `no lease for ${nic.mac} in ${leasePath}`).toBeDefined();
      const value = ipToInt(lease!.ip);
      expect(value >= ipToInt(dhcp.start) && value <= ipToInt(dhcp.end), `${lease!.ip} outside ${dhcp.start}-${dhcp.end}`).toBe(true);
      expect(nic.ip, `the address ${node} reported after boot`).toBe(lease!.ip);
    });
  }

  const here = leases.filter((lease) => lease.network === network.name);
  if (here.length === 0) it.skip('every lease resolves both ways (skipped: no lease on this network yet)', () => {});
  for (const lease of here) it(`lease ${lease.ip} (${lease.name ?? lease.mac}) resolves both ways through ${dnsServer}`, async () => {
    expect(lease.name, `the lease of ${lease.mac} has no name, so no DNS record`).toBeDefined();
    const fqdn = `${lease.name}.${domain}`;
    const forward = await queryDns(dnsServer, fqdn, 'A');
    expect(forward.answers, `A ${fqdn}: ${forward.rcode}`).toEqual([lease.ip]);
    const reverse = await queryDns(dnsServer, reverseName(lease.ip), 'PTR');
    expect(reverse.answers, `PTR ${lease.ip}: ${reverse.rcode}`).toContain(fqdn);
  });

  for (const { node, nic } of dhcpNics.filter(({ nic }) => nic.network === network.name)) {
    if (dhcp.leaseTime === 'infinite') {
      it.skip(`${node}: a renewed lease keeps ${nic.ip} (skipped: an infinite lease is never renewed)`, () => {});
      continue;
    }
    // Each VM renews its own lease: the renewals run at once.
    it.concurrent(`${node}: a renewed lease keeps ${nic.ip}`, async ({ expect }) => {
      const guest = lab.nodes.find((candidate) => candidate.name === node)!;
      const before = leaseOf(await readLeases(leasePath), nic.mac);
      expect(before, `no lease for ${nic.mac}`).toBeDefined();
      // dnsmasq records the expiry in whole seconds: renew in a later second than the last write.
      await new Promise((resolve) => setTimeout(resolve, 1100));
      await renewLease(guest, nic.mac);
      const renewed = await waitFor(`a renewed lease for ${nic.mac} in ${leasePath}`, async () => {
        const lease = leaseOf(await readLeases(leasePath), nic.mac);
        return lease && lease.expiresAt !== before!.expiresAt ? lease : undefined;
      }, { timeoutMs: 20_000, intervalMs: 250 });
      expect(renewed.ip).toBe(before!.ip);
      expect(await guestAddressOf(guest, nic.mac)).toBe(before!.ip);
    });
  }
});
