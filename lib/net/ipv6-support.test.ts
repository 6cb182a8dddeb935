import { describe, expect, it } from 'vitest';
import { engineNetworkIpv6Problem, hostIpv6Problem } from './ipv6-support.ts';

describe('IPv6 support', () => {
  it('this host has IPv6 on and the ip6tables tools', async () => {
    expect(await hostIpv6Problem()).toBeUndefined();
  });

  it('accepts an engine network that carries the prefix, names what is missing otherwise', () => {
    const dual = { Name: 'v614-net', EnableIPv6: true, IPAM: { Config: [{ Subnet: '10.0.75.0/24' }, { Subnet: 'fd00:75::/64' }] } };
    expect(engineNetworkIpv6Problem(dual, 'fd00:75::/64', 'docker')).toBeUndefined();
    const dropped = { Name: 'v614-net', EnableIPv6: false, IPAM: { Config: [{ Subnet: '10.0.75.0/24' }] } };
    expect(engineNetworkIpv6Problem(dropped, 'fd00:75::/64', 'docker')).toMatch(/^docker made network v614-net without the IPv6 prefix fd00:75::\/64 \(EnableIPv6 false, subnets 10\.0\.75\.0\/24\).*Fix: /);
    const other = { Name: 'v614-net', EnableIPv6: true, IPAM: { Config: [{ Subnet: 'fd00:76::/64' }] } };
    expect(engineNetworkIpv6Problem(other, 'fd00:75::/64', 'podman')).toMatch(/without the IPv6 prefix fd00:75::\/64 \(EnableIPv6 true, subnets fd00:76::\/64\)/);
  });
});
