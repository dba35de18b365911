/**
 * `jhsim stress --schedule exhaustive`: every schedule of a small scenario with at most
 * `--preemption-bound` preemptions (or `--delay-bound` delays), one controlled run each
 * (shared/sched/explore.ts), on CPU
 * threads kept from run to run. Stops at the first failing schedule (its failure bundle and
 * schedule file replay it like any controlled run's), at `--max-schedules`, or when the state
 * space is exhausted, and says which.
 */
import { SchedStrategy } from '../../shared/sched/layout.js';
import { BoundedSearch, ExploreDiverged, type BoundKind } from '../../shared/sched/explore.js';
import type { ThreadKeeper } from '../../actors/cpu/cpu-threads.js';
import { stress, type StressOptions, type StressResult } from './stress.js';
import type { GlobalOptions } from '../machine-options.js';
import { rerunCommand, type ParsedStress, type StressCliOptions } from './stress-options.js';
import { progressBar } from '../progress.js';
import { saveRun } from './stress-save.js';
import { figuresLine } from '../../shared/sched/control.js';

export interface ExploreLimits {
  /** Preemptions (or delays) a schedule may take. */
  bound: number;
  kind: BoundKind;
  /** Schedules to run at most. */
  maxSchedules: number;
  onSchedule?: (n: number) => void;
}

export interface ExploreResult {
  bound: number;
  boundKind: BoundKind;
  schedules: number;
  /** Every schedule within the bound ran. */
  exhausted: boolean;
  /** Why the search stopped early: a failure, the schedule limit, a run too big to record. */
  stoppedBy?: 'failure' | 'max-schedules' | 'too-many-choice-points';
  /** Choice points per schedule (min, max). */
  choicePoints: [number, number];
  /** Distinct outcomes: operation results in completion order. */
  outcomes: number;
  operations: number;
  /** Choice points of the last path that still had alternatives within the bound. */
  open: number;
  durationMs: number;
  /** The failing schedule's run. */
  failure?: StressResult;
  /** The prefix (agent per choice point) the failing run followed. */
  failurePrefix?: readonly number[];
}

export async function explore(o: Omit<StressOptions, 'onProgress'>, l: ExploreLimits): Promise<ExploreResult> {
  const search = new BoundedSearch(l.bound, l.kind);
  const keep: ThreadKeeper = {};
  const outcomes = new Set<string>();
  const t0 = performance.now();
  const out: ExploreResult = { bound: l.bound, boundKind: l.kind, schedules: 0, exhausted: false, choicePoints: [0, 0], outcomes: 0, operations: 0, open: 0, durationMs: 0 };
  try {
    let prefix: readonly number[] | undefined = search.prefix;
    while (prefix !== undefined) {
      if (out.schedules >= l.maxSchedules) {
        out.stoppedBy = 'max-schedules';
        break;
      }
      const res = await stress({ ...o, schedule: { ...o.schedule!, strategy: SchedStrategy.EXHAUSTIVE, prefix }, threads: keep });
      out.schedules++;
      out.operations += res.operations;
      l.onSchedule?.(out.schedules);
      outcomes.add(res.ops.map((x) => `${x.caller}:${x.op}:${x.ret}`).join(' '));
      // A prefix agent that could not run (strategy.ts exploreNext) is the scenario's fault, not a bug found.
      const stop = res.controlled?.stop?.[0];
      if (stop?.startsWith('the replayed schedule diverged')) throw new ExploreDiverged(prefix.length, `schedule ${out.schedules}: ${stop}`);
      if (res.violations.length || res.hangs.length) {
        out.stoppedBy = 'failure';
        out.failure = res;
        out.failurePrefix = prefix;
        break;
      }
      const choices = res.controlled?.choices;
      if (!choices) {
        out.stoppedBy = 'too-many-choice-points';
        break;
      }
      prefix = search.record(choices);
      if (prefix === undefined) out.exhausted = true;
    }
  } finally {
    await keep.threads?.terminate();
  }
  out.choicePoints = [search.runs ? search.minChoices : 0, search.maxChoices];
  out.outcomes = outcomes.size;
  out.open = out.exhausted ? 0 : search.open;
  out.durationMs = Math.round(performance.now() - t0);
  return out;
}

/** The report of `stress --schedule exhaustive` (or one JSON object); exit status 1 on a failure. */
export async function runExplore(g: GlobalOptions, o: StressCliOptions, p: ParsedStress): Promise<number> {
  const { bound, kind, maxSchedules } = p.explore!;
  const unit = kind === 'delays' ? 'delay' : 'preemption';
  const rerun = rerunCommand(g, o, p.board.cpus, p.seed);
  const first = `seed ${p.seed} (re-run: ${rerun})`;
  (o.json ? process.stderr : process.stdout).write(`${first}\n`);
  const bar = progressBar('exhaustive', maxSchedules, { quiet: o.json, format: 'exhaustive [{bar}] {value} schedules | {duration_formatted}' });
  let r: ExploreResult;
  try {
    r = await explore(p.options, { bound, kind, maxSchedules, onSchedule: (n) => bar?.update(n) });
  } finally {
    bar?.stop();
  }
  const f = r.failure;
  const bundle = f ? saveRun(g, o, p.seed, rerun, f, true) : undefined;
  const rate = (r.schedules * 1000) / Math.max(1, r.durationMs);
  const verdict = r.exhausted
    ? `the state space is exhausted: every schedule with at most ${bound} ${unit}${bound === 1 ? '' : 's'} ran`
    : r.stoppedBy === 'failure'
      ? `schedule ${r.schedules} failed; the search stopped there`
      : r.stoppedBy === 'too-many-choice-points'
        ? 'NOT exhausted: a run met more choice points than the search records (a smaller scenario: fewer CPUs, callers or --iterations)'
        : `NOT exhausted: --max-schedules ${maxSchedules} reached with ${r.open} choice point${r.open === 1 ? '' : 's'} of the current path still open`;
  if (o.json) {
    const { failure: _f, failurePrefix, ...rest } = r;
    const failure = f ? { violations: f.violations, hangs: f.hangs, ops: f.ops, preemptions: f.controlled?.preemptions, prefix: failurePrefix } : undefined;
    // violations and hangs at the top, as stress --json has them (the failing schedule's).
    const top = { violations: f?.violations ?? [], hangs: f?.hangs ?? [], ...(f?.firstFailure ? { firstFailure: f.firstFailure } : {}), ...(f?.controlled ? { controlled: { strategy: 'exhaustive', steps: f.controlled.steps, preemptions: f.controlled.preemptions } } : {}) };
    process.stdout.write(`${JSON.stringify({ seed: p.seed, rerun, ...rest, verdict, ...top, ...(failure ? { failure } : {}), ...(bundle ? { bundle: bundle.dir, replay: bundle.replay } : {}), ok: !f })}\n`);
    return f ? 1 : 0;
  }
  const out: string[] = [];
  out.push(`exhaustive search, ${unit} bound ${bound}: ${r.schedules} schedules in ${(r.durationMs / 1000).toFixed(1)} s (${rate.toFixed(1)} schedules/s), ${r.operations} operations`);
  out.push(`  ${r.choicePoints[0]}–${r.choicePoints[1]} choice points per schedule; ${r.outcomes} distinct outcomes (operation results in completion order)`);
  out.push(verdict);
  if (f) {
    out.push(`violations: ${f.violations.length}`);
    for (const v of f.violations.slice(0, 20)) out.push(`  ${v}`);
    out.push(`hangs: ${f.hangs.length}`);
    for (const h of f.hangs) out.push(`  ${h.cpu >= 0 ? `CPU ${h.cpu}` : 'harness'}: ${h.what}`);
    if (f.controlled) out.push(figuresLine(f.controlled, 'the failing schedule'));
    if (bundle) out.push(`failure bundle: ${bundle.dir}`, `replay it with: ${bundle.replay}`);
    out.push(`FAILED — re-run the search with: ${rerun}`);
  } else {
    out.push('no violation, no hang');
  }
  process.stdout.write(`${out.join('\n')}\n`);
  return f ? 1 : 0;
}
