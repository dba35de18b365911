/**
 * A mutant's build, isolated: a temporary directory with a copy of the built dist/ (JavaScript
 * only), package.json (ESM), and links to node_modules and configs/. The mutated files are
 * re-emitted from their edited TypeScript with ts.transpileModule, one file at a time, instead of
 * a full tsc run per mutant (13 s each on the 2-core machine): first the unedited source is
 * transpiled and must reproduce the built file byte for byte (so the copy is fresh and the
 * per-file emit is tsc's), then the edited one must differ from it. The CPU workers are started
 * from `new URL('./worker.js', import.meta.url)`, so the copy's workers run the copy's code.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import ts from 'typescript';
import type { Edit, Mutant } from './catalogue.js';

/** The repository root (the worktree that holds src/ and a fresh dist/). */
export interface Tree {
  dir: string;
  /** The copy's CLI entry point. */
  cli: string;
  remove(): void;
}

const EMIT: ts.CompilerOptions = { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ES2022, esModuleInterop: true, sourceMap: false, declaration: false };

function occurrences(text: string, s: string): number {
  let n = 0;
  for (let i = text.indexOf(s); i >= 0; i = text.indexOf(s, i + 1)) n++;
  return n;
}

/**
 * Apply one file's edits in order; every search must occur exactly once in the text as the
 * edits before it left it. Throws, naming the mutant and the edit, otherwise.
 */
export function applyEdits(id: string, file: string, text: string, edits: readonly Edit[]): string {
  let out = text;
  edits.forEach((e, i) => {
    const n = occurrences(out, e.search);
    if (n !== 1) throw new Error(`mutant ${id}: edit ${i + 1} of src/${file} matches ${n} times (must be exactly once): ${JSON.stringify(e.search.slice(0, 120))}`);
    if (e.search === e.replace) throw new Error(`mutant ${id}: edit ${i + 1} of src/${file} replaces its text with itself`);
    out = out.replace(e.search, () => e.replace);
  });
  return out;
}

/** The mutant's edits grouped by file, in catalogue order. */
export function editsByFile(m: Mutant): Map<string, Edit[]> {
  const out = new Map<string, Edit[]>();
  for (const e of m.edits) out.set(e.file, [...(out.get(e.file) ?? []), e]);
  return out;
}

/** Built JavaScript without its source-map comment. */
function builtJs(root: string, file: string): string {
  return readFileSync(join(root, 'dist', file.replace(/\.ts$/, '.js')), 'utf8').replace(/\n\/\/# sourceMappingURL=\S+\s*$/, '\n');
}

function transpile(file: string, text: string): string {
  const r = ts.transpileModule(text, { fileName: file, compilerOptions: EMIT, reportDiagnostics: true });
  const errs = (r.diagnostics ?? []).filter((d) => d.category === ts.DiagnosticCategory.Error);
  if (errs.length) throw new Error(`src/${file}: ${ts.flattenDiagnosticMessageText(errs[0]!.messageText, '\n')}`);
  return r.outputText;
}

/**
 * The emitted JavaScript of each file the mutant changes: checks that the unedited source
 * transpiles to exactly the built file and the edited one to something else.
 */
export function mutatedJs(root: string, m: Mutant): Map<string, string> {
  const out = new Map<string, string>();
  for (const [file, edits] of editsByFile(m)) {
    const src = readFileSync(join(root, 'src', file), 'utf8');
    const mutated = applyEdits(m.id, file, src, edits);
    const original = transpile(file, src);
    if (original !== builtJs(root, file)) {
      throw new Error(`src/${file}: transpiled alone it is not dist/${file.replace(/\.ts$/, '.js')} (stale dist/? run npm run build; or the file needs whole-program emit, e.g. a const enum from another file)`);
    }
    const js = transpile(file, mutated);
    if (js === original) throw new Error(`mutant ${m.id}: its edits of src/${file} do not change the emitted JavaScript`);
    out.set(file, js);
  }
  return out;
}

function copyJs(from: string, to: string): void {
  mkdirSync(to, { recursive: true });
  for (const e of readdirSync(from, { withFileTypes: true })) {
    const p = join(from, e.name);
    if (e.isDirectory()) copyJs(p, join(to, e.name));
    else if (e.name.endsWith('.js')) copyFileSync(p, join(to, e.name));
  }
}

/** A runnable copy of the build under `base`, with the mutant's files replaced (none: the baseline). */
export function buildTree(root: string, base: string, m?: Mutant): Tree {
  const js = m ? mutatedJs(root, m) : new Map<string, string>();
  mkdirSync(base, { recursive: true });
  const dir = mkdtempSync(join(base, `${m?.id ?? 'baseline'}-`));
  copyJs(join(root, 'dist'), join(dir, 'dist'));
  copyFileSync(join(root, 'package.json'), join(dir, 'package.json'));
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
  symlinkSync(join(root, 'configs'), join(dir, 'configs'), 'dir');
  for (const [file, text] of js) {
    const target = join(dir, 'dist', file.replace(/\.ts$/, '.js'));
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, text);
  }
  const cli = join(dir, 'dist', 'cli', 'main.js');
  if (relative(dir, cli).startsWith('..')) throw new Error(`bad tree ${dir}`);
  return { dir, cli, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Every catalogue problem (a search not matching exactly once, an edit that changes nothing), as messages. */
export function catalogueProblems(root: string, mutants: readonly Mutant[]): string[] {
  const out: string[] = [];
  const ids = new Set<string>();
  for (const m of mutants) {
    if (ids.has(m.id)) out.push(`mutant id ${m.id} is used twice`);
    ids.add(m.id);
    try {
      mutatedJs(root, m);
    } catch (e) {
      out.push((e as Error).message);
    }
  }
  return out;
}
