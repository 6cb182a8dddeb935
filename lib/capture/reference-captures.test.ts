import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hasProgram } from '../common/run.ts';
import { analyseCapture } from '../debug/analyse/analyse-capture.ts';
import { CAPTURES_DIR, REFERENCE_CAPTURES } from './testing/make-reference-captures.ts';
import { ourFrames, ourPairs, theirFrame, theirPairs } from './testing/reference-view.ts';
import { parseConversations, parseReference, tsharkReferenceText, wiresharkSize } from './testing/tshark-fields.ts';

const haveTshark = await hasProgram('tshark');
const seconds = (ns: number, digits: number) => (ns / 1e9).toFixed(digits);

// The committed captures against tshark's committed output (tshark 4.0.17, Debian 12), field by field.
describe.each(Object.entries(REFERENCE_CAPTURES))('%s agrees with tshark', (name, about) => {
  const path = join(CAPTURES_DIR, name);
  const reference = parseReference(readFileSync(`${path}.tshark.tsv`, 'utf8'));

  it(`frame by frame: time, lengths, interface, protocols, malformed/short, DNS records (${about})`, async () => {
    const ours = await ourFrames(path);
    expect(ours.length).toBe(reference.length);
    ours.forEach((frame, i) => expect({ frame: i + 1, ...frame }).toEqual({ frame: i + 1, ...theirFrame(reference[i]) }));
  });

  it('pairs: DNS query->response with exact time, echo request->reply with exact RTT', async () => {
    const analysis = await analyseCapture(path, { subnet: '10.66.0.0/24' });
    const ours = ourPairs(analysis);
    const theirs = theirPairs(reference);
    expect([...ours.icmp.entries()].sort()).toEqual([...theirs.icmp.entries()].sort());
    expect([...ours.dns.keys()].sort()).toEqual([...theirs.dns.keys()].sort());
    // tshark shows dns.time only on a response it could read to the end.
    for (const [pair, time] of theirs.dns) if (time) expect(`${pair} ${ours.dns.get(pair)}`).toBe(`${pair} ${time}`);
    const outerDns = reference.filter((r) => r['dns.flags.response'] !== '' && !r['_ws.malformed'] && !r['frame.protocols'].includes('icmp:'));
    expect({ queries: analysis.dns.queries, responses: analysis.dns.responses }).toEqual({
      queries: outerDns.filter((r) => r['dns.flags.response'] === '0').length,
      responses: outerDns.filter((r) => r['dns.flags.response'] === '1').length,
    });
  });

  it('conversations: IP pairs and TCP/UDP 5-tuples, both directions, start and duration', async () => {
    const analysis = await analyseCapture(path, { subnet: '10.66.0.0/24' });
    const theirs = parseConversations(readFileSync(`${path}.conv.txt`, 'utf8'));
    const endpoint = (ip: string, port: number) => (port >= 0 ? `${ip}:${port}` : ip);
    const { ip, tcp, udp } = analysis.conversations;
    const ours = [...ip.rows, ...tcp.rows, ...udp.rows].map((c) => ({
      kind: c.kind, a: endpoint(c.a, c.aPort), b: endpoint(c.b, c.bPort), framesBtoA: c.framesBtoA, bytesBtoA: wiresharkSize(c.bytesBtoA), framesAtoB: c.framesAtoB, bytesAtoB: wiresharkSize(c.bytesAtoB),
      relativeStart: c.relativeStart, duration: seconds(c.durationNs, 4),
    }));
    const key = (c: { kind: string; a: string; b: string }) => `${c.kind} ${c.a} ${c.b}`;
    expect(ours.map(key).sort()).toEqual(theirs.map(key).sort());
    for (const row of theirs) expect(ours.find((o) => key(o) === key(row))).toEqual(row);
  });
});

describe.skipIf(!haveTshark)('the committed reference is what this tshark prints', () => {
  it.each(Object.keys(REFERENCE_CAPTURES))('%s', async (name) => {
    const path = join(CAPTURES_DIR, name);
    expect(await tsharkReferenceText(path)).toBe(readFileSync(`${path}.tshark.tsv`, 'utf8'));
  });
});
