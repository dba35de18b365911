/**
 * `jhsim replay FILE`: run a recorded schedule again, decision for decision, with the options it
 * was recorded with (global ones included), and say whether the outcome is the recorded one.
 * `--trace N` prints the last N schedule points before the run ended (the failure, for a
 * failing schedule); `--minimize` shrinks a failing schedule (minimize.ts).
 */
import { Errno, ErrnoError } from '../../shared/errno.js';
import { SchedStrategy } from '../../shared/sched/layout.js';
import { parseIntOption } from '../machine-options.js';
import { runStress } from '../stress/stress-cli.js';
import { controlledFrom } from '../schedule-options.js';
import { formatTrace } from '../stress/stress-controlled.js';
import type { StressResult } from '../stress/stress.js';
import { checkInputs, failureSignature, readScheduleFile } from './schedule-file.js';
import { minimizeCli } from './minimize.js';

export interface ReplayCliOptions {
  trace?: string | boolean;
  minimize?: boolean;
  out?: string;
  budget: string;
  force?: boolean;
  json?: boolean;
}

const DEFAULT_TRACE = 60;

export async function replayCli(path: string, o: ReplayCliOptions): Promise<number> {
  const { file, decisions } = readScheduleFile(path);
  if (!o.force) checkInputs(path, file);
  if (o.minimize) return minimizeCli(path, file, decisions, { out: o.out, budget: parseIntOption('--budget', o.budget, 1, 10_000)! });
  const traceN = o.trace === undefined || o.trace === false ? 0 : o.trace === true ? DEFAULT_TRACE : parseIntOption('--trace', o.trace, 1, 8192)!;
  const base = controlledFrom(file.stress, file.seed);
  if (!base) throw new ErrnoError(Errno.EINVAL, `${path}: stress.schedule: the recorded run was not a controlled one`);
  let res: StressResult | undefined;
  const code = await runStress(
    file.global,
    { ...file.stress, json: o.json, record: undefined, bundle: false },
    { schedule: { ...base, strategy: SchedStrategy.REPLAY, replay: decisions }, traceLast: traceN, onResult: (r) => (res = r) },
  );
  if (!res) return code;
  const got = failureSignature(res);
  const want = file.outcome.failure;
  const same = got === want;
  const verdict = same
    ? want === undefined ? 'replayed: no failure, as recorded' : `replayed: the recorded failure again: ${want}`
    : `replayed: a DIFFERENT outcome: recorded ${want ?? 'no failure'}, got ${got ?? 'no failure'}`;
  const lines = [verdict];
  if (res.controlled && res.controlled.replayMisses > 0) lines.push(`(${res.controlled.replayMisses} decisions could not be followed)`);
  if (traceN > 0 && res.controlled) lines.push(`last ${Math.min(traceN, res.controlled.trace?.length ?? 0)} schedule points:`, ...formatTrace(res.controlled, res.ops, res.cpus, res.callers).slice(-traceN));
  (o.json ? process.stderr : process.stdout).write(`${lines.join('\n')}\n`);
  return same ? code : 2;
}
