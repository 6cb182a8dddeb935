import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { EDGE, edgeCaseRecords } from '../../capture/testing/edge-captures.ts';
import { buildPcap, pcapGlobalHeader } from '../../capture/testing/pcap-writer.ts';
import { main } from '../main.ts';

const dir = mkdtempSync(join(tmpdir(), 'hl-debug-cli-'));
const pcap = join(dir, 'edge.pcap');
writeFileSync(pcap, buildPcap(edgeCaseRecords()));

async function cli(args: string[]) {
  let stdout = '';
  let stderr = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((stdout += String(chunk)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((stderr += String(chunk)), true));
  process.exitCode = undefined;
  const code = await main(['node', 'hybrid-lab', ...args]);
  vi.restoreAllMocks();
  process.exitCode = undefined;
  return { code, stdout, stderr };
}

afterEach(() => vi.restoreAllMocks());

describe('hybrid-lab debug --pcap (offline, no lab)', () => {
  it('prints tables, writes the report and exits 1 on critical findings', async () => {
    const out = join(dir, 'report-a');
    const { code, stdout } = await cli(['debug', '--pcap', pcap, '--subnet', EDGE.subnet, '--out', out]);
    expect(code).toBe(1);
    expect(stdout).toContain('Findings: 1 critical');
    expect(stdout).toContain(`report: ${join(out, 'report.html')}`);
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toContain('<svg');
  });

  it('prints JSON with --json', async () => {
    const { stdout } = await cli(['debug', '--pcap', pcap, '--subnet', EDGE.subnet, '--out', join(dir, 'report-b'), '--json']);
    const report = JSON.parse(stdout);
    expect(report.schema).toBe('hybrid-lab/debug-report@2');
    expect(report.analysis.dns.unanswered[0].name).toBe('db.hybrid.local');
    expect(report.files.pcapPath).toBe(join(dir, 'report-b', 'edge.pcap'));
  });

  it('copies the capture into the report directory (no hard link aliasing the user file)', async () => {
    const out = join(dir, 'report-copy');
    await cli(['debug', '--pcap', pcap, '--subnet', EDGE.subnet, '--out', out]);
    const copy = join(out, 'edge.pcap');
    expect(statSync(copy).ino).not.toBe(statSync(pcap).ino);
    expect(statSync(pcap).nlink).toBe(1);
    expect(readFileSync(copy).equals(readFileSync(pcap))).toBe(true);
  });

  it('names nodes offline from -t and --node, and uses the lab subnet', async () => {
    const topology = join(dir, 'lab.yaml');
    writeFileSync(topology, ['name: dbg-offline', 'bridge: { name: hybr66, subnet: 10.66.0.0/24 }', 'nodes:', '  - { name: web, kind: container, ip: 10.66.0.5 }', ''].join('\n'));
    const { stdout } = await cli(['debug', '--pcap', pcap, '-t', topology, '--node', 'laptop=10.66.0.1', '--out', join(dir, 'report-t'), '--json']);
    const report = JSON.parse(stdout);
    expect(report.bridge).toBe('hybr66');
    expect(report.subnet).toBe('10.66.0.0/24');
    expect(report.nodes.map((n: { name: string; ip: string }) => `${n.name}=${n.ip}`)).toEqual(expect.arrayContaining(['laptop=10.66.0.1', 'web=10.66.0.5', 'dns=10.66.0.2']));
    // The capture's lab addresses are inside the lab's subnet, not "outside 10.0.1.0/24".
    expect(report.analysis.outsideLab.subnet).toBe('10.66.0.0/24');
    const text = await cli(['debug', '--pcap', pcap, '-t', topology, '--node', 'laptop=10.66.0.1', '--out', join(dir, 'report-t2')]);
    expect(text.stdout).toContain('10.66.0.1 (laptop)');
    const bad = await cli(['debug', '--pcap', pcap, '--node', 'web:10.66.0.2']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--node web:10.66.0.2 is not NAME=IP');
  });

  it('exits 2 with a clear message for bad input', async () => {
    const missing = await cli(['debug', '--pcap', join(dir, 'missing.pcap')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/cannot read capture .*missing\.pcap: there is no such file\. Fix:/);
    const directory = await cli(['debug', '--pcap', dir]);
    expect(directory.code).toBe(2);
    expect(directory.stderr).toContain(`cannot read capture ${dir}: it is a directory, not a capture file`);
    expect(directory.stderr).not.toMatch(/EISDIR|\n\s+at /);
    // A header then garbage (caplen > len): not one packet could be read; that is not a clean empty capture.
    const garbage = join(dir, 'garbage.pcap');
    const record = Buffer.alloc(16);
    record.writeUInt32LE(100, 8);
    record.writeUInt32LE(60, 12);
    writeFileSync(garbage, Buffer.concat([pcapGlobalHeader(), record, Buffer.alloc(100, 0xab)]));
    const unreadable = await cli(['debug', '--pcap', garbage, '--out', join(dir, 'report-g')]);
    expect(unreadable.code).toBe(2);
    expect(unreadable.stderr).toMatch(/nothing could be read from .*garbage\.pcap: corrupt record header 1 .*captured length 100, original length 60/);
    const wifi = join(dir, 'wifi.pcap');
    writeFileSync(wifi, buildPcap(edgeCaseRecords().slice(0, 2), 262_144, 105));
    const refused = await cli(['debug', '--pcap', wifi, '--out', join(dir, 'report-w')]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('link type 105 (802.11 Wi-Fi) of interface 0 is not supported');
    const empty = join(dir, 'empty.pcap');
    writeFileSync(empty, pcapGlobalHeader());
    expect((await cli(['debug', '--pcap', empty, '--out', join(dir, 'report-e')])).code).toBe(0);
    expect((await cli(['debug', '--pcap', pcap, '--subnet', 'nope'])).stderr).toMatch(/--subnet nope is not an IPv4 CIDR/);
  });
});
