import { acceptsBridgeTraffic } from './host-rules.ts';
import { reachableChains } from '../../net/iptables-save.ts';
import type { NodeSnapshot } from '../snapshot/host-snapshot.ts';
import { count, labelIp, listSome, nodeByIp, type Finding, type FindingInput, type FindingRule } from './finding.ts';
import { ruleNamesPair } from './rule-match.ts';
import { describeSilence, pairKey, silentPairs, type SilentPair } from './silent-pairs.ts';

/**
 * Rules that name the cause of silence rather than the silence itself: the iptables rule whose
 * counter moved while a pair got no answer, a policy DROP, a node paused or off its bridge port,
 * a DNS answer that is not the node's address. Each says which silent pairs it explains.
 */

function silence(input: FindingInput): SilentPair[] {
  return input.analysis ? silentPairs(input.analysis) : [];
}

/** A DROP/REJECT rule whose counter moved during the capture and whose addresses name a silent pair. */
export const blockedByRuleRule: FindingRule = (input) => {
  const window = input.snapshot?.counterWindow;
  if (!window) return [];
  const pairs = silence(input);
  const findings: Finding[] = [];
  for (const rule of window.rules) {
    if (rule.target !== 'DROP' && rule.target !== 'REJECT') continue;
    const explained = pairs.filter((p) => ruleNamesPair(rule.text, p.from, p.to, input.bridge) || ruleNamesPair(rule.text, p.to, p.from, input.bridge));
    if (explained.length === 0) continue;
    const tool = rule.family === 'ipv6' ? 'ip6tables' : 'iptables';
    const first = explained[0];
    findings.push({
      id: 'blocked-by-rule',
      severity: 'critical',
      title: `${labelIp(input, first.from)} -> ${labelIp(input, first.to)} is blocked by ${tool} rule ${rule.table}/${rule.chain} #${rule.position} (${rule.target})`,
      evidence: [`rule: -A ${rule.chain} ${rule.text} (table ${rule.table}, position ${rule.position} in ${rule.chain})`, `${count(rule.packets, 'packet')} (${rule.bytes} bytes) matched it during the capture`, ...explained.slice(0, 4).map(describeSilence)],
      fix: `${tool} -t ${rule.table} -D ${rule.chain} ${rule.text}`,
      nodes: [first.from, first.to].flatMap((ip) => {
        const node = nodeByIp(input, ip);
        return node ? [node.name] : [];
      }),
      explains: explained.map((p) => pairKey(p.from, p.to)),
      weight: 1e7 + rule.packets,
    });
  }
  return findings;
};

/** A built-in chain's DROP policy took packets during the capture while lab pairs went unanswered and nothing accepts the bridge. */
export const blockedByPolicyRule: FindingRule = (input) => {
  const { snapshot, bridge } = input;
  const window = snapshot?.counterWindow;
  if (!snapshot || !window) return [];
  const policy = window.policies.find((p) => p.family === 'ipv4' && p.table === 'filter' && p.chain === 'FORWARD' && p.policy === 'DROP');
  if (!policy) return [];
  const chains = reachableChains(snapshot.iptables, 'filter', 'FORWARD');
  if (snapshot.iptables.rules.some((rule) => (rule.family ?? 'ipv4') === 'ipv4' && rule.table === 'filter' && chains.has(rule.chain) && acceptsBridgeTraffic(rule, bridge))) return [];
  const host = new Set(snapshot.nodes.filter((n) => n.kind === 'host').map((n) => n.ip));
  const bridged = silence(input).filter((p) => !host.has(p.from) && !host.has(p.to));
  if (bridged.length === 0) return [];
  return [
    {
      id: 'blocked-by-policy',
      severity: 'critical',
      title: `filter/FORWARD policy DROP took ${count(policy.packets, 'packet')} during the capture: nothing accepts traffic across ${bridge}`,
      evidence: [`:FORWARD DROP, counter +${policy.packets} packets (+${policy.bytes} bytes) during the capture`, `no ACCEPT rule for -i ${bridge} -o ${bridge} in ${listSome([...chains])}`, ...bridged.slice(0, 4).map(describeSilence)],
      fix: `iptables -I DOCKER-USER -i ${bridge} -o ${bridge} -j ACCEPT (or re-run hybrid-lab up for this lab, which restores its own rule)`,
      explains: bridged.map((p) => pairKey(p.from, p.to)),
      weight: 1e7 + policy.packets,
    },
  ];
};

function touching(pairs: SilentPair[], ip: string): SilentPair[] {
  return pairs.filter((p) => p.to === ip || p.from === ip);
}

/** A container's veth detached from the bridge or down: it is cut off although Docker says it is attached. */
export const containerPortRule: FindingRule = (input) => {
  const { snapshot, bridge } = input;
  if (!snapshot) return [];
  const pairs = silence(input);
  return snapshot.nodes.flatMap((node): Finding[] => {
    if ((node.kind !== 'container' && node.kind !== 'dns') || !node.hostInterface || node.state !== 'running') return [];
    const detached = node.hostInterfaceMaster !== bridge;
    const down = !detached && node.hostInterfaceOperState !== undefined && node.hostInterfaceOperState !== 'UP';
    if (!detached && !down) return [];
    const explained = touching(pairs, node.ip);
    const where = node.hostInterfaceMaster ? `is a port of ${node.hostInterfaceMaster}` : 'is a port of no bridge';
    return [
      {
        id: detached ? 'bridge-port-detached' : 'bridge-port-down',
        severity: 'critical',
        title: detached ? `${node.name}'s bridge port ${node.hostInterface} ${where}, not of ${bridge}: ${node.name} is cut off` : `${node.name}'s bridge port ${node.hostInterface} is ${node.hostInterfaceOperState}: ${node.name} is cut off`,
        evidence: [`ip link show ${node.hostInterface}: master ${node.hostInterfaceMaster || 'none'}, state ${node.hostInterfaceOperState ?? '?'}`, ...explained.slice(0, 3).map(describeSilence)],
        fix: detached ? `ip link set dev ${node.hostInterface} master ${bridge} up` : `ip link set dev ${node.hostInterface} up`,
        nodes: [node.name],
        explains: explained.map((p) => pairKey(p.from, p.to)),
        weight: 1e8,
      },
    ];
  });
};

/** The command that brings a stopped or paused node back, for its kind and state. */
export function restartCommand(node: NodeSnapshot): string {
  const name = node.containerName ?? node.name;
  if (node.kind === 'vm') return 'hybrid-lab up (starts the VM again; its logs are in the lab state dir)';
  if (node.state === 'paused') return `docker unpause ${name}`;
  if (node.state === 'missing') return 'hybrid-lab up (creates the container again)';
  return `docker start ${name}`;
}

/** A node that is paused, stopped or gone, with the pairs that went silent because of it. */
export const nodeDownRule: FindingRule = (input) => {
  const { snapshot } = input;
  if (!snapshot) return [];
  const pairs = silence(input);
  return snapshot.nodes.flatMap((node): Finding[] => {
    if (node.kind === 'host' || node.state === 'running' || node.state === 'unknown') return [];
    const explained = touching(pairs, node.ip);
    return [
      {
        id: 'node-not-running',
        severity: 'critical',
        title: `${node.kind} ${node.name} (${node.ip}) is ${node.state}${explained.length ? `: ${count(explained.reduce((n, p) => n + p.count, 0), 'request')} to it went unanswered` : ''}`,
        evidence: [`state: ${node.state}`, ...explained.slice(0, 3).map(describeSilence)],
        fix: restartCommand(node),
        nodes: [node.name],
        explains: explained.map((p) => pairKey(p.from, p.to)),
        weight: 1e8,
      },
    ];
  });
};

/** DNS answered a lab name with an address that is not the node's. */
export const wrongDnsAnswerRule: FindingRule = (input) => {
  const answered = input.analysis?.dns.answeredAddresses;
  if (!answered) return [];
  const findings: Finding[] = [];
  for (const node of [...input.nodes, ...(input.snapshot?.nodes ?? [])]) {
    if (node.kind === 'host' || findings.some((f) => f.nodes?.includes(node.name))) continue;
    const name = `${node.name}.${input.domain}`;
    const addresses = answered[name] ?? answered[name.toLowerCase()];
    if (!addresses || addresses.every((a) => a === node.ip) || addresses.some((a) => a.includes(':'))) continue;
    const wrong = addresses.filter((a) => a !== node.ip);
    findings.push({
      id: 'dns-wrong-answer',
      severity: 'critical',
      title: `DNS answered ${name} with ${wrong.join(', ')}, but ${node.name} is at ${node.ip}`,
      evidence: [`answers seen in the capture for ${name}: ${addresses.join(', ')}`, `${node.name}'s address (topology): ${node.ip}`],
      fix: 'the lab DNS serves a stale or edited record: re-run hybrid-lab up for this lab (it rewrites the records; dnsmasq reloads them)',
      nodes: [node.name],
      weight: 1e7,
    });
  }
  return findings;
};

export const CAUSE_RULES: FindingRule[] = [blockedByRuleRule, blockedByPolicyRule, containerPortRule, nodeDownRule, wrongDnsAnswerRule];
