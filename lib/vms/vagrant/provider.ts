import { existsSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ProvisionError } from '../../common/errors.ts';
import { silentReporter, step, type ProgressReporter } from '../../common/progress.ts';
import { waitFor } from '../../common/time.ts';
import type { VmNodeSpec } from '../../topology/schema.ts';
import { detectAccel } from '../accel.ts';
import { vagrantNodeOptions } from './options.ts';
import type { AccelMode, VmHandle, VmIdentity, VmLabContext, VmLeftover, VmProvider, VmStartSpec } from '../provider.ts';
import { buildBox } from './box/box-build.ts';
import { BOX_ROLES, type BoxRole } from './box/box-recipe.ts';
import { checkVagrantPrograms, ensureKvmPermissions, ensureLibvirtDaemons } from './host-setup.ts';
import { ensureHybridNetwork, ensureManagementNetwork, removeLabNetworks, type ManagementNetwork } from './lab-networks.ts';
import { findLabLeftovers } from './leftovers.ts';
import { domainState, listDomains, listVolumes, removeDomain, removeVolume, virsh } from './libvirt.ts';
import { loadMachines, saveMachines, serializedForLab, withMachine } from './machines.ts';
import { domainName } from './names.ts';
import { tailOfFile, vagrant } from './vagrant-cli.ts';
import { closeSshMaster } from './ssh-exec.ts';
import { serialLogPath, writeLabProject, type VagrantLab, type VagrantMachine } from './vagrantfile.ts';
import { VagrantVmNode } from './vm-node.ts';

/** The lab's Vagrant project folder inside the provider's state directory. */
export function projectDirOf(stateDir: string): string {
  return join(stateDir, 'vagrant');
}

/** Host programs, libvirt daemons, /dev/kvm access and the box: everything before the first `vagrant up`. */
async function prepareHost(reporter: ProgressReporter, role: BoxRole = 'base'): Promise<AccelMode> {
  await checkVagrantPrograms();
  await step(reporter, 'start libvirt (virtlogd, libvirtd)', async () => {
    await ensureLibvirtDaemons();
    await ensureKvmPermissions();
  });
  const box = await buildBox({ reporter, role });
  return (await detectAccel({ kernel: box.kernel, initrd: box.initrd }, reporter)).mode;
}

/** The seeds' role of a VM (hybrid-base or hybrid-docker), from the topology's `role` field. */
export function roleOf(spec: VmNodeSpec): BoxRole {
  const role = vagrantNodeOptions(spec).role ?? 'base';
  if (!(BOX_ROLES as readonly unknown[]).includes(role)) {
    throw new ProvisionError(`VM ${spec.name}: unknown role ${JSON.stringify(role)}. Fix: use one of ${BOX_ROLES.join(', ')}`);
  }
  return role as BoxRole;
}

async function startVm(spec: VmStartSpec, ctx: VmLabContext): Promise<VmHandle> {
  const primary = ctx.networks?.[0]?.name;
  const elsewhere = spec.nics?.find((nic) => primary !== undefined && nic.network !== primary);
  if (elsewhere) throw new ProvisionError(`VM ${spec.name}: the vagrant provider attaches a VM to the lab's first network (${primary}) only, not ${elsewhere.network}. Fix: put its NIC on ${primary}, or use provider: qemu`);
  const role = roleOf(spec);
  const { provision } = vagrantNodeOptions(spec);
  // The box of a non-default role is built here, lazily (prepare() builds the base box).
  const accel = await prepareHost(role === 'base' ? silentReporter : ctx.reporter, role);
  const projectDir = projectDirOf(ctx.stateDir);
  await mkdir(projectDir, { recursive: true });
  const lab = await step(ctx.reporter, `libvirt networks for lab ${ctx.labName}`, () => labNetworks(ctx, projectDir, accel));
  const machine: VagrantMachine = { name: spec.name, role, ip: spec.ip, memoryMb: spec.memoryMb, cpus: spec.cpus, ...(provision ? { provision } : {}) };
  const machines = withMachine(await loadMachines(projectDir), machine);
  await saveMachines(projectDir, machines);
  await writeLabProject(lab, machines);
  const upLog = join(projectDir, `${spec.name}.vagrant.log`);
  await step(ctx.reporter, `vagrant up ${spec.name} (${accel})`, async () => {
    try {
      await vagrant(projectDir, ['up', spec.name, '--provider=libvirt'], upLog);
    } catch (error) {
      const serial = await tailOfFile(serialLogPath(lab, spec.name));
      throw new ProvisionError(`vagrant up ${spec.name} failed; log ${upLog}\n${await tailOfFile(upLog)}${serial ? `\nserial console:\n${serial}` : ''}`, { cause: error });
    }
  });
  const domain = domainName(ctx.labName, spec.name);
  const managementIp = await waitFor(`a management address for ${domain}`, () => managementAddress(domain, lab.management), { timeoutMs: 30_000, intervalMs: 500 });
  const details: VagrantDetails = { domain, managementIp, managementGateway: lab.management.hostAddress, projectDir, hybridNetwork: lab.hybridNetwork, managementNetwork: lab.management.name };
  return {
    name: spec.name,
    provider: 'vagrant',
    ip: spec.ip,
    accel,
    nic: {},
    // The lab isolates this bridge from its own (lib/lab/vm-steps.ts).
    management: { bridge: lab.management.bridge, ip: managementIp },
    details: { ...details },
  };
}

/** What the vagrant provider keeps in a handle's `details` (read only through vagrantDetails). */
interface VagrantDetails {
  domain: string;
  managementIp: string;
  managementGateway: string;
  projectDir: string;
  hybridNetwork: string;
  managementNetwork: string;
}

export function vagrantDetails(handle: Pick<VmHandle, 'details'>): Partial<VagrantDetails> {
  return (handle.details ?? {}) as Partial<VagrantDetails>;
}

async function labNetworks(ctx: VmLabContext, projectDir: string, accel: AccelMode): Promise<VagrantLab> {
  const hybridNetwork = await ensureHybridNetwork(ctx.labName, ctx.bridgeName, projectDir);
  const management = await ensureManagementNetwork(ctx.labName, `${ctx.gateway}/${ctx.prefix}`, projectDir);
  return {
    labName: ctx.labName,
    labBridge: ctx.bridgeName,
    prefix: ctx.prefix,
    gateway: ctx.gateway,
    dnsServer: ctx.dnsServer,
    dnsDomain: ctx.dnsDomain,
    hybridNetwork,
    management,
    accel,
    projectDir,
  };
}

/** The guest's DHCP lease on the management network (the only NIC with DHCP). */
async function managementAddress(domain: string, management: ManagementNetwork): Promise<string | undefined> {
  const prefix = management.subnet.split('.').slice(0, 3).join('.');
  const result = await virsh(['domifaddr', domain, '--source', 'lease'], { allowFailure: true });
  const match = new RegExp(`ipv4\\s+(${prefix.replace(/\./g, '\\.')}\\.\\d+)/`).exec(result.stdout);
  return match?.[1];
}

async function destroyVm(handle: VmHandle | VmIdentity, ctx: Omit<VmLabContext, 'reporter'>): Promise<void> {
  const details = vagrantDetails({ details: handle.details ?? {} });
  const projectDir = details.projectDir ?? projectDirOf(ctx.stateDir);
  const domain = details.domain ?? domainName(ctx.labName, handle.name);
  const machines = await loadMachines(projectDir).catch(() => [] as VagrantMachine[]);
  await ensureLibvirtDaemons(); // after a host reboot nothing runs, but the definitions remain
  if (details.managementIp) await closeSshMaster(details.managementIp);
  if (existsSync(join(projectDir, 'Vagrantfile')) && machines.some((machine) => machine.name === handle.name)) {
    // vagrant's own destroy also clears its machine index; failures fall through to virsh below.
    await vagrant(projectDir, ['destroy', '-f', handle.name], join(projectDir, `${handle.name}.vagrant.log`), { allowFailure: true, timeoutMs: 5 * 60_000 }).catch(() => undefined);
  }
  if ((await listDomains()).includes(domain)) await removeDomain(domain);
  const volumePattern = new RegExp(`^${domain.replace(/[.]/g, '\\.')}(\\.img|-vd[a-z]+\\..+)$`);
  for (const volume of await listVolumes()) if (volumePattern.test(volume)) await removeVolume(volume);
  const remaining = machines.filter((machine) => machine.name !== handle.name);
  if (remaining.length > 0) {
    await saveMachines(projectDir, remaining);
    return;
  }
  // The lab's last Vagrant VM: its networks and project folder go too.
  await removeLabNetworks(ctx.labName);
  await rm(projectDir, { recursive: true, force: true });
}

/** Vagrant + vagrant-libvirt VMs: a locally built Debian box, a management NIC for Vagrant, the hybrid NIC on the lab bridge. */
export const vagrantProvider: VmProvider = {
  name: 'vagrant',
  async prepare(ctx) {
    await prepareHost(ctx.reporter);
  },
  async prepareImages(spec, reporter) {
    const box = await buildBox({ reporter, role: roleOf(spec) });
    return [`box ${box.name} (recipe ${box.hash})`];
  },
  start(spec, ctx) {
    return serializedForLab(ctx.labName, () => startVm(spec, ctx));
  },
  node(handle) {
    return new VagrantVmNode(handle.name, handle.ip, vagrantDetails(handle).managementIp ?? handle.management?.ip ?? '');
  },
  async isRunning(handle, ctx) {
    return (await domainState(vagrantDetails(handle).domain ?? domainName(ctx.labName, handle.name))) === 'running';
  },
  destroy(handle, ctx) {
    return serializedForLab(ctx.labName, () => destroyVm(handle, ctx));
  },
  findLeftovers(labName, ctx): Promise<VmLeftover[]> {
    return findLabLeftovers(labName, projectDirOf(ctx.stateDir));
  },
};
