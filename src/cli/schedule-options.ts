/**
 * The controlled scheduler's options, shared by `stress`, `run` and `guest run`: --schedule,
 * --depth, --pct-steps, --step-budget, --guest-slice (and --seed where the command has none of
 * its own), checked into ControlledOptions, and the words that repeat them in a re-run line.
 */
import { Option, type Command } from 'commander';
import { Errno, ErrnoError } from '../shared/errno.js';
import { DEFAULT_DEPTH, DEFAULT_GUEST_SLICE, DEFAULT_PCT_STEPS, DEFAULT_STEP_BUDGET, type ControlledOptions } from '../shared/sched/control.js';
import { STRATEGY_NAMES, SchedStrategy, type SchedStrategyValue } from '../shared/sched/layout.js';
import { shellQuote } from './fuzz/quote.js';
import { parseIntOption } from './machine-options.js';

export interface ScheduleCliOptions {
  schedule?: string;
  seed?: string;
  depth: string;
  pctSteps: string;
  stepBudget: string;
  guestSlice: string;
}

/**
 * Add the options to a command (`seed`: also --seed, for commands without one; `exhaustive`: the
 * command can search every schedule, `stress`).
 */
export function addScheduleOptions(cmd: Command, seed: boolean, exhaustive = false): Command {
  const choices = ['pct', 'random', 'roundrobin', ...(exhaustive ? ['exhaustive'] : [])];
  const search = exhaustive ? '; exhaustive runs every schedule within --preemption-bound, one after the other' : '';
  cmd
    .addOption(new Option('--schedule <strategy>', `controlled mode: the CPUs (and the user-space callers) run one at a time, handing over at schedule points chosen by this strategy, on virtual time; the same seed and options give the same run, bit for bit${search}`).choices(choices))
    .option('--depth <d>', 'PCT: bug depth d (d - 1 priority change points)', String(DEFAULT_DEPTH))
    .option('--pct-steps <k>', `PCT: schedule points the change points are drawn from; auto: 50 per stress operation (${DEFAULT_PCT_STEPS} otherwise); the report gives the observed count`, 'auto')
    .option('--step-budget <n>', 'controlled mode: schedule points without a completed user-space task before a livelock is reported', String(DEFAULT_STEP_BUDGET))
    .option('--guest-slice <n>', 'controlled mode: guest instructions between two schedule points', String(DEFAULT_GUEST_SLICE));
  if (seed) cmd.option('--seed <n>', 'controlled mode: seed of the schedule (default: random, printed first)');
  return cmd;
}

/** --schedule and its options as the scheduler takes them (undefined: free-running threads). */
export function controlledFrom(o: ScheduleCliOptions, seed: number): ControlledOptions | undefined {
  if (o.schedule === undefined) return undefined;
  const strategy = STRATEGY_NAMES.indexOf(o.schedule as (typeof STRATEGY_NAMES)[number]);
  if (strategy < 0 || strategy === SchedStrategy.REPLAY) throw new ErrnoError(Errno.EINVAL, `--schedule ${o.schedule}: expected pct, random, roundrobin or (stress) exhaustive`);
  return {
    strategy: strategy as SchedStrategyValue,
    seed,
    depth: parseIntOption('--depth', o.depth ?? String(DEFAULT_DEPTH), 1, 65)!,
    ...(o.pctSteps === undefined || o.pctSteps === 'auto' ? {} : { pctSteps: parseIntOption('--pct-steps', o.pctSteps, 1, 1e12)! }),
    stepBudget: parseIntOption('--step-budget', o.stepBudget ?? String(DEFAULT_STEP_BUDGET), 1000, 2 ** 31 - 1)!,
    guestSlice: parseIntOption('--guest-slice', o.guestSlice ?? String(DEFAULT_GUEST_SLICE), 1, 1_000_000_000)!,
  };
}

/** The schedule options as they would be typed again (defaults left out). */
export function scheduleRerunArgs(o: ScheduleCliOptions): string[] {
  if (o.schedule === undefined) return [];
  const parts = [`--schedule ${o.schedule}`];
  if (o.schedule === 'pct') parts.push(`--depth ${o.depth}`, ...(o.pctSteps === 'auto' ? [] : [`--pct-steps ${o.pctSteps}`]));
  if (o.stepBudget !== String(DEFAULT_STEP_BUDGET)) parts.push(`--step-budget ${o.stepBudget}`);
  if (o.guestSlice !== String(DEFAULT_GUEST_SLICE)) parts.push(`--guest-slice ${o.guestSlice}`);
  return parts;
}

/** This process's command line as a re-run line, with `--seed SEED` added if it had none. */
export function rerunWithSeed(argv: readonly string[], seed: number): string {
  const args = argv.slice(2);
  const has = args.some((a) => a === '--seed' || a.startsWith('--seed='));
  return ['jhsim', ...args.map(shellQuote), ...(has ? [] : ['--seed', String(seed)])].join(' ');
}
