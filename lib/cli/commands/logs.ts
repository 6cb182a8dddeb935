import type { Command } from 'commander';
import { CommandError, HybridLabError, SetupError } from '../../common/errors.ts';
import { run } from '../../common/run.ts';
import { formatQueryLogEntry } from '../../dns/query-log.ts';
import { streamDnsLog } from '../../lab/dns-logs.ts';
import { openLab } from '../../lab/lab-nodes.ts';
import { assertDockerSocketAccess } from '../docker-access.ts';
import { LAB_OPTION, selectedLabName, TOPOLOGY_OPTION } from '../lab-select.ts';
import { schemaId } from '../output.ts';

/** Asks Docker whether it takes the --since value, so a bad one is refused in Docker's own words. */
async function checkSince(since: string, container: string): Promise<void> {
  try {
    await run('docker', ['logs', '--since', since, '--tail', '0', container]);
  } catch (error) {
    if (!(error instanceof CommandError)) throw error;
    throw new HybridLabError(`--since ${since}: docker logs says: ${error.stderr.trim()}. Fix: a duration such as 10m or 1h, or a time such as 2026-12-01T10:00:00`);
  }
}

export function registerLogs(program: Command): void {
  program
    .command('logs')
    .description("a lab service's log; `dns`: every query with the asking node, the name, the answer and the time")
    .argument('<service>', 'dns')
    .option('-f, --follow', 'keep printing new queries')
    .option('--since <when>', 'only queries since then: a duration (10m, 1h) or a timestamp')
    .option(...TOPOLOGY_OPTION)
    .option(...LAB_OPTION)
    .option('--json', 'print one JSON object per query (JSON lines)')
    .addHelpText('after', '\nExamples:\n  npx hybrid-lab logs dns\n  npx hybrid-lab logs dns --follow --since 5m\n  npx hybrid-lab logs dns --json | jq -r .name')
    .action(async (service: string, options: { follow?: boolean; since?: string; topology?: string; lab?: string; json?: boolean }) => {
      if (service !== 'dns') throw new SetupError(`unknown service "${service}". Fix: use \`hybrid-lab logs dns\``);
      await assertDockerSocketAccess();
      const lab = await openLab(await selectedLabName(options));
      const dnsContainer = (lab.dns as Partial<{ containerName: string }>).containerName;
      if (options.since && dnsContainer) await checkSince(options.since, dnsContainer);
      const abort = new AbortController();
      process.once('SIGINT', () => abort.abort());
      const schema = schemaId('dns-query');
      await streamDnsLog(lab.state, { follow: options.follow, since: options.since, signal: abort.signal }, (entry) => {
        process.stdout.write(options.json ? `${JSON.stringify({ schema, ...entry })}\n` : `${formatQueryLogEntry(entry)}\n`);
      });
    });
}
