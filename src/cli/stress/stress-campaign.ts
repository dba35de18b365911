/**
 * A stress campaign: R independent runs (seeds S, S+1, ...) as finite jobs in a piscina pool,
 * each with its own machine, progress reported through comlink. Aggregates the results.
 */
import { MessageChannel } from 'node:worker_threads';
import comlink from 'comlink';
import { Piscina } from 'piscina';
import type { StressOptions, StressResult } from './stress.js';
import { nodeEndpoint, type ProgressSink, type StressTask } from './stress-task.js';

export interface CampaignResult {
  runs: StressResult[];
  operations: number;
  violations: string[];
  hangs: { seed: number; cpu: number; what: string; ms: number }[];
  results: Record<string, Record<string, number>>;
}

export async function campaign(
  base: Omit<StressOptions, 'onProgress' | 'seed'>,
  seeds: number[],
  parallel: number,
  onProgress?: (seed: number, ops: number) => void,
): Promise<CampaignResult> {
  const pool = new Piscina({ filename: new URL('./stress-task.js', import.meta.url).href, minThreads: 0, maxThreads: parallel, idleTimeout: 100 });
  try {
    const runs = await Promise.all(
      seeds.map(async (seed) => {
        const { port1, port2 } = new MessageChannel();
        const sink: ProgressSink = { tick: (s, n) => onProgress?.(s, n) };
        comlink.expose(sink, nodeEndpoint(port1));
        try {
          const task: StressTask = { options: { ...base, seed }, port: port2 };
          return (await pool.run(task, { transferList: [port2] })) as StressResult;
        } finally {
          port1.close();
        }
      }),
    );
    const out: CampaignResult = { runs, operations: 0, violations: [], hangs: [], results: {} };
    for (const r of runs) {
      out.operations += r.operations;
      for (const v of r.violations) out.violations.push(`seed ${r.seed}: ${v}`);
      for (const h of r.hangs) out.hangs.push({ seed: r.seed, ...h });
      for (const [op, outcomes] of Object.entries(r.results)) {
        const agg = (out.results[op] ??= {});
        for (const [k, n] of Object.entries(outcomes)) agg[k] = (agg[k] ?? 0) + n;
      }
    }
    return out;
  } finally {
    await pool.destroy();
  }
}
