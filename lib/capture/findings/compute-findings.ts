import { CAPTURE_RULES } from './capture-rules.ts';
import { SEVERITY_ORDER, type Finding, type FindingInput } from './finding.ts';
import { HOST_RULES } from './host-rules.ts';

/** Runs every rule over the snapshot and capture and ranks the findings: severity, then weight. */
export function computeFindings(input: FindingInput): Finding[] {
  const findings = [...HOST_RULES, ...CAPTURE_RULES].flatMap((rule) => rule(input));
  for (const error of input.snapshot?.errors ?? []) {
    findings.push({ id: 'snapshot-partial', severity: 'info', title: `host snapshot incomplete: ${error.source} failed`, evidence: [error.message], fix: 'run as root with iproute2, iptables and docker installed for a full snapshot' });
  }
  return findings.sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || (b.weight ?? 0) - (a.weight ?? 0));
}

export type { Finding, FindingInput, Severity } from './finding.ts';
