import type { Command } from 'commander';
import { EXIT_BAD_INPUT } from '../../common/errors.ts';
import { runSuites, SUITES } from '../run-suites.ts';

export function registerTest(program: Command): void {
  program
    .command('test')
    .description('run the suites against the live lab (brings the default lab up and down if none is up)')
    .argument('[suites...]', `suites to run (default all): ${SUITES.join(', ')}`)
    .option('--test <pattern>', 'only checks whose name matches (regular expression), e.g. "base-vm -> test-container"')
    .option('-t, --topology <file>', 'topology file (default: ./hybrid-lab.yaml, else lab/default.yaml)')
    .addHelpText('after', '\nExamples:\n  npx hybrid-lab test\n  npx hybrid-lab test dns latency\n  npx hybrid-lab test --test "web-server icmp"\n\nResults: reports/vitest-results.json, reports/junit.xml, reports/measurements/*.json, reports/history/latency.jsonl')
    .action(async (suites: string[], options: { test?: string; topology?: string }) => {
      const unknown = suites.filter((suite) => !(SUITES as readonly string[]).includes(suite));
      if (unknown.length > 0) {
        process.stderr.write(`error: unknown suite ${unknown.join(', ')}. Choose from ${SUITES.join(', ')}\n`);
        process.exitCode = EXIT_BAD_INPUT;
        return;
      }
      process.exitCode = await runSuites({ suites: suites.length > 0 ? suites : SUITES, pattern: options.test, topology: options.topology });
    });
}

export function registerBench(program: Command): void {
  program
    .command('bench')
    .description('run only the measurements (latency, throughput, DNS time) and append them to the latency history')
    .option('--repeat <n>', 'measure this many times (one history run each)', (v) => Number.parseInt(v, 10), 1)
    .option('--label <name>', 'label the run(s) so reports can use them as a baseline (--baseline NAME)')
    .option('-t, --topology <file>', 'topology file (default: ./hybrid-lab.yaml, else lab/default.yaml)')
    .addHelpText('after', '\nExamples:\n  npx hybrid-lab bench --repeat 3\n  npx hybrid-lab bench --label release-0.3\n  npx hybrid-lab report latency')
    .action(async (options: { repeat: number; label?: string; topology?: string }) => {
      if (!Number.isInteger(options.repeat) || options.repeat < 1) {
        process.stderr.write(`error: --repeat must be a whole number >= 1 (got ${options.repeat})\n`);
        process.exitCode = EXIT_BAD_INPUT;
        return;
      }
      if (options.label) process.env.HYBRID_LAB_RUN_LABEL = options.label;
      let worst = 0;
      for (let round = 1; round <= options.repeat; round++) {
        if (options.repeat > 1) process.stdout.write(`\n— measurement run ${round}/${options.repeat}\n`);
        const code = await runSuites({ suites: ['latency', 'throughput', 'dns'], pattern: '^(latency|throughput): |cached answers', topology: options.topology });
        worst = Math.max(worst, code);
      }
      process.exitCode = worst;
    });
}
