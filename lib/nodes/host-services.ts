import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildEchoTool } from '../images/static-tools.ts';
import { waitFor } from '../common/time.ts';
import { run } from '../common/run.ts';
import { ensureRule, labRuleComment, removeRule, type IptablesRule } from '../net/iptables.ts';

export interface HostServices {
  stop(): Promise<void>;
}

/** The lab whose INPUT guard must let the host services' ports through while they run. */
export interface LabFirewall {
  labName: string;
  bridge: string;
}

/**
 * The host drops everything from the lab but replies and ICMP (see hostInputRules): while the
 * suites' host services run, their ports are opened at the top of INPUT, tagged with the lab's
 * comment so a crashed suite's rules are swept by `down`.
 */
function serviceRules({ labName, bridge }: LabFirewall): IptablesRule[] {
  const tag = ['-m', 'comment', '--comment', labRuleComment(labName)];
  return (['tcp/80', 'tcp/7', 'udp/7'] as const).map((entry) => {
    const [protocol, port] = entry.split('/');
    return { chain: 'INPUT', spec: ['-i', bridge, '-p', protocol, '-m', protocol, '--dport', port, ...tag, '-j', 'ACCEPT'], purpose: `host services for the suites: ${entry}` };
  });
}

/**
 * Runs the node services on the host for checks that go *to* the host: busybox httpd on the
 * gateway address only (port 80 elsewhere on the host stays untouched) and hl-echo on port 7.
 */
export async function startHostServices(gatewayIp: string, hostName = 'host', firewall?: LabFirewall): Promise<HostServices> {
  const rules = firewall ? serviceRules(firewall) : [];
  for (const rule of rules) await ensureRule(rule, 1);
  const www = await mkdtemp(join(tmpdir(), 'hybrid-lab-www-'));
  await writeFile(join(www, 'index.html'), `hello from ${hostName}\n`);
  const children: ChildProcess[] = [
    spawn('busybox', ['httpd', '-f', '-p', `${gatewayIp}:80`, '-h', www], { stdio: 'ignore' }),
    spawn(await buildEchoTool(), ['serve', '7'], { stdio: 'ignore' }),
  ];
  const stop = async () => {
    for (const child of children) child.kill('SIGKILL');
    for (const rule of rules) await removeRule(rule);
    await rm(www, { recursive: true, force: true });
  };
  try {
    await waitFor('host services to listen', async () => {
      const listening = (await run('ss', ['-Hltn'], { allowFailure: true })).stdout;
      return listening.includes(`${gatewayIp}:80`) && /[:*]7\s/.test(listening) ? true : undefined;
    }, { timeoutMs: 5000 });
  } catch (error) {
    await stop();
    throw new Error(`could not start HTTP on ${gatewayIp}:80 and echo on port 7 on the host (port in use?): ${(error as Error).message}`);
  }
  return { stop };
}
