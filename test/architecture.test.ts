/**
 * Import directions of src/: the rules and the tolerated cycles are in test/arch/layers.ts,
 * the graph in test/arch/import-graph.ts. Reads the sources (no build needed) and runs in
 * about a second, as part of `npm test` (or alone: `npm run check:imports`).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { importCycles, importGraph, importPath, srcDir, type ImportEdge, type ImportGraph } from './arch/import-graph.js';
import { CYCLE_EXCEPTIONS, FORBIDDEN, type Layer } from './arch/layers.js';

const inLayer = (l: Layer, file: string): boolean => l.prefixes.some((p) => file.startsWith(p));
const show = (e: ImportEdge): string => `${e.from} -> ${e.to}${e.typeOnly ? ' (type-only)' : ''}`;

/** "from -> to" of every allow-listed import, with the exception that lists it. */
function allowList(): Map<string, string> {
  const out = new Map<string, string>();
  for (const x of CYCLE_EXCEPTIONS) {
    for (const [from, tos] of Object.entries(x.imports)) {
      for (const to of tos) out.set(`${x.dir}/${from}.ts -> ${x.dir}/${to}.ts`, x.name);
    }
  }
  return out;
}

describe('import directions in src/', () => {
  let g: ImportGraph;
  beforeAll(() => {
    g = importGraph(srcDir());
  });

  it('reads the whole source tree, and every relative import names a file of it', () => {
    expect(g.files.length).toBeGreaterThan(250);
    expect(g.edges.length).toBeGreaterThan(1000);
    expect(g.unresolved).toEqual([]);
  });

  for (const rule of FORBIDDEN) {
    it(`${rule.from.name} does not import ${rule.to.name}`, () => {
      const bad = g.edges.filter((e) => inLayer(rule.from, e.from) && inLayer(rule.to, e.to)).map(show);
      expect(bad, `forbidden imports (${rule.why}):\n  ${bad.join('\n  ')}`).toEqual([]);
    });
  }

  it('has no import cycle but the allow-listed ones', () => {
    const allowed = allowList();
    const fresh: string[] = [];
    for (const scc of importCycles(g)) {
      const members = new Set(scc);
      for (const e of g.edges) {
        if (!members.has(e.from) || !members.has(e.to) || allowed.has(`${e.from} -> ${e.to}`)) continue;
        const back = importPath(g, e.to, e.from)!;
        fresh.push(`${show(e)}, closing the cycle ${[e.from, ...back].join(' -> ')}`);
      }
    }
    expect(fresh, `imports in a cycle that test/arch/layers.ts does not allow:\n  ${fresh.join('\n  ')}`).toEqual([]);
  });

  it('lists only imports that exist and still lie on a cycle', () => {
    const onCycle = new Set<string>();
    for (const scc of importCycles(g)) {
      const members = new Set(scc);
      for (const e of g.edges) if (members.has(e.from) && members.has(e.to)) onCycle.add(`${e.from} -> ${e.to}`);
    }
    const stale = [...allowList()].filter(([edge]) => !onCycle.has(edge)).map(([edge, name]) => `${edge} (${name})`);
    expect(stale, `allow-listed imports no longer on a cycle: remove them from test/arch/layers.ts:\n  ${stale.join('\n  ')}`).toEqual([]);
  });
});
