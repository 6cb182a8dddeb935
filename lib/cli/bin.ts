#!/usr/bin/env node
// Entry point for `hybrid-lab` (compiled to dist/cli/bin.js). Checks the Node version before
// loading anything that needs a newer one.
import module from 'node:module';
import { exitQuietlyOnBrokenPipe } from './terminal/pipes.ts';

const MINIMUM = [20, 19] as const;
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < MINIMUM[0] || (major === MINIMUM[0] && minor < MINIMUM[1])) {
  process.stderr.write(
    `hybrid-lab needs Node >= ${MINIMUM.join('.')} (this is ${process.version}). ` +
      'Fix: install a newer Node.js (nodejs.org, or Debian/Ubuntu backports) and run hybrid-lab with it.\n',
  );
  process.exit(2);
}
exitQuietlyOnBrokenPipe();
// V8's compiled code for our modules and dependencies, cached on disk: start-up is mostly module loading.
module.enableCompileCache?.();
const { main } = await import('./main.ts');
process.exitCode = await main(process.argv);
