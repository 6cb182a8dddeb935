import { CAPTURE_RULES } from './capture-rules.ts';
import { CAUSE_RULES } from './cause-rules.ts';
import { SEVERITY_ORDER, type Finding, type FindingInput } from './finding.ts';
import { HOST_RULES } from './host-rules.ts';

/**
 * Folds symptom findings into the cause that explains them: an unanswered-ping finding whose pairs
 * a rule, policy or node finding explains is not listed on its own; the cause lists it instead.
 */
function correlate(findings: Finding[]): Finding[] {
  const causes = findings.filter((f) => f.explains && f.explains.length > 0);
  return findings.filter((finding) => {
    if (!finding.pairs || finding.pairs.length === 0) return true;
    const cause = causes.find((c) => finding.pairs!.every((pair) => c.explains!.includes(pair)));
    if (!cause) return true;
    cause.symptoms = [...(cause.symptoms ?? []), finding.title];
    // A cause is at least as serious as what it explains (an unanswered lab DNS is critical).
    if (SEVERITY_ORDER[finding.severity] < SEVERITY_ORDER[cause.severity]) cause.severity = finding.severity;
    return false;
  });
}

/** Runs every rule over the snapshot and capture, folds symptoms into causes, and ranks: severity, then weight. */
export function computeFindings(input: FindingInput): Finding[] {
  const findings = correlate([...HOST_RULES, ...CAUSE_RULES, ...CAPTURE_RULES].flatMap((rule) => rule(input)));
  for (const error of input.snapshot?.errors ?? []) {
    findings.push({ id: 'snapshot-partial', severity: 'info', title: `host snapshot incomplete: ${error.source} failed`, evidence: [error.message], fix: 'run as root with iproute2, iptables and docker installed for a full snapshot' });
  }
  return findings.sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || (b.weight ?? 0) - (a.weight ?? 0));
}

export type { Finding, FindingInput, Severity } from './finding.ts';
