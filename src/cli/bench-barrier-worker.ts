/**
 * One participant of the bare barrier benchmark: rounds of a counter + generation barrier with
 * the same spin-then-wait policy the simulation uses (shared/sync.ts).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { signal, waitUntil, word } from '../shared/sync.js';

interface Init {
  sab: SharedArrayBuffer;
  n: number;
  rounds: number;
  id: number;
}
const { sab, n, rounds, id } = workerData as Init;
const v = new Int32Array(sab);
const COUNT = 0;
const GEN = 1;
const START = 2;
const policy = { cpu: id, watchdogMs: 60_000, spins: 200 };
const gen = word(v, GEN);

Atomics.add(v, START, 1);
Atomics.notify(v, START);
waitUntil(policy, word(v, START), () => Atomics.load(v, START) >= n, 'start');
for (let r = 0; r < rounds; r++) {
  const g = Atomics.load(v, GEN);
  if (Atomics.add(v, COUNT, 1) + 1 === n) {
    Atomics.store(v, COUNT, 0);
    signal(gen);
  } else {
    waitUntil(policy, gen, () => Atomics.load(v, GEN) !== g, 'barrier');
  }
}
parentPort?.postMessage('done');
