import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { run, succeeds } from '../../common/run.ts';
import { waitFor } from '../../common/time.ts';

/**
 * A throwaway network for capture tests: bridge hldbg0 (10.66.0.1/24, fd66::1/64) with three
 * namespaces on it — a client, a web server (busybox httpd) and a DNS server (dnsmasq serving
 * *.hybrid.local) — plus a veth "ghost" that is deliberately NOT on the bridge.
 * Nothing here talks to any address outside 10.66.0.0/24 / fd66::/64.
 */
export const TEST_NET = {
  bridge: 'hldbg0',
  subnet: '10.66.0.0/24',
  gateway: '10.66.0.1',
  namespaces: {
    client: { ns: 'hldbg-a', hostIf: 'hldbg-a-h', ip: '10.66.0.10', ip6: 'fd66::10' },
    web: { ns: 'hldbg-b', hostIf: 'hldbg-b-h', ip: '10.66.0.11', ip6: 'fd66::11' },
    dns: { ns: 'hldbg-dns', hostIf: 'hldbg-d-h', ip: '10.66.0.2', ip6: 'fd66::2' },
  },
  ghost: { hostIf: 'hldbg-g-h', peer: 'hldbg-g-p', ip: '10.66.0.99' },
  ruleComment: 'hldbg-test',
} as const;

type NamespaceName = keyof typeof TEST_NET.namespaces;

const ACCEPT_RULE = ['-i', TEST_NET.bridge, '-o', TEST_NET.bridge, '-m', 'comment', '--comment', TEST_NET.ruleComment, '-j', 'ACCEPT'];

async function ruleChain(): Promise<string> {
  return (await succeeds('iptables', ['-w', '-n', '-L', 'DOCKER-USER'])) ? 'DOCKER-USER' : 'FORWARD';
}

export class TestNetwork {
  private readonly daemons: ResultPromise[] = [];

  /** Runs argv inside one of the namespaces. */
  exec(name: NamespaceName, argv: string[], timeoutMs = 15_000) {
    return run('ip', ['netns', 'exec', TEST_NET.namespaces[name].ns, ...argv], { timeoutMs, allowFailure: true });
  }

  async up(options: { acceptRule?: boolean } = {}): Promise<void> {
    await TestNetwork.cleanLeftovers();
    await run('ip', ['link', 'add', TEST_NET.bridge, 'type', 'bridge']);
    await run('ip', ['addr', 'add', `${TEST_NET.gateway}/24`, 'dev', TEST_NET.bridge]);
    await run('ip', ['addr', 'add', 'fd66::1/64', 'dev', TEST_NET.bridge, 'nodad']);
    await run('ip', ['link', 'set', TEST_NET.bridge, 'up']);
    for (const spec of Object.values(TEST_NET.namespaces)) {
      await run('ip', ['netns', 'add', spec.ns]);
      await run('ip', ['link', 'add', spec.hostIf, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', spec.ns]);
      await run('ip', ['link', 'set', spec.hostIf, 'master', TEST_NET.bridge, 'up']);
      const inNs = (args: string[]) => run('ip', ['netns', 'exec', spec.ns, 'ip', ...args]);
      await inNs(['addr', 'add', `${spec.ip}/24`, 'dev', 'eth0']);
      await inNs(['addr', 'add', `${spec.ip6}/64`, 'dev', 'eth0', 'nodad']);
      await inNs(['link', 'set', 'eth0', 'up']);
      await inNs(['link', 'set', 'lo', 'up']);
    }
    // The ghost NIC exists on the host but hangs off no bridge: what a VM tap left detached looks like.
    await run('ip', ['link', 'add', TEST_NET.ghost.hostIf, 'type', 'veth', 'peer', 'name', TEST_NET.ghost.peer]);
    await run('ip', ['link', 'set', TEST_NET.ghost.hostIf, 'up']);
    if (options.acceptRule !== false) await this.setAcceptRule(true);
    await this.startServers();
  }

  /** Adds or removes our ACCEPT rule (bridged traffic crosses iptables when bridge-nf-call-iptables=1). */
  async setAcceptRule(present: boolean): Promise<void> {
    const chain = await ruleChain();
    const exists = await succeeds('iptables', ['-w', '-C', chain, ...ACCEPT_RULE]);
    if (present && !exists) await run('iptables', ['-w', '-I', chain, '1', ...ACCEPT_RULE]);
    if (!present) while (await succeeds('iptables', ['-w', '-C', chain, ...ACCEPT_RULE])) await run('iptables', ['-w', '-D', chain, ...ACCEPT_RULE]);
  }

  private async startServers(): Promise<void> {
    const { dns, web } = TEST_NET.namespaces;
    const dnsmasq = execa('ip', ['netns', 'exec', dns.ns, 'dnsmasq', '--keep-in-foreground', '--conf-file=/dev/null', '--no-resolv', '--no-hosts', '--bind-interfaces', `--listen-address=${dns.ip}`, '--pid-file=', '--local=/hybrid.local/', `--host-record=web.hybrid.local,${web.ip}`, `--host-record=client.hybrid.local,${TEST_NET.namespaces.client.ip}`], { reject: false, stdio: 'ignore' });
    const root = mkdtempSync(join(tmpdir(), 'hldbg-www-'));
    writeFileSync(join(root, 'index.html'), 'hello from the hldbg web namespace\n'.repeat(200));
    const httpd = execa('ip', ['netns', 'exec', web.ns, 'busybox', 'httpd', '-f', '-p', `${web.ip}:8080`, '-h', root], { reject: false, stdio: 'ignore' });
    this.daemons.push(dnsmasq, httpd);
    await waitFor('dnsmasq and httpd to listen', async () => {
      const dnsUp = (await this.exec('dns', ['ss', '-lun'])).stdout.includes(`${dns.ip}:53`);
      const webUp = (await this.exec('web', ['ss', '-ltn'])).stdout.includes(`${web.ip}:8080`);
      return dnsUp && webUp ? true : undefined;
    });
  }

  /**
   * Real traffic of every kind the analyses look at: pings (v4, v6, to the gateway), DNS answered,
   * NXDOMAIN and unanswered (port unreachable), an HTTP fetch, a refused TCP port, ARP into the void.
   */
  async generateTraffic(): Promise<void> {
    const { web, dns } = TEST_NET.namespaces;
    await this.exec('client', ['ping', '-c', '3', '-i', '0.2', web.ip]);
    await this.exec('client', ['ping', '-c', '2', '-i', '0.2', TEST_NET.gateway]);
    await this.exec('client', ['ping', '-6', '-c', '2', '-i', '0.2', web.ip6]);
    await this.exec('client', ['dig', `@${dns.ip}`, 'web.hybrid.local', '+tries=1', '+time=2']);
    await this.exec('client', ['dig', `@${dns.ip}`, 'missing.hybrid.local', '+tries=1', '+time=2']);
    await this.exec('client', ['dig', `@${web.ip}`, 'web.hybrid.local', '+tries=1', '+time=1']);
    await this.exec('client', ['busybox', 'wget', '-q', '-O', '/dev/null', `http://${web.ip}:8080/index.html`]);
    await this.exec('client', ['busybox', 'nc', '-w', '1', web.ip, '9'], 5_000);
    await this.exec('client', ['ping', '-c', '1', '-W', '1', TEST_NET.ghost.ip]);
  }

  async down(): Promise<void> {
    for (const daemon of this.daemons) daemon.kill('SIGTERM');
    await Promise.allSettled(this.daemons);
    this.daemons.length = 0;
    await TestNetwork.cleanLeftovers();
  }

  /** Removes everything this helper could have made (also after a crashed run). */
  static async cleanLeftovers(): Promise<void> {
    for (const spec of Object.values(TEST_NET.namespaces)) {
      await run('ip', ['netns', 'pids', spec.ns], { allowFailure: true }).then(async (r) => {
        for (const pid of r.stdout.split('\n').filter(Boolean)) await run('kill', [pid], { allowFailure: true });
      });
      await run('ip', ['netns', 'del', spec.ns], { allowFailure: true });
    }
    await run('ip', ['link', 'del', TEST_NET.ghost.hostIf], { allowFailure: true });
    await run('ip', ['link', 'del', TEST_NET.bridge], { allowFailure: true });
    const chain = await ruleChain();
    while (await succeeds('iptables', ['-w', '-C', chain, ...ACCEPT_RULE])) await run('iptables', ['-w', '-D', chain, ...ACCEPT_RULE]);
  }
}
