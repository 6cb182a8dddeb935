import { createHash } from 'node:crypto';
import { hasProvisioning, type Provisioning } from '../provisioning.ts';
import { shellQuote } from './ssh-exec.ts';

/**
 * The topology's `provision:` fields as Vagrant shell provisioners (run once, at the machine's
 * first `vagrant up`, in the order defined: after the role's own, then packages, write-files,
 * runcmd). Each script is a Ruby single-quoted heredoc, which Ruby takes byte for byte (no
 * interpolation, no escapes), ended by a terminator derived from the script's hash, so no line
 * of the script can end it. Inside the script, user text is shell-quoted or base64-encoded.
 */
export function renderUserProvisioners(provision: Provisioning | undefined): string[] {
  if (!hasProvisioning(provision)) return [];
  const scripts: Array<[string, string[]]> = [
    ['packages', provision.packages.length ? packagesScript(provision.packages) : []],
    ['write-files', provision.writeFiles.length ? writeFilesScript(provision.writeFiles) : []],
    ['runcmd', provision.runcmd.length ? runcmdScript(provision.runcmd) : []],
  ];
  return scripts.filter(([, lines]) => lines.length > 0).map(([name, lines]) => inlineShellProvisioner(name, lines));
}

/** One `node.vm.provision` block with the script inline (as the docker role's own provisioner). */
export function inlineShellProvisioner(name: string, lines: readonly string[]): string {
  const script = ['#!/bin/sh', `# hybrid-lab: provision.${name}`, 'set -e', ...lines, ''].join('\n');
  const terminator = heredocTerminator(script);
  // binary: true: Vagrant would otherwise turn CRLF into LF inside the user's commands.
  return `node.vm.provision "${name}", type: "shell", binary: true, inline: <<-'${terminator}'\n${script}${terminator}`;
}

/** A terminator no line of the script contains (derived from its hash; salted on the impossible clash). */
export function heredocTerminator(script: string): string {
  for (let salt = 0; ; salt++) {
    const candidate = `HL_PROVISION_${createHash('sha256').update(`${salt}:${script}`).digest('hex').slice(0, 12).toUpperCase()}`;
    if (!script.includes(candidate)) return candidate;
  }
}

/**
 * apt-get install from the box's own apt sources (debootstrap's, the host's Debian mirror) of the
 * packages not installed yet. The box ships without package lists, so they are fetched first when
 * missing: the guest needs a route to that mirror, and the error says so when it has none.
 * Packages the box already has need no network.
 */
function packagesScript(packages: readonly string[]): string[] {
  const unreachable = "echo \"hybrid-lab: apt-get could not fetch package lists from the box's apt sources ($(grep -hs '^deb ' /etc/apt/sources.list | head -n 1)). Fix: give the VM a route to that Debian mirror, or remove provision.packages\" >&2";
  return [
    'export DEBIAN_FRONTEND=noninteractive',
    'missing=',
    `for package in ${packages.map(shellQuote).join(' ')}; do`,
    "  dpkg-query -W -f='${Status}' \"$package\" 2>/dev/null | grep -q ' installed$' || missing=\"$missing $package\"",
    'done',
    'if [ -z "$missing" ]; then echo "hybrid-lab: already installed:' + ` ${packages.join(' ')}"; exit 0; fi`,
    'if ! ls /var/lib/apt/lists/*_Packages >/dev/null 2>&1; then',
    `  apt-get update -q || { ${unreachable}; exit 1; }`,
    'fi',
    'apt-get install -y -q --no-install-recommends $missing',
  ];
}

/**
 * Each file's content base64-encoded (any bytes, quotes, `$(...)`, newlines pass unchanged; the
 * alphabet cannot end the here-document), written under umask 077 and then given its mode, so
 * a secret is never readable by others in between. Parent directories are made as cloud-init does
 * (paths are absolute, so none can pass for an option).
 */
function writeFilesScript(files: Provisioning['writeFiles']): string[] {
  const lines: string[] = [];
  for (const file of files) {
    const path = shellQuote(file.path);
    const encoded = Buffer.from(file.content, 'utf8').toString('base64').match(/.{1,76}/g) ?? [];
    lines.push(
      `mkdir -p "$(dirname ${path})"`,
      `(umask 077 && base64 -d > ${path}) <<'HL_BASE64'`,
      ...encoded,
      'HL_BASE64',
      `chmod ${file.permissions} ${path}`,
    );
  }
  return lines;
}

/** As cloud-init's runcmd: from /, a string through `sh -c`, an argv list run as is (each word quoted). */
function runcmdScript(commands: Provisioning['runcmd']): string[] {
  return ['cd /', ...commands.map((command) => (typeof command === 'string' ? `sh -c ${shellQuote(command)}` : command.map(shellQuote).join(' ')))];
}
