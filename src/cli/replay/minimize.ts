/**
 * `jhsim replay FILE --minimize`: shrink a failing schedule while the same failure (its
 * signature: the first violation or hang without the numbers that move) still occurs.
 *  1. fewer operations: --iterations cut to the operations started when it failed;
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

interface Candidate {
  iterations: number;
  res: StressResult;
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
  const target = file.outcome.failure;
  if (target === undefined) throw new ErrnoError(Errno.EINVAL, `${path}: outcome.failure: the recorded run did not fail; there is nothing to keep while shrinking`);
  const p = parseStress(file.global, file.stress, () => file.seed);
  const base = controlledFrom(file.stress, file.seed)!;
  let tries = 0;
  const run = async (iterations: number, d: Int32Array, lenient: boolean): Promise<StressResult> => {
    tries++;
    return stress({ ...p.options, iterations, schedule: { ...base, strategy: SchedStrategy.REPLAY, replay: d, lenient } });
  };
  const log = (s: string): void => void process.stdout.write(`${s}\n`);
  const fails = (r: StressResult): boolean => failureSignature(r) === target;

  log(`minimising ${path}: ${file.figures.operations} operations, ${file.figures.preemptions} preemptions; keeping: ${target}`);
  let best: Candidate = { iterations: p.options.iterations, res: await run(p.options.iterations, decisions, false) };
  if (!fails(best.res)) throw new ErrnoError(Errno.EINVAL, `${path}: the schedule no longer reproduces its failure (got ${failureSignature(best.res) ?? 'no failure'}); replay it to see why`);
  const executed = (c: Candidate): Int32Array => decodeDecisions(c.res.controlled!.schedule);

  // 1. Fewer operations.
  const started = best.res.opsStarted;
  if (started < best.iterations) {
    const r = await run(started, executed(best), false);
    if (fails(r)) best = { iterations: started, res: r };
    log(`operations: --iterations ${best.iterations}${best.iterations === started ? '' : ' (cutting them lost the failure)'}`);
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
  if (!fails(check)) throw new ErrnoError(Errno.EIO, 'the minimised schedule did not replay its failure strictly (please report this)');
  const so = { ...file.stress, iterations: String(best.iterations) };
  const out = o.out ?? path.replace(/(\.json)?$/, '.min.json');
  const f = makeScheduleFile(file.global, so, rerunCommand(file.global, so, p.board.cpus, file.seed), check);
  writeScheduleFile(out, f);
  log(`minimised in ${tries} replays: operations ${file.figures.operations} → ${check.operations}, preemptions ${file.figures.preemptions} → ${check.controlled!.preemptions}, decision runs ${decisions.length >> 1} → ${d.length >> 1}`);
  log(`written to ${out}; replay it with: jhsim replay ${out}`);
  return 0;
}
