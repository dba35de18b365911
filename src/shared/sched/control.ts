/**
 * Setting up and reading out a controlled run: the strategy's initial state (seeded PRNG, PCT
 * priorities and change points), a schedule to replay, the recorded decisions, the wait graph
 * when the run stopped, and the trace of the latest schedule points.
 */
import { Rng } from '../rng.js';
import {
  AgentState, AgentWord, CHOICE_BASE, CHOICE_WORDS, CHOICES_MAX, ChoiceBits, LOG_BASE, PREFIX_BASE, LOG_PAIRS_MAX, PCT_F64_BASE, REPLAY_BASE, PCT_MAX_POINTS, POINT_KIND_NAMES, SchedF64, SchedMode, SchedStatus, SchedWord,
  TRACE_BASE, TRACE_ENTRIES, TRACE_WORDS, agentBase, agentDeadlineF64, type SchedStrategyValue,
} from './layout.js';
import type { Scheduler } from './scheduler.js';

export interface ControlledOptions {
  strategy: SchedStrategyValue;
  seed: number;
  /** PCT depth d (default 3). */
  depth?: number;
  /** PCT: the number of schedule points the change points are drawn from (k). */
  pctSteps?: number;
  /** Schedule points without a completed user-space task before a livelock is reported. */
  stepBudget?: number;
  /** Guest instructions between two schedule points. */
  guestSlice?: number;
  /** Replay: the decisions (run-length pairs) to follow. */
  replay?: Int32Array;
  /** Replay: skip decisions that cannot be followed instead of stopping (minimisation). */
  lenient?: boolean;
  /** Exhaustive: the agent of each of the first choice points (the search's branch). */
  prefix?: readonly number[];
}

export const DEFAULT_DEPTH = 3;
export const DEFAULT_PCT_STEPS = 100_000;
export const DEFAULT_STEP_BUDGET = 50_000;
export const DEFAULT_GUEST_SLICE = 2000;

/** Initialise the buffer for a run with `nrAgents` agents (the last is the main thread). */
export function initControlled(s: Scheduler, nrAgents: number, o: ControlledOptions): void {
  const i32 = s.i32;
  const f64 = s.f64;
  i32.fill(0, 0, LOG_BASE);
  i32[SchedWord.NR_AGENTS] = nrAgents;
  i32[SchedWord.STRATEGY] = o.strategy;
  i32[SchedWord.STATUS] = SchedStatus.RUNNING;
  i32[SchedWord.STEP_BUDGET] = o.stepBudget ?? DEFAULT_STEP_BUDGET;
  i32[SchedWord.GUEST_SLICE] = o.guestSlice ?? DEFAULT_GUEST_SLICE;
  const rng = new Rng(o.seed, 0x5c4ed);
  for (const w of [SchedWord.RNG0, SchedWord.RNG1, SchedWord.RNG2, SchedWord.RNG3]) i32[w] = rng.u32() | 1;
  const depth = Math.max(1, Math.min(o.depth ?? DEFAULT_DEPTH, PCT_MAX_POINTS + 1));
  i32[SchedWord.DEPTH] = depth;
  // PCT: distinct initial priorities d .. d+n-1 in random order; d−1 change points in 1..k.
  const prios = Array.from({ length: nrAgents }, (_, i) => depth + i);
  for (let i = prios.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [prios[i], prios[j]] = [prios[j]!, prios[i]!];
  }
  for (let a = 0; a < nrAgents; a++) {
    const b = agentBase(a);
    i32[b + AgentWord.STATE] = a === nrAgents - 1 ? AgentState.RUNNABLE : AgentState.FREE;
    i32[b + AgentWord.PRIO] = prios[a]!;
    f64[agentDeadlineF64(a)] = Infinity;
  }
  const k = Math.max(1, o.pctSteps ?? DEFAULT_PCT_STEPS);
  const points = Array.from({ length: depth - 1 }, () => 1 + rng.int(k)).sort((x, y) => x - y);
  points.forEach((p, i) => (f64[PCT_F64_BASE + i] = p));
  f64[SchedF64.PCT_STEPS] = k;
  i32[SchedWord.PCT_POINTS] = points.length;
  f64[SchedF64.VTIME_NS] = 0;
  f64[SchedF64.STEP] = 0;
  f64[SchedF64.PROGRESS_STEP] = 0;
  if (o.replay) {
    if (o.replay.length > 2 * LOG_PAIRS_MAX) throw new Error(`the schedule has ${o.replay.length >> 1} decision runs; at most ${LOG_PAIRS_MAX} fit`);
    i32.set(o.replay, REPLAY_BASE);
    i32[SchedWord.REPLAY_PAIRS] = o.replay.length >> 1;
    i32[SchedWord.REPLAY_LENIENT] = o.lenient ? 1 : 0;
  }
  if (o.prefix) {
    if (o.prefix.length > CHOICES_MAX) throw new Error(`the prefix has ${o.prefix.length} choice points; at most ${CHOICES_MAX} fit`);
    i32.set(o.prefix, PREFIX_BASE);
    i32[SchedWord.PREFIX_LEN] = o.prefix.length;
  }
  i32[SchedWord.TURN] = nrAgents - 1;
  Atomics.store(i32, SchedWord.MODE, SchedMode.CONTROLLED);
}

/** A choice point of an exhaustive run: who decided, whether leaving it preempted it, who could run, who did. */
export interface ChoicePoint {
  step: number;
  me: number;
  preemptible: boolean;
  /** Bit a: agent a could run there. */
  mask: number;
  pick: number;
}

/** The choice points an exhaustive run met, in order (undefined if there were more than fit). */
export function recordedChoices(s: Scheduler): ChoicePoint[] | undefined {
  if (s.i32[SchedWord.CHOICE_OVERFLOW]) return undefined;
  const n = s.i32[SchedWord.CHOICES]!;
  const out: ChoicePoint[] = [];
  for (let i = 0; i < n; i++) {
    const at = CHOICE_BASE + CHOICE_WORDS * i;
    const w = s.i32[at + 1]!;
    out.push({ step: s.i32[at]!, me: w & ChoiceBits.ME_MASK, preemptible: (w & ChoiceBits.PREEMPTIBLE) !== 0, mask: s.i32[at + 2]!, pick: w >>> ChoiceBits.PICK_SHIFT });
  }
  return out;
}

/** The run-length decisions recorded so far (a copy). */
export function recordedDecisions(s: Scheduler): Int32Array {
  const n = s.i32[SchedWord.LOG_PAIRS]!;
  return s.i32.slice(LOG_BASE, LOG_BASE + 2 * n);
}

/** Back to free-running threads: every agent waiting for its turn goes on by itself. */
export function endControlled(s: Scheduler): void {
  if (Atomics.load(s.i32, SchedWord.MODE) !== SchedMode.CONTROLLED) return;
  if (s.status === SchedStatus.RUNNING) Atomics.store(s.i32, SchedWord.STATUS, SchedStatus.ENDED);
  Atomics.store(s.i32, SchedWord.MODE, SchedMode.FREE);
  for (let a = 0; a < s.nrAgents; a++) s.handTo(a);
}

export interface RunFigures {
  steps: number;
  preemptions: number;
  virtualMs: number;
  decisions: number;
  logOverflow: boolean;
  replayMisses: number;
}

/** "schedule: [WHAT, ]N schedule points, P preemptions, virtual time V ms", as every report prints it. */
export function figuresLine(f: RunFigures, what?: string): string {
  return `schedule: ${what ? `${what}, ` : ''}${f.steps} schedule points, ${f.preemptions} preemptions, virtual time ${f.virtualMs} ms`;
}

export function runFigures(s: Scheduler): RunFigures {
  return {
    steps: s.step,
    preemptions: s.i32[SchedWord.PREEMPTIONS]!,
    virtualMs: Math.round(s.elapsedMs() * 1000) / 1000,
    decisions: s.i32[SchedWord.LOG_PAIRS]!,
    logOverflow: s.i32[SchedWord.LOG_OVERFLOW] === 1,
    replayMisses: s.i32[SchedWord.REPLAY_MISSES]!,
  };
}

/** How an agent is named in reports. */
export function agentName(s: Scheduler, a: number): string {
  return a === s.nrAgents - 1 ? 'user space (the callers)' : `CPU ${a}`;
}

/** The word an agent waits on, in words: buffer name and index. */
function wordName(s: Scheduler, buf: number, index: number): string {
  return `${s.bufferNames[buf] ?? `buffer ${buf}`}[${index}]`;
}

/**
 * Why the run stopped, with the wait graph: every agent, what it waits on, who last locked,
 * signalled or kicked that word, and (livelock) who kept running.
 */
export function stopReport(s: Scheduler, cpuWords?: (index: number) => string | undefined): string[] {
  const st = s.status;
  const nr = s.nrAgents;
  const out: string[] = [];
  const blamed = Atomics.load(s.i32, SchedWord.STATUS_AGENT);
  if (st === SchedStatus.DEADLOCK) out.push(`deadlock at schedule point ${s.step} (virtual ${s.elapsedMs().toFixed(3)} ms): every agent waits and none has a deadline`);
  else if (st === SchedStatus.LIVELOCK) out.push(`livelock at schedule point ${s.step}: ${s.i32[SchedWord.STEP_BUDGET]} points without a user-space task completing`);
  else if (st === SchedStatus.DIVERGED) out.push(`the replayed schedule diverged at point ${s.step}: it names ${agentName(s, blamed)}, which cannot run there (different build, options or configs?)`);
  else return out;
  for (let a = 0; a < nr; a++) {
    const b = agentBase(a);
    const state = s.i32[b + AgentWord.STATE];
    const name = agentName(s, a);
    if (state === AgentState.EXITED) {
      out.push(`  ${name}: stopped`);
      continue;
    }
    if (state !== AgentState.BLOCKED) {
      out.push(`  ${name}: runnable (${s.i32[b + AgentWord.RUNS]} points; last: ${POINT_KIND_NAMES[s.i32[b + AgentWord.LAST_KIND]!] ?? '?'})`);
      continue;
    }
    const waits: string[] = [];
    const n = s.i32[b + AgentWord.NWAIT]!;
    for (let i = 0; i < n; i++) {
      const at = b + AgentWord.WAITS + 3 * i;
      const buf = s.i32[at]!;
      const index = s.i32[at + 1]!;
      const label = buf === 0 && cpuWords ? cpuWords(index) : undefined;
      const t = s.lastTouch(buf, index);
      const who = t ? `; last ${POINT_KIND_NAMES[t[1]]} by ${agentName(s, t[0])} at point ${t[2]}` : '';
      waits.push(`${wordName(s, buf, index)}${label ? ` (${label})` : ''} == ${s.i32[at + 2]}${who}`);
    }
    const dl = s.f64[agentDeadlineF64(a)]!;
    out.push(`  ${name}: waits in "${s.whatOf(a)}"${waits.length ? ` on ${waits.join(', ')}` : ''}${dl !== Infinity ? ` until virtual ${(dl / 1e6).toFixed(3)} ms` : ''}`);
  }
  if (st === SchedStatus.LIVELOCK) {
    const runs = new Map<number, number>();
    for (const e of traceEntries(s, 2000)) runs.set(e.agent, (runs.get(e.agent) ?? 0) + 1);
    out.push(`  kept running over the last ${[...runs.values()].reduce((x, y) => x + y, 0)} points: ${[...runs].map(([a, n]) => `${agentName(s, a)} ${n}`).join(', ')}`);
  }
  return out;
}

export interface TraceEntry {
  step: number;
  agent: number;
  kind: string;
  word: string;
  value: number;
  /** The user-space caller whose task the CPU ran, or -1. */
  caller: number;
}

/** The latest `max` schedule points, oldest first; `cpuWords` names words of the CPUs' buffer. */
export function traceEntries(s: Scheduler, max = TRACE_ENTRIES, cpuWords?: (index: number) => string | undefined): TraceEntry[] {
  const head = s.i32[SchedWord.TRACE_HEAD]!;
  const n = Math.min(head, max, TRACE_ENTRIES);
  const out: TraceEntry[] = [];
  for (let i = head - n; i < head; i++) {
    const t = TRACE_BASE + (i % TRACE_ENTRIES) * TRACE_WORDS;
    const buf = s.i32[t + 3]!;
    const index = s.i32[t + 4]!;
    const label = buf === 0 && cpuWords ? cpuWords(index) : undefined;
    const word = buf >= 0 ? `${wordName(s, buf, index)}${label ? ` (${label})` : ''}` : '';
    out.push({ step: s.i32[t]!, agent: s.i32[t + 1]!, kind: POINT_KIND_NAMES[s.i32[t + 2]!] ?? '?', word, value: s.i32[t + 5]!, caller: s.i32[t + 6]! - 1 });
  }
  return out;
}

/** Run-length pairs as a compact string: "agent*count" joined by commas (base 36). */
export function encodeDecisions(d: Int32Array): string {
  const parts: string[] = [];
  for (let i = 0; i < d.length; i += 2) parts.push(d[i + 1] === 1 ? d[i]!.toString(36) : `${d[i]!.toString(36)}*${d[i + 1]!.toString(36)}`);
  return parts.join(',');
}

export function decodeDecisions(text: string): Int32Array {
  if (text === '') return new Int32Array(0);
  const parts = text.split(',');
  const out = new Int32Array(parts.length * 2);
  parts.forEach((p, i) => {
    const [a, n] = p.split('*');
    const agent = parseInt(a!, 36);
    const count = n === undefined ? 1 : parseInt(n, 36);
    if (!Number.isInteger(agent) || agent < 0 || !Number.isInteger(count) || count < 1) throw new Error(`bad schedule decision "${p}" (pair ${i})`);
    out[2 * i] = agent;
    out[2 * i + 1] = count;
  });
  return out;
}
