import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { transformSync } from 'esbuild';

/**
 * Compiles the built-in suites (suites/**.ts) into dist/suites/ for the package: types removed by
 * esbuild's TypeScript transform (Node 20 has no built-in one), `.ts` imports turned into `.js`, and `../lib/X` imports pointed
 * at dist/X (dist/ holds what lib/ holds). `hybrid-lab test` runs these from an installed package.
 */
export function compileSuites(suitesDir: string, outDir: string): string[] {
  const written: string[] = [];
  const walk = (dir: string): string[] => readdirSync(dir).flatMap((name) => (statSync(join(dir, name)).isDirectory() ? walk(join(dir, name)) : [join(dir, name)]));
  for (const file of walk(suitesDir).filter((path) => path.endsWith('.ts'))) {
    const depth = relative(suitesDir, dirname(file)).split('/').filter(Boolean).length;
    const toLib = `${'../'.repeat(depth + 1)}lib/`;
    const compiled = transformSync(readFileSync(file, 'utf8'), { loader: 'ts', format: 'esm', target: 'node20', sourcefile: file }).code;
    // esbuild quotes with "; accept either quote: `../lib/X.ts` becomes `../X.js` (dist/ holds what lib/ holds).
    const javascript = compiled
      .replace(/(["'])((?:\.\.\/)+)lib\//g, (match, quote: string, ups: string) => (ups === toLib.slice(0, -'lib/'.length) ? `${quote}${ups}` : match))
      .replace(/(from\s+|import\()(["'])(\.{1,2}\/[^"']+)\.ts\2/g, '$1$2$3.js$2');
    const target = join(outDir, relative(suitesDir, file)).replace(/\.ts$/, '.js');
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, javascript);
    written.push(target);
  }
  return written;
}

if (process.argv[1] && import.meta.url === `file://${process.argv[1]}`) {
  compileSuites(process.argv[2] ?? 'suites', process.argv[3] ?? join('dist', 'suites'));
}
