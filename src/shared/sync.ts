/**
 * Waiting and locking between CPU workers, the only synchronisation the simulation uses.
 *
 * Every wait spins briefly, then sleeps in Atomics.wait on a *generation word*: a counter that
 * whoever may satisfy the condition increments and notifies after changing the state. Loading
 * the generation before testing the condition makes lost wake-ups impossible. Pure spinning is
 * avoided because workers outnumber the host's cores (CI has 2).
 *
 * Every wait has a watchdog deadline: instead of spinning forever, a simulated hang raises a
 * HangError that names the CPU, the wait and how long it lasted.
 *
 * Under the controlled scheduler (sched/scheduler.ts) every primitive is also a schedule point,
 * and a wait whose condition does not hold blocks the agent on the word instead of sleeping:
 * only one CPU runs at a time, and the watchdog counts virtual time.
 */
import { abortIfRunStopped, controlledWorker } from './sched/current.js';
import { PointKind } from './sched/layout.js';

/** A 32-bit word in a SharedArrayBuffer that can be waited on. */
export interface Word {
  view: Int32Array;
  index: number;
}

export function word(view: Int32Array, index: number): Word {
  return { view, index };
}

/** Bump a generation word and wake everyone sleeping on it. */
export function signal(w: Word): void {
  Atomics.add(w.view, w.index, 1);
  Atomics.notify(w.view, w.index);
  controlledWorker()?.point(PointKind.SIGNAL, w.view, w.index);
}

/**
 * A schedule point outside the primitives (an IPI sent, a trap taken, a task started): the
 * controlled scheduler may run another agent here; free-running threads just go on.
 */
export function schedPoint(kind: number, view?: Int32Array, index = 0): void {
  controlledWorker()?.point(kind, view, index);
}

/**
 * Sleep `ms` without waiting for anything (a poll interval, a test delay): on the host clock,
 * or on the virtual clock under the controlled scheduler.
 */
export function sleepMs(ms: number, what: string): void {
  const s = controlledWorker();
  if (s) {
    s.block([], s.nowMs() + ms, what);
    return;
  }
  Atomics.wait(SLEEP_WORD, 0, 0, ms);
}
const SLEEP_WORD = new Int32Array(new SharedArrayBuffer(4));

export class HangError extends Error {
  constructor(
    readonly cpu: number,
    readonly what: string,
    readonly waitedMs: number,
  ) {
    super(`CPU ${cpu}: hang in "${what}" after ${waitedMs} ms`);
    this.name = 'HangError';
  }
}

/** Per-worker wait parameters (the watchdog and, in stress mode, nothing else). */
export interface WaitPolicy {
  cpu: number;
  /** Deadline for any single wait, in ms. */
  watchdogMs: number;
  /** Spins before sleeping. */
  spins: number;
  /** Called while waiting when the wait allows interrupts; returns true if it handled one. */
  onIdle?: () => boolean;
}

const SLICE_MS = 50;

/**
 * Wait until cond() holds. `gen` is the generation word signalled by whoever changes the state
 * cond() reads. `irqs` means interrupts stay enabled: the policy's onIdle hook runs between
 * checks (the caller must then pass its own wake word as gen, which IPIs signal).
 * `deadlineMs` (on the machine's clock) ends a wait whose cond() gives up at a time; `also` are
 * words cond() reads that may change without gen moving: the controlled scheduler blocks on
 * them too, where free-running threads re-check every SLICE_MS.
 */
export function waitUntil(policy: WaitPolicy, gen: Word, cond: () => boolean, what: string, irqs = false, deadlineMs?: number, also: readonly Word[] = []): void {
  const s = controlledWorker();
  if (s) {
    const start = s.nowMs();
    for (;;) {
      s.point(PointKind.WAIT, gen.view, gen.index);
      const g = Atomics.load(gen.view, gen.index);
      if (cond()) return;
      if (irqs && policy.onIdle?.()) continue;
      const waited = s.nowMs() - start;
      if (waited > policy.watchdogMs) throw new HangError(policy.cpu, what, Math.round(waited));
      s.block([{ view: gen.view, index: gen.index, value: g }, ...also.map((w) => ({ view: w.view, index: w.index, value: Atomics.load(w.view, w.index) }))], deadlineMs, what);
    }
  }
  for (let i = 0; i < policy.spins; i++) {
    if (cond()) return;
    if (irqs && policy.onIdle?.()) i = 0;
  }
  const start = performance.now();
  for (;;) {
    const g = Atomics.load(gen.view, gen.index);
    if (cond()) return;
    if (irqs && policy.onIdle?.()) continue;
    const waited = performance.now() - start;
    if (waited > policy.watchdogMs) throw new HangError(policy.cpu, what, Math.round(waited));
    abortIfRunStopped();
    Atomics.wait(gen.view, gen.index, g, SLICE_MS);
  }
}

/**
 * A spinlock with futex-style sleeping (0 free, 1 held, 2 held with sleepers), standing in for
 * Jailhouse's ticket spinlocks. Mutual exclusion and acquire/release ordering are what matter;
 * Atomics gives sequentially consistent ordering, stronger than ARMv8's acquire/release.
 */
export function spinLock(policy: WaitPolicy, lock: Word, what: string): void {
  const { view, index } = lock;
  const s = controlledWorker();
  if (s) {
    for (;;) {
      s.point(PointKind.LOCK, view, index);
      const v = Atomics.compareExchange(view, index, 0, 1);
      if (v === 0) return;
      s.block([{ view, index, value: v }], undefined, what);
    }
  }
  if (Atomics.compareExchange(view, index, 0, 1) === 0) return;
  for (let i = 0; i < policy.spins; i++) {
    if (Atomics.load(view, index) === 0 && Atomics.compareExchange(view, index, 0, 1) === 0) return;
  }
  const start = performance.now();
  for (;;) {
    // Mark contended so the unlocker knows to notify.
    const prev = Atomics.exchange(view, index, 2);
    if (prev === 0) return;
    const waited = performance.now() - start;
    if (waited > policy.watchdogMs) throw new HangError(policy.cpu, what, Math.round(waited));
    abortIfRunStopped();
    Atomics.wait(view, index, 2, SLICE_MS);
  }
}

/**
 * A spinlock released while it was free (Linux's DEBUG_SPINLOCK "already unlocked"): the lock
 * was released twice, or two CPUs held it at once. The second follows from the first: every
 * acquisition turns the word from free to held exactly once and every release back, so two
 * holders sharing one acquisition leave one release more than there were acquisitions, and
 * some release (the last of them at the latest) finds the word free.
 */
export class LockError extends Error {
  constructor(readonly index: number) {
    super(`spin_unlock of a free spinlock (lock word ${index}): released twice, or held by two CPUs at once`);
    this.name = 'LockError';
  }
}

export function spinUnlock(lock: Word): void {
  const prev = Atomics.exchange(lock.view, lock.index, 0);
  if (prev === 0) throw new LockError(lock.index);
  if (prev === 2) Atomics.notify(lock.view, lock.index, 1);
  controlledWorker()?.point(PointKind.UNLOCK, lock.view, lock.index);
}
