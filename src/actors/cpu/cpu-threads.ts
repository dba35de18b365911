/**
 * CPU worker threads kept between machines. A new thread costs ~0.3 s (it loads every module of
 * the CPU); a run of a small controlled scenario costs a few ms. Exploring thousands of
 * schedules (`stress --schedule exhaustive`), minimising, and replaying therefore boot each run's
 * machine on the threads of the previous one: fresh buffers, a fresh CpuContext built from them
 * (worker.ts), nothing carried over but the loaded code.
 */
import type { Worker } from 'node:worker_threads';

export class CpuThreads {
  private list: Worker[] | undefined;

  constructor(workers: Worker[]) {
    this.list = workers;
    for (const w of workers) {
      // Idle threads do not keep the process alive; an idle thread's error (nothing runs there)
      // must not be an unhandled 'error' event: the next machine boots new threads instead.
      w.unref();
      w.on('error', () => {
        if (this.list?.includes(w)) void this.terminate();
      });
    }
  }

  get size(): number {
    return this.list?.length ?? 0;
  }

  /** The threads for a machine of `nr` CPUs (undefined if they do not fit); they leave the pool. */
  take(nr: number): Worker[] | undefined {
    const l = this.list;
    if (l === undefined || l.length !== nr) return undefined;
    this.list = undefined;
    for (const w of l) {
      w.removeAllListeners('message');
      w.removeAllListeners('error');
      w.ref();
    }
    return l;
  }

  /** End the threads (when nothing will boot on them again). */
  async terminate(): Promise<void> {
    const l = this.list;
    this.list = undefined;
    if (l) await Promise.all(l.map((w) => w.terminate()));
  }
}

/** Where a sequence of machines keeps its threads between one machine and the next. */
export interface ThreadKeeper {
  threads?: CpuThreads;
}
