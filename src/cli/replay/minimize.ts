/**
 * `jhsim replay FILE --minimize`: shrink a failing schedule while the same failure (its
 * signature: the first violation or hang without the numbers that move) still occurs.
 *  1. fewer operations: --iterations cut to the operations started when it failed;
 *  1b. fewer callers, then fewer CPUs, where the scenario allows: a recorded schedule does not
 *     carry over to another machine, so each smaller scenario is explored afresh (the file's
 *     strategy, its seed and the next SEARCH_SEEDS − 1, as many operations as step 1 kept)
 *     until a run fails the same way (the same message, CPU and cell numbers aside); greedily,
 *     one caller or one CPU at a time;
 *  2. fewer preemptions: delta debugging over the schedule's switches, in chunks that halve:
 *     a chunk of switches is dropped (the running agent simply goes on there), replayed
 *     leniently (a decision that cannot be followed lets the running agent go on), and kept
 *     if the failure is still the same with fewer preemptions. What a lenient replay really
 *     did is recorded, so the result replays strictly.
 * Writes the smallest schedule found (FILE.min.json unless --out) and checks it replays.
 */
import { stress, type StressResult } from '../stress/stress.js';
import { decodeDecisions } from '../../shared/sched/control.js';
import { SchedStrategy } from '../../shared/sched/layout.js';
import { Errno, ErrnoError } from '../../shared/errno.js';
import { parseStress, rerunCommand } from '../stress/stress-options.js';
import { controlledFrom } from '../schedule-options.js';
import { failureSignature, makeScheduleFile, writeScheduleFile, type ScheduleFile } from './schedule-file.js';
import type { GlobalOptions } from '../machine-options.js';
import type { StressCliOptions } from '../stress/stress-options.js';
import type { ThreadKeeper } from '../../actors/cpu/cpu-threads.js';

interface Candidate {
  iterations: number;
  res: StressResult;
}

/** Seeds tried per smaller scenario (the file's seed and the ones after it). */
export const SEARCH_SEEDS = 4;

/** A failure's signature with its numbers (CPU, cell, caller) abstracted: the same bug on a smaller machine. */
function shape(sig: string | undefined): string | undefined {
  return sig?.replace(/\d+/g, 'N');
}

/** The scenario being shrunk: global and stress options, and the seed. */
interface Scenario {
  g: GlobalOptions;
  so: StressCliOptions;
  seed: number;
}

/** Pairs [i, i + n) take the agent of pair i − 1 (the switches into them disappear). */
function dropSwitches(d: Int32Array, i: number, n: number): Int32Array {
  const out: number[] = [];
  for (let p = 0; p < d.length >> 1; p++) {
    const agent = p >= i && p < i + n ? out[out.length - 2]! : d[2 * p]!;
    const count = d[2 * p + 1]!;
    if (out.length && out[out.length - 2] === agent) out[out.length - 1]! += count;
    else out.push(agent, count);
  }
  return Int32Array.from(out);
}

export async function minimizeCli(path: string, file: ScheduleFile, decisions: Int32Array, o: { out?: string; budget: number }): Promise<number> {
  let target = file.outcome.failure;
  if (target === undefined) throw new ErrnoError(Errno.EINVAL, `${path}: outcome.failure: the recorded run did not fail; there is nothing to keep while shrinking`);
  let sc: Scenario = { g: file.global, so: file.stress, seed: file.seed };
  let p = parseStress(sc.g, sc.so, () => sc.seed);
  let base = controlledFrom(sc.so, sc.seed)!;
  const cpus0 = p.board.cpus;
  const callers0 = p.options.callers;
  let tries = 0;
  // Each machine size keeps its CPU threads from run to run.
  const keepers = new Map<number, ThreadKeeper>();
  const keeper = (cpus: number): ThreadKeeper => keepers.get(cpus) ?? keepers.set(cpus, {}).get(cpus)!;
  const run = async (iterations: number, d: Int32Array, lenient: boolean): Promise<StressResult> => {
    tries++;
    return stress({ ...p.options, iterations, schedule: { ...base, strategy: SchedStrategy.REPLAY, replay: d, lenient }, threads: keeper(p.board.cpus) });
  };
  const log = (s: string): void => void process.stdout.write(`${s}\n`);
  const fails = (r: StressResult): boolean => failureSignature(r) === target;

  log(`minimising ${path}: ${cpus0} CPUs, ${callers0} callers, ${file.figures.operations} operations, ${file.figures.preemptions} preemptions; keeping: ${target}`);
  let best: Candidate = { iterations: p.options.iterations, res: await run(p.options.iterations, decisions, false) };
  if (!fails(best.res)) throw new ErrnoError(Errno.EINVAL, `${path}: the schedule no longer reproduces its failure (got ${failureSignature(best.res) ?? 'no failure'}); replay it to see why`);
  const executed = (c: Candidate): Int32Array => decodeDecisions(c.res.controlled!.schedule);

  // 1. Fewer operations.
  const cutOperations = async (): Promise<void> => {
    const started = best.res.opsStarted;
    if (started >= best.iterations) return;
    const r = await run(started, executed(best), false);
    if (fails(r)) best = { iterations: started, res: r };
    log(`operations: --iterations ${best.iterations}${best.iterations === started ? '' : ' (cutting them lost the failure)'}`);
  };
  await cutOperations();

  // 1b. Fewer callers, then fewer CPUs: explore each smaller scenario for the same failure.
  const smaller = async (next: Scenario, what: string): Promise<boolean> => {
    for (let k = 0; k < SEARCH_SEEDS && tries < o.budget; k++) {
      const seed = (next.seed + k) >>> 0;
      // As many operations as the failing run needed (step 1): a smaller scenario that fails
      // the same way does so about as soon; a longer run would only cost time.
      const cand: Scenario = { ...next, seed, so: { ...next.so, seed: String(seed), iterations: String(best.iterations) } };
      const cp = parseStress(cand.g, cand.so, () => seed);
      tries++;
      const r = await stress({ ...cp.options, threads: keeper(cp.board.cpus) });
      if (r.controlled && shape(failureSignature(r)) === shape(target)) {
        sc = cand;
        p = cp;
        base = controlledFrom(sc.so, seed)!;
        target = failureSignature(r)!;
        best = { iterations: cp.options.iterations, res: r };
        log(`  ${what}: the same failure with seed ${seed} (try ${tries}): ${target}`);
        return true;
      }
    }
    log(`  ${what}: not found in ${SEARCH_SEEDS} seeds`);
    return false;
  };
  for (let progress = true; progress && tries < o.budget; ) {
    progress = false;
    if (p.options.callers > 1) progress = await smaller({ ...sc, so: { ...sc.so, callers: String(p.options.callers - 1) } }, `${p.options.callers - 1} caller${p.options.callers - 1 > 1 ? 's' : ''}`);
    if (!progress && p.board.cpus > 2) progress = await smaller({ ...sc, g: { ...sc.g, cpus: String(p.board.cpus - 1) } }, `${p.board.cpus - 1} CPUs`);
    if (progress) await cutOperations();
  }

  // 2. Fewer preemptions (ddmin over switches).
  let d = executed(best);
  for (let chunk = Math.max(1, (d.length >> 1) >> 1); chunk >= 1 && tries < o.budget; chunk = chunk === 1 ? 0 : Math.max(1, chunk >> 1)) {
    for (let i = 1; i < d.length >> 1 && tries < o.budget; i += chunk) {
      const r = await run(best.iterations, dropSwitches(d, i, chunk), true);
      if (fails(r) && r.controlled!.preemptions < best.res.controlled!.preemptions) {
        best = { iterations: best.iterations, res: r };
        d = executed(best);
        log(`  ${r.controlled!.preemptions} preemptions (dropped ${chunk} switch${chunk > 1 ? 'es' : ''} at run ${i}; try ${tries})`);
      }
    }
  }

  // The result replays strictly: check it, then write it.
  const check = await run(best.iterations, d, false);
  for (const k of keepers.values()) await k.threads?.terminate();
  if (!fails(check)) throw new ErrnoError(Errno.EIO, 'the minimised schedule did not replay its failure strictly (please report this)');
  const so = { ...sc.so, iterations: String(best.iterations) };
  const out = o.out ?? path.replace(/(\.json)?$/, '.min.json');
  const f = makeScheduleFile(sc.g, so, rerunCommand(sc.g, so, p.board.cpus, sc.seed), check);
  writeScheduleFile(out, f);
  log(`minimised in ${tries} runs: CPUs ${cpus0} → ${p.board.cpus}, callers ${callers0} → ${p.options.callers}, operations ${file.figures.operations} → ${check.operations}, preemptions ${file.figures.preemptions} → ${check.controlled!.preemptions}, decision runs ${decisions.length >> 1} → ${d.length >> 1}`);
  log(`written to ${out}; replay it with: jhsim replay ${out}`);
  return 0;
}
