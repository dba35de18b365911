/**
 * `jhsim stress`: options, the seed line first, a progress bar on a terminal, then the report
 * (or one JSON object). Exit status 1 on any violation or hang.
 */
import { checkProfileTarget, saveProfile } from '../profile/profile-output.js';
import { progressBar } from '../progress.js';
import Table from 'cli-table3';
import { Errno, ErrnoError } from '../../shared/errno.js';
import { randomSeed } from '../../shared/rng.js';
import type { GlobalOptions } from '../machine-options.js';
import { stress, type StressResult } from './stress.js';
import { campaign } from './stress-campaign.js';
import { runExplore } from './stress-explore.js';
import { saveRun } from './stress-save.js';
import type { ControlledOptions } from '../../shared/sched/control.js';
import { parseStress, rerunCommand, type ParsedStress, type StressCliOptions } from './stress-options.js';
import { defaultBundleDir, writeBundle } from '../replay/bundle.js';
import { makeScheduleFile } from '../replay/schedule-file.js';
import { DEFAULT_DEPTH, figuresLine } from '../../shared/sched/control.js';
import { SchedStrategy } from '../../shared/sched/layout.js';

export type { StressCliOptions } from './stress-options.js';

/**
 * PCT's guarantee (Burckhardt et al., ASPLOS 2010): with n agents, k schedule points and depth
 * d, one run finds any given bug of depth ≤ d with probability ≥ 1/(n·k^(d−1)).
 */
function pctGuarantee(n: number, d: number, k: number, observed: number): string {
  const p = 1 / (n * k ** (d - 1));
  const fit = observed > k
    ? `; this run took ${observed} points, more than k (past k it picked at random): raise --pct-steps to ${observed}`
    : `; this run took ${observed} of them`;
  return `PCT: ${n} agents, depth ${d}, change points drawn from k = ${k} points: each run finds a given bug of depth ≤ ${d} with probability ≥ 1/(n·k^(d−1)) = ${p.toExponential(2)}${fit}`;
}
export { rerunCommand } from './stress-options.js';

/** How `jhsim replay` runs a recorded schedule through the same command. */
export interface ReplayRequest {
  schedule: ControlledOptions;
  /** Keep the run's last schedule points (`--trace N`). */
  traceLast?: number;
  /** Sees the result before it is reported. */
  onResult?: (res: StressResult) => void;
}

export async function runStress(g: GlobalOptions, o: StressCliOptions, replay?: ReplayRequest): Promise<number> {
  const p = parseStress(g, o, randomSeed);
  const { board, seed, runs, options } = p;
  if (g.profile !== undefined) {
    if (runs > 1) throw new ErrnoError(Errno.EINVAL, `--profile ${g.profile}: records one run; drop --runs ${runs} (re-run the seed you want to look at)`);
    checkProfileTarget(g.profile);
  }
  if (o.record !== undefined && o.schedule === undefined && !replay) throw new ErrnoError(Errno.EINVAL, `--record ${o.record}: only a controlled run has a schedule to record (add --schedule pct, random or roundrobin)`);
  if (runs > 1) return runCampaign(g, o, p);
  if (p.explore && !replay) {
    if (g.profile !== undefined) throw new ErrnoError(Errno.EINVAL, `--profile ${g.profile}: records one run; --schedule exhaustive runs many (replay the schedule you want to look at)`);
    return runExplore(g, o, p);
  }
  const iterations = options.iterations;
  const rerun = rerunCommand(g, o, board.cpus, seed);
  // The seed comes first, so a run that hangs or crashes can still be repeated.
  const seedLine = replay ? `replaying seed ${seed} (${rerun})` : `seed ${seed} (re-run: ${rerun})`;
  if (o.json) process.stderr.write(`${seedLine}\n`);
  else process.stdout.write(`${seedLine}\n`);

  const bar = progressBar('stress', iterations, { quiet: o.json, format: 'stress [{bar}] {value}/{total} ops | {eta_formatted} left' });
  let res: StressResult;
  try {
    res = await stress({
      ...options,
      ...(replay ? { schedule: replay.schedule, traceLast: replay.traceLast } : {}),
      onProgress: (n) => bar?.update(n),
      profile: g.profile !== undefined,
    });
  } finally {
    bar?.stop();
  }
  if (res.profile && g.profile !== undefined) {
    saveProfile(res.profile, g.profile, (l) => process.stderr.write(l));
  }
  delete res.profile;
  replay?.onResult?.(res);
  const failed = res.violations.length > 0 || res.hangs.length > 0;
  const bundle = saveRun(g, o, seed, rerun, res, failed && !replay);
  if (o.json) {
    const { durationMs, controlled, snapshot: _snapshot, ...rest } = res;
    // A controlled run's JSON is a function of its options: no host time in it.
    const extra = { rerun, ...(bundle ? { bundle: bundle.dir, replay: bundle.replay } : {}), ok: !failed };
    const out = controlled ? { ...rest, controlled: { ...controlled, schedule: undefined, trace: undefined }, ...extra } : { ...rest, durationMs, ...extra };
    process.stdout.write(`${JSON.stringify(out)}\n`);
    return failed ? 1 : 0;
  }
  const t = new Table({ style: { head: [], border: [] }, head: ['operation', 'result', 'count'] });
  for (const [op, outcomes] of Object.entries(res.results)) for (const [r, n] of Object.entries(outcomes)) t.push([op, r, n]);
  const out: string[] = [];
  out.push(`${res.operations} operations by ${res.callers} callers on ${res.cpus} CPUs in ${(res.durationMs / 1000).toFixed(1)} s (${Math.round((res.operations * 1000) / Math.max(1, res.durationMs))} ops/s), ${res.checks} invariant checks, ${res.injections} injected cpu_init failures`);
  out.push(t.toString());
  out.push(`violations: ${res.violations.length}`);
  for (const v of res.violations.slice(0, 20)) out.push(`  ${v}`);
  out.push(`hangs: ${res.hangs.length}`);
  for (const h of res.hangs) out.push(`  ${h.cpu >= 0 ? `CPU ${h.cpu}` : 'harness'}: ${h.what} (${h.ms} ms)`);
  if (res.controlled) out.push(`${figuresLine(res.controlled, `${res.controlled.strategy}${res.controlled.depth ? ` depth ${res.controlled.depth}` : ''}`)}${o.record !== undefined ? `; written to ${o.record}` : ''}`);
  const sched = options.schedule;
  if (res.controlled && sched?.strategy === SchedStrategy.PCT && !replay) out.push(pctGuarantee(board.cpus + 1, sched.depth ?? DEFAULT_DEPTH, sched.pctSteps!, res.controlled.steps));
  if (bundle) out.push(`failure bundle: ${bundle.dir}`, `replay it with: ${bundle.replay}`);
  if (failed) out.push(`FAILED — re-run with: ${rerun}`);
  else out.push('no violation, no hang');
  process.stdout.write(`${out.join('\n')}\n`);
  return failed ? 1 : 0;
}

/** --runs R: seeds seed..seed+R-1 as a campaign of pooled runs. */
async function runCampaign(g: GlobalOptions, o: StressCliOptions, p: ParsedStress): Promise<number> {
  const seeds = Array.from({ length: p.runs }, (_, i) => (p.seed + i) >>> 0);
  const first = `seeds ${seeds[0]}..${seeds[seeds.length - 1]} in ${p.runs} runs, ${p.parallel} at a time (re-run one: ${rerunCommand(g, o, p.board.cpus, seeds[0]!)}, with its seed)`;
  if (o.json) process.stderr.write(`${first}\n`);
  else process.stdout.write(`${first}\n`);
  const bar = progressBar('campaign', p.runs * p.options.iterations, { quiet: o.json, format: 'campaign [{bar}] {value}/{total} ops' });
  const perSeed = new Map<number, number>();
  let res;
  const t0 = performance.now();
  let wallMs = 0;
  try {
    const { seed: _seed, ...base } = p.options;
    res = await campaign(
      base,
      seeds,
      p.parallel,
      (seed, n) => {
        perSeed.set(seed, n);
        bar?.update([...perSeed.values()].reduce((a, b) => a + b, 0));
      },
    );
  } finally {
    bar?.stop();
    wallMs = performance.now() - t0;
  }
  const failed = res.violations.length > 0 || res.hangs.length > 0;
  const bundleLines: string[] = [];
  const bundles: Record<number, string> = {};
  for (const r of res.runs.filter((x) => x.violations.length || x.hangs.length)) {
    if (o.bundle === false) break;
    const ro = { ...o, seed: String(r.seed) };
    const rerun = rerunCommand(g, o, p.board.cpus, r.seed);
    const b = writeBundle(o.bundle === undefined ? defaultBundleDir(r.seed, o.schedule) : `${o.bundle}/stress-${r.seed}`, r, rerun, r.controlled ? makeScheduleFile(g, ro, rerun, r) : undefined);
    bundles[r.seed] = b.dir;
    bundleLines.push(`seed ${r.seed}: failure bundle ${b.dir} (replay: ${b.replay})`);
  }
  if (o.json) {
    const runs = res.runs.map(({ snapshot: _s, controlled, durationMs, ...r }) => (controlled ? { ...r, controlled: { ...controlled, schedule: undefined, trace: undefined } } : { ...r, durationMs }));
    process.stdout.write(`${JSON.stringify({ seed: seeds[0], seeds, operations: res.operations, violations: res.violations, hangs: res.hangs, results: res.results, runs, bundles, ok: !failed })}\n`);
    return failed ? 1 : 0;
  }
  const t = new Table({ style: { head: [], border: [] }, head: ['seed', 'operations', 'enables ok', 'violations', 'hangs', 'seconds'] });
  for (const r of res.runs) t.push([r.seed, r.operations, r.results.enable?.ok ?? 0, r.violations.length, r.hangs.length, (r.durationMs / 1000).toFixed(1)]);
  const out = [t.toString(), `${res.operations} operations in ${p.runs} runs; violations: ${res.violations.length}; hangs: ${res.hangs.length}`];
  if (o.schedule !== undefined) out.push(`${p.runs} schedules explored (${o.schedule}) in ${(wallMs / 1000).toFixed(1)} s: ${((p.runs * 1000) / Math.max(1, wallMs)).toFixed(2)} schedules/s, ${Math.round((res.operations * 1000) / Math.max(1, wallMs))} operations/s`);
  out.push(...bundleLines);
  for (const v of res.violations.slice(0, 20)) out.push(`  ${v}`);
  for (const h of res.hangs) out.push(`  seed ${h.seed}: ${h.cpu >= 0 ? `CPU ${h.cpu}` : 'harness'}: ${h.what}`);
  const bad = [...new Set([...res.runs.filter((r) => r.violations.length || r.hangs.length).map((r) => r.seed)])];
  for (const s of bad) out.push(`FAILED seed ${s} — re-run with: ${rerunCommand(g, o, p.board.cpus, s)}`);
  if (!failed) out.push('no violation, no hang');
  process.stdout.write(`${out.join('\n')}\n`);
  return failed ? 1 : 0;
}
