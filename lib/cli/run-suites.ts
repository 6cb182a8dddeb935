import { join } from 'node:path';
import { EXIT_BAD_INPUT, EXIT_CHECK_FAILED, EXIT_OK } from '../common/errors.ts';
import { reportsDir } from '../common/paths.ts';
import { TestProgressReporter, type TestRunSummary } from './test-progress-reporter.ts';

export const SUITES = ['connectivity', 'dns', 'latency', 'throughput', 'isolation'] as const;

export interface SuiteRunOptions {
  suites: readonly string[];
  /** Regular expression on "suite: from -> to check" names. */
  pattern?: string;
  topology?: string;
  /** JUnit XML file (default reports/junit.xml). */
  junitPath?: string;
  /** Stop at the first failed check. */
  failFast?: boolean;
  /** Where progress lines go (stderr when stdout carries JSON). */
  out?: NodeJS.WritableStream;
  /** Runs while the lab is still up, when a check failed (e.g. a debug capture). */
  onFailure?: (summary: TestRunSummary) => Promise<void>;
}

export interface SuiteRunResult {
  exitCode: number;
  summary: TestRunSummary;
  junitPath: string;
}

function exitCodeOf(summary: TestRunSummary): number {
  const { failed, setupErrors, passed, skipped } = summary;
  if (passed + failed + skipped === 0 && setupErrors.length === 0) return EXIT_BAD_INPUT;
  if (setupErrors.length > 0 && passed + failed === 0) return EXIT_BAD_INPUT;
  return failed + setupErrors.length > 0 ? EXIT_CHECK_FAILED : EXIT_OK;
}

/** Runs suites through vitest (the `lab` project) with the progress reporter. */
export async function runSuites(options: SuiteRunOptions): Promise<SuiteRunResult> {
  if (options.topology) process.env.HYBRID_LAB_TOPOLOGY = options.topology;
  const junitPath = options.junitPath ?? join(reportsDir(), 'junit.xml');
  const { startVitest } = await import('vitest/node');
  const out = options.out ?? process.stdout;
  const reporter = new TestProgressReporter(options.pattern ? new RegExp(options.pattern) : undefined, out);
  // vitest's own lines ("JUNIT report written to ...") go where our progress goes, never into --json output.
  const streams = { stdout: out as NodeJS.WriteStream, stderr: process.stderr };
  const vitest = await startVitest('test', options.suites.map((suite) => `suites/${suite}.test.ts`), {
    run: true,
    watch: false,
    project: 'lab',
    testNamePattern: options.pattern,
    bail: options.failFast ? 1 : undefined,
    reporters: [reporter, 'json', 'junit'],
    outputFile: { json: join(reportsDir(), 'vitest-results.json'), junit: junitPath },
  }, {}, streams);
  try {
    // The lab's global setup tears down what it brought up when vitest closes: act before that.
    if (reporter.summary.failed > 0 && options.onFailure) await options.onFailure(reporter.summary);
  } finally {
    await vitest.close();
  }
  const exitCode = exitCodeOf(reporter.summary);
  if (exitCode === EXIT_BAD_INPUT && reporter.summary.setupErrors.length === 0) {
    process.stderr.write(`error: no check matched${options.pattern ? ` --test "${options.pattern}"` : ''}\n`);
  }
  return { exitCode, summary: reporter.summary, junitPath };
}

/** The checks the suites hold for the lab (collecting needs the lab up, as running does). */
export async function listChecks(options: Pick<SuiteRunOptions, 'suites' | 'pattern' | 'topology'>): Promise<string[]> {
  if (options.topology) process.env.HYBRID_LAB_TOPOLOGY = options.topology;
  const { createVitest } = await import('vitest/node');
  const vitest = await createVitest('test', { run: true, watch: false, project: 'lab', testNamePattern: options.pattern, reporters: [] }, {}, { stdout: process.stderr, stderr: process.stderr });
  try {
    const result = await vitest.collect(options.suites.map((suite) => `suites/${suite}.test.ts`));
    const pattern = options.pattern ? new RegExp(options.pattern) : undefined;
    return result.testModules.flatMap((module) =>
      [...module.children.allTests()].map((test) => test.fullName).filter((name) => !pattern || pattern.test(name.replaceAll(' > ', ' '))).map((name) => name.replaceAll(' > ', ' ')),
    );
  } finally {
    await vitest.close();
  }
}
