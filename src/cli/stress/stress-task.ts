/**
 * A piscina task: one complete stress run (its own machine and CPU workers) for one seed of a
 * campaign. Progress goes back to the main thread through a comlink-wrapped MessagePort.
 */
import type { MessagePort } from 'node:worker_threads';
import comlink from 'comlink';
import nodeEndpointModule from 'comlink/dist/umd/node-adapter.js';
import { stress, type StressOptions, type StressResult } from './stress.js';
import type { ThreadKeeper } from '../../actors/cpu/cpu-threads.js';

/**
 * The CPU threads this pool thread's previous run left: the next run of the same machine size
 * boots on them (~0.4 s saved per run). They end with the pool thread.
 */
const keep: ThreadKeeper = {};

/** What the main thread exposes to campaign tasks. */
export interface ProgressSink {
  tick(seed: number, operations: number): void;
}

export interface StressTask {
  options: Omit<StressOptions, 'onProgress'>;
  port: MessagePort;
}

type NodeEndpointFn = (nep: MessagePort) => Parameters<typeof comlink.wrap>[0];
// The UMD build exports the function itself; its typings describe an ES default export.
export const nodeEndpoint = ((nodeEndpointModule as unknown as { default?: NodeEndpointFn }).default ??
  (nodeEndpointModule as unknown as NodeEndpointFn)) as NodeEndpointFn;

export default async function runStressTask(task: StressTask): Promise<StressResult> {
  const sink = comlink.wrap<ProgressSink>(nodeEndpoint(task.port));
  let last = 0;
  try {
    return await stress({
      ...task.options,
      threads: keep,
      onProgress: (n) => {
        if (n - last >= 25 || n === task.options.iterations) {
          last = n;
          void sink.tick(task.options.seed, n);
        }
      },
    });
  } finally {
    sink[comlink.releaseProxy]();
    task.port.close();
  }
}
