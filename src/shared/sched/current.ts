/**
 * This thread's handle on the controlled scheduler: set once per CPU worker when the machine was
 * booted for controlled mode (and on the main thread for the virtual clock). The sync layer and
 * the clock look here; with no handle, or in free mode, they behave as before.
 */
import { SchedAbort, type Scheduler } from './scheduler.js';
import { SchedStatus } from './layout.js';

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

/**
 * Throws SchedAbort on a worker whose controlled run stopped (deadlock, livelock, divergence):
 * the scheduler is free-running again then, and a CPU that was between schedule points must not
 * go on into a host-time wait of its own (the run is over; the machine shuts down next).
 */
export function abortIfRunStopped(): void {
  if (!blocking || !joined || current === undefined) return;
  const st = current.status;
  if (st !== SchedStatus.RUNNING && st !== SchedStatus.ENDED) throw new SchedAbort(st);
}
