import { access, constants } from 'node:fs/promises';
import { hasProgram } from '../common/run.ts';
import { containerRuntime } from '../runtimes/registry.ts';
import { dockerEngineReachable } from './docker-engine.ts';
import { HOST_PACKAGES, type HostPackage } from './packages.ts';
import { readSysctl } from './sysctl.ts';
import { cachedAccelDecision } from '../vms/accel.ts';
import { kernelChecks } from './kernel-checks.ts';

export interface DoctorCheck {
  name: string;
  ok: boolean;
  detail: string;
  /** What to do when not ok. */
  fix?: string;
  /** Whether `up` of a containers-only lab needs this. */
  required: boolean;
}

/** Checks what the host has for the lab; never changes anything. */
export async function runDoctor(): Promise<DoctorCheck[]> {
  const checks: DoctorCheck[] = [];
  for (const pkg of HOST_PACKAGES.filter((p) => p.provides)) checks.push(await programCheck(pkg));
  const engine = await dockerEngineReachable();
  checks.push({
    name: 'docker engine',
    ok: engine,
    detail: engine ? 'answers on /var/run/docker.sock' : 'not reachable',
    fix: engine ? undefined : 'run `npx hybrid-lab setup` (starts dockerd when it is installed)',
    required: true,
  });
  if (await hasProgram('podman')) checks.push(await podmanCheck());
  checks.push(await kvmCheck());
  const forward = await readSysctl('net.ipv4.ip_forward');
  checks.push({ name: 'net.ipv4.ip_forward', ok: forward === '1', detail: forward ?? 'unknown', fix: forward === '1' ? undefined : '`up` sets it to 1 (Docker does too)', required: false });
  const nf = await readSysctl('net.bridge.bridge-nf-call-iptables');
  checks.push({ name: 'bridge-nf-call-iptables', ok: true, detail: nf === undefined ? 'br_netfilter not loaded' : nf, required: false });
  checks.push(...(await kernelChecks()));
  return checks;
}

async function programCheck(pkg: HostPackage): Promise<DoctorCheck> {
  const present = await hasProgram(pkg.provides!);
  return {
    name: pkg.provides!,
    ok: present,
    detail: present ? `present (${pkg.name}: ${pkg.why})` : `missing (${pkg.why})`,
    fix: present ? undefined : `run \`npx hybrid-lab setup\` or \`apt-get install ${pkg.name}\``,
    required: pkg.neededFor === 'core' || pkg.neededFor === 'build',
  };
}

/** The podman runtime's API service (only for labs with `runtime: podman`, so never required). */
async function podmanCheck(): Promise<DoctorCheck> {
  const probe = await (await containerRuntime('podman')).probe();
  return {
    name: 'podman engine',
    ok: probe.reachable,
    detail: probe.reachable ? 'its Docker-compatible API answers (runtime: podman labs)' : `${probe.why} (only labs with runtime: podman need it; up starts it)`,
    fix: probe.reachable ? undefined : 'run `npx hybrid-lab setup --with podman` (installs podman, catatonit, netavark; starts its API service)',
    required: false,
  };
}

async function kvmCheck(): Promise<DoctorCheck> {
  try {
    await access('/dev/kvm', constants.R_OK | constants.W_OK);
  } catch {
    return { name: '/dev/kvm', ok: false, detail: 'absent or not accessible: VMs run under QEMU emulation (TCG), slower', required: false, fix: 'enable virtualisation in the BIOS / use a KVM-capable runner' };
  }
  const decision = await cachedAccelDecision();
  if (!decision) return { name: '/dev/kvm', ok: true, detail: 'present; whether guests really run under it is probed at the first VM start', required: false };
  return {
    name: '/dev/kvm',
    ok: decision.mode === 'kvm',
    detail: decision.mode === 'kvm' ? 'usable: VMs run under KVM' : `present but not usable (${decision.reason}): VMs run under QEMU emulation (TCG), slower`,
    fix: decision.mode === 'kvm' ? undefined : 'use a KVM-capable runner for KVM speed; everything works under TCG',
    required: false,
  };
}
