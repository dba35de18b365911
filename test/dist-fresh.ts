/**
 * Imported first by every test that loads built JavaScript (modules from ../dist, the CLI, or
 * the CPU workers, which always run dist/): when a source file is newer than the newest file
 * of the last build, it rebuilds dist/ before anything is loaded, so no test runs stale code,
 * even run alone with `npx vitest run test/FILE` (`npm test` builds first anyway). The rule
 * that names such tests `*.dist.test.ts` / `*.e2e.test.ts` and makes them import this module
 * is checked by test/test-layout.test.ts.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Newest modification time (ms) of the files under dir whose names end with ext (0: none). */
function newest(dir: string, ext: string): number {
  if (!existsSync(dir)) return 0;
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) t = Math.max(t, newest(p, ext));
    else if (e.name.endsWith(ext)) t = Math.max(t, statSync(p).mtimeMs);
  }
  return t;
}

const src = Math.max(newest(join(ROOT, 'src'), '.ts'), statSync(join(ROOT, 'tsconfig.json')).mtimeMs);
const built = newest(join(ROOT, 'dist'), '.js');
if (src > built) {
  console.log(`dist/ is older than src/ (${built === 0 ? 'never built' : `by ${Math.round((src - built) / 1000)} s`}): rebuilding before the test loads it`);
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-p', join(ROOT, 'tsconfig.json')], { cwd: ROOT, stdio: 'inherit' });
}

/** Whether this run rebuilt dist/ (for the layout test). */
export const REBUILT = src > built;
