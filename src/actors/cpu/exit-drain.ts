/**
 * The supervisor's side of the vmexit recorder: copies every CPU's new records out of its ring
 * (exit-ring-layout.ts) and advances the ring's tail, so the CPU can reuse the slots. Runs on
 * the main thread, never on a simulated path.
 */
import { REC_SLOTS, RING_CAPACITY, RingWord, recIndex, ringWord } from './exit-ring-layout.js';

export interface DrainedRing {
  cpu: number;
  /** REC_SLOTS Float64 slots per record, oldest first. */
  records: Float64Array;
  /** Records this CPU dropped so far (ring full). */
  dropped: number;
}

export class ExitDrain {
  private readonly i32: Int32Array;
  private readonly f64: Float64Array;

  constructor(
    readonly sab: SharedArrayBuffer,
    private readonly nrCpus: number,
  ) {
    this.i32 = new Int32Array(sab);
    this.f64 = new Float64Array(sab);
  }

  /** The records each CPU published since the last drain. */
  drain(): DrainedRing[] {
    const out: DrainedRing[] = [];
    for (let cpu = 0; cpu < this.nrCpus; cpu++) {
      const head = Atomics.load(this.i32, ringWord(cpu, RingWord.HEAD));
      const tail = Atomics.load(this.i32, ringWord(cpu, RingWord.TAIL));
      const n = (head - tail) | 0;
      const records = new Float64Array(n * REC_SLOTS);
      // At most two contiguous runs: from the tail to the ring's end, then from its start.
      const first = tail & (RING_CAPACITY - 1);
      const run1 = Math.min(n, RING_CAPACITY - first);
      const o1 = recIndex(this.nrCpus, cpu, first);
      records.set(this.f64.subarray(o1, o1 + run1 * REC_SLOTS), 0);
      if (run1 < n) {
        const o2 = recIndex(this.nrCpus, cpu, 0);
        records.set(this.f64.subarray(o2, o2 + (n - run1) * REC_SLOTS), run1 * REC_SLOTS);
      }
      Atomics.store(this.i32, ringWord(cpu, RingWord.TAIL), head);
      // The recorder's tick: a new drain interval, in which it times exits again.
      Atomics.add(this.i32, ringWord(cpu, RingWord.TICK), 1);
      out.push({ cpu, records, dropped: Atomics.load(this.i32, ringWord(cpu, RingWord.DROPPED)) });
    }
    return out;
  }
}
