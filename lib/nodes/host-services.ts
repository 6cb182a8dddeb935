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
function serviceRules({ labName, bridge }: LabFirewall, withIpv6: boolean): IptablesRule[] {
  const tag = ['-m', 'comment', '--comment', labRuleComment(labName)];
  return (withIpv6 ? (['ipv4', 'ipv6'] as const) : (['ipv4'] as const)).flatMap((family) =>
    (['tcp/80', 'tcp/7', 'udp/7'] as const).map((entry) => {
      const [protocol, port] = entry.split('/');
      const spec = ['-i', bridge, '-p', protocol, '-m', protocol, '--dport', port, ...tag, '-j', 'ACCEPT'];
      return family === 'ipv4' ? { chain: 'INPUT', spec, purpose: `host services for the suites: ${entry}` } : { family, chain: 'INPUT', spec, purpose: `[ipv6] host services for the suites: ${entry}` };
    }),
  );
}

/**
 * Runs the node services on the host for checks that go *to* the host: busybox httpd on the
 * gateway address only (port 80 elsewhere on the host stays untouched; the IPv6 gateway address
 * too on a dual-stack lab) and hl-echo on port 7 (both families).
 */
export async function startHostServices(gatewayIp: string, hostName = 'host', firewall?: LabFirewall, gatewayIpv6?: string): Promise<HostServices> {
  const rules = firewall ? serviceRules(firewall, gatewayIpv6 !== undefined) : [];
  for (const rule of rules) await ensureRule(rule, 1);
  const www = await mkdtemp(join(tmpdir(), 'hybrid-lab-www-'));
  await writeFile(join(www, 'index.html'), `hello from ${hostName}\n`);
  const children: ChildProcess[] = [
    spawn('busybox', ['httpd', '-f', '-p', `${gatewayIp}:80`, '-h', www], { stdio: 'ignore' }),
    ...(gatewayIpv6 ? [spawn('busybox', ['httpd', '-f', '-p', `[${gatewayIpv6}]:80`, '-h', www], { stdio: 'ignore' })] : []),
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
      const ipv6Ready = !gatewayIpv6 || listening.includes(`[${gatewayIpv6}]:80`);
      return listening.includes(`${gatewayIp}:80`) && ipv6Ready && /[:*\]]7\s/.test(listening) ? true : undefined;
    }, { timeoutMs: 5000 });
  } catch (error) {
    await stop();
    throw new Error(`could not start HTTP on ${gatewayIp}:80${gatewayIpv6 ? ` and [${gatewayIpv6}]:80` : ''} and echo on port 7 on the host (port in use?): ${(error as Error).message}`);
  }
  return { stop };
}
