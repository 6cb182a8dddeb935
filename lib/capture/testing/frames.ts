import dnsPacket from 'dns-packet';

/**
 * Frame builders for hand-crafted test captures and the benchmark file. Checksums are left 0
 * (decoders and tshark do not verify them by default).
 */

export function mac(text: string): Buffer {
  return Buffer.from(text.replace(/:/g, ''), 'hex');
}

export function ipv4Bytes(text: string): Buffer {
  return Buffer.from(text.split('.').map(Number));
}

export function ipv6Bytes(text: string): Buffer {
  const [head, tail = ''] = text.split('::');
  const headGroups = head ? head.split(':') : [];
  const tailGroups = text.includes('::') && tail ? tail.split(':') : [];
  const zeros = 8 - headGroups.length - tailGroups.length;
  const groups = [...headGroups, ...Array(text.includes('::') ? zeros : 0).fill('0'), ...tailGroups];
  const out = Buffer.alloc(16);
  groups.forEach((g, i) => out.writeUInt16BE(parseInt(g, 16), i * 2));
  return out;
}

export function ethernet(dst: string, src: string, etherType: number, payload: Buffer, vlanIds: number[] = []): Buffer {
  // Each 802.1Q tag is TPID 0x8100 + TCI, between the source MAC and the EtherType.
  const header = Buffer.concat([mac(dst), mac(src)]);
  const parts: Buffer[] = [header];
  for (const id of vlanIds) {
    const tag = Buffer.alloc(4);
    tag.writeUInt16BE(0x8100, 0);
    tag.writeUInt16BE(id & 0x0fff, 2);
    parts.push(tag);
  }
  const type = Buffer.alloc(2);
  type.writeUInt16BE(etherType, 0);
  parts.push(type, payload);
  return Buffer.concat(parts);
}

/** RFC 1071 ones' complement sum over buffers, folded to 16 bits. */
function internetChecksum(...parts: Buffer[]): number {
  let sum = 0;
  for (const part of parts) {
    for (let i = 0; i + 1 < part.length; i += 2) sum += part.readUInt16BE(i);
    if (part.length % 2 === 1) sum += part[part.length - 1] << 8;
  }
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

/** ICMP needs a valid checksum: tshark does not pair echoes whose checksum is bad. */
function withIcmpChecksum(payload: Buffer, ...pseudoHeader: Buffer[]): Buffer {
  const copy = Buffer.from(payload);
  copy.writeUInt16BE(0, 2);
  copy.writeUInt16BE(internetChecksum(...pseudoHeader, copy), 2);
  return copy;
}

export function ipv4(src: string, dst: string, protocol: number, payloadIn: Buffer, ttl = 64): Buffer {
  const payload = protocol === 1 ? withIcmpChecksum(payloadIn) : payloadIn;
  const header = Buffer.alloc(20);
  header[0] = 0x45;
  header.writeUInt16BE(20 + payload.length, 2);
  header.writeUInt16BE(0x4000, 6); // don't fragment
  header[8] = ttl;
  header[9] = protocol;
  ipv4Bytes(src).copy(header, 12);
  ipv4Bytes(dst).copy(header, 16);
  let sum = 0;
  for (let i = 0; i < 20; i += 2) sum += header.readUInt16BE(i);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  header.writeUInt16BE(~sum & 0xffff, 10);
  return Buffer.concat([header, payload]);
}

export function ipv6(src: string, dst: string, nextHeader: number, payloadIn: Buffer, hopLimit = 64): Buffer {
  let payload = payloadIn;
  if (nextHeader === 58) {
    const pseudo = Buffer.alloc(40);
    ipv6Bytes(src).copy(pseudo, 0);
    ipv6Bytes(dst).copy(pseudo, 16);
    pseudo.writeUInt32BE(payloadIn.length, 32);
    pseudo[39] = 58;
    payload = withIcmpChecksum(payloadIn, pseudo);
  }
  const header = Buffer.alloc(40);
  header.writeUInt32BE(0x60000000, 0);
  header.writeUInt16BE(payload.length, 4);
  header[6] = nextHeader;
  header[7] = hopLimit;
  ipv6Bytes(src).copy(header, 8);
  ipv6Bytes(dst).copy(header, 24);
  return Buffer.concat([header, payload]);
}

export function udp(srcPort: number, dstPort: number, payload: Buffer): Buffer {
  const header = Buffer.alloc(8);
  header.writeUInt16BE(srcPort, 0);
  header.writeUInt16BE(dstPort, 2);
  header.writeUInt16BE(8 + payload.length, 4);
  return Buffer.concat([header, payload]);
}

export function tcp(srcPort: number, dstPort: number, seq: number, ack: number, flags: number, payload: Buffer = Buffer.alloc(0)): Buffer {
  const header = Buffer.alloc(20);
  header.writeUInt16BE(srcPort, 0);
  header.writeUInt16BE(dstPort, 2);
  header.writeUInt32BE(seq >>> 0, 4);
  header.writeUInt32BE(ack >>> 0, 8);
  header[12] = 5 << 4;
  header[13] = flags;
  header.writeUInt16BE(64240, 14);
  return Buffer.concat([header, payload]);
}

/** ICMP (or ICMPv6) echo: type 8/0 for v4, 128/129 for v6. */
export function icmpEcho(type: number, id: number, seq: number, payload: Buffer = Buffer.alloc(16)): Buffer {
  const header = Buffer.alloc(8);
  header[0] = type;
  header.writeUInt16BE(id, 4);
  header.writeUInt16BE(seq, 6);
  return Buffer.concat([header, payload]);
}

export function arp(op: 1 | 2, senderMac: string, senderIp: string, targetMac: string, targetIp: string): Buffer {
  const body = Buffer.alloc(28);
  body.writeUInt16BE(1, 0);
  body.writeUInt16BE(0x0800, 2);
  body[4] = 6;
  body[5] = 4;
  body.writeUInt16BE(op, 6);
  mac(senderMac).copy(body, 8);
  ipv4Bytes(senderIp).copy(body, 14);
  mac(targetMac).copy(body, 18);
  ipv4Bytes(targetIp).copy(body, 24);
  return body;
}

export function dnsQuery(id: number, name: string, type: 'A' | 'AAAA' = 'A'): Buffer {
  return dnsPacket.encode({ type: 'query', id, flags: dnsPacket.RECURSION_DESIRED, questions: [{ type, name }] });
}

export function dnsResponse(id: number, name: string, address: string | undefined, rcode: 'NOERROR' | 'NXDOMAIN' = 'NOERROR'): Buffer {
  const rcodeBits = rcode === 'NXDOMAIN' ? 3 : 0;
  return dnsPacket.encode({
    type: 'response',
    id,
    flags: dnsPacket.RECURSION_DESIRED | dnsPacket.AUTHORITATIVE_ANSWER | rcodeBits,
    questions: [{ type: 'A', name }],
    answers: address ? [{ type: 'A', name, ttl: 60, data: address }] : [],
  });
}

/** Linux cooked v2 header (tcpdump -i any): packet type 0 = to us, 1 = broadcast, 4 = sent by us. */
export function linuxCooked2(etherType: number, payload: Buffer, packetType = 0): Buffer {
  const header = Buffer.alloc(20);
  header.writeUInt16BE(etherType, 0);
  header.writeUInt32BE(2, 4); // interface index
  header.writeUInt16BE(1, 8); // ARPHRD_ETHER
  header[10] = packetType;
  header[11] = 6;
  return Buffer.concat([header, payload]);
}
