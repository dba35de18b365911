/**
 * A task that must sleep (a mutex or lock held elsewhere) throws Sleep before it has changed
 * anything. The CPU gives the task back to the scheduler (the supervisor), which waits for the
 * word to change and runs the task again, possibly on another CPU: Linux's sleep + migration.
 */
export class Sleep {
  constructor(
    /** Which shared buffer holds the word. */
    readonly buf: 'kernel' | 'cpus',
    readonly index: number,
    /** Value seen; the task is retried once the word differs (or after a short timeout). */
    readonly value: number,
    readonly what: string,
    /** The task must not run on this CPU again (it is being taken down): migrate it away. */
    readonly migrateFrom?: number,
  ) {}
}

/** The CPU stopped running Linux (parked by the hypervisor) while a kernel path was active. */
export class ContextLost extends Error {
  constructor(cpu: number, what: string) {
    super(`CPU ${cpu}: ${what}`);
    this.name = 'ContextLost';
  }
}
