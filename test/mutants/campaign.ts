/**
 * What one mutant (or the baseline) gets under one mode: a search over seeds S, S+1, ... (each
 * a complete `jhsim stress` run of the profile's size with --fail-fast, writing its failure
 * bundle into the tree) until the first violation, hang or crash, within a fixed budget of
 * runs and wall-clock seconds; then, for a caught mutant, `replays` attempts to make it fail
 * again: a controlled run's schedule file replayed with `jhsim replay` (which must reproduce it
 * every time: the run is deterministic), a real-thread run's command re-run (which often does
 * not: the interleaving is the host's). A mode is a list of extra stress options (real threads:
 * none; a controlled scheduler: `--schedule pct` ...); a mode the CLI rejects is unsupported.
 */
import { join } from 'node:path';
import { PROFILES, type ProfileName } from './catalogue.js';
import { minimizeSchedule, replaySchedule, scheduleOf, type Minimized, type Replays } from './replay.js';
import { runStress, tail, type Outcome, type RunResult } from './run.js';
import type { Tree } from './tree.js';

export interface Mode {
  name: string;
  args: readonly string[];
}

/** Modes known by name; others are given as NAME=ARGS on the command line. */
export const KNOWN_MODES: Record<string, readonly string[]> = {
  real: [],
  pct: ['--schedule', 'pct'],
  random: ['--schedule', 'random'],
  roundrobin: ['--schedule', 'roundrobin'],
  // One "run" is a whole search of a small scenario (the profile's operations cut to 6): every
  // schedule within 2 delays, 300 at most.
  exhaustive: ['--schedule', 'exhaustive', '--delay-bound', '2', '--max-schedules', '300', '--iterations', '6'],
};

/** The fixed budget every mutant (and the baseline) gets per mode. */
export interface Budget {
  /** First seed; run i uses seed + i. */
  seed: number;
  /** Scales the profiles' runs and iterations (quick: smaller). */
  runsScale: number;
  iterationsScale: number;
  /** Wall-clock seconds of the search, per mutant and mode (a run in progress finishes). */
  searchSeconds: number;
  /** Re-runs of a caught mutant's failing command, and their wall-clock cap. */
  replays: number;
  replaySeconds: number;
  /** A single run is killed after this long. */
  runTimeoutSeconds: number;
  /**
   * Which caught controlled results get `jhsim replay --minimize`: the first caught mutant of
   * each mode, all of them, or none; with this many replays at most, killed after minimizeSeconds.
   */
  minimize: MinimizeWhich;
  minimizeBudget: number;
  minimizeSeconds: number;
  /**
   * A controlled mode's --step-budget (unless the mode sets one): schedule points without a
   * completed operation before a livelock is reported. The CLI's default (2,000,000) takes tens
   * of minutes while a cell runs guest code (~1,000 points/s), so a livelocked run would only
   * be killed at runTimeoutSeconds, without a bundle to replay; healthy runs go at most ~10,000
   * points between two operations (guest code until a message times out).
   */
  stepBudget: number;
}

export type MinimizeWhich = 'first' | 'all' | 'none';

export const DEFAULT_BUDGET: Budget = { seed: 1, runsScale: 1, iterationsScale: 1, searchSeconds: 60, replays: 10, replaySeconds: 50, runTimeoutSeconds: 150, minimize: 'first', minimizeBudget: 30, minimizeSeconds: 300, stepBudget: 100_000 };
export const QUICK_BUDGET: Budget = { seed: 1, runsScale: 0.5, iterationsScale: 0.5, searchSeconds: 25, replays: 3, replaySeconds: 20, runTimeoutSeconds: 90, minimize: 'first', minimizeBudget: 15, minimizeSeconds: 120, stepBudget: 100_000 };

export type Verdict = 'caught' | 'survived' | 'unsupported' | 'error' | 'clean' | 'NOISY' | 'skipped';

export interface Result {
  mutant: string;
  kind: string;
  mode: string;
  profile: ProfileName;
  verdict: Verdict;
  /** How it was caught: the failing run's outcome. */
  how?: Outcome;
  /** Runs made in the search. */
  runs: number;
  /** Operations over the search up to the first failure (all of them when none). */
  ops: number;
  /** Wall-clock seconds from the search's start to the first failure (or the whole search). */
  seconds: number;
  /** Machine throughput of the search's runs (operations per second of run time). */
  opsPerSec: number;
  /** The failing run's seed and command. */
  seed?: number;
  command?: string;
  /** A controlled failing run's bundle directory (its schedule.json is what is replayed). */
  bundle?: string;
  /** A controlled failing run's schedule points and preemptions up to the failure. */
  schedule?: { steps: number; preemptions: number };
  /** Replays of the failure (a schedule file, or the failing command): how many failed again, out of how many. */
  replays?: Replays;
  /** The failing schedule shrunk with `jhsim replay --minimize`, and how its result replays. */
  minimized?: Minimized;
  /** Search runs started again because their CPU workers joined too slowly (a loaded host). */
  startupRetries?: number;
  message?: string;
}

/** The stress options of one run. */
export function stressArgs(profile: ProfileName, mode: Mode, seed: number, b: Budget): string[] {
  const p = PROFILES[profile];
  const iterations = Math.max(10, Math.round(p.iterations * b.iterationsScale));
  const budget = mode.args.includes('--schedule') && !mode.args.includes('--step-budget') ? ['--step-budget', String(b.stepBudget)] : [];
  return ['--cpus', '4', '--callers', '3', '--iterations', String(iterations), '--seed', String(seed), ...p.args, ...mode.args, ...budget, '--fail-fast'];
}

export function profileRuns(profile: ProfileName, b: Budget): number {
  return Math.max(1, Math.round(PROFILES[profile].runs * b.runsScale));
}

/**
 * Does the unmutated build accept the mode? A one-operation run; no report means the CLI
 * refused the options (the message says why).
 */
export async function probeMode(tree: Tree, mode: Mode, b: Budget): Promise<string | undefined> {
  const args = ['--cpus', '4', '--callers', '1', '--iterations', '1', '--seed', String(b.seed), ...mode.args];
  const r = await runStress(tree.cli, tree.dir, args, b.runTimeoutSeconds * 1000);
  return r.outcome === 'crash' || r.outcome === 'timeout' ? r.message ?? 'no report' : undefined;
}

/** Runs of one seed that failed to start their CPU workers in time, retried at most this often. */
const STARTUP_RETRIES = 2;

interface Search {
  /** Runs retried because their CPU workers joined too slowly. */
  startupRetries: number;
  runs: number;
  ops: number;
  seconds: number;
  opsPerSec: number;
  failure?: RunResult & { seed: number };
}

/** Where run `seed` of `mode` writes its failure bundle: inside the tree (relative to it), one directory per run. */
function bundleDir(mode: Mode, seed: number): string {
  return join('bundles', `${mode.name.replace(/[^\w.-]/g, '_')}-${seed}`);
}

/** Seeds in order until a run fails, the profile's runs are done or the wall-clock budget is spent. */
async function search(tree: Tree, profile: ProfileName, mode: Mode, b: Budget, stopAtFailure: boolean, onRun: (r: RunResult) => void): Promise<Search> {
  const t0 = performance.now();
  const out: Search = { startupRetries: 0, runs: 0, ops: 0, seconds: 0, opsPerSec: 0 };
  let machineMs = 0;
  let wallMs = 0;
  for (let i = 0; i < profileRuns(profile, b); i++) {
    if (i > 0 && performance.now() - t0 > b.searchSeconds * 1000) break;
    const seed = b.seed + i;
    const args = [...stressArgs(profile, mode, seed, b), '--bundle', bundleDir(mode, seed)];
    let r = await runStress(tree.cli, tree.dir, args, b.runTimeoutSeconds * 1000);
    // The CPU workers did not start in time (a loaded host): not a finding; run the seed again.
    for (let retry = 0; r.startup && retry < STARTUP_RETRIES; retry++) {
      out.startupRetries++;
      r = await runStress(tree.cli, tree.dir, args, b.runTimeoutSeconds * 1000);
    }
    onRun(r);
    out.runs++;
    machineMs += r.durationMs;
    if (r.outcome === 'pass') {
      out.ops += r.operations;
      wallMs += r.wallMs;
      continue;
    }
    out.failure ??= { ...r, seed };
    if (stopAtFailure) {
      // Up to the first failure: the runs before, and this run's start-up plus its machine time to the failure.
      out.ops += r.firstOp ?? r.operations;
      wallMs += r.firstMs !== undefined ? Math.max(0, r.wallMs - (r.durationMs - r.firstMs)) : r.wallMs;
      break;
    }
    out.ops += r.operations;
    wallMs += r.wallMs;
  }
  out.seconds = wallMs / 1000;
  out.opsPerSec = machineMs > 0 ? Math.round((out.ops * 1000) / machineMs) : 0;
  return out;
}

/** The baseline (unmutated build) under the full budget: every run, which must all pass. */
export async function baseline(tree: Tree, profile: ProfileName, mode: Mode, b: Budget, log: (s: string) => void): Promise<Result> {
  const s = await search(tree, profile, mode, b, false, (r) => {
    if (r.outcome !== 'pass') log(`  BASELINE ${profile}/${mode.name}: ${r.outcome}: ${r.message ?? ''} (${r.command})`);
  });
  const f = s.failure;
  return {
    mutant: 'baseline (unmutated)',
    kind: '-',
    mode: mode.name,
    profile,
    verdict: f ? 'NOISY' : 'clean',
    how: f?.outcome,
    runs: s.runs,
    ops: s.ops,
    seconds: s.seconds,
    opsPerSec: s.opsPerSec,
    seed: f?.seed,
    command: f?.command,
    message: f?.message,
    ...(s.startupRetries ? { startupRetries: s.startupRetries } : {}),
  };
}

/**
 * Search for a failure of the mutant; if found, replay it: a controlled run's schedule file
 * with `jhsim replay`, a real-thread run's command by running it again (without a bundle, so
 * the failing run's stays as it was).
 */
export async function attack(tree: Tree, id: string, kind: string, profile: ProfileName, mode: Mode, b: Budget): Promise<Result> {
  const s = await search(tree, profile, mode, b, true, () => {});
  const f = s.failure;
  const res: Result = { mutant: id, kind, mode: mode.name, profile, verdict: f ? 'caught' : 'survived', how: f?.outcome, runs: s.runs, ops: s.ops, seconds: s.seconds, opsPerSec: s.opsPerSec };
  if (s.startupRetries) res.startupRetries = s.startupRetries;
  if (!f) return res;
  res.seed = f.seed;
  res.command = f.command;
  res.message = f.message;
  if (f.controlled) res.schedule = { steps: f.controlled.steps, preemptions: f.controlled.preemptions };
  const file = scheduleOf(f.bundle);
  if (file) {
    res.bundle = f.bundle;
    res.replays = await replaySchedule(tree.cli, tree.dir, file, b.replays, b.replaySeconds, b.runTimeoutSeconds * 1000);
    return res;
  }
  const args = [...stressArgs(profile, mode, f.seed, b), '--no-bundle'];
  const t0 = performance.now();
  const rep: Replays = { failed: 0, tried: 0, via: 'rerun' };
  while (rep.tried < b.replays && (rep.tried === 0 || performance.now() - t0 < b.replaySeconds * 1000)) {
    const r = await runStress(tree.cli, tree.dir, args, b.runTimeoutSeconds * 1000);
    rep.tried++;
    if (r.outcome !== 'pass') rep.failed++;
  }
  res.replays = rep;
  return res;
}

/** Shrink a caught controlled result's schedule (`jhsim replay --minimize`) and replay the result. */
export async function minimize(tree: Tree, res: Result, b: Budget): Promise<void> {
  const file = scheduleOf(res.bundle);
  if (!file) return;
  res.minimized = await minimizeSchedule(tree.cli, tree.dir, file, b.minimizeBudget, b.replays, b.replaySeconds, b.minimizeSeconds * 1000);
}

/** A result for a mutant that could not be built or run at all. */
export function errorResult(id: string, kind: string, profile: ProfileName, mode: string, e: unknown): Result {
  return { mutant: id, kind, mode, profile, verdict: 'error', runs: 0, ops: 0, seconds: 0, opsPerSec: 0, message: tail(String((e as Error).message ?? e)) };
}
