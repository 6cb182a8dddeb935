import type { Command } from 'commander';
import { HybridLabError } from '../../common/errors.ts';
import { assertDockerSocketAccess } from '../docker-access.ts';
import { wholeNumber } from '../flag-values.ts';
import { LAB_OPTION, selectedLabName, TOPOLOGY_OPTION } from '../lab-select.ts';
import { printDocument } from '../output.ts';
import { captureOnFailure } from '../debug-on-failure.ts';
import { listChecks, runSuites, SUITES, type SuiteRunResult } from '../run-suites.ts';

interface TestFlags {
  test?: string;
  dir?: string;
  topology?: string;
  list?: boolean;
  junit?: string;
  failFast?: boolean;
  debugOnFailure?: boolean;
  json?: boolean;
}

function checkSuites(suites: string[]): void {
  const unknown = suites.filter((suite) => !(SUITES as readonly string[]).includes(suite));
  if (unknown.length > 0) throw new HybridLabError(`unknown suite ${unknown.join(', ')}. Fix: choose from ${SUITES.join(', ')}`);
}

/** The run as a `hybrid-lab/test-run@1` document. */
function printRun(result: SuiteRunResult): void {
  const { passed, failed, skipped, setupErrors, failures } = result.summary;
  printDocument('test-run', { passed, failed, skipped, setupErrors, failures, exitCode: result.exitCode, junitPath: result.junitPath });
}

export function registerTest(program: Command): void {
  program
    .command('test')
    .description('run the suites against the live lab (brings the topology\'s lab up and down if it is not up)')
    .argument('[suites...]', `suites to run (default all): ${SUITES.join(', ')}`)
    .option('--test <pattern>', 'only checks whose name matches (regular expression), e.g. "base-vm -> test-container"')
    .option('--dir <dir>', 'also run your own suites: every *.test.ts/js under this directory (they may use hybrid-lab/vitest)')
    .option(...TOPOLOGY_OPTION)
    .option('--list', 'list the checks without running them (collecting them needs the lab, as running does)')
    .option('--junit <file>', 'write JUnit XML here (default reports/junit.xml)')
    .option('--fail-fast', 'stop at the first failed check')
    .option('--debug-on-failure', 'when a check fails, capture on the lab bridge for a few seconds while probing every pair, and print the debug report path')
    .option('--json', 'print the run (counts, failed checks with reasons) as JSON; progress goes to stderr')
    .addHelpText(
      'after',
      `
At the end the failed checks are listed again with their reasons. Exit codes: 0 all passed,
1 a check failed, 2 the lab could not be brought up or nothing matched.

Examples:
  npx hybrid-lab test
  npx hybrid-lab test dns latency
  npx hybrid-lab test --test "web-server icmp" --fail-fast
  npx hybrid-lab test --list
  npx hybrid-lab test connectivity --dir tests/network      the built-in suite and your own
  npx hybrid-lab test --junit reports/lab.xml --debug-on-failure

Results: reports/vitest-results.json, reports/junit.xml, reports/measurements/*.json, reports/history/latency.jsonl`,
    )
    .action(async (suites: string[], flags: TestFlags) => {
      checkSuites(suites);
      await assertDockerSocketAccess();
      const selected = suites.length > 0 ? suites : SUITES;
      if (flags.list) {
        const checks = await listChecks({ suites: selected, userDir: flags.dir, pattern: flags.test, topology: flags.topology });
        if (flags.json) printDocument('test-list', { checks });
        else process.stdout.write(checks.map((check) => `${check}\n`).join(''));
        return;
      }
      const result = await runSuites({
        suites: selected,
        userDir: flags.dir,
        pattern: flags.test,
        topology: flags.topology,
        junitPath: flags.junit,
        failFast: flags.failFast,
        out: flags.json ? process.stderr : process.stdout,
        onFailure: flags.debugOnFailure ? () => captureOnFailure(flags.topology, flags.json ? process.stderr : process.stdout) : undefined,
      });
      if (flags.json) printRun(result);
      process.exitCode = result.exitCode;
    });
}

export function registerBench(program: Command): void {
  program
    .command('bench')
    .description('measure the live lab (RTT and loss per pair, DNS time, TCP/UDP throughput) and append each run to the latency history; no budgets judged')
    .option('--repeat <n>', 'measure this many times (one history run each)', wholeNumber('--repeat', 'runs'), 1)
    .option('--label <name>', 'label the run(s) so reports can use them as a baseline (--baseline NAME)')
    .option(...TOPOLOGY_OPTION)
    .option(...LAB_OPTION)
    .option('--json', 'print every run (id, measurements, history file) as JSON; progress goes to stderr')
    .addHelpText('after', '\nExamples:\n  npx hybrid-lab bench --repeat 3\n  npx hybrid-lab bench --label release-0.3\n  npx hybrid-lab report latency')
    .action(async (flags: { repeat: number; label?: string; topology?: string; lab?: string; json?: boolean }) => {
      await assertDockerSocketAccess();
      // The measurement library, called directly: no vitest at run time.
      const [{ openLab }, { measureBenchRun, SHORT_BENCH }, { recordRun }, { labAccelMode }] = await Promise.all([
        import('../../lab/lab-nodes.ts'), import('../../measure/bench-run.ts'), import('../../report/history/record-run.ts'), import('../../lab/accel-mode.ts'),
      ]);
      const lab = await openLab(await selectedLabName(flags));
      const out = flags.json ? process.stderr : process.stdout;
      const runs: Array<{ runId: string; measurements: number; history: string }> = [];
      for (let round = 1; round <= flags.repeat; round++) {
        const startedAt = new Date();
        out.write(`[${round}/${flags.repeat}] measuring lab "${lab.state.lab}" …\n`);
        const measurements = await measureBenchRun(lab, { ...SHORT_BENCH, pings: lab.state.topology.budgets.pings });
        const { record, path } = await recordRun(measurements, { topology: lab.state.topology, accelMode: labAccelMode(lab.state), startedAt, label: flags.label });
        out.write(`[${round}/${flags.repeat}] ${measurements.length} measurements appended to ${path} (run ${record.context.runId}, ${Math.round((Date.now() - startedAt.getTime()) / 100) / 10} s)\n`);
        runs.push({ runId: record.context.runId, measurements: measurements.length, history: path });
      }
      if (flags.json) printDocument('bench', { label: flags.label, runs });
    });
}
