/**
 * The vmexit recorder's ring (one CPU writes, the supervisor drains): every exit is recorded in
 * order with its cause; a flood of exits is counted in full while only a sample is timed, its
 * identical untimed exits merged into one record with their count, and timing returns to every
 * exit once exits slow down; a full ring drops and counts; the drain follows the ring across its
 * wrap.
 */
import { describe, expect, it } from 'vitest';
import { ExitRecorder, RECORDER_TIMING } from '../src/actors/cpu/exit-recorder.js';

const SAMPLE_EVERY = RECORDER_TIMING.sampleEvery;
import { ExitDrain } from '../src/actors/cpu/exit-drain.js';
import { REC_SLOTS, RING_CAPACITY, RecKind, RecSlot, UNTIMED, exitKind, exitRingBytes } from '../src/actors/cpu/exit-ring-layout.js';

const NR = 2;

/** Each CPU's drained records (copied out of the ring as the visitor sees them) and drop counts. */
interface Drained { records: Float64Array; dropped: number }

/** The drain flushes the recorder first, as the CPU's loop does before the supervisor could look. */
function ring(): { rec: ExitRecorder; drain: { drain(flush?: boolean): Drained[] } } {
  const sab = new SharedArrayBuffer(exitRingBytes(NR));
  const d = new ExitDrain(sab, NR);
  const rec = new ExitRecorder(sab, NR, 1);
  return {
    rec,
    drain: {
      drain(flush = true): Drained[] {
        if (flush) rec.flush();
        const out: number[][] = Array.from({ length: NR }, () => []);
        const dropped = d.visit((cpu, f64, o) => out[cpu]!.push(...f64.subarray(o, o + REC_SLOTS)));
        return out.map((r, cpu) => ({ records: Float64Array.from(r), dropped: dropped[cpu]! }));
      },
    },
  };
}

/** `n` MMIO exits, each at its own address, or (`registers`) over that many addresses, written then read. */
function exit(rec: ExitRecorder, n: number, spinMs = 0, registers = 0): void {
  for (let i = 0; i < n; i++) {
    rec.exitBegin(3, false, rec.nextTimed());
    rec.reason(1);
    if (registers) rec.detail(0x9000000 + (Math.floor(i / 2) % registers) * 4, 4 | (i % 2 ? 0 : 16));
    else rec.detail(0x9000000 + i * 4, 4 | 16);
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
      expect(r[o + RecSlot.EXITS]).toBe(1);
      if (k) expect(r[o + RecSlot.T0]).toBeGreaterThan(r[o - REC_SLOTS + RecSlot.T0]!);
    }
    expect(drain.drain()[1]!.records.length).toBe(0);
  });

  it('in a flood counts every exit but times a sample; from the next drain tick it times each again', () => {
    const { rec, drain } = ring();
    exit(rec, 20_000);
    // Every address differs: nothing to merge, a record per exit.
    const flood = drain.drain()[1]!.records;
    expect(flood.length).toBe(20_000 * REC_SLOTS);
    let timed = 0;
    for (let o = 0; o < flood.length; o += REC_SLOTS) {
      expect(flood[o + RecSlot.EXITS]).toBe(1);
      if (flood[o + RecSlot.DUR] !== UNTIMED) timed++;
    }
    expect(timed).toBeGreaterThan(0);
    expect(timed).toBeLessThan(20_000 / 8);
    // The next drain tick: ordinary exits are all timed again.
    exit(rec, 40);
    const calm = drain.drain()[1]!.records;
    expect(calm.length).toBe(40 * REC_SLOTS);
    for (let o = 0; o < calm.length; o += REC_SLOTS) expect(calm[o + RecSlot.DUR]).toBeGreaterThanOrEqual(0);
    // An untimed exit's T0 is the end of the last timed one before it: times never go backwards.
    for (let o = REC_SLOTS; o < flood.length; o += REC_SLOTS) expect(flood[o + RecSlot.T0]).toBeGreaterThanOrEqual(flood[o - REC_SLOTS + RecSlot.T0]!);
  });

  it('merges a flood\'s untimed exits of one cause into one record, counting every exit exactly', () => {
    const { rec, drain } = ring();
    // Writes and reads of two registers: four causes.
    exit(rec, 20_000, 0, 2);
    const r = drain.drain()[1]!.records;
    const byCause = new Map<string, number>();
    let exits = 0;
    for (let o = 0; o < r.length; o += REC_SLOTS) {
      const n = r[o + RecSlot.EXITS]!;
      // A timed exit is a record of its own; merged ones carry the first one's T0.
      if (r[o + RecSlot.DUR] !== UNTIMED) expect(n).toBe(1);
      if (o) expect(r[o + RecSlot.T0]).toBeGreaterThanOrEqual(r[o - REC_SLOTS + RecSlot.T0]!);
      expect(r[o + RecSlot.KIND]).toBe(RecKind.EXIT | (1 << 4) | (0x24 << 8));
      const cause = `${r[o + RecSlot.DETAIL]}/${r[o + RecSlot.AUX]}`;
      byCause.set(cause, (byCause.get(cause) ?? 0) + n);
      exits += n;
    }
    expect(exits).toBe(20_000);
    expect([...byCause.values()]).toEqual([5000, 5000, 5000, 5000]);
    // The tick's 64 timed exits, one in SAMPLE_EVERY of the rest, and a few merged records.
    expect(r.length / REC_SLOTS).toBeLessThan(64 + 20_000 / SAMPLE_EVERY + 40);
  });

  it('publishes ordinary exits at once, a flood\'s records in batches: 32 of them, a state record, or flush()', () => {
    const { rec, drain } = ring();
    // The tick's first 64 exits are timed and published at once; ten more, untimed, of two
    // causes wait until the CPU's loop flushes.
    exit(rec, 64);
    exit(rec, 10, 0, 1);
    expect(drain.drain(false)[1]!.records.length).toBe(64 * REC_SLOTS);
    const r = drain.drain()[1]!.records;
    expect(r.length).toBe(2 * REC_SLOTS);
    expect([r[RecSlot.EXITS], r[REC_SLOTS + RecSlot.EXITS]]).toEqual([5, 5]);
    // A flood: its sampled timed exits and merged records wait for 32 of them.
    exit(rec, 64 + SAMPLE_EVERY * 40, 0, 1);
    const seen = drain.drain(false)[1]!.records.length / REC_SLOTS;
    const rest = drain.drain()[1]!.records.length / REC_SLOTS;
    expect(seen).toBeGreaterThanOrEqual(64 + 32);
    expect(rest).toBeGreaterThan(0);
    expect(rest).toBeLessThan(32);
    // A state record closes the batch before it, in order.
    exit(rec, 64);
    exit(rec, 3, 0, 1);
    rec.state(4, 3);
    const s = drain.drain(false)[1]!.records.subarray(64 * REC_SLOTS);
    expect(s.length).toBe(3 * REC_SLOTS);
    expect([s[RecSlot.EXITS], s[REC_SLOTS + RecSlot.EXITS], s[2 * REC_SLOTS + RecSlot.KIND]]).toEqual([2, 1, RecKind.STATE]);
  });

  it('records an untimed exit in one call (untimedExit), merged with the same cause recorded the long way', () => {
    const { rec, drain } = ring();
    const kind = exitKind(1, 0x24);
    for (let i = 0; i < 10_000; i++) {
      const write = i % 2 === 0;
      const aux = 4 | (write ? 16 : 0) | (3 << 8);
      if (!rec.nextTimed()) {
        rec.untimedExit(kind, 3, 0x8f00000, aux);
        continue;
      }
      rec.exitBegin(3, false, true);
      rec.reason(1);
      rec.detail(0x8f00000, aux & 0xff);
      rec.mmioHandler(3);
      rec.exitEnd(0x24);
    }
    const r = drain.drain()[1]!.records;
    const n = { timed: 0, reads: 0, writes: 0 };
    for (let o = 0; o < r.length; o += REC_SLOTS) {
      expect([r[o + RecSlot.KIND], r[o + RecSlot.CELL], r[o + RecSlot.DETAIL], r[o + RecSlot.AUX]! >> 8]).toEqual([kind, 3, 0x8f00000, 3]);
      if (r[o + RecSlot.DUR] !== UNTIMED) n.timed++;
      if (r[o + RecSlot.AUX]! & 16) n.writes += r[o + RecSlot.EXITS]!;
      else n.reads += r[o + RecSlot.EXITS]!;
    }
    expect([n.reads, n.writes]).toEqual([5000, 5000]);
    expect(n.timed).toBe(64 + Math.floor(10_000 / SAMPLE_EVERY));
  });

  it('counts untimed exits of more causes than it keeps at hand exactly, across publishes in between', () => {
    const { rec, drain } = ring();
    const kind = exitKind(1, 0x24);
    // A pseudo-random mix of seven causes (two of them differ only in the cell), with state
    // records and flushes that publish at arbitrary points.
    const want = new Map<string, number>();
    let x = 12345;
    for (let i = 0; i < 30_000; i++) {
      x = (x * 1103515245 + 12345) >>> 0;
      const c = (x >>> 8) % 7;
      const cell = c === 6 ? 4 : 3;
      const detail = 0x8f00000 + (c % 6) * 4;
      const aux = 4 | (c & 1 ? 16 : 0);
      rec.untimedExit(kind, cell, detail, aux);
      const key = `${cell}/${detail}/${aux}`;
      want.set(key, (want.get(key) ?? 0) + 1);
      if ((x >>> 4) % 97 === 0) rec.state(4, 3);
      else if ((x >>> 4) % 89 === 0) rec.flush();
    }
    const r = drain.drain()[1]!.records;
    const got = new Map<string, number>();
    for (let o = 0; o < r.length; o += REC_SLOTS) {
      if (r[o + RecSlot.KIND] === RecKind.STATE) continue;
      const key = `${r[o + RecSlot.CELL]}/${r[o + RecSlot.DETAIL]}/${r[o + RecSlot.AUX]}`;
      got.set(key, (got.get(key) ?? 0) + r[o + RecSlot.EXITS]!);
    }
    expect(new Map([...got].sort())).toEqual(new Map([...want].sort()));
  });

  it('an exit nested in another is timed and recorded on its own; the outer one keeps its cause', () => {
    const { rec, drain } = ring();
    exit(rec, 64);
    // Beyond the tick's first 64 the outer exit is untimed, but the exit nested in it is timed.
    rec.exitBegin(2, false, rec.nextTimed());
    rec.reason(7);
    rec.detail(0xc4000001);
    expect(rec.nextTimed()).toBe(true);
    rec.exitBegin(2, true, true);
    rec.reason(5);
    rec.irq(27);
    rec.exitEnd(0);
    rec.exitEnd(0x17);
    const r = drain.drain()[1]!.records.subarray(64 * REC_SLOTS);
    expect(r.length).toBe(2 * REC_SLOTS);
    expect([r[RecSlot.KIND], r[RecSlot.DETAIL], r[RecSlot.COUNT]]).toEqual([exitKind(5, 0), 27, 1]);
    expect(r[RecSlot.DUR]).toBeGreaterThanOrEqual(0);
    expect([r[REC_SLOTS + RecSlot.KIND], r[REC_SLOTS + RecSlot.DETAIL], r[REC_SLOTS + RecSlot.DUR], r[REC_SLOTS + RecSlot.EXITS]]).toEqual([exitKind(7, 0x17), 0xc4000001, UNTIMED, 1]);
  });

  it('an IRQ exit names its first INTID; a trap that takes an interrupt inside (CPU_SUSPEND) keeps its own cause', () => {
    const { rec, drain } = ring();
    rec.exitBegin(0, true, rec.nextTimed());
    rec.reason(5);
    rec.irq(27);
    rec.irq(30);
    rec.exitEnd(0);
    rec.exitBegin(2, false, rec.nextTimed());
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
