/**
 * The supervisor's side of the vmexit recorder: hands every CPU's new records to a visitor, in
 * place in its ring (exit-ring-layout.ts; no copy: a flood is millions of records a second),
 * then advances the ring's tail so the CPU can reuse the slots. Runs on the main thread, never
 * on a simulated path.
 */
import { REC_SLOTS, RING_CAPACITY, RingWord, recIndex, ringWord } from './exit-ring-layout.js';

/** Called once per record: `f64[o + RecSlot.*]` are its slots, valid only during the call. */
export type RecordVisitor = (cpu: number, f64: Float64Array, o: number) => void;

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

  /**
   * Visits each CPU's records published since the last drain, oldest first, where they are;
   * returns the records each CPU dropped so far (ring full).
   */
  visit(visitor: RecordVisitor): number[] {
    const dropped: number[] = [];
    for (let cpu = 0; cpu < this.nrCpus; cpu++) {
      const head = Atomics.load(this.i32, ringWord(cpu, RingWord.HEAD));
      const tail = Atomics.load(this.i32, ringWord(cpu, RingWord.TAIL));
      const n = (head - tail) | 0;
      const base = recIndex(this.nrCpus, cpu, 0);
      for (let k = 0; k < n; k++) visitor(cpu, this.f64, base + ((tail + k) & (RING_CAPACITY - 1)) * REC_SLOTS);
      Atomics.store(this.i32, ringWord(cpu, RingWord.TAIL), head);
      Atomics.add(this.i32, ringWord(cpu, RingWord.TICK), 1);
      dropped.push(Atomics.load(this.i32, ringWord(cpu, RingWord.DROPPED)));
    }
    return dropped;
  }
}
