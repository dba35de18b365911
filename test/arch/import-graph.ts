/**
 * The import graph of src/: every .ts file and the files it imports (import and export
 * declarations, `import type` included, `import('…')` in code and in types), read with the
 * TypeScript parser the project already depends on. Only relative specifiers are edges:
 * packages and node: modules are outside the layering. Type-only imports count: a layer that
 * names another layer's types depends on it as much as one that calls it.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, posix, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/** One import: `from` imports `to` (both relative to src/, posix separators, with .ts). */
export interface ImportEdge {
  readonly from: string;
  readonly to: string;
  /** Every import of `to` in `from` is type-only. */
  readonly typeOnly: boolean;
}

export interface ImportGraph {
  /** Every .ts file under src/, relative to src/. */
  readonly files: readonly string[];
  readonly edges: readonly ImportEdge[];
  /** Relative specifiers that name no file under src/ ("file: specifier"). */
  readonly unresolved: readonly string[];
}

function listTs(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...listTs(p));
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

interface Specifier {
  text: string;
  typeOnly: boolean;
}

/** The module specifiers of one source file. */
function specifiers(file: string, text: string): Specifier[] {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, false, ts.ScriptKind.TS);
  const out: Specifier[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const c = node.importClause;
      const named = c?.namedBindings && ts.isNamedImports(c.namedBindings) ? c.namedBindings.elements : undefined;
      // `import type {…}`, or `import { type A, type B }` with nothing else imported.
      const typeOnly = c !== undefined && (c.isTypeOnly || (c.name === undefined && named !== undefined && named.length > 0 && named.every((e) => e.isTypeOnly)));
      out.push({ text: node.moduleSpecifier.text, typeOnly });
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      const named = node.exportClause && ts.isNamedExports(node.exportClause) ? node.exportClause.elements : undefined;
      const typeOnly = node.isTypeOnly || (named !== undefined && named.length > 0 && named.every((e) => e.isTypeOnly));
      out.push({ text: node.moduleSpecifier.text, typeOnly });
    } else if (ts.isImportTypeNode(node)) {
      const arg = node.argument;
      if (ts.isLiteralTypeNode(arg) && ts.isStringLiteral(arg.literal)) out.push({ text: arg.literal.text, typeOnly: true });
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const a = node.arguments[0];
      if (a && ts.isStringLiteralLike(a)) out.push({ text: a.text, typeOnly: false });
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

/** The import graph of the .ts files under `srcDir`. */
export function importGraph(srcDir: string): ImportGraph {
  const abs = listTs(srcDir);
  const rel = (p: string): string => relative(srcDir, p).split(sep).join(posix.sep);
  const files = abs.map(rel).sort();
  const known = new Set(files);
  const byPair = new Map<string, { from: string; to: string; typeOnly: boolean }>();
  const unresolved: string[] = [];
  for (const p of abs) {
    const from = rel(p);
    for (const s of specifiers(p, readFileSync(p, 'utf8'))) {
      if (!s.text.startsWith('.')) continue;
      // NodeNext: sources import './x.js' for ./x.ts.
      const to = posix.normalize(posix.join(posix.dirname(from), s.text.replace(/\.js$/, '.ts')));
      if (!known.has(to)) {
        unresolved.push(`${from}: ${s.text}`);
        continue;
      }
      const key = `${from}\0${to}`;
      const e = byPair.get(key);
      if (e === undefined) byPair.set(key, { from, to, typeOnly: s.typeOnly });
      else e.typeOnly &&= s.typeOnly;
    }
  }
  const edges = [...byPair.values()].sort((a, b) => (a.from === b.from ? a.to.localeCompare(b.to) : a.from.localeCompare(b.from)));
  return { files, edges, unresolved };
}

/** The strongly connected components with more than one file (or a file importing itself). */
export function importCycles(g: ImportGraph): string[][] {
  const adj = new Map<string, string[]>(g.files.map((f) => [f, []]));
  for (const e of g.edges) adj.get(e.from)!.push(e.to);
  // Tarjan's algorithm, iterative (the graph is a few hundred files, but recursion depth is
  // the longest import chain, which nothing bounds).
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const out: string[][] = [];
  let next = 0;
  for (const root of g.files) {
    if (index.has(root)) continue;
    const work: { v: string; i: number }[] = [{ v: root, i: 0 }];
    index.set(root, next);
    low.set(root, next++);
    stack.push(root);
    onStack.add(root);
    while (work.length > 0) {
      const top = work[work.length - 1]!;
      const succ = adj.get(top.v)!;
      if (top.i < succ.length) {
        const w = succ[top.i++]!;
        if (!index.has(w)) {
          index.set(w, next);
          low.set(w, next++);
          stack.push(w);
          onStack.add(w);
          work.push({ v: w, i: 0 });
        } else if (onStack.has(w)) low.set(top.v, Math.min(low.get(top.v)!, index.get(w)!));
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1]!.v;
        low.set(parent, Math.min(low.get(parent)!, low.get(top.v)!));
      }
      if (low.get(top.v) === index.get(top.v)) {
        const scc: string[] = [];
        let w: string;
        do {
          w = stack.pop()!;
          onStack.delete(w);
          scc.push(w);
        } while (w !== top.v);
        if (scc.length > 1 || adj.get(top.v)!.includes(top.v)) out.push(scc.sort());
      }
    }
  }
  return out.sort((a, b) => a[0]!.localeCompare(b[0]!));
}

/** A shortest import path from `from` to `to` (both included), or undefined. */
export function importPath(g: ImportGraph, from: string, to: string): string[] | undefined {
  if (from === to) return [from];
  const prev = new Map<string, string>([[from, from]]);
  const queue = [from];
  for (let i = 0; i < queue.length && !prev.has(to); i++) {
    const v = queue[i]!;
    for (const e of g.edges) {
      if (e.from !== v || prev.has(e.to)) continue;
      prev.set(e.to, v);
      queue.push(e.to);
    }
  }
  if (!prev.has(to)) return undefined;
  const path = [to];
  for (let v = to; v !== from; v = prev.get(v)!) path.unshift(prev.get(v)!);
  return path;
}

/** The src/ directory of this checkout. */
export function srcDir(): string {
  return join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'src');
}
