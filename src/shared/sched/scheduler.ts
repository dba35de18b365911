/**
 * The controlled scheduler (`--schedule`): every CPU worker and the main thread's user-space
 * callers are agents, and exactly one agent runs at a time. An agent hands the turn over only at
 * a schedule point (a sync-layer primitive, an IPI, a trap, a guest slice, a user-space task);
 * there the agent holding the turn decides who runs next, with the run's strategy, from state
 * that lives in the shared schedule buffer (layout.ts). A run is then a function of its seed,
 * strategy and options, and the log of decisions replays it exactly.
 *
 * A wait whose condition does not hold marks the agent blocked on the words it read (it runs
 * again once one of them changes) and, for timed waits, a virtual deadline. Time is virtual: a
 * clock advanced by fixed costs per point and by guest instructions, and moved forward to the
 * earliest deadline when every agent waits. When every agent waits with no deadline, the run is
 * deadlocked, reported at once with the wait graph; when STEP_BUDGET points pass without a
 * user-space task completing, it is livelocked.
 */
import {
  AgentState, AgentWord, LOG_BASE, LOG_PAIRS_MAX, MAX_WAITS, PointKind, SchedF64, SchedMode,
  SchedStatus, SchedWord, TOUCH_BASE, TOUCH_ENTRIES, TOUCH_WORDS, TRACE_BASE, TRACE_ENTRIES, TRACE_WORDS, WHAT_BYTES,
  agentBase, agentDeadlineF64,
} from './layout.js';
import { pickNext } from './strategy.js';

/** Where the virtual clock starts (ms): any fixed value; one day, so it is never mistaken for zero. */
export const VIRTUAL_ORIGIN_MS = 86_400_000;

/** What `decide` returns when the run stopped (no agent runs next). */
export const STOPPED = -1;

/** Virtual cost of one schedule point, ns (guest instructions cost 1 ns each). */
export const POINT_NS = 50;

/** Thrown in an agent when the controlled run stopped (deadlock, livelock, divergence): unwind and stop. */
export class SchedAbort extends Error {
  constructor(readonly status: number) {
    super(`controlled run stopped (${['running', 'deadlock', 'livelock', 'diverged', 'ended'][status] ?? status})`);
    this.name = 'SchedAbort';
  }
}

/** One word an agent waits on: it may run again once the word no longer holds `value`. */
export interface SchedWait {
  view: Int32Array;
  index: number;
  value: number;
}

export class Scheduler {
  readonly i32: Int32Array;
  readonly f64: Float64Array;
  /** The same buffer as bytes (the agents' "what" texts), one view instead of one per block. */
  private readonly u8: Uint8Array;
  private readonly views: Int32Array[];
  private readonly ids = new Map<ArrayBufferLike, number>();
  /** This agent's slot (Int32 index). */
  readonly base: number;
  /** What the agent is doing for user space (a CPU: the caller + 1 whose task it runs, else 0), for traces. */
  context: () => number = () => 0;

  /**
   * `buffers`: every SharedArrayBuffer an agent may wait on, in the same order in every thread
   * (their position is the buffer id recorded in waits and traces). `me`: this thread's agent.
   */
  constructor(
    readonly sab: SharedArrayBuffer,
    buffers: readonly SharedArrayBuffer[],
    readonly me: number,
    readonly bufferNames: readonly string[] = [],
  ) {
    this.i32 = new Int32Array(sab);
    this.f64 = new Float64Array(sab);
    this.u8 = new Uint8Array(sab);
    this.views = buffers.map((b) => new Int32Array(b));
    buffers.forEach((b, i) => this.ids.set(b, i));
    this.base = agentBase(me);
  }

  get controlled(): boolean {
    return Atomics.load(this.i32, SchedWord.MODE) === SchedMode.CONTROLLED;
  }

  get nrAgents(): number {
    return Atomics.load(this.i32, SchedWord.NR_AGENTS);
  }

  get status(): number {
    return Atomics.load(this.i32, SchedWord.STATUS);
  }

  /**
   * The machine's clock in a controlled run, ms (what layout.ts now() returns, so a deadline
   * computed from now() means the same here): VIRTUAL_ORIGIN_MS plus the virtual time elapsed.
   */
  nowMs(): number {
    return VIRTUAL_ORIGIN_MS + this.elapsedMs();
  }

  /** Virtual time elapsed since the run began, ms. */
  elapsedMs(): number {
    return this.f64[SchedF64.VTIME_NS]! / 1e6;
  }

  get step(): number {
    return this.f64[SchedF64.STEP]!;
  }

  advance(ns: number): void {
    this.f64[SchedF64.VTIME_NS] = this.f64[SchedF64.VTIME_NS]! + ns;
  }

  bufferId(view: Int32Array): number {
    return this.ids.get(view.buffer) ?? -1;
  }

  agentWord(agent: number, w: number): number {
    return Atomics.load(this.i32, agentBase(agent) + w);
  }

  private setMine(w: number, v: number): void {
    Atomics.store(this.i32, this.base + w, v);
  }

  // --- what the running agent does --------------------------------------------------------

  /**
   * A schedule point: the strategy may give the turn to another agent; this returns once this
   * agent holds it again. Throws SchedAbort if the run stopped meanwhile.
   */
  point(kind: number, view?: Int32Array, index = 0): void {
    this.note(kind, view, index);
    const next = this.decide(kind);
    if (next !== this.me) this.switchTo(next);
  }

  /**
   * Block until one of `waits` changes, or virtual time reaches `deadlineMs` (undefined: no
   * deadline). Returns at once if a word already changed.
   */
  block(waits: readonly SchedWait[], deadlineMs: number | undefined, what: string): void {
    this.markBlocked(waits, deadlineMs, what);
    this.note(PointKind.BLOCKED, waits[0]?.view, waits[0]?.index ?? 0);
    const next = this.decide(PointKind.BLOCKED);
    if (next !== this.me) this.switchTo(next);
  }

  /** This agent leaves the schedule for good (a CPU that hung or stopped). */
  exit(): void {
    if (!this.controlled) return;
    this.setMine(AgentWord.STATE, AgentState.EXITED);
    this.note(PointKind.EXIT);
    const next = this.decide(PointKind.EXIT);
    if (next >= 0 && next !== this.me) this.handTo(next);
  }

  /**
   * A CPU worker enters controlled mode (at the top of its loop) and waits for its first turn;
   * the worker marks itself joined first (current.ts setJoined).
   */
  join(): void {
    this.setMine(AgentWord.STATE, AgentState.RUNNABLE);
    Atomics.add(this.i32, SchedWord.JOINED, 1);
    Atomics.notify(this.i32, SchedWord.JOINED);
    this.awaitTurn();
  }

  markBlocked(waits: readonly SchedWait[], deadlineMs: number | undefined, what: string): void {
    const n = Math.min(waits.length, MAX_WAITS);
    for (let i = 0; i < n; i++) {
      const w = waits[i]!;
      const at = this.base + AgentWord.WAITS + 3 * i;
      this.i32[at] = this.bufferId(w.view);
      this.i32[at + 1] = w.index;
      this.i32[at + 2] = w.value;
    }
    this.setMine(AgentWord.NWAIT, n);
    this.f64[agentDeadlineF64(this.me)] = deadlineMs === undefined ? Infinity : (deadlineMs - VIRTUAL_ORIGIN_MS) * 1e6;
    this.setWhat(what);
    this.setMine(AgentWord.STATE, AgentState.BLOCKED);
  }

  private setWhat(what: string): void {
    const len = Math.min(what.length, WHAT_BYTES);
    const at = (this.base + AgentWord.WHAT) * 4;
    for (let i = 0; i < len; i++) this.u8[at + i] = what.charCodeAt(i) & 0x7f;
    this.setMine(AgentWord.WHAT_LEN, len);
  }

  whatOf(agent: number): string {
    const len = this.agentWord(agent, AgentWord.WHAT_LEN);
    const at = (agentBase(agent) + AgentWord.WHAT) * 4;
    return String.fromCharCode(...this.u8.subarray(at, at + len));
  }

  /** Hand the turn to `next` and wait until it comes back. */
  switchTo(next: number): void {
    if (next < 0) throw new SchedAbort(this.status);
    this.handTo(next);
    this.awaitTurn();
  }

  handTo(next: number): void {
    Atomics.store(this.i32, SchedWord.TURN, next);
    const go = agentBase(next) + AgentWord.GO;
    Atomics.store(this.i32, go, 1);
    Atomics.notify(this.i32, go);
  }

  /** Wait (really, on the host) for the turn. Throws SchedAbort if the run stopped. */
  awaitTurn(): void {
    const go = this.base + AgentWord.GO;
    for (;;) {
      if (Atomics.compareExchange(this.i32, go, 1, 0) === 1) break;
      Atomics.wait(this.i32, go, 0, 1000);
    }
    const st = this.status;
    if (st !== SchedStatus.RUNNING && st !== SchedStatus.ENDED) throw new SchedAbort(st);
  }

  /** Record the point: trace ring, the agent's latest point, who touched the word. */
  note(kind: number, view?: Int32Array, index = 0): void {
    const buf = view ? this.bufferId(view) : -1;
    const step = this.step;
    const head = this.i32[SchedWord.TRACE_HEAD]!;
    const t = TRACE_BASE + (head % TRACE_ENTRIES) * TRACE_WORDS;
    this.i32[t] = step | 0;
    this.i32[t + 1] = this.me;
    this.i32[t + 2] = kind;
    this.i32[t + 3] = buf;
    this.i32[t + 4] = index;
    this.i32[t + 5] = view ? Atomics.load(view, index) : 0;
    this.i32[t + 6] = this.context();
    this.i32[SchedWord.TRACE_HEAD] = (head + 1) | 0;
    this.i32[this.base + AgentWord.RUNS]! += 1;
    this.i32[this.base + AgentWord.LAST_KIND] = kind;
    this.i32[this.base + AgentWord.LAST_BUF] = buf;
    this.i32[this.base + AgentWord.LAST_INDEX] = index;
    if (buf >= 0 && (kind === PointKind.LOCK || kind === PointKind.SIGNAL || kind === PointKind.UNLOCK || kind === PointKind.KICK)) this.touch(buf, index, kind, step);
    this.advance(POINT_NS);
  }

  /**
   * The who-touched entry of a word: its own, else the first free one of its 16-entry probe
   * sequence (-1 if none), else the last of the sequence (which a new word then takes over).
   */
  private touchEntry(buf: number, index: number): { entry: number; found: boolean } {
    const h = (Math.imul(buf + 1, 0x9e3779b1) ^ index) >>> 0;
    let e = 0;
    for (let i = 0; i < 16; i++) {
      e = TOUCH_BASE + ((h + i) % TOUCH_ENTRIES) * TOUCH_WORDS;
      const b = this.i32[e]!;
      if (b === buf + 1 && this.i32[e + 1] === index) return { entry: e, found: true };
      if (b === 0) return { entry: e, found: false };
    }
    return { entry: e, found: false };
  }

  private touch(buf: number, index: number, kind: number, step: number): void {
    const { entry: e } = this.touchEntry(buf, index);
    this.i32[e] = buf + 1;
    this.i32[e + 1] = index;
    this.i32[e + 2] = this.me;
    this.i32[e + 3] = kind;
    this.i32[e + 4] = step | 0;
  }

  /** Who last locked, unlocked, signalled or kicked a word: [agent, kind, step], or undefined. */
  lastTouch(buf: number, index: number): [number, number, number] | undefined {
    const { entry: e, found } = this.touchEntry(buf, index);
    return found ? [this.i32[e + 2]!, this.i32[e + 3]!, this.i32[e + 4]!] : undefined;
  }

  // --- the decision -------------------------------------------------------------------------

  /** True if one of the blocked agent's words changed, or its deadline has passed. */
  private ready(agent: number, vtime: number): boolean {
    const b = agentBase(agent);
    const n = this.i32[b + AgentWord.NWAIT]!;
    for (let i = 0; i < n; i++) {
      const at = b + AgentWord.WAITS + 3 * i;
      const v = this.views[this.i32[at]!];
      if (!v || Atomics.load(v, this.i32[at + 1]!) !== this.i32[at + 2]) return true;
    }
    return this.f64[agentDeadlineF64(agent)]! <= vtime;
  }

  private wakeReady(nr: number): number {
    const vtime = this.f64[SchedF64.VTIME_NS]!;
    let runnable = 0;
    for (let a = 0; a < nr; a++) {
      const st = this.i32[agentBase(a) + AgentWord.STATE];
      if (st === AgentState.BLOCKED && this.ready(a, vtime)) {
        this.i32[agentBase(a) + AgentWord.STATE] = AgentState.RUNNABLE;
        this.i32[agentBase(a) + AgentWord.NWAIT] = 0;
        this.f64[agentDeadlineF64(a)] = Infinity;
      }
      if (this.i32[agentBase(a) + AgentWord.STATE] === AgentState.RUNNABLE) runnable++;
    }
    return runnable;
  }

  /**
   * Who runs after this point (possibly this agent again), or -1 when the run stopped (STATUS
   * says why; every agent is woken to see it).
   */
  decide(kind: number): number {
    const nr = this.nrAgents;
    this.f64[SchedF64.STEP] = this.step + 1;
    let runnable = this.wakeReady(nr);
    if (runnable === 0) {
      // Every agent waits: time moves to the earliest deadline, or nothing can ever run.
      let min = Infinity;
      for (let a = 0; a < nr; a++) {
        if (this.i32[agentBase(a) + AgentWord.STATE] === AgentState.BLOCKED) min = Math.min(min, this.f64[agentDeadlineF64(a)]!);
      }
      if (min === Infinity) return this.stop(SchedStatus.DEADLOCK, this.me);
      this.f64[SchedF64.VTIME_NS] = Math.max(this.f64[SchedF64.VTIME_NS]!, min);
      runnable = this.wakeReady(nr);
    }
    const budget = Atomics.load(this.i32, SchedWord.STEP_BUDGET);
    if (budget > 0 && this.step - this.f64[SchedF64.PROGRESS_STEP]! > budget) return this.stop(SchedStatus.LIVELOCK, this.me);
    const next = pickNext(this, kind, nr, runnable);
    if (next < 0) return next;
    if (next !== this.me && this.i32[this.base + AgentWord.STATE] === AgentState.RUNNABLE) this.i32[SchedWord.PREEMPTIONS]! += 1;
    this.record(next);
    return next;
  }

  runnable(a: number): boolean {
    return this.i32[agentBase(a) + AgentWord.STATE] === AgentState.RUNNABLE;
  }

  /** Append a decision to the run-length log (a replay records what it really did, too). */
  private record(next: number): void {
    const i32 = this.i32;
    const n = i32[SchedWord.LOG_PAIRS]!;
    if (n > 0 && i32[LOG_BASE + 2 * (n - 1)] === next) {
      i32[LOG_BASE + 2 * (n - 1) + 1]! += 1;
      return;
    }
    if (n >= LOG_PAIRS_MAX) {
      i32[SchedWord.LOG_OVERFLOW] = 1;
      return;
    }
    i32[LOG_BASE + 2 * n] = next;
    i32[LOG_BASE + 2 * n + 1] = 1;
    i32[SchedWord.LOG_PAIRS] = n + 1;
  }

  /** The run stops: record why and wake every agent to see it. */
  stop(status: number, agent: number): number {
    Atomics.store(this.i32, SchedWord.STATUS_AGENT, agent);
    Atomics.store(this.i32, SchedWord.STATUS, status);
    // Nothing is scheduled any more: whatever an agent does while it unwinds is no schedule point.
    Atomics.store(this.i32, SchedWord.MODE, SchedMode.FREE);
    const nr = this.nrAgents;
    for (let a = 0; a < nr; a++) if (a !== this.me) this.handTo(a);
    return STOPPED;
  }

  /** A user-space task completed: the livelock budget starts again. */
  progress(): void {
    this.f64[SchedF64.PROGRESS_STEP] = this.step;
  }
}
