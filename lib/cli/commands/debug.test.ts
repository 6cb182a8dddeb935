import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { EDGE, edgeCaseRecords } from '../../capture/testing/edge-captures.ts';
import { buildPcap } from '../../capture/testing/pcap-writer.ts';
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
    expect(report.schema).toBe('hybrid-lab/debug-report@1');
    expect(report.analysis.dns.unanswered[0].name).toBe('db.hybrid.local');
    expect(report.files.pcapPath).toBe(join(dir, 'report-b', 'edge.pcap'));
  });

  it('exits 2 with a clear message for bad input', async () => {
    const missing = await cli(['debug', '--pcap', join(dir, 'missing.pcap')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/cannot open capture .*missing\.pcap: ENOENT/);
    const pcapng = join(dir, 'x.pcapng');
    writeFileSync(pcapng, Buffer.from('0a0d0d0a000000000000000000000000000000000000000000000000', 'hex'));
    const refused = await cli(['debug', '--pcap', pcapng]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/pcapng, which is not supported; convert it with `editcap -F pcap/);
    expect((await cli(['debug', '--pcap', pcap, '--subnet', 'nope'])).stderr).toMatch(/--subnet nope is not an IPv4 CIDR/);
  });
});
