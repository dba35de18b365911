/**
 * The test suite's naming rule, checked: a test is named by what it loads.
 * - `*.e2e.test.ts`: drives the built CLI in a child process (test/cli-process.ts or its own
 *   spawn of dist/cli/main.js), directly or through a helper;
 * - `*.dist.test.ts`: loads built modules from ../dist (or boots a Machine, whose CPU workers
 *   always run dist/), directly or through a helper, without the CLI;
 * - `*.test.ts` otherwise: loads ../src only (vitest compiles it on the fly), so it cannot run
 *   stale code.
 * Every file under test/ that imports ../dist, spawns the CLI or boots workers imports
 * ./dist-fresh.js first, which rebuilds a stale dist/ before anything is loaded. Errno values in
 * assertions go through Errno, not bare numbers.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const DIR = dirname(fileURLToPath(import.meta.url));
const files = readdirSync(DIR).filter((f) => f.endsWith('.ts'));
/** Source modules whose use starts CPU workers from dist/. */
const STARTS_WORKERS = /^\.\.\/src\/(actors\/cpu\/supervisor|cli\/commands\/guest-run|cli\/bench\/[a-z-]+|cli\/stress\/[a-z-]+)\.js$/;

const texts = new Map(files.map((f) => [f, readFileSync(join(DIR, f), 'utf8')]));
const imports = (file: string): string[] =>
  [...texts.get(file)!.matchAll(/^\s*(?:import|export)\s[^'"]*?['"]([^'"]+)['"]/gm)].map((m) => m[1]!);

const direct = new Map(files.map((f) => [f, imports(f)]));
/** Spawns the built CLI itself (cli-process.ts, or a test with its own spawn of dist/cli/main.js). */
const cliHere = (f: string): boolean =>
  f === 'cli-process.ts' || /join\([^)]*'dist', 'cli', 'main\.js'\)/.test(texts.get(f)!);
const local = (spec: string): string | undefined => (spec.startsWith('./') ? spec.slice(2).replace(/\.js$/, '.ts') : undefined);
/** Loads dist/ itself (not through another test/ file). */
const loadsDistHere = (f: string): boolean =>
  cliHere(f) || direct.get(f)!.some((s) => s.startsWith('../dist/') || STARTS_WORKERS.test(s));

function reaches(f: string, pred: (g: string) => boolean, seen = new Set<string>()): boolean {
  if (seen.has(f)) return false;
  seen.add(f);
  if (pred(f)) return true;
  return direct.get(f)!.some((s) => {
    const g = local(s);
    return g !== undefined && direct.has(g) && reaches(g, pred, seen);
  });
}

describe('test suite layout', () => {
  it('each test is named by what it loads: *.e2e.test.ts (the CLI), *.dist.test.ts (built modules or workers), *.test.ts (sources)', () => {
    const wrong: string[] = [];
    for (const f of files.filter((x) => x.endsWith('.test.ts'))) {
      const cli = reaches(f, cliHere);
      const dist = reaches(f, loadsDistHere);
      const want = cli ? '.e2e.test.ts' : dist ? '.dist.test.ts' : '.test.ts';
      const named = f.endsWith('.e2e.test.ts') ? '.e2e.test.ts' : f.endsWith('.dist.test.ts') ? '.dist.test.ts' : '.test.ts';
      if (want !== named) wrong.push(`${f}: loads ${cli ? 'the CLI' : dist ? 'dist/' : 'sources only'}, so its name should end in ${want}`);
    }
    expect(wrong).toEqual([]);
  });

  it('every file that loads dist/ imports ./dist-fresh.js first', () => {
    const wrong = files
      .filter((f) => f !== 'dist-fresh.ts' && loadsDistHere(f))
      .filter((f) => direct.get(f)![0] !== './dist-fresh.js')
      .map((f) => `${f}: first import is ${direct.get(f)![0]}`);
    expect(wrong).toEqual([]);
  });

  it('errno results are asserted through Errno, not bare numbers', () => {
    const bare: string[] = [];
    for (const f of files) {
      texts.get(f)!.split('\n').forEach((line, k) => {
        if (/\.(toBe|toEqual)\(-(1|2|4|5|7|8|11|12|13|14|16|17|19|22|34|36|38|95)\)/.test(line)) bare.push(`${f}:${k + 1}: ${line.trim()}`);
      });
    }
    expect(bare).toEqual([]);
  });
});
