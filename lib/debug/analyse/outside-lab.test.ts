import { describe, expect, it } from 'vitest';
import type { DecodedPacket } from '../../capture/decode/packet.ts';
import { OutsideLabAnalyser } from './outside-lab.ts';

/** Just the fields the analyser reads. */
const v6 = (src: string, dst: string) => ({ ipVersion: 6, srcV4: -1, dstV4: -1, src, dst }) as unknown as DecodedPacket;

describe('outside-lab analysis over IPv6', () => {
  const packets = [
    v6('fd00:75::10', 'fd00:75::2'), // lab to lab
    v6('fe80::1', 'ff02::1'), // neighbour discovery plumbing
    v6('fd00:75::10', 'fd00::2'), // another ULA: the host uplink's, not the lab's
    v6('fd00:75::10', '2001:db8::53'),
  ];

  it("with the lab's prefixes, any other address is outside, unique-local ones too", () => {
    const analyser = new OutsideLabAnalyser('10.0.75.0/24', ['fd00:75::/64']);
    packets.forEach((packet) => analyser.onPacket(packet));
    expect(analyser.finish().addresses.map((a) => a.address).sort()).toEqual(['2001:db8::53', 'fd00::2']);
  });

  it('without prefixes (an IPv4-only lab), unique-local addresses count as site traffic as before', () => {
    const analyser = new OutsideLabAnalyser('10.0.75.0/24');
    packets.forEach((packet) => analyser.onPacket(packet));
    expect(analyser.finish().addresses.map((a) => a.address)).toEqual(['2001:db8::53']);
  });
});
