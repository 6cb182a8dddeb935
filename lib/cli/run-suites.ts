import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EXIT_BAD_INPUT, EXIT_CHECK_FAILED, EXIT_OK, HybridLabError } from '../common/errors.ts';
import { reportsDir } from '../common/paths.ts';
import { TestProgressReporter, type TestRunSummary } from './test-progress-reporter.ts';

export const SUITES = ['connectivity', 'dns', 'latency', 'throughput', 'isolation', 'reachability', 'dhcp'] as const;

/** The package's compiled built-in suites (dist/suites, next to dist/cli) and the matchers' setup file. */
const DIST = fileURLToPath(new URL('..', import.meta.url));
const BUILTIN_SUITES = join(DIST, 'suites');

export interface SuiteRunOptions {
  suites: readonly string[];
  /** The user's own suites: every *.test.{ts,js,mts,mjs} under this directory (node_modules skipped). */
  userDir?: string;
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

/** The user's test files under dir (not in node_modules or hidden folders): explicit paths, so the built-in suites' own node_modules location needs no exclude. */
function userTestFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) return [];
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return userTestFiles(path);
    return /\.test\.[mc]?[jt]s$/.test(entry.name) ? [path] : [];
  });
}

/**
 * vitest settings for a lab run, without any config file: the compiled built-in suites (they ship
 * in the package) plus the user's directory, one file at a time, with the suites' global setup
 * (uses the lab that is up, else brings the topology's lab up and down) and the matchers.
 */
function labRunConfig(options: SuiteRunOptions) {
  if (!existsSync(join(BUILTIN_SUITES, 'support', 'global-setup.js'))) {
    throw new HybridLabError(`the compiled suites are missing (${BUILTIN_SUITES}). Fix: run \`npm run build\``);
  }
  const include = options.suites.map((suite) => join(BUILTIN_SUITES, `${suite}.test.js`));
  if (options.userDir) {
    const dir = resolve(options.userDir);
    if (!existsSync(dir)) throw new HybridLabError(`--dir ${options.userDir}: no such directory. Fix: give the folder that holds your *.test.ts files`);
    const files = userTestFiles(dir);
    if (files.length === 0) throw new HybridLabError(`--dir ${options.userDir}: no *.test.ts or *.test.js files there. Fix: give the folder that holds your suites`);
    include.push(...files);
  }
  return {
    config: false as const,
    root: process.cwd(),
    include,
    exclude: [], // explicit files only; the built-in suites live under node_modules when installed
    globalSetup: [join(BUILTIN_SUITES, 'support', 'global-setup.js')],
    setupFiles: [join(DIST, 'vitest', 'setup.js')],
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 600_000,
    run: true,
    watch: false,
    testNamePattern: options.pattern,
  };
}

/** Runs the suites through vitest with the progress reporter. */
export async function runSuites(options: SuiteRunOptions): Promise<SuiteRunResult> {
  if (options.topology) process.env.HYBRID_LAB_TOPOLOGY = resolve(options.topology);
  const junitPath = options.junitPath ?? join(reportsDir(), 'junit.xml');
  const { startVitest } = await import('vitest/node');
  const out = options.out ?? process.stdout;
  const reporter = new TestProgressReporter(options.pattern ? new RegExp(options.pattern) : undefined, out);
  // vitest's own lines ("JUNIT report written to ...") go where our progress goes, never into --json output.
  const streams = { stdout: out as NodeJS.WriteStream, stderr: process.stderr };
  const vitest = await startVitest(
    'test',
    [],
    {
      ...labRunConfig(options),
      bail: options.failFast ? 1 : undefined,
      reporters: [reporter, 'json', 'junit'],
      outputFile: { json: join(reportsDir(), 'vitest-results.json'), junit: junitPath },
    },
    {},
    streams,
  );
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
export async function listChecks(options: Pick<SuiteRunOptions, 'suites' | 'userDir' | 'pattern' | 'topology'>): Promise<string[]> {
  if (options.topology) process.env.HYBRID_LAB_TOPOLOGY = resolve(options.topology);
  const { createVitest } = await import('vitest/node');
  const vitest = await createVitest('test', { ...labRunConfig(options), reporters: [] }, {}, { stdout: process.stderr, stderr: process.stderr });
  try {
    const result = await vitest.collect();
    const pattern = options.pattern ? new RegExp(options.pattern) : undefined;
    return result.testModules.flatMap((module) =>
      [...module.children.allTests()].map((test) => test.fullName.replaceAll(' > ', ' ')).filter((name) => !pattern || pattern.test(name)),
    );
  } finally {
    await vitest.close();
  }
}
