import type { Reporter, SerializedError, TestCase, TestModule, TestRunEndReason } from 'vitest/node';
import { formatDuration } from '../common/time.ts';
import { colourEnabled, painter } from './terminal/colour.ts';

/** A failed check and why, as shown again at the end of the run. */
export interface FailedCheck {
  name: string;
  message: string;
}

export interface TestRunSummary {
  passed: number;
  failed: number;
  skipped: number;
  failures: FailedCheck[];
  /** Errors outside tests, e.g. the lab could not be brought up. */
  setupErrors: string[];
  reason: TestRunEndReason | 'unknown';
}

/** The suite name from a file path: suites/dns.test.ts -> dns. */
function suiteOf(testCase: TestCase): string {
  return testCase.module.moduleId.split('/').pop()!.replace(/\.(int\.)?test\.[mc]?[jt]s$/, '');
}

/** The describe path plus test name, without the suite-file prefix the describe repeats. */
function titleOf(testCase: TestCase): string {
  return testCase.fullName.replace(/^[a-z]+: /, '');
}

/**
 * Prints one line per check, cilium-style: `[12/40] dns: test-container -> web-server ✔ 0.21 ms`,
 * failures with the message, skips with their reason, and a summary at the end.
 */
export class TestProgressReporter implements Reporter {
  private total = 0;
  private done = 0;
  /** Verdict marks in colour only on a colour terminal (NO_COLOR, FORCE_COLOR honoured). */
  private readonly paint: ReturnType<typeof painter>;
  readonly summary: TestRunSummary = { passed: 0, failed: 0, skipped: 0, failures: [], setupErrors: [], reason: 'unknown' };

  /** @param namePattern the --test filter: checks it leaves out are not counted or printed. */
  constructor(
    private readonly namePattern?: RegExp,
    private readonly out: NodeJS.WritableStream = process.stdout,
    colour = colourEnabled(out),
  ) {
    this.paint = painter(out, colour);
  }

  private selected(testCase: TestCase): boolean {
    // vitest matches --test against the describe path and title joined by spaces.
    return !this.namePattern || this.namePattern.test(testCase.fullName.replaceAll(' > ', ' '));
  }

  onTestModuleCollected(testModule: TestModule): void {
    this.total += [...testModule.children.allTests()].filter((testCase) => this.selected(testCase)).length;
  }

  onTestCaseResult(testCase: TestCase): void {
    if (!this.selected(testCase)) return;
    this.done++;
    const result = testCase.result();
    const figure = (testCase.meta() as { figure?: string }).figure;
    const elapsed = testCase.diagnostic()?.duration;
    const prefix = `[${this.done}/${this.total}] ${suiteOf(testCase)}: ${titleOf(testCase)}`;
    if (result.state === 'passed') {
      this.summary.passed++;
      this.out.write(`${prefix} ${this.paint('green', '✔')} ${figure ?? (elapsed !== undefined ? formatDuration(elapsed) : '')}\n`);
    } else if (result.state === 'failed') {
      this.summary.failed++;
      const message = result.errors?.[0]?.message?.split('\n').slice(0, 6).join('\n      ') ?? 'failed';
      this.summary.failures.push({ name: `${suiteOf(testCase)}: ${titleOf(testCase)}`, message: result.errors?.[0]?.message ?? 'failed' });
      this.out.write(`${prefix} ${this.paint('red', '✘')}\n      ${message}\n`);
    } else {
      this.summary.skipped++;
      // Skip reasons are part of the check's title: "... (skipped: why)".
      this.out.write(`${prefix} ↷\n`);
    }
  }

  onTestRunEnd(modules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<SerializedError>, reason: TestRunEndReason): void {
    this.summary.reason = reason;
    for (const error of unhandledErrors) this.summary.setupErrors.push(error.message ?? String(error));
    // A suite file that failed before its checks ran (e.g. the lab could not be brought up).
    for (const module of modules) for (const error of module.errors()) this.summary.setupErrors.push(error.message ?? String(error));
    const { passed, failed, skipped, setupErrors } = this.summary;
    for (const error of setupErrors) this.out.write(`setup error: ${error.split('\n')[0]}\n`);
    // Long runs scroll the failures away: list them again, with their reasons, just above the summary.
    if (this.summary.failures.length > 0) {
      this.out.write(`\nFailed checks (${this.summary.failures.length}):\n`);
      for (const failure of this.summary.failures) this.out.write(`  ${this.paint('red', '✘')} ${failure.name}\n      ${failure.message.split('\n').slice(0, 3).join('\n      ')}\n`);
    }
    this.out.write(`\n${failed + setupErrors.length === 0 ? this.paint('green', '✔') : this.paint('red', '✘')} ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}${setupErrors.length ? `, ${setupErrors.length} setup error(s)` : ''}\n`);
  }
}
