import type { LabNode } from '../nodes/node.ts';
import type { AddressFamily } from '../topology/families.ts';

export interface PingResult {
  target: string;
  sent: number;
  received: number;
  lossPercent: number;
  /** Round trip of every reply, in order. */
  rttMs: number[];
  /** Raw output, for failure messages. */
  output: string;
}

/** Parses iputils and busybox ping output alike. */
export function parsePingOutput(target: string, output: string): PingResult {
  const rttMs = [...output.matchAll(/time[=<]([\d.]+) ?ms/g)].map((match) => Number(match[1]));
  const stats = /(\d+) packets transmitted, (\d+) (?:packets )?received/.exec(output);
  const sent = stats ? Number(stats[1]) : 0;
  const received = stats ? Number(stats[2]) : rttMs.length;
  return { target, sent, received, lossPercent: sent === 0 ? 100 : ((sent - received) / sent) * 100, rttMs, output };
}

export interface PingOptions {
  count?: number;
  intervalSec?: number;
  waitSec?: number;
  /** Ping over this family (-4/-6: a name resolves to its A or AAAA record); unset, the target decides. */
  family?: AddressFamily;
}

/** Sends `count` ICMP (or ICMPv6) echoes from a node to a target (IP or name) and returns every RTT. */
export async function ping(from: LabNode, target: string, { count = 1, intervalSec = 0.2, waitSec = 2, family }: PingOptions = {}): Promise<PingResult> {
  const familyFlag = family ? [family === 'ipv6' ? '-6' : '-4'] : [];
  const result = await from.exec(['ping', ...familyFlag, '-c', String(count), '-i', String(intervalSec), '-W', String(waitSec), target], {
    timeoutMs: Math.ceil((count * intervalSec + waitSec + 5) * 1000), // execa wants whole milliseconds
  });
  return parsePingOutput(target, `${result.stdout}\n${result.stderr}`);
}
