/**
 * One CPU's vmexit recorder: writes records into its own ring of the recorder buffer
 * (exit-ring-layout.ts) without waiting for anyone. The hypervisor calls exitBegin when a trap
 * or IRQ exit enters it, notes the reason and the cause while it handles the exit, and calls
 * exitEnd when it returns; the CPU context calls state() on every CpuState change.
 *
 * Exits can nest (a hypercall that waits may take an IRQ exit on the same CPU): each level keeps
 * its own start time and cause.
 *
 * Timing costs two reads of the clock (about 50 ns each in Node), as much as a whole trapped MMIO
 * access. So the recorder times the first TIMED_PER_TICK exits of each drain tick (the
 * supervisor bumps RingWord.TICK every few ms) and, beyond them, one exit in SAMPLE_EVERY:
 * ordinary exits are all timed, a flood is counted in full but timed by sample, and timing is
 * back to every exit at the next tick. An untimed exit carries the end time of the last timed
 * one as T0 and DUR = UNTIMED.
 */
import { now } from './layout.js';
import { REASON_OTHER, REC_SLOTS, RING_CAPACITY, RecKind, RecSlot, RingWord, UNTIMED, recIndex, ringWord } from './exit-ring-layout.js';

const MAX_DEPTH = 8;
/** Exits timed per drain tick before sampling starts (a tick is ~5 ms: ~12,800 exits/s). */
const TIMED_PER_TICK = 64;
/** Beyond them, one exit in this many is timed (a power of two). */
const SAMPLE_EVERY = 64;

export class ExitRecorder {
  private readonly i32: Int32Array;
  private readonly f64: Float64Array;
  private head: number;
  /** The consumer's TAIL as last read: reloaded only when the ring looks full. */
  private tail: number;
  private readonly tickIndex: number;
  /** Float64 index of this CPU's record 0. */
  private readonly recBase: number;
  private depth = 0;
  private readonly t0 = new Float64Array(MAX_DEPTH);
  private readonly reasonAt = new Int32Array(MAX_DEPTH);
  private readonly detailAt = new Float64Array(MAX_DEPTH);
  private readonly auxAt = new Float64Array(MAX_DEPTH);
  private readonly countAt = new Int32Array(MAX_DEPTH);
  private readonly cellAt = new Int32Array(MAX_DEPTH);
  private readonly timedAt = new Uint8Array(MAX_DEPTH);
  /** 1 for an IRQ exit: only there do the interrupts acknowledged make its cause. */
  private readonly irqAt = new Uint8Array(MAX_DEPTH);
  /** The drain tick last seen and the exits begun since. */
  private tick = 0;
  private inTick = 0;
  /** End of the last timed exit (the T0 of untimed ones). */
  private lastEnd = 0;

  constructor(
    sab: SharedArrayBuffer,
    nrCpus: number,
    private readonly cpu: number,
  ) {
    this.i32 = new Int32Array(sab);
    this.f64 = new Float64Array(sab);
    this.head = Atomics.load(this.i32, ringWord(cpu, RingWord.HEAD));
    this.tail = Atomics.load(this.i32, ringWord(cpu, RingWord.TAIL));
    this.tickIndex = ringWord(cpu, RingWord.TICK);
    this.recBase = recIndex(nrCpus, cpu, 0);
  }

  /**
   * A trap or IRQ exit (`irqExit`) entered the hypervisor from the guest of cell `cell` (its
   * id).
   */
  exitBegin(cell: number, irqExit: boolean): void {
    const d = this.depth++;
    if (d >= MAX_DEPTH) return;
    const tick = this.i32[this.tickIndex]!;
    if (tick !== this.tick) {
      this.tick = tick;
      this.inTick = 0;
    }
    const n = ++this.inTick;
    const timed = n <= TIMED_PER_TICK || (n & (SAMPLE_EVERY - 1)) === 0;
    this.timedAt[d] = timed ? 1 : 0;
    this.t0[d] = timed ? now() : this.lastEnd;
    this.cellAt[d] = cell;
    this.irqAt[d] = irqExit ? 1 : 0;
    this.reasonAt[d] = REASON_OTHER;
    this.detailAt[d] = 0;
    this.auxAt[d] = 0;
    this.countAt[d] = 0;
  }

  /** The first statistics category (Stat index) the exit counts is its reason. */
  reason(stat: number): void {
    const d = this.depth - 1;
    if (d >= 0 && d < MAX_DEPTH && this.reasonAt[d] === REASON_OTHER) this.reasonAt[d] = stat;
  }

  /** The exit's finer cause (RecSlot.DETAIL) and, for MMIO, size/direction/handler (RecSlot.AUX). */
  detail(detail: number, aux = 0): void {
    const d = this.depth - 1;
    if (d < 0 || d >= MAX_DEPTH) return;
    this.detailAt[d] = detail;
    this.auxAt[d] = aux;
  }

  /**
   * One more physical interrupt acknowledged in this IRQ exit. Inside a trap (PSCI CPU_SUSPEND
   * takes the interrupt that woke it) the trap's own cause stays.
   */
  irq(intid: number): void {
    const d = this.depth - 1;
    if (d < 0 || d >= MAX_DEPTH || !this.irqAt[d]) return;
    if (this.countAt[d]++ === 0) this.detailAt[d] = intid;
  }

  /** Patch the MMIO handler id into the exit's AUX (known only once the region is found). */
  mmioHandler(id: number): void {
    const d = this.depth - 1;
    if (d >= 0 && d < MAX_DEPTH) this.auxAt[d] = (this.auxAt[d]! % 256) + id * 256;
  }

  /**
   * The exit returns to the guest (or parks the CPU): `ec` is ESR_EL2.EC (0 for an IRQ exit).
   * The record names the cell the CPU exited from, even if the exit moved it to another.
   */
  exitEnd(ec: number): void {
    const d = --this.depth;
    if (d >= MAX_DEPTH || d < 0) {
      if (d < 0) this.depth = 0;
      return;
    }
    const t0 = this.t0[d]!;
    let dur = UNTIMED;
    if (this.timedAt[d]) {
      const t1 = now();
      dur = t1 - t0;
      this.lastEnd = t1;
    }
    this.put(RecKind.EXIT | (this.reasonAt[d]! << 4) | (ec << 8), t0, dur, this.cellAt[d]!, this.detailAt[d]!, this.auxAt[d]!, this.countAt[d]!);
  }

  /** The CPU's state changed to `state` (CpuState). */
  state(state: number, cell: number): void {
    this.put(RecKind.STATE, now(), 0, cell, state, 0, 0);
  }

  /** A cell-management phase (MgmtPhase) that began at t0 (layout.ts now()) ends now. */
  phase(phase: number, t0: number): void {
    this.put(RecKind.PHASE, t0, now() - t0, 0, phase, 0, 0);
  }

  /** The hypervisor's entry on this CPU took [t0, t0 + dur); it left entry barrier A at t0 + barrierA. */
  entry(t0: number, dur: number, result: number, barrierA: number): void {
    this.put(RecKind.ENTRY, t0, dur, 0, result, barrierA, 0);
  }

  private put(kind: number, t0: number, dur: number, cell: number, detail: number, aux: number, count: number): void {
    const i32 = this.i32;
    const h = this.head;
    if (((h - this.tail) | 0) >= RING_CAPACITY) {
      this.tail = Atomics.load(i32, ringWord(this.cpu, RingWord.TAIL));
      if (((h - this.tail) | 0) >= RING_CAPACITY) {
        Atomics.add(i32, ringWord(this.cpu, RingWord.DROPPED), 1);
        return;
      }
    }
    const f = this.f64;
    const o = this.recBase + (h & (RING_CAPACITY - 1)) * REC_SLOTS;
    f[o + RecSlot.KIND] = kind;
    f[o + RecSlot.T0] = t0;
    f[o + RecSlot.DUR] = dur;
    f[o + RecSlot.CELL] = cell;
    f[o + RecSlot.DETAIL] = detail;
    f[o + RecSlot.AUX] = aux;
    f[o + RecSlot.COUNT] = count;
    this.head = (h + 1) | 0;
    // The store publishes the record: the supervisor reads records below HEAD only.
    Atomics.store(i32, ringWord(this.cpu, RingWord.HEAD), this.head);
  }
}
