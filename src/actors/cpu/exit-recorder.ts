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
 * one before it as T0 and DUR = UNTIMED.
 *
 * Writing a record per exit (eight slots of the shared ring, the store that publishes it) would
 * cost about as much again, and the supervisor's reading of millions of them a second more. So
 * in a flood, untimed exits of the same cause are merged into one record, whose RecSlot.EXITS
 * counts them and whose T0 is the end of the last timed exit before the first of them, and
 * records are published in batches: when MERGE_SLOTS causes are open, PUBLISH_AFTER records
 * wait, a state, entry or phase record or a timed exit outside a flood is written, or flush() is
 * called, which the CPU's loop does before it sleeps, runs on, or reports to the supervisor. A
 * flood then costs a few records per SAMPLE_EVERY exits, and every exit is still counted exactly
 * once. The flood of MMIO exits has a path of its own (untimedExit, trap-dispatch.ts).
 */
import { now } from './layout.js';
import { REASON_OTHER, REC_SLOTS, RING_CAPACITY, RecKind, RecSlot, RingWord, UNTIMED, exitKind, recIndex, ringWord } from './exit-ring-layout.js';

// The layout's numbers as this module's own constants: V8 folds those into the compiled exit
// path, where an imported binding is loaded (and its object's map checked) at every use.
const { KIND, T0, DUR, CELL, DETAIL, AUX, COUNT, EXITS } = RecSlot;
const CAPACITY = RING_CAPACITY;
const SLOTS = REC_SLOTS;
const NOT_TIMED = UNTIMED;
const NO_REASON = REASON_OTHER;

const MAX_DEPTH = 8;
/** Exits timed per drain tick before sampling starts (a tick is ~5 ms: ~12,800 exits/s). */
const TIMED_PER_TICK = 64;
/** Beyond them, one exit in this many is timed (a power of two). */
const SAMPLE_EVERY = 1024;
/** The timing policy, for the reports (the constants above stay unexported for the reason above). */
export const RECORDER_TIMING = { timedPerTick: TIMED_PER_TICK, sampleEvery: SAMPLE_EVERY } as const;
/**
 * Distinct causes merged at once (a flood repeats a few: a device register's reads and writes);
 * a further cause publishes them and starts anew.
 */
const MERGE_SLOTS = 4;
/** Records written before they are published whatever else happens (bounds the supervisor's wait). */
const PUBLISH_AFTER = 32;

export class ExitRecorder {
  private readonly i32: Int32Array;
  private readonly f64: Float64Array;
  /** Records published (RingWord.HEAD as last stored). */
  private head: number;
  /** Records written after head and not yet published (in a flood: see publish's callers). */
  private pending = 0;
  /** The consumer's TAIL as last read: reloaded only when the ring looks full. */
  private tail: number;
  private readonly headIndex: number;
  private readonly tailIndex: number;
  private readonly droppedIndex: number;
  private readonly tickIndex: number;
  /** Float64 index of this CPU's record 0. */
  private readonly recBase: number;
  /** Exits being handled (nested); those beyond MAX_DEPTH are not recorded. */
  private depth = 0;
  /**
   * The innermost exit being handled, in fields (the hooks of every exit touch them: fields
   * are cheaper than typed-array slots); an exit taken while handling another saves the outer
   * one in the per-level arrays below and restores it when it ends.
   */
  private t0 = 0;
  private timed = false;
  private cell = 0;
  /** An IRQ exit: only there do the interrupts acknowledged make its cause. */
  private irqExit = false;
  private reasonOf = NO_REASON;
  private detailOf = 0;
  private auxOf = 0;
  private countOf = 0;
  private readonly savedT0 = new Float64Array(MAX_DEPTH);
  private readonly savedTimed = new Uint8Array(MAX_DEPTH);
  private readonly savedCell = new Int32Array(MAX_DEPTH);
  private readonly savedIrq = new Uint8Array(MAX_DEPTH);
  private readonly savedReason = new Int32Array(MAX_DEPTH);
  private readonly savedDetail = new Float64Array(MAX_DEPTH);
  private readonly savedAux = new Int32Array(MAX_DEPTH);
  private readonly savedCount = new Int32Array(MAX_DEPTH);
  /** The drain tick last seen and the exits begun since. */
  private tick = 0;
  private inTick = 0;
  /** End of the last timed exit (the T0 of untimed ones). */
  private lastEnd = 0;
  /**
   * Records (written, not yet published) that untimed exits of their cause are merged into:
   * their Float64 indexes. The cause is compared with, and the exits counted in, the record
   * itself: no other copy to keep.
   */
  private merged = 0;
  private readonly mergeAt = new Int32Array(MERGE_SLOTS);
  /**
   * untimedExit's two last causes (kind -1: none): their records' Float64 indexes, their keys
   * and the exits counted here and not yet added to the record's EXITS (dropHits adds them).
   */
  private hit0At = -1;
  private hit0Kind = -1;
  private hit0Cell = 0;
  private hit0Detail = 0;
  private hit0Aux = 0;
  private hit0Exits = 0;
  private hit1At = -1;
  private hit1Kind = -1;
  private hit1Cell = 0;
  private hit1Detail = 0;
  private hit1Aux = 0;
  private hit1Exits = 0;

  constructor(
    sab: SharedArrayBuffer,
    nrCpus: number,
    cpu: number,
  ) {
    this.i32 = new Int32Array(sab);
    this.f64 = new Float64Array(sab);
    this.headIndex = ringWord(cpu, RingWord.HEAD);
    this.tailIndex = ringWord(cpu, RingWord.TAIL);
    this.droppedIndex = ringWord(cpu, RingWord.DROPPED);
    this.tickIndex = ringWord(cpu, RingWord.TICK);
    this.head = Atomics.load(this.i32, this.headIndex);
    this.tail = Atomics.load(this.i32, this.tailIndex);
    this.recBase = recIndex(nrCpus, cpu, 0);
  }

  /**
   * An exit enters the hypervisor: counts it for the timing policy and says whether to time it.
   * An exit nested in another is always timed (it goes through exitBegin); an untimed one may be
   * recorded by untimedExit() alone.
   */
  nextTimed(): boolean {
    const tick = this.i32[this.tickIndex]!;
    if (tick !== this.tick) {
      this.tick = tick;
      this.inTick = 0;
    }
    const n = ++this.inTick;
    return n <= TIMED_PER_TICK || (n & (SAMPLE_EVERY - 1)) === 0 || this.depth !== 0;
  }

  /**
   * A trap or IRQ exit (`irqExit`) entered the hypervisor from the guest of cell `cell` (its
   * id); `timed` is nextTimed()'s answer for it.
   */
  exitBegin(cell: number, irqExit: boolean, timed: boolean): void {
    const d = this.depth++;
    if (d !== 0) {
      if (d >= MAX_DEPTH) return;
      this.save(d - 1);
    }
    this.timed = timed;
    // An untimed exit's T0 is the end of the last timed one (merge() takes it then).
    if (timed) this.t0 = now();
    this.cell = cell;
    this.irqExit = irqExit;
    this.reasonOf = NO_REASON;
    this.detailOf = 0;
    this.auxOf = 0;
    this.countOf = 0;
  }

  /** An exit is being handled and recorded (depth 1 to MAX_DEPTH). */
  private get inExit(): boolean {
    return (this.depth - 1) >>> 0 < MAX_DEPTH;
  }

  /** The first statistics category (Stat index) the exit counts is its reason. */
  reason(stat: number): void {
    if (this.inExit && this.reasonOf === NO_REASON) this.reasonOf = stat;
  }

  /** The exit's finer cause (RecSlot.DETAIL) and, for MMIO, size/direction/handler (RecSlot.AUX). */
  detail(detail: number, aux = 0): void {
    if (!this.inExit) return;
    this.detailOf = detail;
    this.auxOf = aux;
  }

  /**
   * One more physical interrupt acknowledged in this IRQ exit. Inside a trap (PSCI CPU_SUSPEND
   * takes the interrupt that woke it) the trap's own cause stays.
   */
  irq(intid: number): void {
    if (!this.inExit || !this.irqExit) return;
    if (this.countOf++ === 0) this.detailOf = intid;
  }

  /** Patch the MMIO handler id into the exit's AUX (known only once the access is handled). */
  mmioHandler(id: number): void {
    if (this.inExit) this.auxOf = (this.auxOf & 0xff) | (id << 8);
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
    const kind = exitKind(this.reasonOf, ec);
    if (this.timed) this.putTimed(kind);
    else this.merge(kind, this.cell, this.detailOf, this.auxOf, this.countOf);
    if (d !== 0) this.restore(d - 1);
  }

  /**
   * An exit nextTimed() left untimed, outside any other exit, recorded in one call once handled
   * with its kind (exitKind), cause and AUX: no exitBegin, hooks or exitEnd. For floods of MMIO
   * exits (trap-dispatch.ts), where those cost as much as the access itself.
   */
  untimedExit(kind: number, cell: number, detail: number, aux: number): void {
    // The two causes merged last, compared in fields: a flood alternates a register's read and
    // write, and a search through the records (merge) costs a tenth of a trapped access.
    if (detail === this.hit0Detail && aux === this.hit0Aux && kind === this.hit0Kind && cell === this.hit0Cell) {
      this.hit0Exits++;
      return;
    }
    if (detail === this.hit1Detail && aux === this.hit1Aux && kind === this.hit1Kind && cell === this.hit1Cell) {
      this.hit1Exits++;
      return;
    }
    const at = this.merge(kind, cell, detail, aux, 0);
    if (at < 0) return;
    // The older cause leaves the fields: its exits go to its record.
    if (this.hit1At >= 0) this.f64[this.hit1At + EXITS]! += this.hit1Exits;
    this.hit1At = this.hit0At;
    this.hit1Kind = this.hit0Kind;
    this.hit1Cell = this.hit0Cell;
    this.hit1Detail = this.hit0Detail;
    this.hit1Aux = this.hit0Aux;
    this.hit1Exits = this.hit0Exits;
    this.hit0At = at;
    this.hit0Kind = kind;
    this.hit0Cell = cell;
    this.hit0Detail = detail;
    this.hit0Aux = aux;
    this.hit0Exits = 0;
  }

  /** Adds the exits counted in the fields to their records and forgets both causes (records are final once published). */
  private dropHits(): void {
    const f = this.f64;
    if (this.hit0At >= 0) f[this.hit0At + EXITS]! += this.hit0Exits;
    if (this.hit1At >= 0) f[this.hit1At + EXITS]! += this.hit1Exits;
    this.hit0At = this.hit1At = -1;
    this.hit0Kind = this.hit1Kind = -1;
    this.hit0Exits = this.hit1Exits = 0;
  }

  /** The CPU's state changed to `state` (CpuState). */
  state(state: number, cell: number): void {
    this.put(RecKind.STATE, now(), 0, cell, state, 0, 0, 0);
  }

  /** A cell-management phase (MgmtPhase) that began at t0 (layout.ts now()) ends now. */
  phase(phase: number, t0: number): void {
    this.put(RecKind.PHASE, t0, now() - t0, 0, phase, 0, 0, 0);
  }

  /** The hypervisor's entry on this CPU took [t0, t0 + dur); it left entry barrier A at t0 + barrierA. */
  entry(t0: number, dur: number, result: number, barrierA: number): void {
    this.put(RecKind.ENTRY, t0, dur, 0, result, barrierA, 0, 0);
  }

  /**
   * Publishes the records written so far. The CPU's loop calls this before it waits, runs the
   * next slice of guest code or a task, or reports a status the supervisor acts on (it may
   * drain a last time and compare with the counters).
   */
  flush(): void {
    if (this.pending !== 0) this.publish();
  }

  private save(i: number): void {
    this.savedT0[i] = this.t0;
    this.savedTimed[i] = this.timed ? 1 : 0;
    this.savedCell[i] = this.cell;
    this.savedIrq[i] = this.irqExit ? 1 : 0;
    this.savedReason[i] = this.reasonOf;
    this.savedDetail[i] = this.detailOf;
    this.savedAux[i] = this.auxOf;
    this.savedCount[i] = this.countOf;
  }

  private restore(i: number): void {
    this.t0 = this.savedT0[i]!;
    this.timed = this.savedTimed[i] === 1;
    this.cell = this.savedCell[i]!;
    this.irqExit = this.savedIrq[i] === 1;
    this.reasonOf = this.savedReason[i]!;
    this.detailOf = this.savedDetail[i]!;
    this.auxOf = this.savedAux[i]!;
    this.countOf = this.savedCount[i]!;
  }

  /**
   * An untimed exit: one more of its cause, or a new record for a new cause, whose T0 is the end
   * of the last timed exit. Returns the record's Float64 index (-1: the ring was full).
   */
  private merge(kind: number, cell: number, detail: number, aux: number, count: number): number {
    const f = this.f64;
    let n = this.merged;
    for (let i = 0; i < n; i++) {
      const at = this.mergeAt[i]!;
      if (f[at + AUX] === aux && f[at + DETAIL] === detail && f[at + KIND] === kind && f[at + CELL] === cell && f[at + COUNT] === count) {
        f[at + EXITS]!++;
        return at;
      }
    }
    if (n === MERGE_SLOTS) {
      this.publish();
      n = 0;
    }
    const o = this.reserve();
    if (o < 0) return -1;
    f[o + KIND] = kind;
    f[o + T0] = this.lastEnd;
    f[o + DUR] = NOT_TIMED;
    f[o + CELL] = cell;
    f[o + DETAIL] = detail;
    f[o + AUX] = aux;
    f[o + COUNT] = count;
    f[o + EXITS] = 1;
    this.mergeAt[n] = o;
    this.merged = n + 1;
    return o;
  }

  /** The current exit, timed, ends now: a record of its own. */
  private putTimed(kind: number): void {
    const t1 = now();
    const o = this.reserve();
    if (o >= 0) {
      const f = this.f64;
      f[o + KIND] = kind;
      f[o + T0] = this.t0;
      f[o + DUR] = t1 - this.t0;
      f[o + CELL] = this.cell;
      f[o + DETAIL] = this.detailOf;
      f[o + AUX] = this.auxOf;
      f[o + COUNT] = this.countOf;
      f[o + EXITS] = 1;
    }
    this.lastEnd = t1;
    // Outside a flood (the tick's first exits) a record is published at once; in a flood, in
    // batches.
    if (this.inTick <= TIMED_PER_TICK || this.pending >= PUBLISH_AFTER) this.publish();
  }

  /** A state, entry or phase record, published at once with those before it. */
  private put(kind: number, t0: number, dur: number, cell: number, detail: number, aux: number, count: number, exits: number): void {
    const o = this.reserve();
    if (o >= 0) {
      const f = this.f64;
      f[o + KIND] = kind;
      f[o + T0] = t0;
      f[o + DUR] = dur;
      f[o + CELL] = cell;
      f[o + DETAIL] = detail;
      f[o + AUX] = aux;
      f[o + COUNT] = count;
      f[o + EXITS] = exits;
    }
    this.publish();
  }

  /** Float64 index of the next free record (counted in pending), or -1 and a drop if the ring is full. */
  private reserve(): number {
    const h = (this.head + this.pending) | 0;
    if (((h - this.tail) | 0) >= CAPACITY) {
      this.tail = Atomics.load(this.i32, this.tailIndex);
      if (((h - this.tail) | 0) >= CAPACITY) {
        Atomics.add(this.i32, this.droppedIndex, 1);
        return -1;
      }
    }
    this.pending++;
    return this.recBase + (h & (CAPACITY - 1)) * SLOTS;
  }

  /** One store publishes all records written; those merged into are final from then on. */
  private publish(): void {
    if (this.hit0Kind !== -1) this.dropHits();
    this.merged = 0;
    if (this.pending === 0) return;
    this.head = (this.head + this.pending) | 0;
    this.pending = 0;
    // The store publishes the records: the supervisor reads records below HEAD only.
    Atomics.store(this.i32, this.headIndex, this.head);
  }
}
