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
 */

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
}

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
 */
export function waitUntil(policy: WaitPolicy, gen: Word, cond: () => boolean, what: string, irqs = false): void {
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
    Atomics.wait(view, index, 2, SLICE_MS);
  }
}

export function spinUnlock(lock: Word): void {
  if (Atomics.exchange(lock.view, lock.index, 0) === 2) Atomics.notify(lock.view, lock.index, 1);
}
