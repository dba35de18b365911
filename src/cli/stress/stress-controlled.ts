/**
 * What a controlled stress run reports about its schedule: the strategy, how many schedule
 * points and preemptions it took, its virtual duration, the recorded decisions (what a schedule
 * file keeps) and, if the run stopped, the wait graph.
 */
import type { Machine } from '../../actors/cpu/supervisor.js';
import { encodeDecisions, recordedChoices, recordedDecisions, type ChoicePoint, runFigures, traceEntries, type ControlledOptions, type RunFigures, type TraceEntry } from '../../shared/sched/control.js';
import { cpuWordName } from '../../actors/cpu/layout.js';
import type { OpRecord } from './op-log.js';

/** Schedule points a failed (or traced) run keeps for `replay --trace` and the bundle. */
export const TRACE_KEEP = 400;
import { STRATEGY_NAMES, SchedStrategy } from '../../shared/sched/layout.js';

export interface ControlledOutcome extends RunFigures {
  strategy: string;
  depth?: number;
  /** The decisions as run-length pairs (shared/sched/control.ts encodeDecisions). */
  decisions: number;
  schedule: string;
  /** Why the run stopped (deadlock, livelock, divergence) and the wait graph. */
  stop?: string[];
  /** The last schedule points (a failed or traced run). */
  trace?: TraceEntry[];
  /** Exhaustive: the run's choice points, for the search (null: more than fit). */
  choices?: ChoicePoint[] | null;
}

export function controlledOutcome(m: Machine, o: ControlledOptions, traceLast = 0): ControlledOutcome {
  const s = m.sched!;
  const fig = runFigures(s);
  const stop = m.controlledStop;
  const d = recordedDecisions(s);
  return {
    strategy: STRATEGY_NAMES[o.strategy],
    ...(o.strategy === SchedStrategy.PCT ? { depth: o.depth } : {}),
    ...fig,
    decisions: d.length >> 1,
    schedule: encodeDecisions(d),
    ...(stop ? { stop } : {}),
    ...(traceLast > 0 ? { trace: traceEntries(s, traceLast, (i) => cpuWordName(m.nr, i)) } : {}),
    ...(o.strategy === SchedStrategy.EXHAUSTIVE ? { choices: recordedChoices(s) ?? null } : {}),
  };
}

/**
 * The trace as lines: point, agent, what it did, the word (and its value then), and the
 * user-space operation the CPU was serving (from the operation log: the caller's first
 * operation that completed at or after that point).
 */
export function formatTrace(c: ControlledOutcome, ops: readonly OpRecord[], nrCpus: number, callers: number): string[] {
  const name = (a: number): string => (a === nrCpus ? 'user' : `CPU ${a}`);
  return (c.trace ?? []).map((e) => {
    const op = e.caller >= 0 ? ops.find((x) => x.caller === e.caller && (x.step ?? Infinity) >= e.step) : undefined;
    // The caller after the last is the harness's invariant checker (its reads of /sys).
    const what = e.caller >= callers ? '  [invariant checker]' : e.caller >= 0 ? `  [caller ${e.caller}: ${op?.op ?? 'operation in flight'}]` : '';
    return `point ${String(e.step).padStart(7)}  ${name(e.agent).padEnd(6)} ${e.kind.padEnd(11)} ${e.word ? `${e.word} = ${e.value}` : ''}${what}`;
  });
}
