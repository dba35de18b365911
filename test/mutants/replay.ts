/**
 * Replaying a controlled run's failure: `jhsim replay FILE` runs the recorded schedule again,
 * decision for decision, and says whether the recorded failure happened again (exit 1 and
 * "replayed: the recorded failure again: ..."), or a different outcome (exit 2). Unlike a
 * real-thread re-run, a replay that does not reproduce is a determinism bug of jhsim itself.
 * `jhsim replay FILE --minimize` shrinks the schedule (fewer operations and preemptions) while
 * the same failure occurs, and writes FILE.min.json.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, startupFailure, tail } from './run.js';

/** How often a schedule file (or a re-run command) reproduced its failure. */
export interface Replays {
  /** Runs that failed again (a schedule file: with the recorded failure). */
  failed: number;
  tried: number;
  /** 'schedule': `jhsim replay FILE`; 'rerun': the failing stress command run again (real threads). */
  via: 'schedule' | 'rerun';
  /** Schedule replays whose outcome differed from the recorded one (exit 2), and what the first said. */
  different?: number;
  firstDifference?: string;
  /** Replays started again because their CPU workers joined too slowly (a loaded host, not the schedule). */
  startupRetries?: number;
}

/** The bundle's schedule file, if the failing run was a controlled one. */
export function scheduleOf(bundle: string | undefined): string | undefined {
  if (bundle === undefined) return undefined;
  const f = join(bundle, 'schedule.json');
  return existsSync(f) ? f : undefined;
}

const AGAIN = 'replayed: the recorded failure again';

/** Does one replay reproduce the recorded failure? */
export async function replayOnce(cli: string, cwd: string, file: string, timeoutMs: number): Promise<{ same: boolean; different?: string }> {
  const x = await runCli(cli, cwd, ['replay', file], timeoutMs);
  if (x.code === 1 && x.stdout.includes(AGAIN)) return { same: true };
  const why = x.killed ? `killed after ${timeoutMs} ms` : x.code === 2 ? (x.stdout.split('\n').find((l) => l.startsWith('replayed:')) ?? tail(x.stdout)) : `exit ${x.code}: ${tail(x.stderr) || tail(x.stdout)}`;
  return { same: false, different: why };
}

/** Replay a schedule file up to `n` times (at least once, then while under `capSeconds`). */
export async function replaySchedule(cli: string, cwd: string, file: string, n: number, capSeconds: number, timeoutMs: number): Promise<Replays> {
  const t0 = performance.now();
  const rep: Replays = { failed: 0, tried: 0, via: 'schedule', different: 0 };
  while (rep.tried < n && (rep.tried === 0 || performance.now() - t0 < capSeconds * 1000)) {
    let r = await replayOnce(cli, cwd, file, timeoutMs);
    for (let retry = 0; !r.same && startupFailure(r.different) && retry < 2; retry++) {
      rep.startupRetries = (rep.startupRetries ?? 0) + 1;
      r = await replayOnce(cli, cwd, file, timeoutMs);
    }
    rep.tried++;
    if (r.same) rep.failed++;
    else {
      rep.different!++;
      rep.firstDifference ??= r.different;
    }
  }
  return rep;
}

/** What `replay --minimize` made of a failing schedule, and how its result replays. */
export interface Minimized {
  /** The .min.json written (absent: minimisation failed; see message). */
  file?: string;
  operationsBefore?: number;
  operationsAfter?: number;
  preemptionsBefore?: number;
  preemptionsAfter?: number;
  /** Replays the minimiser spent. */
  tries?: number;
  seconds: number;
  replays?: Replays;
  message?: string;
}

const SUMMARY = /minimised in (\d+) runs: CPUs \d+ → \d+, callers \d+ → \d+, operations (\d+) → (\d+), preemptions (\d+) → (\d+)/;

/** `jhsim replay FILE --minimize --budget B -o FILE.min.json`, then replay the result `n` times. */
export async function minimizeSchedule(cli: string, cwd: string, file: string, budget: number, n: number, capSeconds: number, timeoutMs: number): Promise<Minimized> {
  const out = file.replace(/(\.json)?$/, '.min.json');
  const x = await runCli(cli, cwd, ['replay', file, '--minimize', '--budget', String(budget), '-o', out], timeoutMs);
  const seconds = x.wallMs / 1000;
  const m = SUMMARY.exec(x.stdout);
  if (x.code !== 0 || !m || !existsSync(out)) {
    return { seconds, message: x.killed ? `minimisation killed after ${timeoutMs} ms` : `minimisation failed (exit ${x.code}): ${tail(x.stderr) || tail(x.stdout)}` };
  }
  const res: Minimized = { file: out, tries: Number(m[1]), operationsBefore: Number(m[2]), operationsAfter: Number(m[3]), preemptionsBefore: Number(m[4]), preemptionsAfter: Number(m[5]), seconds };
  res.replays = await replaySchedule(cli, cwd, out, n, capSeconds, timeoutMs);
  return res;
}
