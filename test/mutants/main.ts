/**
 * `npm run mutants [-- OPTIONS]`: builds each mutant of catalogue.ts into its own temporary
 * copy of dist/, runs the stress harness against it under every mode, and reports which
 * mutants were caught, how fast, and whether the failure reproduces; the unmutated build runs
 * first under the same budget and must not fail (else the harness measures noise: exit 1).
 *
 * Options: --modes real,pct,NAME=ARGS... (default real), --quick, --only ID,ID, --seed S,
 * --replays N, --search-seconds S, --minimize first|all|none (which caught controlled results
 * get `jhsim replay --minimize`; default first: the first of each mode), --minimize-budget N,
 * --step-budget N (controlled modes' livelock budget, default 100000), --json, --out FILE (the
 * JSON report as well), --keep (leave the temporary trees), --list.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { MUTANTS, type ProfileName } from './catalogue.js';
import { DEFAULT_BUDGET, KNOWN_MODES, QUICK_BUDGET, attack, baseline, errorResult, minimize, probeMode, type Budget, type MinimizeWhich, type Mode, type Result } from './campaign.js';
import { renderJson, renderTable, type Report } from './report.js';
import { buildTree, catalogueProblems, type Tree } from './tree.js';

/** The worktree: test/mutants/dist/main.js → ../../.. */
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

function parseModes(spec: string): Mode[] {
  return spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => {
      const eq = s.indexOf('=');
      if (eq > 0) return { name: s.slice(0, eq), args: s.slice(eq + 1).split(/\s+/).filter(Boolean) };
      // An unknown name is passed as --schedule NAME: the CLI decides whether it exists.
      return { name: s, args: KNOWN_MODES[s] ?? ['--schedule', s] };
    });
}

function positive(name: string, v: string | undefined, def: number): number {
  if (v === undefined) return def;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} ${v}: expected a non-negative number`);
  return n;
}

async function main(): Promise<number> {
  const { values: o } = parseArgs({
    options: {
      modes: { type: 'string', default: 'real' },
      quick: { type: 'boolean' },
      only: { type: 'string' },
      seed: { type: 'string' },
      replays: { type: 'string' },
      'search-seconds': { type: 'string' },
      minimize: { type: 'string' },
      'minimize-budget': { type: 'string' },
      'step-budget': { type: 'string' },
      json: { type: 'boolean' },
      out: { type: 'string' },
      keep: { type: 'boolean' },
      list: { type: 'boolean' },
    },
  });
  const log = (s: string): void => void process.stderr.write(`${s}\n`);
  if (o.list) {
    for (const m of MUTANTS) process.stdout.write(`${m.id.padEnd(34)} ${m.kind.padEnd(15)} ${m.profile.padEnd(14)} ${m.description}\n`);
    return 0;
  }
  const problems = catalogueProblems(ROOT, MUTANTS);
  if (problems.length) {
    log(`mutants: the catalogue does not fit the sources:\n  ${problems.join('\n  ')}`);
    return 2;
  }
  const q = o.quick ? QUICK_BUDGET : DEFAULT_BUDGET;
  const which = o.minimize ?? q.minimize;
  if (!['first', 'all', 'none'].includes(which)) throw new Error(`--minimize ${which}: expected first, all or none`);
  const budget: Budget = {
    ...q,
    seed: positive('seed', o.seed, q.seed),
    replays: positive('replays', o.replays, q.replays),
    searchSeconds: positive('search-seconds', o['search-seconds'], q.searchSeconds),
    minimize: which as MinimizeWhich,
    minimizeBudget: positive('minimize-budget', o['minimize-budget'], q.minimizeBudget),
    stepBudget: positive('step-budget', o['step-budget'], q.stepBudget),
  };
  const wanted = o.only?.split(',').map((s) => s.trim()) ?? [];
  const unknown = wanted.filter((id) => !MUTANTS.some((m) => m.id === id));
  if (unknown.length) throw new Error(`--only: no mutant ${unknown.join(', ')} (see --list)`);
  const mutants = wanted.length ? MUTANTS.filter((m) => wanted.includes(m.id)) : MUTANTS;
  const modes = parseModes(o.modes!);
  const base = join(tmpdir(), `jhsim-mutants-${process.pid}`);
  const notes = Object.fromEntries(mutants.flatMap((m) => (m.note ? [[m.id, m.note]] : [])));
  const report: Report = { budget, modes: modes.map((m) => ({ name: m.name, args: m.args })), baseline: [], results: [], notes };
  const profiles = [...new Set(mutants.map((m) => m.profile))] as ProfileName[];
  const t0 = performance.now();
  const at = (): string => `[${Math.round((performance.now() - t0) / 1000)} s]`;
  const trees: Tree[] = [];
  // Ctrl-C: the runs (same process group) stop too; the temporary trees go.
  process.once('SIGINT', () => {
    rmSync(base, { recursive: true, force: true });
    process.exit(130);
  });
  try {
    const clean = buildTree(ROOT, base);
    trees.push(clean);
    const live: Mode[] = [];
    for (const [i, mode] of modes.entries()) {
      const why = await probeMode(clean, mode, budget);
      if (why) {
        report.modes[i]!.unsupported = why;
        log(`${at()} mode ${mode.name} (${mode.args.join(' ')}): unsupported: ${why}`);
        for (const m of mutants) report.results.push({ ...errorResult(m.id, m.kind, m.profile, mode.name, why), verdict: 'unsupported' });
        continue;
      }
      live.push(mode);
      for (const p of profiles) {
        const b = await baseline(clean, p, mode, budget, log);
        report.baseline.push(b);
        log(`${at()} baseline ${p}/${mode.name}: ${b.verdict}, ${b.runs} runs, ${b.ops} ops, ${b.opsPerSec} ops/s`);
      }
    }
    const noisy = (p: ProfileName, mode: string): boolean => report.baseline.some((b) => b.profile === p && b.mode === mode && b.verdict === 'NOISY');
    // Modes whose first caught controlled result has been minimised (--minimize first).
    const minimizedIn = new Set<string>();
    for (const m of mutants) {
      let tree: Tree | undefined;
      try {
        tree = buildTree(ROOT, base, m);
        if (o.keep) trees.push(tree);
      } catch (e) {
        for (const mode of live) report.results.push(errorResult(m.id, m.kind, m.profile, mode.name, e));
        log(`${at()} ${m.id}: cannot build: ${(e as Error).message}`);
        continue;
      }
      try {
        for (const mode of live) {
          let r: Result;
          if (noisy(m.profile, mode.name)) r = { ...errorResult(m.id, m.kind, m.profile, mode.name, 'baseline not clean'), verdict: 'skipped' };
          else r = await attack(tree, m.id, m.kind, m.profile, mode, budget);
          report.results.push(r);
          const rep = r.replays ? `, replays (${r.replays.via}) ${r.replays.failed}/${r.replays.tried}` : '';
          const sched = r.schedule ? `, ${r.schedule.steps} points, ${r.schedule.preemptions} preemptions` : '';
          log(`${at()} ${m.id} [${mode.name}]: ${r.verdict}${r.how ? ` (${r.how})` : ''} after ${r.runs} runs, ${r.ops} ops, ${r.seconds.toFixed(1)} s${sched}${rep}${r.message ? `: ${r.message}` : ''}`);
          if (r.verdict === 'caught' && r.bundle && (budget.minimize === 'all' || (budget.minimize === 'first' && !minimizedIn.has(mode.name)))) {
            minimizedIn.add(mode.name);
            await minimize(tree, r, budget);
            const z = r.minimized!;
            log(
              z.file
                ? `${at()}   minimised in ${z.tries} replays (${z.seconds.toFixed(1)} s): operations ${z.operationsBefore} → ${z.operationsAfter}, preemptions ${z.preemptionsBefore} → ${z.preemptionsAfter}; replays ${z.replays!.failed}/${z.replays!.tried}`
                : `${at()}   ${z.message}`,
            );
          }
        }
      } finally {
        if (!o.keep) tree.remove();
      }
    }
  } finally {
    if (o.keep) log(`trees kept under ${base}`);
    else rmSync(base, { recursive: true, force: true });
  }
  if (o.out) writeFileSync(o.out, `${renderJson(report)}\n`);
  process.stdout.write(`${o.json ? renderJson(report) : renderTable(report)}\n`);
  return report.baseline.every((b) => b.verdict === 'clean') ? 0 : 1;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`mutants: ${(e as Error).message ?? String(e)}\n`);
    process.exitCode = 2;
  },
);
