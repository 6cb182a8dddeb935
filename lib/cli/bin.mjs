#!/usr/bin/env node
// Entry point for `npx hybrid-lab`: loads the TypeScript CLI through tsx (no build step).
import { register } from 'tsx/esm/api';

const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  process.stderr.write(
    `hybrid-lab needs Node >= 22.18 (this is ${process.version}). Run it through npx from the project ` +
      `(npm install provides Node 22 in node_modules/.bin), e.g. \`npx hybrid-lab --help\`.\n`,
  );
  process.exit(2);
}
register();
const { main } = await import('./main.ts');
process.exitCode = await main(process.argv);
