/**
 * The vmexit recorder's ring (one CPU writes, the supervisor drains): every exit is recorded in
 * order with its cause; a flood of exits is counted in full while only a sample is timed, and
 * timing returns to every exit once exits slow down; a full ring drops and counts; the drain
 * follows the ring across its wrap.
 */
import { describe, expect, it } from 'vitest';
import { ExitRecorder } from '../src/actors/cpu/exit-recorder.js';
import { ExitDrain } from '../src/actors/cpu/exit-drain.js';
import { REC_SLOTS, RING_CAPACITY, RecKind, RecSlot, UNTIMED, exitRingBytes } from '../src/actors/cpu/exit-ring-layout.js';

const NR = 2;

/** Each CPU's drained records (copied out of the ring as the visitor sees them) and drop counts. */
interface Drained { records: Float64Array; dropped: number }

function ring(): { rec: ExitRecorder; drain: { drain(): Drained[] } } {
  const sab = new SharedArrayBuffer(exitRingBytes(NR));
  const d = new ExitDrain(sab, NR);
  return {
    rec: new ExitRecorder(sab, NR, 1),
    drain: {
      drain(): Drained[] {
        const out: number[][] = Array.from({ length: NR }, () => []);
        const dropped = d.visit((cpu, f64, o) => out[cpu]!.push(...f64.subarray(o, o + REC_SLOTS)));
        return out.map((r, cpu) => ({ records: Float64Array.from(r), dropped: dropped[cpu]! }));
      },
    },
  };
}

function exit(rec: ExitRecorder, n: number, spinMs = 0): void {
  for (let i = 0; i < n; i++) {
    rec.exitBegin(3, false);
    rec.reason(1);
    rec.detail(0x9000000 + i * 4, 4 | 16);
    if (spinMs) {
      const until = performance.now() + spinMs;
      while (performance.now() < until) {
        /* a slow exit */
      }
    }
    rec.exitEnd(0x24);
  }
}

describe('exit recorder', () => {
  it('records each exit with its reason, cause, cell and EC, in order, on its own CPU\'s ring', () => {
    const { rec, drain } = ring();
    exit(rec, 5, 0.05);
    const [cpu0, cpu1] = drain.drain();
    expect(cpu0!.records.length).toBe(0);
    const r = cpu1!.records;
    expect(r.length).toBe(5 * REC_SLOTS);
    for (let k = 0; k < 5; k++) {
      const o = k * REC_SLOTS;
      expect(r[o + RecSlot.KIND]).toBe(RecKind.EXIT | (1 << 4) | (0x24 << 8));
      expect(r[o + RecSlot.CELL]).toBe(3);
      expect(r[o + RecSlot.DETAIL]).toBe(0x9000000 + k * 4);
      expect(r[o + RecSlot.AUX]).toBe(4 | 16);
      // Slow exits: every one timed.
      expect(r[o + RecSlot.DUR]).toBeGreaterThanOrEqual(0.04);
      if (k) expect(r[o + RecSlot.T0]).toBeGreaterThan(r[o - REC_SLOTS + RecSlot.T0]!);
    }
    expect(drain.drain()[1]!.records.length).toBe(0);
  });

  it('in a flood counts every exit but times a sample; from the next drain tick it times each again', () => {
    const { rec, drain } = ring();
    exit(rec, 20_000);
    const flood = drain.drain()[1]!.records;
    expect(flood.length).toBe(20_000 * REC_SLOTS);
    let timed = 0;
    for (let o = 0; o < flood.length; o += REC_SLOTS) if (flood[o + RecSlot.DUR] !== UNTIMED) timed++;
    expect(timed).toBeGreaterThan(0);
    expect(timed).toBeLessThan(20_000 / 8);
    // The next drain tick: ordinary exits are all timed again.
    exit(rec, 40);
    const calm = drain.drain()[1]!.records;
    expect(calm.length).toBe(40 * REC_SLOTS);
    for (let o = 0; o < calm.length; o += REC_SLOTS) expect(calm[o + RecSlot.DUR]).toBeGreaterThanOrEqual(0);
    // An untimed exit's T0 is the end of the last timed one: times never go backwards.
    for (let o = REC_SLOTS; o < flood.length; o += REC_SLOTS) expect(flood[o + RecSlot.T0]).toBeGreaterThanOrEqual(flood[o - REC_SLOTS + RecSlot.T0]!);
  });

  it('an IRQ exit names its first INTID; a trap that takes an interrupt inside (CPU_SUSPEND) keeps its own cause', () => {
    const { rec, drain } = ring();
    rec.exitBegin(0, true);
    rec.reason(5);
    rec.irq(27);
    rec.irq(30);
    rec.exitEnd(0);
    rec.exitBegin(2, false);
    rec.reason(7);
    rec.detail(0xc4000001);
    rec.irq(27);
    rec.exitEnd(0x17);
    const r = drain.drain()[1]!.records;
    expect([r[RecSlot.DETAIL], r[RecSlot.COUNT]]).toEqual([27, 2]);
    expect([r[REC_SLOTS + RecSlot.DETAIL], r[REC_SLOTS + RecSlot.COUNT], r[REC_SLOTS + RecSlot.CELL]]).toEqual([0xc4000001, 0, 2]);
  });

  it('a full ring drops and counts; the drain follows the ring across its wrap', () => {
    const { rec, drain } = ring();
    exit(rec, RING_CAPACITY + 10);
    const full = drain.drain()[1]!;
    expect(full.records.length).toBe(RING_CAPACITY * REC_SLOTS);
    expect(full.dropped).toBe(10);
    exit(rec, 100);
    const wrapped = drain.drain()[1]!;
    expect(wrapped.records.length).toBe(100 * REC_SLOTS);
    expect(wrapped.records[RecSlot.DETAIL]).toBe(0x9000000);
    expect(wrapped.records[99 * REC_SLOTS + RecSlot.DETAIL]).toBe(0x9000000 + 99 * 4);
  });
});
