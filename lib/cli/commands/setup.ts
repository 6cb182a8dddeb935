import type { Command } from 'commander';
import { nowMs } from '../../common/time.ts';
import { setupHost } from '../../host/setup.ts';
import { wordList } from '../flag-values.ts';
import { printDocument } from '../output.ts';
import { cliProgress } from '../progress.ts';

const FEATURES = ['vm', 'vagrant', 'debug', 'reports', 'podman'] as const;

export function registerSetup(program: Command): void {
  program
    .command('setup')
    .description('install missing Debian packages and start the Docker engine')
    .option('--with <features>', `extra features, comma separated: ${FEATURES.join(', ')}`, wordList('--with', FEATURES), ['vm', 'debug', 'reports'])
    .option('--json', 'print what was set up as JSON (progress still goes to stderr)')
    .addHelpText('after', '\nExamples:\n  npx hybrid-lab setup\n  npx hybrid-lab setup --with vm,vagrant\n  npx hybrid-lab setup --with podman')
    .action(async (options: { with: Array<(typeof FEATURES)[number]>; json?: boolean }) => {
      const started = nowMs();
      const features = ['core', 'build', ...options.with] as const;
      await setupHost(cliProgress(), features);
      if (options.json) printDocument('setup', { features, elapsedMs: Math.round(nowMs() - started) });
    });
}
