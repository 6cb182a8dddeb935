import { join } from 'node:path';
import { writeFileAtomic } from '../../common/atomic-write.ts';
import type { AccelMode } from '../provider.ts';
import { boxName, type BoxRole } from './box/box-recipe.ts';
import { vagrantHome } from './env.ts';
import { renderGuestNetConf } from './box/guest-files.ts';
import type { ManagementNetwork } from './lab-networks.ts';
import { domainName, hybridMac, labPrefix } from './names.ts';
import type { Provisioning } from '../provisioning.ts';
import { renderUserProvisioners } from './provisioners.ts';
import { readTemplate, renderTemplate } from './template.ts';

/** One VM of a lab's Vagrantfile; kept in machines.json beside it. */
export interface VagrantMachine {
  name: string;
  role: BoxRole;
  ip: string;
  memoryMb: number;
  cpus: number;
  /** The node's `provision:` fields, run after the role's own provisioning. */
  provision?: Provisioning;
}

/** What the lab-level Vagrantfile needs besides its machines. */
export interface VagrantLab {
  labName: string;
  labBridge: string;
  prefix: number;
  gateway: string;
  dnsServer: string;
  dnsDomain: string;
  hybridNetwork: string;
  management: ManagementNetwork;
  accel: AccelMode;
  /** The lab's Vagrant project folder (Vagrantfile, .vagrant/, provision scripts, serial logs). */
  projectDir: string;
}

/** Role templates in lab/templates, as the seeds' roles. */
const ROLE_TEMPLATES: Record<BoxRole, string> = { base: 'hybrid-base.rb', docker: 'hybrid-docker.rb' };

/** Renders the lab's Vagrantfile with every machine (multi-machine: one project per lab). */
export async function renderLabVagrantfile(lab: VagrantLab, machines: readonly VagrantMachine[]): Promise<string> {
  const blocks: string[] = [];
  for (const machine of machines) {
    const template = ROLE_TEMPLATES[machine.role];
    blocks.push(renderTemplate(await roleTemplate(template, machine), machineValues(lab, machine), template, { userProvisioners: userProvisioners(machine) }).trimEnd());
  }
  const accelTemplate = `accel-${lab.accel}.rb`;
  const accelSettings = renderTemplate(await readTemplate(accelTemplate), {}, accelTemplate).trimEnd();
  const values = {
    lab: lab.labName,
    vagrantHome: vagrantHome(),
    mgmtNetwork: lab.management.name,
    mgmtSubnet: lab.management.subnet,
    hybridNetwork: lab.hybridNetwork,
    labBridge: lab.labBridge,
    domainPrefix: labPrefix(lab.labName),
  };
  return renderTemplate(await readTemplate('Vagrantfile'), values, 'Vagrantfile', { accelSettings, machines: blocks.join('\n\n') });
}

/** The role's template; without user provisioning its `{{userProvisioners}}` line goes, leaving the role's block as it was. */
async function roleTemplate(template: string, machine: VagrantMachine): Promise<string> {
  const text = await readTemplate(template);
  return userProvisioners(machine) ? text : text.replace(/^[ \t]*\{\{userProvisioners\}\}\n/m, '');
}

/** The node's provisioners, indented as the template's placeholder (heredoc bodies stay at column 0). */
function userProvisioners(machine: VagrantMachine): string {
  return renderUserProvisioners(machine.provision).join('\n    ');
}

function machineValues(lab: VagrantLab, machine: VagrantMachine): Record<string, string | number> {
  return {
    name: machine.name,
    box: boxName(machine.role),
    memoryMb: machine.role === 'docker' ? Math.max(machine.memoryMb, 512) : Math.max(machine.memoryMb, 192),
    cpus: machine.cpus,
    serialLog: serialLogPath(lab, machine.name),
    hybridNetwork: lab.hybridNetwork,
    mac: hybridMac(lab.labName, machine.name),
    provisionScript: provisionScriptPath(lab, machine.name),
  };
}

export function serialLogPath(lab: Pick<VagrantLab, 'projectDir'>, vmName: string): string {
  return join(lab.projectDir, `${vmName}.serial.log`);
}

export function provisionScriptPath(lab: Pick<VagrantLab, 'projectDir'>, vmName: string): string {
  return join(lab.projectDir, `${vmName}.provision.sh`);
}

/**
 * The guest-side setup of the hybrid NIC, run by Vagrant's shell provisioner: writes
 * /etc/hybrid-lab/net.conf (re-applied at every boot by hl-init), applies it, sets the hostname.
 */
export function renderProvisionScript(lab: VagrantLab, machine: VagrantMachine): string {
  const netConf = renderGuestNetConf({
    mac: hybridMac(lab.labName, machine.name),
    addressCidr: `${machine.ip}/${lab.prefix}`,
    gateway: lab.gateway,
    dns: lab.dnsServer,
    search: lab.dnsDomain,
  });
  return [
    '#!/bin/sh',
    `# hybrid-lab provisioning of ${machine.name} in lab ${lab.labName}`,
    'set -e',
    'mkdir -p /etc/hybrid-lab',
    `cat > /etc/hybrid-lab/net.conf <<'NETCONF'\n${netConf}NETCONF`,
    `echo ${machine.name} > /etc/hostname && hostname ${machine.name}`,
    `printf '127.0.0.1 localhost\\n127.0.1.1 ${machine.name}.${lab.dnsDomain} ${machine.name}\\n' > /etc/hosts`,
    `echo "hello from ${machine.name} (${machine.ip})" > /var/www/index.html`,
    'IFACE=$(hl-net)',
    'hl-services',
    'echo "hybrid NIC $IFACE: $(ip -4 -o addr show dev $IFACE | awk \'{print $4}\')"',
    '',
  ].join('\n');
}

/** Writes the Vagrantfile and each machine's provision script into the project folder. */
export async function writeLabProject(lab: VagrantLab, machines: readonly VagrantMachine[]): Promise<void> {
  for (const machine of machines) await writeFileAtomic(provisionScriptPath(lab, machine.name), renderProvisionScript(lab, machine));
  await writeFileAtomic(join(lab.projectDir, 'Vagrantfile'), await renderLabVagrantfile(lab, machines));
}

/** libvirt domain name vagrant-libvirt gives a machine of this lab. */
export function machineDomain(lab: Pick<VagrantLab, 'labName'>, machine: Pick<VagrantMachine, 'name'>): string {
  return domainName(lab.labName, machine.name);
}
