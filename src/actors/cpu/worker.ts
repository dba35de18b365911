/**
 * Worker entry point: one per physical CPU. Builds the CPU's context from the shared buffers
 * it was given and runs the actor loop until the machine shuts down. A machine that shut down
 * with `keepWorkers` hands its threads to the next machine of the same size, which boots them
 * again with its own buffers (a `boot` message): a fresh CPU from fresh buffers, without the
 * cost of a new thread loading every module (~0.3 s).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { CpuActor } from './actor.js';
import { CpuContext, type WorkerInit } from './context.js';
import type { Hv } from '../hypervisor/core/hv.js';

/** The supervisor's request to boot this thread again as a CPU of a new machine. */
export interface WorkerBoot {
  type: 'boot';
  init: WorkerInit;
}

function boot(init: WorkerInit): void {
  const ctx = new CpuContext<Hv>(init);
  const actor = new CpuActor(ctx, (r) => parentPort?.postMessage(r));
  actor.run();
  parentPort?.postMessage({ type: 'exited', cpu: init.cpu });
}

boot(workerData as WorkerInit);
parentPort?.on('message', (m: WorkerBoot) => {
  if (m.type === 'boot') boot(m.init);
});
