/**
 * One participant of the bare barrier benchmark: rounds of a counter + generation barrier with
 * the same spin-then-wait policy the simulation uses (shared/sync.ts).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { signal, waitUntil, word } from '../../shared/sync.js';

interface Init {
  sab: SharedArrayBuffer;
  n: number;
  rounds: number;
  id: number;
  /** 'barrier' (default) or 'pingpong' (two workers, wait/notify round trips). */
  mode?: 'barrier' | 'pingpong';
}
const { sab, n, rounds, id, mode } = workerData as Init;
const v = new Int32Array(sab);
const COUNT = 0;
const GEN = 1;
const START = 2;
const policy = { cpu: id, watchdogMs: 60_000, spins: 200 };
const gen = word(v, GEN);

Atomics.add(v, START, 1);
Atomics.notify(v, START);
waitUntil(policy, word(v, START), () => Atomics.load(v, START) >= n, 'start');
if (mode === 'pingpong') {
  // Worker 0 pings, worker 1 pongs: each hop is an Atomics.notify of a sleeping thread.
  const PING = 3;
  for (let r = 0; r < rounds; r++) {
    const want = id === 0 ? 2 * r : 2 * r + 1;
    for (;;) {
      const cur = Atomics.load(v, PING);
      if (cur === want) break;
      Atomics.wait(v, PING, cur, 1000);
    }
    Atomics.store(v, PING, want + 1);
    Atomics.notify(v, PING);
  }
}
for (let r = 0; mode !== 'pingpong' && r < rounds; r++) {
  const g = Atomics.load(v, GEN);
  if (Atomics.add(v, COUNT, 1) + 1 === n) {
    Atomics.store(v, COUNT, 0);
    signal(gen);
  } else {
    waitUntil(policy, gen, () => Atomics.load(v, GEN) !== g, 'barrier');
  }
}
parentPort?.postMessage('done');
