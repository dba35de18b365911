/**
 * How fast races are explored (issue targets): `stress --cells` operations per second with 8
 * CPUs and 4 callers, with real threads and under the controlled scheduler (PCT), alternating
 * (real, controlled, real, controlled …) so a noisy host shifts both alike; the medians and their
 * ratio. Targets: real threads ≥ 3 × the 60 ops/s measured before controlled mode existed;
 * controlled ≥ ½ of real threads (within 2×).
 */
import { DEFAULT_BOARD, BoardSchema } from '../../actors/cpu/board.js';
import { SchedStrategy } from '../../shared/sched/layout.js';
import { DEFAULT_ROOT_CONFIG, resolveUserPath } from '../paths.js';
import { stress } from '../stress/stress.js';
import { median } from './bench-timer.js';

export const STRESS_BASELINE_OPS = 60;
export const STRESS_TARGET_FACTOR = 3;
export const CONTROLLED_TARGET_RATIO = 0.5;

export interface StressSpeed {
  cpus: number;
  callers: number;
  iterations: number;
  /** ops/s of each run. */
  real: number[];
  controlled: number[];
  /** Schedule points per second of the controlled runs. */
  pointsPerS: number[];
  ratio: number;
}

export async function measureStressSpeed(iterations = 150, rounds = 3, cpus = 8, callers = 4): Promise<StressSpeed> {
  const board = BoardSchema.parse({ ...DEFAULT_BOARD, cpus });
  const base = { board, callers, iterations, hotplug: false, cells: true, failCpuRate: 0, delayPpm: 20000, configFile: resolveUserPath(DEFAULT_ROOT_CONFIG), watchdogMs: 10_000 };
  const real: number[] = [];
  const controlled: number[] = [];
  const pointsPerS: number[] = [];
  for (let i = 0; i < rounds; i++) {
    for (const c of [false, true]) {
      const seed = 100 + i;
      const r = await stress({ ...base, seed, ...(c ? { schedule: { strategy: SchedStrategy.PCT, seed } } : {}) });
      const rate = (r.operations * 1000) / Math.max(1, r.durationMs);
      (c ? controlled : real).push(Math.round(rate * 10) / 10);
      if (c && r.controlled) pointsPerS.push(Math.round((r.controlled.steps * 1000) / Math.max(1, r.durationMs)));
    }
  }
  return { cpus, callers, iterations, real, controlled, pointsPerS, ratio: Math.round((median(controlled) / median(real)) * 100) / 100 };
}

export function formatStressSpeed(s: StressSpeed): string {
  const realMed = median(s.real);
  return (
    `stress --cells, ${s.cpus} CPUs, ${s.callers} callers, ${s.iterations} operations per run (alternating runs): real threads ${s.real.join(' ')} ops/s ` +
    `(target ≥ ${STRESS_TARGET_FACTOR} × ${STRESS_BASELINE_OPS}: ${realMed >= STRESS_TARGET_FACTOR * STRESS_BASELINE_OPS ? 'met' : 'MISSED'}); controlled (pct) ${s.controlled.join(' ')} ops/s, ` +
    `${s.pointsPerS.join(' ')} schedule points/s; median controlled/real ${s.ratio} (target ≥ ${CONTROLLED_TARGET_RATIO}: ${s.ratio >= CONTROLLED_TARGET_RATIO ? 'met' : 'MISSED'})\n`
  );
}
