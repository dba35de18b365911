/**
 * `jhsim stress`'s options as commander parses them, checked and turned into StressOptions in one
 * place (stress, campaigns, `replay`, minimisation all start from the same parsed strings), and
 * the one-line command that runs the same thing again, global options included.
 */
import type { Board } from '../../actors/cpu/board.js';
import { Errno, ErrnoError } from '../../shared/errno.js';
import { controlledFrom, scheduleRerunArgs, type ScheduleCliOptions } from '../schedule-options.js';
import { EXPLORE_MAX_AGENTS, SchedStrategy } from '../../shared/sched/layout.js';
import type { BoundKind } from '../../shared/sched/explore.js';
import { boardFrom, firmwareFrom, globalRerunOptions, isolationFrom, parseIntOption, watchdogFrom, type GlobalOptions } from '../machine-options.js';
import { resolveUserPath } from '../paths.js';
import type { StressOptions } from './stress.js';

export interface StressCliOptions extends ScheduleCliOptions {
  callers: string;
  iterations: string;
  seed?: string;
  hotplug?: boolean;
  cells?: boolean;
  failCpuRate: string;
  delayPpm: string;
  config: string;
  json?: boolean;
  /** Stop at the first violation. */
  failFast?: boolean;
  runs: string;
  parallel: string;
  /** Write the schedule file of a controlled run here. */
  record?: string;
  /** Where a failing run writes its failure bundle (false: --no-bundle). */
  bundle?: string | false;
  /** Exhaustive: preemptions a schedule may take. */
  preemptionBound?: string;
  /** Exhaustive: schedules to run at most. */
  maxSchedules?: string;
  /** Exhaustive: bound the delays instead of the preemptions. */
  delayBound?: string;
}

export const DEFAULT_PREEMPTION_BOUND = 2;
export const DEFAULT_MAX_SCHEDULES = 100_000;

export function rerunCommand(g: GlobalOptions, o: StressCliOptions, cpus: number, seed: number): string {
  const parts = ['jhsim stress', `--cpus ${cpus}`, `--callers ${o.callers}`, `--iterations ${o.iterations}`, `--seed ${seed}`];
  if (o.hotplug) parts.push('--hotplug');
  if (o.cells) parts.push('--cells');
  if (Number(o.failCpuRate) > 0) parts.push(`--fail-cpu-rate ${o.failCpuRate}`);
  if (o.delayPpm !== '20000') parts.push(`--delay-ppm ${o.delayPpm}`);
  if (o.config !== 'configs/qemu-arm64.json') parts.push(`--config ${o.config}`);
  if (o.failFast) parts.push('--fail-fast');
  parts.push(...scheduleRerunArgs(o));
  if (o.schedule === 'exhaustive') {
    if (o.delayBound !== undefined) parts.push(`--delay-bound ${o.delayBound}`);
    else if (o.preemptionBound !== undefined && o.preemptionBound !== String(DEFAULT_PREEMPTION_BOUND)) parts.push(`--preemption-bound ${o.preemptionBound}`);
    if (o.maxSchedules !== undefined && o.maxSchedules !== String(DEFAULT_MAX_SCHEDULES)) parts.push(`--max-schedules ${o.maxSchedules}`);
  }
  parts.splice(1, 0, ...globalRerunOptions(g));
  return parts.join(' ');
}

/** Schedule points a stress operation takes, roughly (observed: 40-120), for --pct-steps auto. */
export const PCT_STEPS_PER_OPERATION = 50;

export interface ParsedStress {
  board: Board;
  seed: number;
  runs: number;
  parallel: number;
  /** Everything a run needs but its seed and progress callback. */
  options: Omit<StressOptions, 'onProgress'>;
  /** --schedule exhaustive: the search's limits. */
  explore?: { bound: number; kind: BoundKind; maxSchedules: number };
}

/** Check every option (EINVAL naming the one that is wrong) before anything starts. */
export function parseStress(g: GlobalOptions, o: StressCliOptions, seedDefault: () => number): ParsedStress {
  const board = boardFrom(g);
  const callers = parseIntOption('--callers', o.callers, 1, 63)!;
  const iterations = parseIntOption('--iterations', o.iterations, 1, 10_000_000)!;
  const seed = parseIntOption('--seed', o.seed, 0, 0xffffffff) ?? seedDefault();
  const delayPpm = parseIntOption('--delay-ppm', o.delayPpm, 0, 1_000_000)!;
  const rate = Number(o.failCpuRate);
  if (!Number.isFinite(rate) || rate < 0 || rate > 1) throw new ErrnoError(Errno.EINVAL, `--fail-cpu-rate ${o.failCpuRate}: expected a probability from 0 to 1`);
  const runs = parseIntOption('--runs', o.runs, 1, 100_000)!;
  const parallel = parseIntOption('--parallel', o.parallel, 1, 64)!;
  const schedule = controlledFrom(o, seed);
  let explore: ParsedStress['explore'];
  if (schedule?.strategy === SchedStrategy.EXHAUSTIVE) {
    if (o.delayBound !== undefined && (o.preemptionBound ?? String(DEFAULT_PREEMPTION_BOUND)) !== String(DEFAULT_PREEMPTION_BOUND)) {
      throw new ErrnoError(Errno.EINVAL, `--delay-bound ${o.delayBound} with --preemption-bound ${o.preemptionBound}: the search bounds one of them; give one`);
    }
    explore = {
      bound: o.delayBound !== undefined ? parseIntOption('--delay-bound', o.delayBound, 0, 1000)! : parseIntOption('--preemption-bound', o.preemptionBound ?? String(DEFAULT_PREEMPTION_BOUND), 0, 1000)!,
      kind: o.delayBound !== undefined ? 'delays' : 'preemptions',
      maxSchedules: parseIntOption('--max-schedules', o.maxSchedules ?? String(DEFAULT_MAX_SCHEDULES), 1, 100_000_000)!,
    };
    if (board.cpus + 1 > EXPLORE_MAX_AGENTS) throw new ErrnoError(Errno.EINVAL, `--schedule exhaustive: ${board.cpus} CPUs; the search handles at most ${EXPLORE_MAX_AGENTS - 1} (a small scenario is what it can exhaust)`);
    if (runs > 1) throw new ErrnoError(Errno.EINVAL, `--runs ${runs}: --schedule exhaustive is one search, not a campaign of seeds; drop --runs`);
  } else {
    if (o.delayBound !== undefined) throw new ErrnoError(Errno.EINVAL, `--delay-bound ${o.delayBound}: only --schedule exhaustive has a delay bound`);
    // commander fills the defaults in; only a value typed by the user is refused.
    if ((o.preemptionBound ?? String(DEFAULT_PREEMPTION_BOUND)) !== String(DEFAULT_PREEMPTION_BOUND)) throw new ErrnoError(Errno.EINVAL, `--preemption-bound ${o.preemptionBound}: only --schedule exhaustive has a preemption bound`);
    if ((o.maxSchedules ?? String(DEFAULT_MAX_SCHEDULES)) !== String(DEFAULT_MAX_SCHEDULES)) throw new ErrnoError(Errno.EINVAL, `--max-schedules ${o.maxSchedules}: only --schedule exhaustive runs a number of schedules`);
  }
  // PCT draws its change points from about the number of points the run will take.
  if (schedule && schedule.pctSteps === undefined) schedule.pctSteps = iterations * PCT_STEPS_PER_OPERATION;
  return {
    board,
    seed,
    runs,
    parallel,
    ...(explore ? { explore } : {}),
    options: {
      board,
      firmware: firmwareFrom(g),
      callers,
      iterations,
      seed,
      hotplug: !!o.hotplug,
      cells: !!o.cells,
      failCpuRate: rate,
      delayPpm,
      configFile: resolveUserPath(o.config),
      watchdogMs: watchdogFrom(g),
      isolation: isolationFrom(g),
      upstreamRaces: !!g.upstreamRaces,
      failFast: !!o.failFast,
      ...(schedule ? { schedule } : {}),
    },
  };
}
