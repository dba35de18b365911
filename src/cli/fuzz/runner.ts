/**
 * Runs one target as a fast-check campaign: the seeded cases one after the other, each under a
 * wall-clock limit, counted as refused or accepted; the first failure is shrunk for as long as
 * the shrink budget allows (every shrink step runs on a fresh machine, so it costs a boot), and
 * reported with its case, the fast-check path that replays it and a hand-made reproducer.
 */
import fc from 'fast-check';
import { clip, escaped, show } from './invariants.js';
import { FuzzFailure, type FuzzEnv, type FuzzTarget, type Invariant, type Outcome, type TargetName, type TargetRun } from './types.js';

export interface FailureReport {
  invariant: Invariant;
  message: string;
  /** The (shrunk) case, readable. */
  case: string;
  /** A command line that replays the case by hand. */
  reproduce: string;
  /** fast-check's path of the case: `--seed S --target T --path P` replays just this case. */
  path: string;
  shrinks: number;
  /** The campaign seed whose run found it: `--seed SEED --target T --path P` replays it. */
  seed: number;
}

export interface TargetReport {
  target: TargetName;
  /** fast-check's seed for this target (derived from the campaign seed and the target name). */
  seed: number;
  cases: number;
  refused: number;
  accepted: number;
  failures: FailureReport[];
  durationMs: number;
  casesPerSecond: number;
  notes: Record<string, number>;
  /** Set when setting the target up failed (no cases ran). */
  error?: string;
}

export interface RunTargetOptions {
  runs: number;
  /** Campaign seed. */
  seed: number;
  /** Replay one case (a failure's path) instead of a campaign. */
  path?: string;
  /** Go on after a failure with the cases left (the next round uses the next campaign seed). */
  keepGoing?: boolean;
  /** How long a found failure may be shrunk (ms); 0 reports it as found. */
  shrinkMs: number;
  /** Called now and then while cases run (not after every case: long campaigns are quiet). */
  onProgress?: (r: TargetReport) => void;
  progressEveryMs?: number;
}

/** The target's own seed: stable whatever other targets a campaign runs. */
export function targetSeed(seed: number, name: TargetName): number {
  let h = 0x811c9dc5;
  for (const ch of name) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193);
  return (seed ^ h) | 0;
}

function withTimeout<T>(p: Promise<T>, ms: number, what: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, rej) => {
    timer = setTimeout(() => rej(new FuzzFailure('hang', `${what()}: no answer within ${ms} ms (the case or the machine is wedged)`)), ms);
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

/** A description that cannot fail the report: a target's own bug shows as the raw case. */
function safely(f: () => string, c: unknown): string {
  try {
    return f();
  } catch (e) {
    return `${show(c)} (describing it failed: ${e instanceof Error ? e.message : String(e)})`;
  }
}

export async function runTarget(target: FuzzTarget, env: FuzzEnv, o: RunTargetOptions): Promise<TargetReport> {
  const seed = targetSeed(o.seed, target.name);
  const report: TargetReport = { target: target.name, seed, cases: 0, refused: 0, accepted: 0, failures: [], durationMs: 0, casesPerSecond: 0, notes: {} };
  const t0 = performance.now();
  const finish = (): TargetReport => {
    report.durationMs = performance.now() - t0;
    report.casesPerSecond = report.durationMs > 0 ? report.cases / (report.durationMs / 1000) : 0;
    return report;
  };
  let run: TargetRun<unknown>;
  try {
    run = await target.start(env);
  } catch (e) {
    report.error = `setting up ${target.name} failed: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`;
    return finish();
  }
  let shrinking = false;
  let shrinkUntil = 0;
  let lastProgress = performance.now();
  let n = 0;
  const property = fc.asyncProperty(run.arbitrary, async (c: unknown) => {
    // Past the shrink budget every candidate "passes", which ends shrinking at the smallest
    // failing case found so far.
    if (shrinking && performance.now() > shrinkUntil) return true;
    const i = n++;
    let outcome: Outcome;
    try {
      outcome = await withTimeout(
        run.execute(c, i).catch((e: unknown) => {
          throw escaped(`${target.name} case ${i}`, e);
        }),
        env.caseTimeoutMs,
        () => `${target.name} case ${i}`,
      );
    } catch (e) {
      if (!shrinking) {
        report.cases++;
        shrinking = true;
        shrinkUntil = performance.now() + o.shrinkMs;
      }
      await run.reset();
      throw e;
    }
    if (!shrinking) {
      report.cases++;
      report[outcome]++;
      if (o.onProgress && performance.now() - lastProgress > (o.progressEveryMs ?? 15_000)) {
        lastProgress = performance.now();
        report.notes = run.notes();
        o.onProgress(finish());
      }
    }
    return true;
  });
  try {
    // Each round is a fast-check run of the cases left; with keepGoing a failure ends only its
    // round, and the next one starts from the next campaign seed (so every failure replays alone).
    for (let round = 0; ; round++) {
      const campaignSeed = (o.seed + round) >>> 0;
      shrinking = false;
      const details = await fc.check(property, {
        seed: round === 0 ? seed : targetSeed(campaignSeed, target.name),
        numRuns: o.path ? 1 : o.runs - report.cases,
        path: o.path,
        endOnFailure: o.path !== undefined || o.shrinkMs <= 0,
      });
      if (!details.failed || !details.counterexample) break;
      const c = details.counterexample[0];
      const e = details.errorInstance;
      const f = e instanceof FuzzFailure ? e : escaped(`${target.name}`, e);
      report.failures.push({
        invariant: f.invariant,
        message: f.message,
        case: clip(safely(() => run.describe(c), c), 2000),
        reproduce: safely(() => run.reproduce(c, `failure-${campaignSeed}-${report.failures.length}`), c),
        path: details.counterexamplePath ?? '',
        shrinks: details.numShrinks,
        seed: campaignSeed,
      });
      if (!o.keepGoing || o.path || report.cases >= o.runs) break;
    }
  } finally {
    report.notes = run.notes();
    await run.close();
  }
  return finish();
}
