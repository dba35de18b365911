/**
 * Worker entry point: one per physical CPU. Builds the CPU's context from the shared buffers
 * it was given and runs the actor loop until the machine shuts down.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { CpuActor } from './actor.js';
import { CpuContext, type WorkerInit } from './context.js';
import type { Hv } from '../hypervisor/core/hv.js';

const init = workerData as WorkerInit;
const ctx = new CpuContext<Hv>(init);
const actor = new CpuActor(ctx, (r) => parentPort?.postMessage(r));
actor.run();
parentPort?.postMessage({ type: 'exited', cpu: init.cpu });
