/**
 * What a controlled stress run reports about its schedule: the strategy, how many schedule
 * points and preemptions it took, its virtual duration, the recorded decisions (what a schedule
 * file keeps) and, if the run stopped, the wait graph.
 */
import type { Machine } from '../../actors/cpu/supervisor.js';
import { encodeDecisions, recordedDecisions, runFigures, type ControlledOptions, type RunFigures } from '../../shared/sched/control.js';
import { STRATEGY_NAMES, SchedStrategy } from '../../shared/sched/layout.js';
import { ScheduleStopped } from '../../shared/sched/main-agent.js';

export interface ControlledOutcome extends RunFigures {
  strategy: string;
  depth?: number;
  /** The decisions as run-length pairs (shared/sched/control.ts encodeDecisions). */
  decisions: number;
  schedule: string;
  /** Why the run stopped (deadlock, livelock, divergence) and the wait graph. */
  stop?: string[];
}

export function controlledOutcome(m: Machine, o: ControlledOptions): ControlledOutcome {
  const s = m.sched!;
  const fig = runFigures(s);
  const stop = m.controlledStop;
  const d = o.replay ?? recordedDecisions(s);
  return {
    strategy: STRATEGY_NAMES[o.strategy],
    ...(o.strategy === SchedStrategy.PCT ? { depth: o.depth } : {}),
    ...fig,
    decisions: d.length >> 1,
    schedule: encodeDecisions(d),
    ...(stop ? { stop: stop instanceof ScheduleStopped ? stop.report : [stop.message] } : {}),
  };
}
