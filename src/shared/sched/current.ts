/**
 * This thread's handle on the controlled scheduler: set once per CPU worker when the machine was
 * booted for controlled mode (and on the main thread for the virtual clock). The sync layer and
 * the clock look here; with no handle, or in free mode, they behave as before.
 */
import type { Scheduler } from './scheduler.js';

let current: Scheduler | undefined;
/** True on a CPU worker, whose waits block synchronously (the main thread's are async). */
let blocking = false;
/** The worker joined the controlled run: before that it must not take part in decisions. */
let joined = false;

/** The worker joined (true) or left (false) the controlled run. */
export function setJoined(j: boolean): void {
  joined = j;
}

export function setScheduler(s: Scheduler | undefined, isWorker: boolean): void {
  current = s;
  blocking = isWorker;
}

/** The scheduler when this thread is a worker running under controlled mode, else undefined. */
export function controlledWorker(): Scheduler | undefined {
  return blocking && joined && current !== undefined && current.controlled ? current : undefined;
}

/** The scheduler when the machine runs controlled (any thread), else undefined. */
export function controlledScheduler(): Scheduler | undefined {
  return current !== undefined && current.controlled ? current : undefined;
}
