import type { LiveLab } from '../lab/lab-nodes.ts';
import { ping } from '../probe/ping.ts';
import { summarize } from '../report/measurement.ts';

/**
 * One reading of the reference pair, host -> DNS container: p95 of 10 quick pings, in ms (NaN
 * when none came back). The path crosses the same bridge and the same host CPU as every lab
 * pair, but none of the lab's nodes or links under test: when it is slow too, the host is loaded.
 * The DNS container's kernel answers ICMP even when its dnsmasq is paused or stopped.
 */
export async function referencePingP95(lab: LiveLab, count = 10): Promise<number> {
  const result = await ping(lab.host, lab.dns.ip, { count, intervalSec: 0.02, waitSec: 1 });
  return result.rttMs.length > 0 ? summarize(result.rttMs).p95 : NaN;
}
