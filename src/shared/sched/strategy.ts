/**
 * Who runs next at a schedule point, by strategy: random (uniform over runnable agents),
 * roundrobin (the next runnable one), PCT (the highest priority; the running agent demoted at
 * its change points; random past its horizon of k points) and replay (the recorded decision;
 * strict replay stops at a divergence, lenient replay lets the running agent go on). The PRNG's
 * state lives in the shared header so the stream continues whichever agent decides.
 */
import {
  AgentWord, CHOICE_BASE, CHOICE_WORDS, CHOICES_MAX, ChoiceBits, PCT_F64_BASE, PREFIX_BASE, PointKind, REPLAY_BASE, SchedF64, SchedStatus, SchedStrategy, SchedWord,
} from './layout.js';

/** What a strategy reads and does of the scheduler (scheduler.ts's Scheduler). */
export interface Decider {
  readonly i32: Int32Array;
  readonly f64: Float64Array;
  /** The agent deciding (the one holding the turn). */
  readonly me: number;
  /** Its slot (Int32 index). */
  readonly base: number;
  readonly step: number;
  runnable(agent: number): boolean;
  agentWord(agent: number, w: number): number;
  /** Stop the run (STATUS), returning STOPPED. */
  stop(status: number, agent: number): number;
}

export function pickNext(s: Decider, kind: number, nr: number, runnable: number): number {
  const strategy = s.i32[SchedWord.STRATEGY];
  if (strategy === SchedStrategy.REPLAY) return replayNext(s, nr);
  if (runnable === 1) {
    for (let a = 0; a < nr; a++) if (s.runnable(a)) return a;
  }
  // A guest slice always yields to another runnable agent: guest code may spin forever,
  // and the races worth exploring are in the code around it.
  const skip = kind === PointKind.GUEST_SLICE && runnable > 1 ? s.me : -1;
  const ok = (a: number): boolean => a !== skip && s.runnable(a);
  switch (strategy) {
    case SchedStrategy.EXHAUSTIVE:
      return exploreNext(s, nr, skip);
    case SchedStrategy.ROUNDROBIN:
      for (let i = 1; i <= nr; i++) {
        const a = (s.me + i) % nr;
        if (ok(a)) return a;
      }
      return -1;
    case SchedStrategy.PCT: {
      // Past the horizon no change point is left to find a bug with: random, so nobody starves.
      if (s.step > s.f64[SchedF64.PCT_STEPS]!) return randomPick(s, nr, runnable, skip, ok);
      const next = s.i32[SchedWord.PCT_NEXT]!;
      if (next < s.i32[SchedWord.PCT_POINTS]! && s.step >= s.f64[PCT_F64_BASE + next]!) {
        // Change point i: the running agent drops below every initial priority (d − i).
        s.i32[s.base + AgentWord.PRIO] = s.i32[SchedWord.DEPTH]! - (next + 1);
        s.i32[SchedWord.PCT_NEXT] = next + 1;
      }
      let best = -1;
      for (let a = 0; a < nr; a++) if (ok(a) && (best < 0 || s.agentWord(a, AgentWord.PRIO) > s.agentWord(best, AgentWord.PRIO))) best = a;
      return best;
    }
    default:
      return randomPick(s, nr, runnable, skip, ok);
  }
}

/** Uniformly among the eligible agents (`runnable` of them, less `skip` when it is one). */
function randomPick(s: Decider, nr: number, runnable: number, skip: number, ok: (a: number) => boolean): number {
  let k = rand(s) % (skip >= 0 ? runnable - 1 : runnable);
  for (let a = 0; a < nr; a++) if (ok(a) && k-- === 0) return a;
  return -1;
}

/**
 * A choice point of the exhaustive search: the prefix's agent while the prefix lasts, then the
 * running agent if it can go on, else the next eligible one after it. Every choice point is
 * recorded (the deciding agent, whether leaving it preempts it, the eligible agents, the pick)
 * for the search to branch from; a prefix agent that is not eligible is a divergence.
 */
function exploreNext(s: Decider, nr: number, skip: number): number {
  const i32 = s.i32;
  let mask = 0;
  for (let a = 0; a < nr; a++) if (a !== skip && s.runnable(a)) mask |= 1 << a;
  // One eligible agent (a guest slice's forced yield): no choice.
  if ((mask & (mask - 1)) === 0) return 31 - Math.clz32(mask);
  const me = s.me;
  const preemptible = skip < 0 && s.runnable(me);
  const i = i32[SchedWord.CHOICES]!;
  let pick = -1;
  if (i < i32[SchedWord.PREFIX_LEN]!) {
    pick = i32[PREFIX_BASE + i]!;
    if (pick < 0 || pick >= nr || ((mask >>> pick) & 1) === 0) return s.stop(SchedStatus.DIVERGED, pick);
  } else if (preemptible) {
    pick = me;
  } else {
    for (let k = 1; k <= nr && pick < 0; k++) if ((mask >>> ((me + k) % nr)) & 1) pick = (me + k) % nr;
  }
  if (i >= CHOICES_MAX) {
    i32[SchedWord.CHOICE_OVERFLOW] = 1;
    return pick;
  }
  const at = CHOICE_BASE + CHOICE_WORDS * i;
  i32[at] = s.step | 0;
  i32[at + 1] = me | (preemptible ? ChoiceBits.PREEMPTIBLE : 0) | (pick << ChoiceBits.PICK_SHIFT);
  i32[at + 2] = mask;
  i32[SchedWord.CHOICES] = i + 1;
  return pick;
}

function replayNext(s: Decider, nr: number): number {
  const i32 = s.i32;
  const fallback = (): number => {
    i32[SchedWord.REPLAY_MISSES]! += 1;
    if (s.runnable(s.me)) return s.me;
    for (let a = 0; a < nr; a++) if (s.runnable(a)) return a;
    return -1;
  };
  let pair = i32[SchedWord.REPLAY_PAIR]!;
  while (i32[SchedWord.REPLAY_LEFT] === 0) {
    if (pair >= i32[SchedWord.REPLAY_PAIRS]!) return fallback();
    i32[SchedWord.REPLAY_LEFT] = i32[REPLAY_BASE + 2 * pair + 1]!;
    i32[SchedWord.REPLAY_PAIR] = ++pair;
  }
  const want = i32[REPLAY_BASE + 2 * (pair - 1)]!;
  i32[SchedWord.REPLAY_LEFT]! -= 1;
  if (want < nr && s.runnable(want)) return want;
  if (i32[SchedWord.REPLAY_LENIENT]) return fallback();
  return s.stop(SchedStatus.DIVERGED, want);
}

/** xorshift128 in the shared header, so the stream continues whichever agent decides. */
export function rand(sch: Decider): number {
  const i32 = sch.i32;
  let t = i32[SchedWord.RNG3]!;
  const s = i32[SchedWord.RNG0]!;
  i32[SchedWord.RNG3] = i32[SchedWord.RNG2]!;
  i32[SchedWord.RNG2] = i32[SchedWord.RNG1]!;
  i32[SchedWord.RNG1] = s;
  t ^= t << 11;
  t ^= t >>> 8;
  const r = t ^ s ^ (s >>> 19);
  i32[SchedWord.RNG0] = r;
  return r >>> 0;
}
