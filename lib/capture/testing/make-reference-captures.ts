/**
 * Writes the committed test captures and tshark's reference output beside them:
 *   npx tsx lib/capture/testing/make-reference-captures.ts [--from-lab]
 * (--from-lab, as root: also brings up a lab of its own, dbg13 on hybr13, captures real probe
 * traffic into lab-dbg13-probe.pcap and takes the lab down again)
 * Generators first, then editcap (nanosecond pcap, snap-length cut) and mergecap (two link
 * types in one pcapng), then `tshark -2 -T fields` and `-z conv,...` per capture. Run it again
 * after changing a generator; reference-captures.test.ts checks the reference still matches tshark.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../common/run.ts';
import { generatedCaptures, toBigEndianPcap } from './reference-captures.ts';
import { tsharkConversationText, tsharkReferenceText } from './tshark-fields.ts';

export const CAPTURES_DIR = join(import.meta.dirname, 'captures');

/** The captures the test reads: name -> what it exercises. */
export const REFERENCE_CAPTURES: Record<string, string> = {
  'edge.pcap': 'classic µs pcap, little-endian: ARP, VLAN, IPv6, snap cut, malformed DNS, NXDOMAIN, resets',
  'edge-be.pcap': 'the same, big-endian',
  'dns-types-be.pcapng': 'big-endian pcapng, ns if_tsresol, NRB + unknown block: TXT MX SRV SOA CAA NAPTR AAAA CNAME OPT unknown',
  'cut-malformed.pcapng': 'snap cuts, RDLENGTH overrun, bad OPT length, UDP length > IP payload, retransmitted query, ICMP-quoted DNS, 802.1ad, ICMPv6',
  'cut-malformed-ns.pcap': 'the same through editcap -F nsecpcap (classic pcap, nanoseconds)',
  'simple-blocks.pcapng': 'Simple Packet Blocks with a 128-byte interface snap length',
  'tsresol-binary.pcapng': 'two interfaces with if_tsresol 2^-20 and 10^-4',
  'multi-link.pcapng': 'mergecap of Ethernet and Linux cooked v2 captures: two interfaces, two link types',
  'raw-ip.pcap': 'link type 101 (raw IP, no link header): the IPv4 frames of edge.pcap',
  'lab-dbg13-probe.pcap': 'real lab traffic: tcpdump on a two-container lab during debug --probe (made with --from-lab)',
  'lab-traffic-snap96.pcap': 'synthetic lab traffic cut to 96 bytes by editcap -s 96',
};

/** Real traffic: a lab of its own (dbg13 on hybr13) probed for a few seconds, its first 80 frames kept. */
async function captureFromLab(scratch: string): Promise<void> {
  const { upLab } = await import('../../lab/up.ts');
  const { downLab } = await import('../../lab/down.ts');
  const { labDebugContext } = await import('../../lab/debug-context.ts');
  const { silentReporter } = await import('../../common/progress.ts');
  const { capturePackets } = await import('../tcpdump-capture.ts');
  const { topologyFromYaml } = await import('../../testing/lab-fixture.ts');
  const topology = await topologyFromYaml('name: dbg13\nbridge: { name: hybr13, subnet: 10.0.13.0/24 }\nnodes:\n  - { name: alpha, kind: container, ip: 10.0.13.10 }\n  - { name: beta, kind: container, ip: 10.0.13.20 }\n');
  await upLab(topology, { reporter: silentReporter, setup: false });
  try {
    const context = await labDebugContext('dbg13');
    const whole = join(scratch, 'lab.pcap');
    const capturing = capturePackets({ interface: 'hybr13', outputPath: whole, durationSec: 6 });
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await context.probe();
    await capturing;
    await run('editcap', ['-r', whole, join(CAPTURES_DIR, 'lab-dbg13-probe.pcap'), '1-80']);
  } finally {
    await downLab('dbg13', topology, silentReporter);
  }
}

async function main(): Promise<void> {
  const scratch = mkdtempSync(join(tmpdir(), 'hl-refcap-'));
  const generated = generatedCaptures();
  for (const [name, bytes] of Object.entries(generated)) writeFileSync(join(scratch, name), bytes);
  const keep = (name: string, bytes: Buffer) => writeFileSync(join(CAPTURES_DIR, name), bytes);
  for (const name of ['edge.pcap', 'dns-types-be.pcapng', 'cut-malformed.pcapng', 'simple-blocks.pcapng', 'tsresol-binary.pcapng', 'raw-ip.pcap']) keep(name, generated[name]);
  keep('edge-be.pcap', toBigEndianPcap(generated['edge.pcap']));
  await run('editcap', ['-F', 'nsecpcap', join(scratch, 'cut-malformed.pcapng'), join(CAPTURES_DIR, 'cut-malformed-ns.pcap')]);
  await run('editcap', ['-s', '96', join(scratch, 'lab-traffic-part.pcap'), join(CAPTURES_DIR, 'lab-traffic-snap96.pcap')]);
  await run('mergecap', ['-F', 'pcapng', '-w', join(CAPTURES_DIR, 'multi-link.pcapng'), join(scratch, 'edge.pcap'), join(scratch, 'cooked-part.pcap')]);
  if (process.argv.includes('--from-lab')) await captureFromLab(scratch);
  const version = (await run('tshark', ['--version'])).stdout.split('\n')[0];
  for (const name of Object.keys(REFERENCE_CAPTURES)) {
    const path = join(CAPTURES_DIR, name);
    writeFileSync(`${path}.tshark.tsv`, await tsharkReferenceText(path));
    writeFileSync(`${path}.conv.txt`, await tsharkConversationText(path));
    process.stdout.write(`${name}: ${readFileSync(path).length} bytes\n`);
  }
  writeFileSync(join(CAPTURES_DIR, 'TSHARK_VERSION'), `${version}\n`);
}

if (process.argv[1] === import.meta.filename) await main();
