import type { LabNode } from '../nodes/node.ts';
import { lookup } from '../probe/dns-lookup.ts';
import { echo } from '../probe/echo.ts';
import { httpGet } from '../probe/http.ts';
import { ping, type PingResult } from '../probe/ping.ts';
import { summarize, type Measurement } from '../report/measurement.ts';

export interface ReachOptions {
  /** icmp (default), tcp or udp echo (port 7), or http (port 80). */
  protocol?: 'icmp' | 'tcp' | 'udp' | 'http';
  port?: number;
  /** ICMP echoes sent (default 3; reached when one comes back). */
  count?: number;
}

/** A latency budget, like the topology's: p95 round trip and packet loss. */
export interface LatencyBudget {
  p95Ms: number;
  maxLossPercent?: number;
}

interface MatcherResult {
  pass: boolean;
  message: () => string;
}

const targetOf = (target: LabNode | string) => (typeof target === 'string' ? target : target.ip);

function assertNode(received: unknown, matcher: string): LabNode {
  const node = received as Partial<LabNode> | undefined;
  if (!node || typeof node.exec !== 'function') throw new TypeError(`${matcher}: expect(...) needs a LabNode (e.g. lab.node('client')), got ${typeof received}`);
  return node as LabNode;
}

/** Whether `from` reaches `target` (a node, an address or a name) over a protocol. */
async function toReach(received: unknown, target: LabNode | string, options: ReachOptions = {}): Promise<MatcherResult> {
  const from = assertNode(received, 'toReach');
  const protocol = options.protocol ?? 'icmp';
  const address = targetOf(target);
  let reached: boolean;
  let detail: string;
  if (protocol === 'icmp') {
    const result = await ping(from, address, { count: options.count ?? 3 });
    reached = result.received > 0;
    detail = `${result.received}/${result.sent} echo replies${reached ? '' : `\n${result.output.trim()}`}`;
  } else if (protocol === 'http') {
    const result = await httpGet(from, options.port ? `${address}:${options.port}` : address);
    reached = result.ok;
    detail = result.detail;
  } else {
    const result = await echo(from, protocol, address, options.port ?? 7);
    reached = result.ok;
    detail = result.detail;
  }
  const what = `${from.name} -> ${address} over ${protocol}`;
  return { pass: reached, message: () => (reached ? `expected ${what} not to get through, but it did (${detail})` : `expected ${what} to get through: ${detail}`) };
}

/** Whether a name resolves, from inside the node, to the address. */
async function toResolveTo(received: unknown, name: string, address: string): Promise<MatcherResult> {
  const from = assertNode(received, 'toResolveTo');
  const result = await lookup(from, name);
  const pass = result.answers.includes(address);
  return {
    pass,
    message: () => `expected ${name} ${pass ? 'not ' : ''}to resolve to ${address} on ${from.name}; got ${result.rcode} ${result.answers.join(', ') || '(no answer)'}`,
  };
}

/** p95 of RTT samples (a ping result, a latency measurement or raw samples) and loss against a budget. */
function toBeWithinBudget(received: PingResult | Measurement | readonly number[], budget: LatencyBudget): MatcherResult {
  const samples = Array.isArray(received) ? (received as readonly number[]) : 'rttMs' in received ? received.rttMs : (received as Measurement).samples;
  const lossPercent = Array.isArray(received) ? 0 : ((received as { lossPercent?: number }).lossPercent ?? 0);
  const p95 = summarize(samples).p95;
  const maxLoss = budget.maxLossPercent ?? 0;
  const pass = samples.length > 0 && p95 <= budget.p95Ms && lossPercent <= maxLoss;
  return {
    pass,
    message: () => `expected p95 ${p95.toFixed(3)} ms (of ${samples.length} samples) and loss ${lossPercent}% ${pass ? 'not ' : ''}to be within p95 <= ${budget.p95Ms} ms, loss <= ${maxLoss}%`,
  };
}

/** Matchers for `expect.extend` (hybrid-lab/vitest/setup registers them). */
export const hybridLabMatchers = { toReach, toResolveTo, toBeWithinBudget };

declare module 'vitest' {
  interface Matchers<T = any> {
    /** The node reaches the target (LabNode, address or name) over icmp (default), tcp, udp or http. */
    toReach(target: LabNode | string, options?: ReachOptions): Promise<T>;
    /** A name resolves, from inside the node, to the address. */
    toResolveTo(name: string, address: string): Promise<T>;
    /** A ping result, latency measurement or RTT samples is within a p95/loss budget. */
    toBeWithinBudget(budget: LatencyBudget): T;
  }
}
