import { join } from 'node:path';
import { EXIT_BAD_INPUT, EXIT_CHECK_FAILED, EXIT_OK } from '../common/errors.ts';
import { reportsDir } from '../common/paths.ts';
import { TestProgressReporter } from './test-progress-reporter.ts';

export const SUITES = ['connectivity', 'dns', 'latency', 'throughput', 'isolation'] as const;

export interface SuiteRunOptions {
  suites: readonly string[];
  /** Regular expression on "suite: from -> to check" names. */
  pattern?: string;
  topology?: string;
}

/** Runs suites through vitest (the `lab` project) with the progress reporter; returns the exit code. */
export async function runSuites(options: SuiteRunOptions): Promise<number> {
  if (options.topology) process.env.HYBRID_LAB_TOPOLOGY = options.topology;
  const { startVitest } = await import('vitest/node');
  const reporter = new TestProgressReporter(options.pattern ? new RegExp(options.pattern) : undefined);
  const vitest = await startVitest('test', options.suites.map((suite) => `suites/${suite}.test.ts`), {
    run: true,
    watch: false,
    project: 'lab',
    testNamePattern: options.pattern,
    reporters: [reporter, 'json', 'junit'],
    outputFile: { json: join(reportsDir(), 'vitest-results.json'), junit: join(reportsDir(), 'junit.xml') },
  });
  await vitest.close();
  const { failed, setupErrors, passed, skipped } = reporter.summary;
  if (passed + failed + skipped === 0 && setupErrors.length === 0) {
    process.stderr.write(`error: no check matched${options.pattern ? ` --test "${options.pattern}"` : ''}\n`);
    return EXIT_BAD_INPUT;
  }
  if (setupErrors.length > 0 && passed + failed === 0) return EXIT_BAD_INPUT;
  return failed + setupErrors.length > 0 ? EXIT_CHECK_FAILED : EXIT_OK;
}
