/**
 * One `up`, no-op `up` or `down` of a topology file in a process of its own, for the scale
 * benchmark: prints {elapsedMs, maxRssKb} as JSON so the parent can put memory beside time.
 */
import { silentReporter } from '../common/progress.ts';
import { downLab } from '../lab/down.ts';
import { upLab } from '../lab/up.ts';
import { loadTopology } from '../topology/load.ts';

const [action, file] = process.argv.slice(2);
const topology = await loadTopology(file);
// Loading modules is start-up, not library time: dockerode (loaded on the first engine call since
// `status` stopped needing it) is loaded before the clock starts, as its static import was before.
await import('dockerode');
const started = performance.now();
if (action === 'up') await upLab(topology, { reporter: silentReporter, setup: false });
else {
  const result = await downLab(topology.name, topology, silentReporter);
  if (result.failures.length > 0) throw new Error(result.failures.join('; '));
}
const elapsedMs = performance.now() - started;
process.stdout.write(`${JSON.stringify({ elapsedMs, maxRssKb: process.resourceUsage().maxRSS })}\n`);
