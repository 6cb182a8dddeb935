import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../common/run.ts';
import type { Provisioning } from '../provisioning.ts';
import { heredocTerminator, renderUserProvisioners } from './provisioners.ts';
import { renderLabVagrantfile, type VagrantMachine } from './vagrantfile.ts';
import { TEST_LAB, TEST_VM } from './vagrant-lab-fixture.ts';

const lab = TEST_LAB;
const vm = TEST_VM;
const rubyAvailable = existsSync('/usr/bin/ruby');

/**
 * Loads a Vagrantfile in Ruby with a stand-in for Vagrant that records every machine's
 * provisioners (name, options, inline script as Ruby read it), printed as JSON.
 */
const RECORDER = `
require 'json'
class Recorder
  def initialize(out, machine = nil) @out = out; @machine = machine end
  def define(name, &block) block.call(Recorder.new(@out, name)) end
  def provision(name, **options) @out << options.merge(machine: @machine, name: name) end
  def method_missing(_name, *_args, **_options, &block) block ? block.call(self) : self end
  def respond_to_missing?(*) true end
end
module Vagrant
  PROVISIONERS = []
  def self.configure(_version) yield Recorder.new(PROVISIONERS) end
end
load ARGV[0]
print JSON.generate(Vagrant::PROVISIONERS)
`;

interface RecordedProvisioner { machine: string; name: string; type: string; inline?: string; path?: string; binary?: boolean }

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hl-vprov-'));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

/** What Vagrant would read from the rendered Vagrantfile of these machines. */
async function provisionersAsRubyReadsThem(machines: readonly VagrantMachine[]): Promise<RecordedProvisioner[]> {
  const vagrantfile = join(dir, 'Vagrantfile');
  await writeFile(vagrantfile, await renderLabVagrantfile(lab, machines));
  await writeFile(join(dir, 'recorder.rb'), RECORDER);
  return JSON.parse((await run('ruby', [join(dir, 'recorder.rb'), vagrantfile])).stdout) as RecordedProvisioner[];
}

const provision = (fields: Partial<Provisioning>): Provisioning => ({ packages: [], writeFiles: [], runcmd: [], ...fields });

describe('provision: on a Vagrant VM: shell provisioners in the Vagrantfile', () => {
  it('renders packages, write-files and runcmd blocks exactly, after the role\'s own provisioning', async () => {
    const text = await renderLabVagrantfile(lab, [{
      ...vm,
      provision: provision({
        packages: ['jq', 'libpq5'],
        writeFiles: [{ path: '/etc/app.conf', content: 'a=1\n', permissions: '0640' }],
        runcmd: ['echo hi > /tmp/x', ['touch', '/tmp/y z']],
      }),
    }]);
    const blocks = renderUserProvisioners(provision({ packages: ['jq', 'libpq5'], writeFiles: [{ path: '/etc/app.conf', content: 'a=1\n', permissions: '0640' }], runcmd: ['echo hi > /tmp/x', ['touch', '/tmp/y z']] }));
    const [packages, writeFiles, runcmd] = blocks.map((block) => block.replace(/HL_PROVISION_[0-9A-F]{12}/g, 'TERM'));
    expect(blocks).toHaveLength(3);
    expect(packages).toBe(`node.vm.provision "packages", type: "shell", binary: true, inline: <<-'TERM'
#!/bin/sh
# hybrid-lab: provision.packages
set -e
export DEBIAN_FRONTEND=noninteractive
missing=
for package in jq libpq5; do
  dpkg-query -W -f='\${Status}' "$package" 2>/dev/null | grep -q ' installed$' || missing="$missing $package"
done
if [ -z "$missing" ]; then echo "hybrid-lab: already installed: jq libpq5"; exit 0; fi
if ! ls /var/lib/apt/lists/*_Packages >/dev/null 2>&1; then
  apt-get update -q || { echo "hybrid-lab: apt-get could not fetch package lists from the box's apt sources ($(grep -hs '^deb ' /etc/apt/sources.list | head -n 1)). Fix: give the VM a route to that Debian mirror, or remove provision.packages" >&2; exit 1; }
fi
apt-get install -y -q --no-install-recommends $missing
TERM`);
    expect(writeFiles).toBe(`node.vm.provision "write-files", type: "shell", binary: true, inline: <<-'TERM'
#!/bin/sh
# hybrid-lab: provision.write-files
set -e
mkdir -p "$(dirname /etc/app.conf)"
(umask 077 && base64 -d > /etc/app.conf) <<'HL_BASE64'
YT0xCg==
HL_BASE64
chmod 0640 /etc/app.conf
TERM`);
    expect(runcmd).toBe(`node.vm.provision "runcmd", type: "shell", binary: true, inline: <<-'TERM'
#!/bin/sh
# hybrid-lab: provision.runcmd
set -e
cd /
sh -c 'echo hi > /tmp/x'
touch '/tmp/y z'
TERM`);
    // In the machine's block, after hybrid-net, indented like it, before the block's end.
    expect(text).toContain(`    node.vm.provision "hybrid-net", type: "shell", path: "${lab.projectDir}/vagrant-vm.provision.sh"\n    ${blocks[0]}\n    ${blocks[1]}\n    ${blocks[2]}\n  end\n`);
  });

  it('leaves out empty parts, and a VM without provision keeps the role block as it was', async () => {
    expect(renderUserProvisioners(undefined)).toEqual([]);
    expect(renderUserProvisioners(provision({}))).toEqual([]);
    expect(renderUserProvisioners(provision({ runcmd: ['date'] })).map((block) => /provision "([a-z-]+)"/.exec(block)?.[1])).toEqual(['runcmd']);
    const plain = await renderLabVagrantfile(lab, [vm]);
    expect(plain).toContain(`    node.vm.provision "hybrid-net", type: "shell", path: "${lab.projectDir}/vagrant-vm.provision.sh"\n  end\n`);
    expect(plain).not.toMatch(/userProvisioners|HL_PROVISION/);
  });

  it('a heredoc terminator never occurs in its script', () => {
    const script = 'echo HL_PROVISION_\n';
    const terminator = heredocTerminator(script);
    expect(terminator).toMatch(/^HL_PROVISION_[0-9A-F]{12}$/);
    expect(heredocTerminator(script)).toBe(terminator);
    expect(`${script}${terminator}`.split(terminator)).toHaveLength(2);
  });
});

describe.skipIf(!rubyAvailable)('hostile provision content through Ruby and sh (ruby as Vagrant loads the Vagrantfile; skipped without ruby)', () => {
  const hostile = `it's "quoted" $(touch PWNED) \`touch PWNED\` #{system('touch PWNED')} \\n \\\\ %q{x} {{name}} $& $1\nHL_BASE64\nSHELL\nHL_PROVISION_0\n  end\nlast line, no newline`;

  it('Ruby reads each script byte for byte, in the order hybrid-net, docker, packages, write-files, runcmd', async () => {
    const machine: VagrantMachine = { ...vm, role: 'docker', provision: provision({ packages: ['jq'], writeFiles: [{ path: `/tmp/${hostile}`, content: hostile, permissions: '0600' }], runcmd: [hostile, ['printf', '%s', hostile]] }) };
    const recorded = await provisionersAsRubyReadsThem([machine, { ...vm, name: 'other-vm' }]);
    expect(recorded.map((p) => `${p.machine}:${p.name}`)).toEqual(['vagrant-vm:hybrid-net', 'vagrant-vm:docker', 'vagrant-vm:packages', 'vagrant-vm:write-files', 'vagrant-vm:runcmd', 'other-vm:hybrid-net']);
    const expected = renderUserProvisioners(machine.provision).map((block) => block.slice(block.indexOf('\n') + 1, block.lastIndexOf('\n') + 1));
    expect(recorded.slice(2, 5).map((p) => p.inline)).toEqual(expected);
    expect(recorded.slice(2, 5).every((p) => p.type === 'shell' && p.binary === true)).toBe(true);
    expect(existsSync(join(process.cwd(), 'PWNED'))).toBe(false);
  });

  it('the write-files and runcmd scripts, run by sh, write the exact bytes and mode and pass each argument unchanged', async () => {
    const work = join(dir, 'guest');
    const target = join(work, `sub dir/${hostile.replace(/\n/g, ' ')}.conf`);
    const argvOut = join(work, 'argv.out');
    const machine: VagrantMachine = {
      ...vm,
      provision: provision({
        writeFiles: [{ path: target, content: hostile, permissions: '0640' }, { path: join(work, 'empty'), content: '', permissions: '0644' }],
        runcmd: [`cd ${work} && echo "string ran in $PWD" > string.out`, ['sh', '-c', 'printf %s "$1" > "$2"', 'sh', hostile, argvOut]],
      }),
    };
    const recorded = await provisionersAsRubyReadsThem([machine]);
    for (const name of ['write-files', 'runcmd']) {
      const script = recorded.find((p) => p.name === name)!.inline!;
      const result = await run('sh', ['-c', script], { cwd: dir, allowFailure: true });
      expect(result.exitCode, `${name}: ${result.stderr}`).toBe(0);
    }
    expect(await readFile(target, 'utf8')).toBe(hostile);
    expect((await stat(target)).mode & 0o777).toBe(0o640);
    expect(await readFile(join(work, 'empty'), 'utf8')).toBe('');
    expect(await readFile(join(work, 'string.out'), 'utf8')).toBe(`string ran in ${work}\n`);
    expect(await readFile(argvOut, 'utf8')).toBe(hostile);
    // Nothing in the content was run: no PWNED file anywhere the scripts were.
    for (const folder of [dir, work, join(work, 'sub dir'), '/']) expect(await readdir(folder), folder).not.toContain('PWNED');
  });

  it.skipIf(!existsSync('/usr/bin/dpkg-query'))('the packages script installs nothing, and needs no network, when every package is there (run by sh on this Debian host)', async () => {
    // A stand-in apt-get first on PATH only guards the host: the script must not reach it.
    const guard = join(dir, 'guard-bin');
    await mkdir(guard, { recursive: true });
    await writeFile(join(guard, 'apt-get'), '#!/bin/sh\necho "apt-get must not run: $*" >&2\nexit 99\n', { mode: 0o755 });
    const recorded = await provisionersAsRubyReadsThem([{ ...vm, provision: provision({ packages: ['coreutils', 'dpkg'] }) }]);
    const script = recorded.find((p) => p.name === 'packages')!.inline!;
    const result = await run('sh', ['-c', script], { allowFailure: true, env: { PATH: `${guard}:${process.env.PATH}` } });
    expect(result, result.stderr).toMatchObject({ exitCode: 0, stdout: 'hybrid-lab: already installed: coreutils dpkg\n' });
    const missing = await run('sh', ['-c', script.replace('coreutils dpkg; do', 'coreutils no-such-package-hl; do')], { allowFailure: true, env: { PATH: `${guard}:${process.env.PATH}` } });
    expect(missing.exitCode).not.toBe(0);
    expect(missing.stderr).toMatch(/apt-get must not run: (update -q|install -y -q --no-install-recommends no-such-package-hl)/);
  });

  it('the whole Vagrantfile with hostile provisioning is valid Ruby (ruby -c)', async () => {
    await writeFile(join(dir, 'Vagrantfile.check'), await renderLabVagrantfile(lab, [{ ...vm, provision: provision({ writeFiles: [{ path: `/${hostile}`, content: hostile, permissions: '0600' }], runcmd: [hostile] }) }]));
    expect((await run('ruby', ['-c', join(dir, 'Vagrantfile.check')])).stdout).toContain('Syntax OK');
  });
});
