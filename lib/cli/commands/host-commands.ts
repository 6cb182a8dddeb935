import type { Command } from 'commander';
import Table from 'cli-table3';
import { EXIT_CHECK_FAILED } from '../../common/errors.ts';
import { terminalReporter } from '../../common/progress.ts';
import { runDoctor } from '../../host/doctor.ts';
import { setupHost } from '../../host/setup.ts';
import { printJson } from '../output.ts';

export function registerDoctor(program: Command): void {
  program
    .command('doctor')
    .description('report what the host has for the lab, and the fix for what it lacks')
    .option('--json', 'print as JSON')
    .addHelpText('after', '\nExamples:\n  npx hybrid-lab doctor\n  npx hybrid-lab doctor --json')
    .action(async (options: { json?: boolean }) => {
      const checks = await runDoctor();
      if (options.json) printJson(checks);
      else {
        const table = new Table({ head: ['check', 'ok', 'detail', 'fix'], wordWrap: true, colWidths: [26, 5, 60, 45] });
        for (const check of checks) table.push([check.name, check.ok ? '✔' : check.required ? '✘' : '–', check.detail, check.fix ?? '']);
        process.stdout.write(`${table.toString()}\n`);
      }
      if (checks.some((check) => check.required && !check.ok)) process.exitCode = EXIT_CHECK_FAILED;
    });
}

export function registerSetup(program: Command): void {
  program
    .command('setup')
    .description('install missing Debian packages and start the Docker engine')
    .option('--with <features>', 'extra features: vm, vagrant, debug, reports, podman (comma separated)', 'vm,debug,reports')
    .addHelpText('after', '\nExamples:\n  npx hybrid-lab setup\n  npx hybrid-lab setup --with vm,vagrant\n  npx hybrid-lab setup --with podman')
    .action(async (options: { with: string }) => {
      const extra = options.with.split(',').map((f) => f.trim()).filter(Boolean) as Array<'vm' | 'vagrant' | 'debug' | 'reports' | 'podman'>;
      await setupHost(terminalReporter(), ['core', 'build', ...extra]);
    });
}
