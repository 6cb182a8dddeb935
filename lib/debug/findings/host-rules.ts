import { reachableChains } from '../../net/iptables-save.ts';
import type { HostSnapshot, IptablesRuleCounted } from '../snapshot/host-snapshot.ts';
import { listSome, type Finding, type FindingInput, type FindingRule } from './finding.ts';

/** An ACCEPT for new traffic in and out of the bridge (return-traffic-only rules do not count). */
export function acceptsBridgeTraffic(rule: IptablesRuleCounted, bridge: string): boolean {
  if (rule.target !== 'ACCEPT' || rule.inInterface !== bridge || rule.inNegated) return false;
  if (rule.outInterface !== undefined && (rule.outInterface !== bridge || rule.outNegated)) return false;
  // Return-traffic-only rules do not let new connections across the bridge.
  return !/--ctstate|--state/.test(rule.text);
}

/** Bridge missing or down: nothing can work. */
export const bridgeRule: FindingRule = ({ snapshot, bridge }) => {
  if (!snapshot) return [];
  if (!snapshot.bridge.exists) {
    return [{ id: 'bridge-missing', severity: 'critical', title: `bridge ${bridge} does not exist`, evidence: [`ip link show ${bridge}: not found`], fix: 'bring the lab up: `hybrid-lab up`', weight: 1e9 }];
  }
  const findings: Finding[] = [];
  if (snapshot.bridge.operState === 'DOWN') {
    findings.push({ id: 'bridge-down', severity: 'critical', title: `bridge ${bridge} is DOWN`, evidence: [`operstate ${snapshot.bridge.operState}, ${snapshot.bridge.ports.length} ports`], fix: `ip link set ${bridge} up (and check its ports are up)`, weight: 1e9 });
  }
  const blocked = snapshot.bridge.ports.filter((port) => port.state !== 'forwarding');
  if (blocked.length > 0) {
    findings.push({ id: 'bridge-port-not-forwarding', severity: 'warning', title: `${blocked.length} port(s) of ${bridge} are not forwarding`, evidence: blocked.map((p) => `${p.name}: ${p.state}, link ${p.operState}`), fix: 'bring the port link up (ip link set PORT up); a down VM or stopped container leaves its port disabled' });
  }
  if (!snapshot.addresses.some((address) => address.interface === bridge && address.family === 'inet')) {
    findings.push({ id: 'bridge-no-address', severity: 'warning', title: `bridge ${bridge} has no IPv4 address`, evidence: [`ip addr show ${bridge}: no inet address`], fix: `the host (gateway) address goes on the bridge: ip addr add GATEWAY/PREFIX dev ${bridge}` });
  }
  return findings;
};

/** FORWARD policy DROP with nothing accepting bridge->bridge: bridged traffic dies in iptables. */
export const forwardPolicyRule: FindingRule = ({ snapshot, bridge }) => {
  if (!snapshot) return [];
  const forward = snapshot.iptables.chains.filter?.FORWARD;
  if (!forward || forward.policy !== 'DROP') return [];
  const chains = reachableChains(snapshot.iptables, 'filter', 'FORWARD');
  const accepting = snapshot.iptables.rules.filter((rule) => rule.table === 'filter' && chains.has(rule.chain) && acceptsBridgeTraffic(rule, bridge));
  if (accepting.length > 0) return [];
  const filtered = snapshot.sysctls.bridgeNfCallIptables === 1;
  return [
    {
      id: 'forward-policy-drop',
      severity: filtered ? 'critical' : 'warning',
      title: filtered
        ? `FORWARD policy DROP and no accept rule for ${bridge}: VM traffic over the bridge is dropped (counter ${forward.packets})`
        : `FORWARD policy DROP and no accept rule for ${bridge}: routed traffic from the lab is dropped (counter ${forward.packets})`,
      evidence: [`iptables-save -c: :FORWARD DROP [${forward.packets}:${forward.bytes}]`, `no ACCEPT rule for -i ${bridge} -o ${bridge} in ${listSome([...chains])}`, `bridge-nf-call-iptables=${snapshot.sysctls.bridgeNfCallIptables ?? 'unset (br_netfilter not loaded)'}`],
      fix: `iptables -I DOCKER-USER -i ${bridge} -o ${bridge} -j ACCEPT (hybrid-lab up adds it; re-run up, or Docker removed it on restart)`,
      weight: forward.packets,
    },
  ];
};

/** bridge-nf-call-iptables=1 makes bridged frames traverse iptables: worth knowing why. */
export const bridgeNetfilterRule: FindingRule = ({ snapshot, bridge }) => {
  if (!snapshot || snapshot.sysctls.bridgeNfCallIptables !== 1) return [];
  return [
    {
      id: 'bridge-nf-call-iptables',
      severity: 'info',
      title: 'bridge-nf-call-iptables=1: frames bridged on the lab bridge go through iptables FORWARD',
      evidence: [`/proc/sys/net/bridge/bridge-nf-call-iptables = 1 (Docker loads br_netfilter)`],
      fix: `keep an ACCEPT rule for -i ${bridge} -o ${bridge} in DOCKER-USER, or set net.bridge.bridge-nf-call-iptables=0 if no Docker network needs it`,
    },
  ];
};

export const ipForwardRule: FindingRule = ({ snapshot }) => {
  if (!snapshot || snapshot.sysctls.ipForward !== 0) return [];
  return [{ id: 'ip-forward-off', severity: 'warning', title: 'ip_forward=0: the host does not route lab traffic to other networks', evidence: ['/proc/sys/net/ipv4/ip_forward = 0'], fix: 'sysctl -w net.ipv4.ip_forward=1' }];
};

/** DROP/REJECT rules that matched lab traffic, with their counters. */
export const droppingRulesRule: FindingRule = ({ snapshot, bridge }) => {
  if (!snapshot) return [];
  const hits = snapshot.iptables.rules.filter((rule) => (rule.target === 'DROP' || rule.target === 'REJECT') && rule.packets > 0 && (rule.inInterface === bridge || rule.outInterface === bridge));
  if (hits.length === 0) return [];
  const packets = hits.reduce((sum, rule) => sum + rule.packets, 0);
  return [{ id: 'iptables-drops', severity: 'warning', title: `${packets} packets on ${bridge} hit DROP/REJECT rules`, evidence: hits.map((rule) => `[${rule.packets}:${rule.bytes}] -A ${rule.chain} ${rule.text}`), fix: 'check whether these rules are meant to isolate lab traffic; remove or narrow them otherwise', weight: packets }];
};

/** The lab subnet routed somewhere other than the bridge: replies leave by the wrong interface. */
export const routeRule: FindingRule = ({ snapshot, bridge, subnet }) => {
  if (!snapshot || !snapshot.bridge.exists) return [];
  const conflicting = snapshot.routes.filter((route) => route.destination === subnet && route.device !== bridge);
  if (conflicting.length === 0) return [];
  return [{ id: 'subnet-route-conflict', severity: 'critical', title: `the lab subnet ${subnet} is routed via ${conflicting.map((r) => r.device).join(', ')}, not ${bridge}`, evidence: conflicting.map((r) => `${r.destination} dev ${r.device}${r.gateway ? ` via ${r.gateway}` : ''}`), fix: 'remove the conflicting route or pick another lab subnet in the topology' }];
};

function nodeStateFindings(snapshot: HostSnapshot, bridge: string): Finding[] {
  const findings: Finding[] = [];
  for (const node of snapshot.nodes) {
    if (node.kind === 'host') continue;
    // Paused, stopped or missing nodes: nodeDownRule (cause-rules.ts) names them with the command that restarts them.
    if (node.state !== 'running' && node.state !== 'unknown') continue;
    if ((node.kind === 'container' || node.kind === 'dns') && !node.attachedBridges.includes(bridge)) {
      findings.push({ id: 'container-not-attached', severity: 'critical', title: `container ${node.name} not attached to ${bridge}`, evidence: [`its networks use bridges: ${node.attachedBridges.join(', ') || 'none'}`], fix: `docker network connect <lab network on ${bridge}> ${node.containerName ?? node.name} --ip ${node.ip}`, nodes: [node.name], weight: 1e6 });
    }
    if (node.kind === 'vm' && node.hostInterface && node.hostInterfaceMaster !== bridge) {
      const where = node.hostInterfaceMaster === undefined ? 'does not exist' : node.hostInterfaceMaster === '' ? 'has no master' : `is on ${node.hostInterfaceMaster}`;
      findings.push({ id: 'vm-nic-not-on-bridge', severity: 'critical', title: `VM ${node.name}: its NIC ${node.hostInterface} ${where}, not on ${bridge}`, evidence: [`ip link show ${node.hostInterface}: ${where}`], fix: `ip link set ${node.hostInterface} master ${bridge} up`, nodes: [node.name], weight: 1e6 });
    }
  }
  return findings;
}

/** Nodes down, containers on the wrong network, VM taps off the bridge. */
export const nodeRule: FindingRule = ({ snapshot, bridge }) => (snapshot ? nodeStateFindings(snapshot, bridge) : []);

/** Lab DNS records that are missing or point at the wrong address. */
export const dnsRecordRule: FindingRule = (input: FindingInput) => {
  const records = input.snapshot?.dnsRecords ?? [];
  if (records.length === 0) return [];
  const findings: Finding[] = [];
  for (const node of input.nodes) {
    if (node.kind === 'host') continue;
    const record = records.find((r) => r.name === node.name || r.name === `${node.name}.${input.domain}`);
    if (!record) findings.push({ id: 'dns-record-missing', severity: 'warning', title: `no DNS record for ${node.name}.${input.domain}`, evidence: [`records served: ${listSome(records.map((r) => r.name))}`], fix: 'hybrid-lab up rewrites the DNS records', nodes: [node.name] });
    else if (record.ip !== node.ip) findings.push({ id: 'dns-record-wrong', severity: 'critical', title: `${node.name}.${input.domain} resolves to ${record.ip}, node is at ${node.ip}`, evidence: [`record ${record.name} -> ${record.ip}`], fix: 'hybrid-lab up rewrites the DNS records', nodes: [node.name] });
  }
  return findings;
};

export const HOST_RULES: FindingRule[] = [bridgeRule, forwardPolicyRule, bridgeNetfilterRule, ipForwardRule, droppingRulesRule, routeRule, nodeRule, dnsRecordRule];
