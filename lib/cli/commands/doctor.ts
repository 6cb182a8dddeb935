import type { Command } from 'commander';
import { EXIT_CHECK_FAILED } from '../../common/errors.ts';
import { runDoctor, type DoctorCheck } from '../../host/doctor.ts';
import { kernelFeatures } from '../../host/kernel-capabilities.ts';
import { assertDockerSocketAccess } from '../docker-access.ts';
import { printDocument } from '../output.ts';
import { painter } from '../terminal/colour.ts';
import { renderPlainTable, stdoutTableOptions } from '../terminal/table.ts';

function mark(check: DoctorCheck): string {
  return check.ok ? '✔' : check.required ? '✘' : '–';
}

export function registerDoctor(program: Command): void {
  program
    .command('doctor')
    .description('report what the host has for the lab, and the fix for what it lacks')
    .option('--json', 'print as JSON')
    .addHelpText('after', '\nExit code 1 when a required check fails.\n\nExamples:\n  npx hybrid-lab doctor\n  npx hybrid-lab doctor --json | jq \'.checks[] | select(.ok | not)\'')
    .action(async (options: { json?: boolean }) => {
      // Without access to the socket every Docker check would read "not reachable": say why instead.
      await assertDockerSocketAccess();
      const checks = await runDoctor();
      if (options.json) printDocument('doctor', { checks, kernel: await kernelFeatures() });
      else {
        const paint = painter();
        const byMark = (text: string) => (text === '✔' ? paint('green', text) : text === '✘' ? paint('red', text) : text);
        const rows = checks.map((check) => [check.name, mark(check), check.detail, check.fix ?? '']);
        process.stdout.write(renderPlainTable(['check', 'ok', 'detail', 'fix'], rows, stdoutTableOptions([, byMark])));
      }
      if (checks.some((check) => check.required && !check.ok)) process.exitCode = EXIT_CHECK_FAILED;
    });
}
