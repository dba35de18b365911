/**
 * One participant of the bare barrier benchmark: rounds of a counter + generation barrier with
 * the same spin-then-wait policy the simulation uses (shared/sync.ts), or (pingpong) wait/notify
 * round trips between two workers. Worker 0 times the rounds itself, after `warmup` untimed
 * ones, and posts µs per round: neither the threads' start (tens of ms of module loading) nor
 * V8's first optimisation of the loop is a barrier round.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { signal, waitUntil, word } from '../../shared/sync.js';

interface Init {
  sab: SharedArrayBuffer;
  n: number;
  /** Timed rounds. */
  rounds: number;
  /** Untimed rounds before them. */
  warmup: number;
  id: number;
  /** 'barrier' (default) or 'pingpong' (two workers, wait/notify round trips). */
  mode?: 'barrier' | 'pingpong';
}
const { sab, n, rounds, warmup, id, mode } = workerData as Init;
const v = new Int32Array(sab);
const COUNT = 0;
const GEN = 1;
const START = 2;
const PING = 3;
const policy = { cpu: id, watchdogMs: 60_000, spins: 200 };
const gen = word(v, GEN);

Atomics.add(v, START, 1);
Atomics.notify(v, START);
waitUntil(policy, word(v, START), () => Atomics.load(v, START) >= n, 'start');

/** Worker 0 pings, worker 1 pongs: each hop is an Atomics.notify of a sleeping thread. */
function pingpong(from: number, to: number): void {
  for (let r = from; r < to; r++) {
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

function barrier(count: number): void {
  for (let r = 0; r < count; r++) {
    const g = Atomics.load(v, GEN);
    if (Atomics.add(v, COUNT, 1) + 1 === n) {
      Atomics.store(v, COUNT, 0);
      signal(gen);
    } else {
      waitUntil(policy, gen, () => Atomics.load(v, GEN) !== g, 'barrier');
    }
  }
}

if (mode === 'pingpong') pingpong(0, warmup);
else barrier(warmup);
// Every worker leaves the warm-up through the same last round, so they start the timed rounds
// together (a barrier round apart at most, as any round).
const t0 = performance.now();
if (mode === 'pingpong') pingpong(warmup, warmup + rounds);
else barrier(rounds);
const us = ((performance.now() - t0) * 1000) / rounds;
parentPort?.postMessage(id === 0 ? us : -1);
