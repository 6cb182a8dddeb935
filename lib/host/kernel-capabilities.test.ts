import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { run } from '../common/run.ts';
import { FEATURE_FACTS, KERNEL_FEATURES, probeKernelFeatures } from './kernel-capabilities.ts';

/** The running kernel's build options (y, m or unset), where the kernel exposes them: an independent witness. */
async function kernelConfig(): Promise<Map<string, string> | undefined> {
  if (!existsSync('/proc/config.gz')) return undefined;
  const text = (await run('sh', ['-c', 'zcat /proc/config.gz'])).stdout;
  return new Map([...text.matchAll(/^(CONFIG_[A-Z0-9_]+)=(\S+)$/gm)].map((match) => [match[1], match[2]]));
}

describe('kernel features found by trying (real kernel, as root)', () => {
  it('answers for every feature, and leaves no namespace behind', async () => {
    const probes = await probeKernelFeatures();
    expect(probes.map((probe) => probe.feature)).toEqual([...KERNEL_FEATURES]);
    expect(probes.find((probe) => probe.feature === 'netns')?.state).toBe('present');
    expect(probes.filter((probe) => probe.state === 'missing').every((probe) => probe.detail)).toBe(true);
    expect((await run('ip', ['netns', 'list'])).stdout).not.toMatch(/hlprobe-/);
  });

  it('agrees with /proc/config.gz where an option is built in (y) or not built (unset)', async ({ skip }) => {
    const config = await kernelConfig();
    if (!config) skip('this kernel exposes no /proc/config.gz');
    const probes = await probeKernelFeatures();
    const compared: string[] = [];
    for (const probe of probes) {
      const options = FEATURE_FACTS[probe.feature].config.split(', ');
      const values = options.map((option) => config!.get(option));
      if (values.every((value) => value === 'y')) expect(probe.state, `${probe.feature} (${options.join(', ')}=y)`).toBe('present');
      else if (values.some((value) => value === undefined)) expect(probe.state, `${probe.feature} (${options.join(', ')} not set)`).not.toBe('present');
      else continue; // a module: present only if it can be loaded, which the config cannot say
      compared.push(probe.feature);
    }
    expect(compared.length).toBeGreaterThan(10);
  });
});

describe('doctor rows for the kernel', () => {
  it('one row per feature; a missing VLAN feature says VLANs wait, a missing netem says what is refused', async () => {
    const { kernelChecks } = await import('./kernel-checks.ts');
    const rows = await kernelChecks();
    expect(rows).toHaveLength(KERNEL_FEATURES.length);
    for (const row of rows.filter((r) => /VLAN/.test(r.name) && !r.ok)) expect(row.detail).toMatch(/VLANs wait for a kernel that has them/);
    const netem = rows.find((row) => row.name.includes('sch_netem'))!;
    if (!netem.ok) expect(netem.detail).toMatch(/delayMs\/jitterMs\/lossPercent are refused on the host/);
    expect(rows.filter((row) => row.required).map((row) => row.name)).toEqual(['kernel: network namespaces', 'kernel: bridges', 'kernel: veth pairs']);
  });
});
