import { join } from 'node:path';
import type { Command } from 'commander';
import { reportsDir } from '../../common/paths.ts';
import { EXIT_BAD_INPUT, EXIT_CHECK_FAILED, EXIT_OK } from '../../common/errors.ts';
import { TestProgressReporter } from '../test-progress-reporter.ts';

const SUITES = ['connectivity', 'dns', 'latency', 'throughput', 'isolation'];

export function registerTest(program: Command): void {
  program
    .command('test')
    .description('run the suites against the live lab (brings the default lab up and down if none is up)')
    .argument('[suites...]', `suites to run (default all): ${SUITES.join(', ')}`)
    .option('--test <pattern>', 'only checks whose name matches (regular expression), e.g. "base-vm -> test-container"')
    .option('-t, --topology <file>', 'topology file (default: ./hybrid-lab.yaml, else lab/default.yaml)')
    .addHelpText('after', '\nExamples:\n  npx hybrid-lab test\n  npx hybrid-lab test dns latency\n  npx hybrid-lab test --test "web-server"\n\nResults: reports/vitest-results.json, reports/junit.xml, reports/measurements/*.json, reports/history/latency.jsonl')
    .action(async (suites: string[], options: { test?: string; topology?: string }) => {
      const unknown = suites.filter((suite) => !SUITES.includes(suite));
      if (unknown.length > 0) {
        process.stderr.write(`error: unknown suite ${unknown.join(', ')}. Choose from ${SUITES.join(', ')}\n`);
        process.exitCode = EXIT_BAD_INPUT;
        return;
      }
      if (options.topology) process.env.HYBRID_LAB_TOPOLOGY = options.topology;
      const { startVitest } = await import('vitest/node');
      const reporter = new TestProgressReporter(options.test ? new RegExp(options.test) : undefined);
      const files = (suites.length > 0 ? suites : SUITES).map((suite) => `suites/${suite}.test.ts`);
      const vitest = await startVitest('test', files, {
        run: true,
        watch: false,
        project: 'lab',
        testNamePattern: options.test,
        reporters: [reporter, 'json', 'junit'],
        outputFile: { json: join(reportsDir(), 'vitest-results.json'), junit: join(reportsDir(), 'junit.xml') },
      });
      await vitest.close();
      const { failed, setupErrors, passed, skipped } = reporter.summary;
      if (passed + failed + skipped === 0 && setupErrors.length === 0) {
        process.stderr.write(`error: no check matched${options.test ? ` --test "${options.test}"` : ''}\n`);
        process.exitCode = EXIT_BAD_INPUT;
        return;
      }
      process.exitCode = setupErrors.length > 0 && passed + failed === 0 ? EXIT_BAD_INPUT : failed + setupErrors.length > 0 ? EXIT_CHECK_FAILED : EXIT_OK;
    });
}
