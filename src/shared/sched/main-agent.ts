/**
 * The main thread as one agent of the controlled scheduler: the user-space callers (stress
 * callers, a script's commands) are promises here, and they all wait through this agent. When
 * it holds the turn, the callers whose words changed go on until each waits again (or
 * finishes); then the agent blocks on all their words at once and hands the turn over. Node's
 * promise order is deterministic, so the callers' interleaving is a function of the schedule.
 */
import { AgentState, AgentWord, PointKind, SchedStatus, SchedWord, agentBase } from './layout.js';
import { endControlled, stopReport } from './control.js';
import type { Scheduler, SchedWait } from './scheduler.js';

interface Waiter extends SchedWait {
  /** Virtual ms at which the wait ends anyway. */
  until?: number;
  /** A sleep: no word, only `until`. */
  sleep?: boolean;
  resolve: () => void;
  reject: (e: Error) => void;
}

/** Host ms the CPU threads may take to join a controlled run (at least; --watchdog if longer). */
const JOIN_WATCHDOG_MS = 60_000;

/** A controlled run stopped: deadlock, livelock, divergence or an agent that stopped answering. */
export class ScheduleStopped extends Error {
  constructor(
    readonly status: number,
    readonly report: string[],
  ) {
    super(report[0] ?? 'controlled run stopped');
    this.name = 'ScheduleStopped';
  }
}

export class MainAgent {
  private waiters: Waiter[] = [];
  private inflight = 0;
  private stopped: ScheduleStopped | undefined;

  constructor(
    readonly s: Scheduler,
    /** Wall-clock ms the agent holding the turn may take to reach its next schedule point. */
    private readonly watchdogMs: number,
    /** Names a word of the CPUs' buffer for wait graphs. */
    private readonly cpuWords?: (index: number) => string | undefined,
  ) {}

  get stopError(): ScheduleStopped | undefined {
    return this.stopped;
  }

  /** A user-space task (syscall) begins. */
  enter(): void {
    this.inflight++;
  }

  /** A user-space task ends: progress for the livelock budget. */
  leave(): void {
    this.inflight--;
    this.s.progress();
  }

  /** Resolves once view[index] no longer holds `value` (or after `timeoutMs` of virtual time). */
  wait(view: Int32Array, index: number, value: number, timeoutMs?: number): Promise<void> {
    if (this.stopped) return Promise.reject(this.stopped);
    if (Atomics.load(view, index) !== value) return Promise.resolve();
    const until = timeoutMs === undefined ? undefined : this.s.nowMs() + timeoutMs;
    return new Promise((resolve, reject) => this.waiters.push({ view, index, value, until, resolve, reject }));
  }

  /** Resolves after `ms` of virtual time. */
  sleep(ms: number): Promise<void> {
    if (this.stopped) return Promise.reject(this.stopped);
    const until = this.s.nowMs() + ms;
    return new Promise((resolve, reject) => this.waiters.push({ view: new Int32Array(0), index: -1, value: 0, until, sleep: true, resolve, reject }));
  }

  /**
   * Wait (on the host) until every CPU worker joined the run; `kick` wakes a CPU that has not
   * (again every wait: a worker may have looked at the mode just before it changed).
   */
  async awaitJoined(nrCpus: number, kick: (cpu: number) => void): Promise<void> {
    const t0 = performance.now();
    // Joining waits for host threads to be scheduled, not for anything simulated: on a loaded
    // host that took more than the 10-s default watchdog, so the limit here is a minute at least.
    const limit = Math.max(this.watchdogMs, JOIN_WATCHDOG_MS);
    for (;;) {
      const j = Atomics.load(this.s.i32, SchedWord.JOINED);
      if (j >= nrCpus) return;
      const missing = Array.from({ length: nrCpus }, (_, a) => a).filter((a) => this.s.agentWord(a, AgentWord.STATE) === AgentState.FREE);
      if (performance.now() - t0 > limit) throw new Error(`controlled mode: CPU ${missing.join(', ')} did not join within ${limit} ms`);
      for (const cpu of missing) kick(cpu);
      const r = Atomics.waitAsync(this.s.i32, SchedWord.JOINED, j, 50);
      if (r.async) await r.value;
    }
  }

  /**
   * Run `body` (the user-space side of the run) under the schedule; back to free-running
   * threads when it ends or the run stops.
   */
  async run<T>(body: () => Promise<T>): Promise<T> {
    let done = false;
    const p = body();
    p.then(
      () => (done = true),
      () => (done = true),
    );
    try {
      for (;;) {
        await this.settle(() => done);
        if (done || this.stopped) break;
        if (!(await this.yieldTurn())) {
          // Let the callers see the error and finish.
          while (!done) await new Promise((r) => setImmediate(r));
          break;
        }
        this.resolveReady();
      }
    } finally {
      endControlled(this.s);
    }
    return p;
  }

  /** Run the callers' continuations until every in-flight task waits here (or the body ended). */
  private async settle(done: () => boolean): Promise<void> {
    const t0 = performance.now();
    for (;;) {
      await new Promise((r) => setImmediate(r));
      if (done() || this.stopped) return;
      if (this.waiters.length > 0 && this.waiters.length >= this.inflight) return;
      if (performance.now() - t0 > this.watchdogMs) {
        this.stop(new ScheduleStopped(SchedStatus.DEADLOCK, [`user space waits for something outside the controlled scheduler (${this.inflight} tasks in flight, ${this.waiters.length} waiting)`]));
        return;
      }
    }
  }

  private async yieldTurn(): Promise<boolean> {
    const s = this.s;
    const words = this.waiters.filter((w) => !w.sleep);
    const until = Math.min(...this.waiters.map((w) => w.until ?? Infinity));
    s.markBlocked(words, until === Infinity ? undefined : until, `user space: ${this.waiters.length} waits`);
    s.note(PointKind.USER);
    const next = s.decide(PointKind.USER);
    if (next < 0) return this.stopFromStatus();
    if (next !== s.me) {
      s.handTo(next);
      if (!(await this.awaitTurn())) return false;
    }
    if (s.status !== SchedStatus.RUNNING) return this.stopFromStatus();
    return true;
  }

  private async awaitTurn(): Promise<boolean> {
    const s = this.s;
    const go = agentBase(s.me) + AgentWord.GO;
    let lastStep = s.step;
    let since = performance.now();
    for (;;) {
      if (Atomics.compareExchange(s.i32, go, 1, 0) === 1) return true;
      const r = Atomics.waitAsync(s.i32, go, 0, 200);
      if (r.async) await r.value;
      if (s.step !== lastStep) {
        lastStep = s.step;
        since = performance.now();
      } else if (performance.now() - since > this.watchdogMs) {
        const turn = Atomics.load(s.i32, SchedWord.TURN);
        this.stop(new ScheduleStopped(SchedStatus.DEADLOCK, [`CPU ${turn} holds the turn and reached no schedule point for ${this.watchdogMs} ms (host time): it is stuck between points`]));
        return false;
      }
    }
  }

  private stopFromStatus(): false {
    this.stop(new ScheduleStopped(this.s.status, stopReport(this.s, this.cpuWords)));
    return false;
  }

  private stop(e: ScheduleStopped): void {
    this.stopped = e;
    const w = this.waiters;
    this.waiters = [];
    for (const x of w) x.reject(e);
  }

  private resolveReady(): void {
    const now = this.s.nowMs();
    const keep: Waiter[] = [];
    const ready: Waiter[] = [];
    for (const w of this.waiters) {
      const fired = (w.until !== undefined && now >= w.until) || (!w.sleep && Atomics.load(w.view, w.index) !== w.value);
      (fired ? ready : keep).push(w);
    }
    this.waiters = keep;
    for (const w of ready) w.resolve();
  }
}
