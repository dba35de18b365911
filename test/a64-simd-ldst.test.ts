/**
 * Loads and stores of SIMD&FP registers (src/actors/cpu/a64/simd/ldst*.ts), decoded and run
 * through the reference interpreter on a flat test memory whose byte at address a is a & 0xff,
 * so an expected register is a run of addresses. Instruction words and their disassembly come
 * from aarch64-linux-gnu-as/objdump; the structure element orders were checked against QEMU.
 */
import { describe, expect, it } from 'vitest';
import {
  A64State, decode, disassemble, step, type Access, type AccessSize, type Fault, type FaultKind, type GuestMemory,
  type InterpHooks, type StepResult,
} from '../src/actors/cpu/a64/index.js';
import { CPACR_EL1_KEY, SCTLR_EL1_KEY, SCTLR_EL1_RES1 } from '../src/actors/cpu/a64/state.js';

const BASE = 0x1_0000;
const CODE = 0x1_0100;
const DATA = 0x2_0000;
const SIZE = 0x2_0000;

/** Flat memory [BASE, BASE + SIZE) with injectable faults and Device ranges (unaligned → alignment fault). */
class TestMem implements GuestMemory {
  readonly bytes = Uint8Array.from({ length: SIZE }, (_, i) => (BASE + i) & 0xff);
  readonly faults: { start: number; end: number; kind: FaultKind; on: 'r' | 'w' | 'rw' }[] = [];
  readonly device: { start: number; end: number }[] = [];
  readonly log: { va: number; size: number; kind: Access['kind'] }[] = [];
  private check(va: number, size: number, write: boolean): Fault | undefined {
    for (const f of this.faults) {
      if ((f.on === 'rw' || f.on === (write ? 'w' : 'r')) && va < f.end && va + size > f.start) {
        return { fault: f.kind, va: Math.max(va, f.start), write, ...(f.kind === 'stage2' ? { ipa: 0x4000_0000 } : {}) };
      }
    }
    if (this.device.some((d) => va >= d.start && va < d.end) && va % size !== 0) return { fault: 'alignment', va, write };
    if (va < BASE || va + size > BASE + SIZE) return { fault: 'external', va, write };
    return undefined;
  }
  get(va: number, n: number): string {
    return hex(this.bytes.subarray(va - BASE, va - BASE + n));
  }
  read(va: number, size: AccessSize, acc: Access): bigint | Fault {
    this.log.push({ va, size, kind: acc.kind });
    const f = this.check(va, size, false);
    if (f) return f;
    let v = 0n;
    for (let i = size - 1; i >= 0; i--) v = (v << 8n) | BigInt(this.bytes[va - BASE + i]!);
    return v;
  }
  write(va: number, size: AccessSize, value: bigint, acc: Access): Fault | undefined {
    this.log.push({ va, size, kind: acc.kind });
    const f = this.check(va, size, true);
    if (f) return f;
    for (let i = 0; i < size; i++) this.bytes[va - BASE + i] = Number((value >> BigInt(8 * i)) & 0xffn);
    return undefined;
  }
  atomic(): Fault { return { fault: 'external', va: 0, write: true }; }
  cas(): Fault { return { fault: 'external', va: 0, write: true }; }
  fetch(va: number): number | Fault {
    return Number(BigInt.asUintN(32, (this.read(va, 4, { kind: 'fetch', insnIsLoadStore: false }) as bigint)));
  }
}

const hooks: InterpHooks = { mpidr: () => 0n, timerRead: () => 0n, timerWrite: () => undefined };

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
/** Hex of n bytes a, a + 1, ... (mod 256): the memory pattern from address a. */
const seq = (a: number, n: number, step = 1): string =>
  hex(Uint8Array.from({ length: n }, (_, i) => (a + i * step) & 0xff));
const Z = (n: number): string => '00'.repeat(n);
/** Initial contents of V[n]: bytes 0x80 + 16n + b. */
const V0 = (n: number, from = 0, to = 16): string => seq(0x80 + 16 * n + from, to - from);

interface Init { x?: Record<number, number | bigint>; sp?: number; sctlr?: bigint; el0?: boolean }
interface Run { s: A64State; mem: TestMem; r: StepResult; before: A64State }

/** Runs one instruction word at CODE; `mem` may be prepared before. */
function run1(word: number, init: Init = {}, mem = new TestMem()): Run {
  const s = new A64State();
  for (let i = 0; i < 4; i++) mem.bytes[CODE - BASE + i] = (word >>> (8 * i)) & 0xff;
  s.pc = CODE;
  s.setSysreg(CPACR_EL1_KEY, 3n << 20n);
  if (init.sctlr !== undefined) s.setSysreg(SCTLR_EL1_KEY, SCTLR_EL1_RES1 | init.sctlr);
  for (let i = 0; i < 512; i++) s.v8[i] = (0x80 + i) & 0xff;
  s.spEl1 = BigInt(init.sp ?? DATA + 0x100);
  for (const [n, v] of Object.entries(init.x ?? {})) s.x[Number(n)] = BigInt.asUintN(64, BigInt(v));
  const before = s.clone();
  mem.log.length = 0;
  return { s, mem, r: step(s, mem, hooks), before };
}

/** The data accesses made (not the instruction fetch). */
const dataLog = (mem: TestMem): TestMem['log'] => mem.log.filter((a) => a.kind !== 'fetch');

const vhex = (s: A64State, n: number): string => hex(s.v8.subarray(n * 16, n * 16 + 16));

/** Runs and expects completion with the given V registers (full 16-byte hex) and X registers. */
function expectOk(t: Run, v: Record<number, string>, x: Record<number, number> = {}): void {
  expect(t.r).toEqual({ kind: 'ok' });
  expect(t.s.pc).toBe(CODE + 4);
  for (const [n, h] of Object.entries(v)) expect([Number(n), vhex(t.s, Number(n))]).toEqual([Number(n), h]);
  for (let n = 0; n < 32; n++) if (!(n in v)) expect(vhex(t.s, n)).toBe(vhex(t.before, n));
  for (const [n, val] of Object.entries(x)) expect(t.s.x[Number(n)]).toBe(BigInt(val));
}

/** A fault result with nothing changed: registers, SP, pc; returns the exception. */
function expectFault(t: Run): Extract<StepResult, { kind: 'exception' }> {
  expect(t.r.kind).toBe('exception');
  expect(t.s.pc).toBe(CODE);
  expect(hex(t.s.v8)).toBe(hex(t.before.v8));
  expect([...t.s.x]).toEqual([...t.before.x]);
  expect(t.s.spEl1).toBe(t.before.spEl1);
  return t.r as Extract<StepResult, { kind: 'exception' }>;
}

// ------------------------------------------------------------------------------- decoding

const TEXT: [number, string][] = [
  [0x3d7ffc41, 'ldr\tb1, [x2, #4095]'], [0x7d400442, 'ldr\th2, [x2, #2]'], [0xbd400443, 'ldr\ts3, [x2, #4]'],
  [0xfd400444, 'ldr\td4, [x2, #8]'], [0x3dc00445, 'ldr\tq5, [x2, #16]'], [0x3d000441, 'str\tb1, [x2, #1]'],
  [0x3d800445, 'str\tq5, [x2, #16]'], [0x3cc10c20, 'ldr\tq0, [x1, #16]!'], [0xfc5f8420, 'ldr\td0, [x1], #-8'],
  [0xbc1fc483, 'str\ts3, [x4], #-4'], [0x3c9f0fe3, 'str\tq3, [sp, #-16]!'], [0xfc5ff0c5, 'ldur\td5, [x6, #-1]'],
  [0x3cc030c6, 'ldur\tq6, [x6, #3]'], [0x7c1fd107, 'stur\th7, [x8, #-3]'],
  [0xfc6b7949, 'ldr\td9, [x10, x11, lsl #3]'], [0x3cebc949, 'ldr\tq9, [x10, w11, sxtw]'],
  [0x3cebd949, 'ldr\tq9, [x10, w11, sxtw #4]'], [0x3c6b6949, 'ldr\tb9, [x10, x11]'],
  [0x3c6b7949, 'ldr\tb9, [x10, x11, lsl #0]'], [0x7c6b5949, 'ldr\th9, [x10, w11, uxtw #1]'],
  [0xbc2bf949, 'str\ts9, [x10, x11, sxtx #2]'],
  [0x9c000080, 'ldr\tq0, .+16'], [0x1cffffc1, 'ldr\ts1, .-8'], [0x5c000002, 'ldr\td2, .+0'],
  [0xadff07e0, 'ldp\tq0, q1, [sp, #-32]!'], [0x2d7f0c02, 'ldp\ts2, s3, [x0, #-8]'], [0x6cc11404, 'ldp\td4, d5, [x0], #16'],
  [0x2c810400, 'stp\ts0, s1, [x0], #8'], [0x6d008400, 'stp\td0, d1, [x0, #8]'], [0xad817c1e, 'stp\tq30, q31, [x0, #32]!'],
  [0x6c410400, 'ldnp\td0, d1, [x0, #16]'], [0xac000400, 'stnp\tq0, q1, [x0]'], [0x2c7f9c06, 'ldnp\ts6, s7, [x0, #-4]'],
  [0x4c407000, 'ld1\t{v0.16b}, [x0]'], [0x0c407000, 'ld1\t{v0.8b}, [x0]'], [0x4cdfa000, 'ld1\t{v0.16b, v1.16b}, [x0], #32'],
  [0x0c406400, 'ld1\t{v0.4h-v2.4h}, [x0]'], [0x0cdf281c, 'ld1\t{v28.2s-v31.2s}, [x0], #32'],
  [0x4cc26c1f, 'ld1\t{v31.2d, v0.2d, v1.2d}, [x0], x2'], [0x0c407c00, 'ld1\t{v0.1d}, [x0]'],
  [0x4c9f2000, 'st1\t{v0.16b-v3.16b}, [x0], #64'], [0x0c83a000, 'st1\t{v0.8b, v1.8b}, [x0], x3'],
  [0x0c408000, 'ld2\t{v0.8b, v1.8b}, [x0]'], [0x0cdf8400, 'ld2\t{v0.4h, v1.4h}, [x0], #16'],
  [0x4c408c00, 'ld2\t{v0.2d, v1.2d}, [x0]'], [0x0c404000, 'ld3\t{v0.8b-v2.8b}, [x0]'],
  [0x4cdf4804, 'ld3\t{v4.4s-v6.4s}, [x0], #48'], [0x4c400000, 'ld4\t{v0.16b-v3.16b}, [x0]'],
  [0x4c40041e, 'ld4\t{v30.8h, v31.8h, v0.8h, v1.8h}, [x0]'], [0x4c008400, 'st2\t{v0.8h, v1.8h}, [x0]'],
  [0x0c9f4000, 'st3\t{v0.8b-v2.8b}, [x0], #24'], [0x4c000800, 'st4\t{v0.4s-v3.4s}, [x0]'],
  [0x0c820800, 'st4\t{v0.2s-v3.2s}, [x0], x2'], [0x0d401400, 'ld1\t{v0.b}[5], [x0]'],
  [0x4ddf5800, 'ld1\t{v0.h}[7], [x0], #2'], [0x0d409000, 'ld1\t{v0.s}[1], [x0]'], [0x4dc28400, 'ld1\t{v0.d}[1], [x0], x2'],
  [0x4d601c00, 'ld2\t{v0.b, v1.b}[15], [x0]'], [0x4ddf3c00, 'ld3\t{v0.b-v2.b}[15], [x0], #3'],
  [0x0d407000, 'ld3\t{v0.h-v2.h}[2], [x0]'], [0x4de5a400, 'ld4\t{v0.d-v3.d}[1], [x0], x5'],
  [0x4d60a01f, 'ld4\t{v31.s, v0.s, v1.s, v2.s}[2], [x0]'], [0x4d0093e0, 'st1\t{v0.s}[3], [sp]'],
  [0x4d9f0400, 'st1\t{v0.b}[9], [x0], #1'], [0x0d208400, 'st2\t{v0.d, v1.d}[0], [x0]'],
  [0x4d9fb000, 'st3\t{v0.s-v2.s}[3], [x0], #12'], [0x4da17000, 'st4\t{v0.h-v3.h}[6], [x0], x1'],
  [0x4d40c000, 'ld1r\t{v0.16b}, [x0]'], [0x4ddfc400, 'ld1r\t{v0.8h}, [x0], #2'], [0x0d40c800, 'ld1r\t{v0.2s}, [x0]'],
  [0x4de2c800, 'ld2r\t{v0.4s, v1.4s}, [x0], x2'], [0x0d40e000, 'ld3r\t{v0.8b-v2.8b}, [x0]'],
  [0x0dffec00, 'ld4r\t{v0.1d-v3.1d}, [x0], #32'], [0x4d60ec00, 'ld4r\t{v0.2d-v3.2d}, [x0]'],
];

/** Unallocated (objdump: undefined), plus LDP with Rt = Rt2 (CONSTRAINED UNPREDICTABLE → UNDEFINED). */
const UNDEF = [
  0x7dc00000, 0xdc000000, 0xed400000, 0x3cc00800, 0x3c600800, 0x3c600000, 0x0c408c00, 0x4d00c000, 0x4d409400,
  0x0d404400, 0x0d408800, 0x8c407000, 0x0c401000, 0x0c417000, 0x0ce27000, 0x0d411400, 0x2d400421, 0x1d000000,
];

describe('SIMD&FP load/store decoding', () => {
  it('decodes every form to objdump text (literals as .+offset)', () => {
    for (const [w, text] of TEXT) {
      const i = decode(w);
      expect(i.op, text).toBe('SIMD');
      expect(disassemble(i, 0n)).toBe(text);
      expect(i.op === 'SIMD' && i.mem && i.name === text.split('\t')[0]!.toUpperCase()).toBe(true);
    }
  });

  it('unallocated V = 1 encodings are UNDEFINED', () => {
    for (const w of UNDEF) expect(decode(w).op, w.toString(16)).toBe('UNDEFINED');
    expect(run1(0x3cc00800).r).toMatchObject({ type: 'undefined' });
  });

  it('CPACR_EL1.FPEN traps them before any access', () => {
    const mem = new TestMem();
    const s = new A64State();
    s.pc = CODE;
    for (let i = 0; i < 4; i++) mem.bytes[CODE - BASE + i] = (0x3dc00445 >>> (8 * i)) & 0xff;
    expect(step(s, mem, hooks)).toMatchObject({ type: 'fpAccess' });
    expect(mem.log.filter((a) => a.kind !== 'fetch')).toEqual([]);
  });
});

// ------------------------------------------------------------------------------- single registers

describe('LDR/STR/LDUR/STUR (SIMD&FP)', () => {
  it('scalar loads zero the rest of the register', () => {
    const x = { 2: DATA };
    expectOk(run1(0x3d7ffc41, { x }), { 1: 'ff' + Z(15) }); // ldr b1, [x2, #4095]
    expectOk(run1(0x7d400442, { x }), { 2: seq(2, 2) + Z(14) });
    expectOk(run1(0xbd400443, { x }), { 3: seq(4, 4) + Z(12) });
    expectOk(run1(0xfd400444, { x }), { 4: seq(8, 8) + Z(8) });
    expectOk(run1(0x3dc00445, { x }), { 5: seq(16, 16) }, { 2: DATA });
  });

  it('stores write exactly the register size, little-endian', () => {
    const b = run1(0x3d000441, { x: { 2: DATA } }); // str b1, [x2, #1]
    expectOk(b, {});
    expect(b.mem.get(DATA, 3)).toBe('00' + V0(1, 0, 1) + '02');
    const q = run1(0x3d800445, { x: { 2: DATA } }); // str q5, [x2, #16]
    expect(q.mem.get(DATA + 15, 18)).toBe('0f' + V0(5) + '20');
    expect(dataLog(q.mem)).toEqual([{ va: DATA + 16, size: 8, kind: 'store' }, { va: DATA + 24, size: 8, kind: 'store' }]);
  });

  it('pre/post-index write the base back after the access', () => {
    expectOk(run1(0x3cc10c20, { x: { 1: DATA } }), { 0: seq(16, 16) }, { 1: DATA + 16 }); // ldr q0, [x1, #16]!
    expectOk(run1(0xfc5f8420, { x: { 1: DATA + 8 } }), { 0: seq(8, 8) + Z(8) }, { 1: DATA }); // ldr d0, [x1], #-8
    const st = run1(0xbc1fc483, { x: { 4: DATA + 4 } }); // str s3, [x4], #-4
    expectOk(st, {}, { 4: DATA });
    expect(st.mem.get(DATA + 4, 4)).toBe(V0(3, 0, 4));
    const sp = run1(0x3c9f0fe3, { sp: DATA + 0x100 }); // str q3, [sp, #-16]!
    expect(sp.s.spEl1).toBe(BigInt(DATA + 0xf0));
    expect(sp.mem.get(DATA + 0xf0, 16)).toBe(V0(3));
  });

  it('LDUR/STUR: unscaled, unaligned offsets', () => {
    expectOk(run1(0xfc5ff0c5, { x: { 6: DATA + 9 } }), { 5: seq(8, 8) + Z(8) }); // ldur d5, [x6, #-1]
    expectOk(run1(0x3cc030c6, { x: { 6: DATA + 1 } }), { 6: seq(4, 16) }); // ldur q6, [x6, #3]
    const st = run1(0x7c1fd107, { x: { 8: DATA + 3 } }); // stur h7, [x8, #-3]
    expect(st.mem.get(DATA, 3)).toBe(V0(7, 0, 2) + '02');
  });

  it('register offset: extend and shift of Rm', () => {
    expectOk(run1(0xfc6b7949, { x: { 10: DATA, 11: 2 } }), { 9: seq(16, 8) + Z(8) }); // lsl #3
    const w = 0x1234_5678_ffff_fff0n; // w11 = -16
    expectOk(run1(0x3cebc949, { x: { 10: DATA + 32, 11: w } }), { 9: seq(16, 16) }); // sxtw
    expectOk(run1(0x3cebd949, { x: { 10: DATA + 32, 11: -1 } }), { 9: seq(16, 16) }); // sxtw #4
    expectOk(run1(0x3c6b6949, { x: { 10: DATA, 11: 5 } }), { 9: '05' + Z(15) });
    expectOk(run1(0x7c6b5949, { x: { 10: DATA, 11: 0xffff_ffff_0000_0003n } }), { 9: seq(6, 2) + Z(14) }); // uxtw #1
    const st = run1(0xbc2bf949, { x: { 10: DATA + 64, 11: -2 } }); // str s9, [x10, x11, sxtx #2]
    expect(st.mem.get(DATA + 56, 4)).toBe(V0(9, 0, 4));
    expect(st.s.x[10]).toBe(BigInt(DATA + 64));
  });

  it('LDR (literal) is PC-relative', () => {
    expectOk(run1(0x9c000080), { 0: seq(CODE + 16, 16) }); // ldr q0, .+16
    expectOk(run1(0x1cffffc1), { 1: seq(CODE - 8, 4) + Z(12) }); // ldr s1, .-8
    expectOk(run1(0x5c000002), { 2: '0200005c' + seq(CODE + 4, 4) + Z(8) }); // ldr d2, .+0: itself
  });
});

describe('LDP/STP/LDNP/STNP (SIMD&FP)', () => {
  it('loads pairs, zero-extending S and D', () => {
    const q = run1(0xadff07e0, { sp: DATA + 0x40 }); // ldp q0, q1, [sp, #-32]!
    expectOk(q, { 0: seq(0x20, 16), 1: seq(0x30, 16) });
    expect(q.s.spEl1).toBe(BigInt(DATA + 0x20));
    expectOk(run1(0x2d7f0c02, { x: { 0: DATA + 8 } }), { 2: seq(0, 4) + Z(12), 3: seq(4, 4) + Z(12) });
    expectOk(run1(0x6cc11404, { x: { 0: DATA } }), { 4: seq(0, 8) + Z(8), 5: seq(8, 8) + Z(8) }, { 0: DATA + 16 });
    expectOk(run1(0x6c410400, { x: { 0: DATA } }), { 0: seq(16, 8) + Z(8), 1: seq(24, 8) + Z(8) }); // ldnp
    expectOk(run1(0x2c7f9c06, { x: { 0: DATA + 4 } }), { 6: seq(0, 4) + Z(12), 7: seq(4, 4) + Z(12) });
  });

  it('stores pairs with writeback', () => {
    const s = run1(0x2c810400, { x: { 0: DATA } }); // stp s0, s1, [x0], #8
    expectOk(s, {}, { 0: DATA + 8 });
    expect(s.mem.get(DATA, 9)).toBe(V0(0, 0, 4) + V0(1, 0, 4) + '08');
    expect(run1(0x6d008400, { x: { 0: DATA } }).mem.get(DATA + 8, 16)).toBe(V0(0, 0, 8) + V0(1, 0, 8));
    const q = run1(0xad817c1e, { x: { 0: DATA } }); // stp q30, q31, [x0, #32]!
    expectOk(q, {}, { 0: DATA + 32 });
    expect(q.mem.get(DATA + 32, 32)).toBe(V0(30) + V0(31));
    expect(run1(0xac000400, { x: { 0: DATA } }).mem.get(DATA, 32)).toBe(V0(0) + V0(1)); // stnp
  });
});

// ------------------------------------------------------------------------------- structures

describe('LD1-LD4/ST1-ST4 (multiple structures)', () => {
  const x = { 0: DATA, 2: 100, 3: -8 };
  it('LD1: consecutive registers, 64-bit forms zero the upper half, V31 wraps to V0', () => {
    expectOk(run1(0x4c407000, { x }), { 0: seq(0, 16) }, { 0: DATA });
    expectOk(run1(0x0c407000, { x }), { 0: seq(0, 8) + Z(8) });
    expectOk(run1(0x4cdfa000, { x }), { 0: seq(0, 16), 1: seq(16, 16) }, { 0: DATA + 32 });
    expectOk(run1(0x0c406400, { x }), { 0: seq(0, 8) + Z(8), 1: seq(8, 8) + Z(8), 2: seq(16, 8) + Z(8) });
    expectOk(run1(0x0cdf281c, { x }), {
      28: seq(0, 8) + Z(8), 29: seq(8, 8) + Z(8), 30: seq(16, 8) + Z(8), 31: seq(24, 8) + Z(8),
    }, { 0: DATA + 32 });
    expectOk(run1(0x4cc26c1f, { x }), { 31: seq(0, 16), 0: seq(16, 16), 1: seq(32, 16) }, { 0: DATA + 100 });
    expectOk(run1(0x0c407c00, { x }), { 0: seq(0, 8) + Z(8) }); // ld1 {v0.1d}
  });

  it('ST1 writes the registers one after another', () => {
    const t = run1(0x4c9f2000, { x }); // st1 {v0.16b-v3.16b}, [x0], #64
    expectOk(t, {}, { 0: DATA + 64 });
    expect(t.mem.get(DATA, 65)).toBe(V0(0) + V0(1) + V0(2) + V0(3) + '40');
    const d = run1(0x0c83a000, { x }); // st1 {v0.8b, v1.8b}, [x0], x3
    expectOk(d, {}, { 0: DATA - 8 });
    expect(d.mem.get(DATA, 17)).toBe(V0(0, 0, 8) + V0(1, 0, 8) + '10');
  });

  it('LD2/LD3/LD4 de-interleave element by element', () => {
    expectOk(run1(0x0c408000, { x }), { 0: seq(0, 8, 2) + Z(8), 1: seq(1, 8, 2) + Z(8) });
    expectOk(run1(0x0cdf8400, { x }), { 0: '000104050809' + '0c0d' + Z(8), 1: '02030607' + '0a0b0e0f' + Z(8) }, { 0: DATA + 16 });
    expectOk(run1(0x4c408c00, { x }), { 0: seq(0, 8) + seq(16, 8), 1: seq(8, 8) + seq(24, 8) });
    expectOk(run1(0x0c404000, { x }), { 0: seq(0, 8, 3) + Z(8), 1: seq(1, 8, 3) + Z(8), 2: seq(2, 8, 3) + Z(8) });
    const words = (k: number): string => [0, 1, 2, 3].map((e) => seq(4 * (3 * e + k), 4)).join('');
    expectOk(run1(0x4cdf4804, { x }), { 4: words(0), 5: words(1), 6: words(2) }, { 0: DATA + 48 });
    expectOk(run1(0x4c400000, { x }), { 0: seq(0, 16, 4), 1: seq(1, 16, 4), 2: seq(2, 16, 4), 3: seq(3, 16, 4) });
    const halves = (k: number): string => [...Array(8).keys()].map((e) => seq(2 * (4 * e + k), 2)).join('');
    expectOk(run1(0x4c40041e, { x }), { 30: halves(0), 31: halves(1), 0: halves(2), 1: halves(3) });
  });

  it('ST2/ST3/ST4 interleave, and undo LDn', () => {
    const st2 = run1(0x4c008400, { x }); // st2 {v0.8h, v1.8h}
    expect(st2.mem.get(DATA, 32)).toBe([...Array(8).keys()].map((e) => V0(0, 2 * e, 2 * e + 2) + V0(1, 2 * e, 2 * e + 2)).join(''));
    const st3 = run1(0x0c9f4000, { x }); // st3 {v0.8b-v2.8b}, [x0], #24
    expectOk(st3, {}, { 0: DATA + 24 });
    expect(st3.mem.get(DATA, 25)).toBe([...Array(8).keys()].map((e) => [0, 1, 2].map((r) => V0(r, e, e + 1)).join('')).join('') + '18');
    const st4 = run1(0x0c820800, { x }); // st4 {v0.2s-v3.2s}, [x0], x2
    expectOk(st4, {}, { 0: DATA + 100 });
    expect(st4.mem.get(DATA, 32)).toBe([0, 1].map((e) => [0, 1, 2, 3].map((r) => V0(r, 4 * e, 4 * e + 4)).join('')).join(''));
    // st4 {v0.4s-v3.4s} then ld4 of the same bytes gives the registers back
    const mem = run1(0x4c000800, { x }).mem;
    expect(mem.get(DATA, 16)).toBe(V0(0, 0, 4) + V0(1, 0, 4) + V0(2, 0, 4) + V0(3, 0, 4));
    expectOk(run1(0x4c400800, { x }, mem), {}); // ld4 {v0.4s-v3.4s}
  });
});

describe('LD1-LD4/ST1-ST4 (single structure) and LD1R-LD4R', () => {
  const x = { 0: DATA, 1: -4, 2: 100, 5: 7 };
  /** V[n] with bytes [from, from + data.length / 2) replaced. */
  const withLane = (n: number, from: number, data: string): string => V0(n, 0, from) + data + V0(n, from + data.length / 2);

  it('a lane load changes only that lane', () => {
    expectOk(run1(0x0d401400, { x }), { 0: withLane(0, 5, '00') }, { 0: DATA }); // ld1 {v0.b}[5]
    expectOk(run1(0x4ddf5800, { x }), { 0: withLane(0, 14, '0001') }, { 0: DATA + 2 });
    expectOk(run1(0x0d409000, { x }), { 0: withLane(0, 4, seq(0, 4)) }); // ld1 {v0.s}[1], Q = 0 too
    expectOk(run1(0x4dc28400, { x }), { 0: withLane(0, 8, seq(0, 8)) }, { 0: DATA + 100 });
    expectOk(run1(0x4d601c00, { x }), { 0: withLane(0, 15, '00'), 1: withLane(1, 15, '01') });
    expectOk(run1(0x4ddf3c00, { x }), { 0: withLane(0, 15, '00'), 1: withLane(1, 15, '01'), 2: withLane(2, 15, '02') },
      { 0: DATA + 3 });
    expectOk(run1(0x0d407000, { x }), { 0: withLane(0, 4, '0001'), 1: withLane(1, 4, '0203'), 2: withLane(2, 4, '0405') });
    expectOk(run1(0x4de5a400, { x }), {
      0: withLane(0, 8, seq(0, 8)), 1: withLane(1, 8, seq(8, 8)), 2: withLane(2, 8, seq(16, 8)), 3: withLane(3, 8, seq(24, 8)),
    }, { 0: DATA + 7 });
    expectOk(run1(0x4d60a01f, { x }), {
      31: withLane(31, 8, seq(0, 4)), 0: withLane(0, 8, seq(4, 4)), 1: withLane(1, 8, seq(8, 4)), 2: withLane(2, 8, seq(12, 4)),
    });
  });

  it('a lane store writes one element per register', () => {
    const sp = run1(0x4d0093e0, { sp: DATA + 0x40 }); // st1 {v0.s}[3], [sp]
    expect(sp.mem.get(DATA + 0x3f, 6)).toBe('3f' + V0(0, 12, 16) + '44');
    const b = run1(0x4d9f0400, { x }); // st1 {v0.b}[9], [x0], #1
    expectOk(b, {}, { 0: DATA + 1 });
    expect(b.mem.get(DATA, 2)).toBe(V0(0, 9, 10) + '01');
    expect(run1(0x0d208400, { x }).mem.get(DATA, 17)).toBe(V0(0, 0, 8) + V0(1, 0, 8) + '10'); // st2 .d[0]
    const s3 = run1(0x4d9fb000, { x }); // st3 {v0.s-v2.s}[3], [x0], #12
    expectOk(s3, {}, { 0: DATA + 12 });
    expect(s3.mem.get(DATA, 13)).toBe(V0(0, 12, 16) + V0(1, 12, 16) + V0(2, 12, 16) + '0c');
    const h4 = run1(0x4da17000, { x }); // st4 {v0.h-v3.h}[6], [x0], x1
    expectOk(h4, {}, { 0: DATA - 4 });
    expect(h4.mem.get(DATA, 9)).toBe([0, 1, 2, 3].map((r) => V0(r, 12, 14)).join('') + '08');
  });

  it('LDnR replicates one structure to all lanes; 64-bit forms zero the upper half', () => {
    expectOk(run1(0x4d40c000, { x: { 0: DATA + 0x37 } }), { 0: '37'.repeat(16) });
    expectOk(run1(0x4ddfc400, { x }), { 0: '0001'.repeat(8) }, { 0: DATA + 2 });
    expectOk(run1(0x0d40c800, { x }), { 0: '00010203'.repeat(2) + Z(8) });
    expectOk(run1(0x4de2c800, { x }), { 0: seq(0, 4).repeat(4), 1: seq(4, 4).repeat(4) }, { 0: DATA + 100 });
    expectOk(run1(0x0d40e000, { x }), { 0: '00'.repeat(8) + Z(8), 1: '01'.repeat(8) + Z(8), 2: '02'.repeat(8) + Z(8) });
    expectOk(run1(0x0dffec00, { x }), {
      0: seq(0, 8) + Z(8), 1: seq(8, 8) + Z(8), 2: seq(16, 8) + Z(8), 3: seq(24, 8) + Z(8),
    }, { 0: DATA + 32 });
    expectOk(run1(0x4d60ec00, { x }), { 0: seq(0, 8).repeat(2), 1: seq(8, 8).repeat(2), 2: seq(16, 8).repeat(2), 3: seq(24, 8).repeat(2) });
  });
});

// ------------------------------------------------------------------------------- faults

/** A memory with a fault injected on [start, start + len). */
function faulty(start: number, len: number, kind: FaultKind = 'translation', on: 'r' | 'w' | 'rw' = 'rw'): TestMem {
  const mem = new TestMem();
  mem.faults.push({ start, end: start + len, kind, on });
  return mem;
}

describe('faults', () => {
  it('a load that faults part way writes no register and does not write back; ISV = 0', () => {
    const ldp = expectFault(run1(0xadff07e0, { sp: DATA + 0x40 }, faulty(DATA + 0x38, 8))); // ldp q0, q1, [sp, #-32]!
    expect(ldp).toMatchObject({ type: 'dataAbort', fault: { fault: 'translation', va: DATA + 0x38 } });
    if (ldp.type !== 'dataAbort') throw new Error('unreachable');
    expect(ldp.syndrome).toMatchObject({ isv: false, wnr: false, sas: 0, srt: 0, dfsc: 0x07 });
    expect(ldp.iss & (1 << 24)).toBe(0);
    expectFault(run1(0x4c400000, { x: { 0: DATA } }, faulty(DATA + 63, 1))); // ld4 {v0.16b-v3.16b}
    expectFault(run1(0x4dc28400, { x: { 0: DATA, 2: 8 } }, faulty(DATA, 1))); // ld1 {v0.d}[1], [x0], x2
    expectFault(run1(0x4d60ec00, { x: { 0: DATA } }, faulty(DATA + 31, 1))); // ld4r {v0.2d-v3.2d}
    expectFault(run1(0xfc5f8420, { x: { 1: DATA + 8 } }, faulty(DATA + 8, 8))); // ldr d0, [x1], #-8
  });

  it('a store that faults part way keeps the accesses before the fault, as STP does; no writeback', () => {
    const q = run1(0x3d800445, { x: { 2: DATA } }, faulty(DATA + 24, 8, 'permission', 'w')); // str q5, [x2, #16]
    const e = expectFault(q);
    expect(e).toMatchObject({ type: 'dataAbort', fault: { fault: 'permission', va: DATA + 24 }, syndrome: { isv: false, wnr: true } });
    expect(q.mem.get(DATA + 16, 16)).toBe(V0(5, 0, 8) + seq(24, 8));
    const stp = run1(0xad817c1e, { x: { 0: DATA } }, faulty(DATA + 48, 16)); // stp q30, q31, [x0, #32]!
    expectFault(stp);
    expect(stp.mem.get(DATA + 32, 32)).toBe(V0(30) + seq(48, 16));
    const st4 = run1(0x4c000800, { x: { 0: DATA } }, faulty(DATA, 4, 'translation', 'w')); // st4 {v0.4s-v3.4s}
    expectFault(st4);
    expect(st4.mem.get(DATA, 64)).toBe(seq(0, 64));
  });

  it('stage-2 aborts (the hypervisor\'s MMIO traps) and external aborts carry no instruction syndrome', () => {
    const s2 = expectFault(run1(0x3dc00000, { x: { 0: DATA } }, faulty(DATA, 16, 'stage2'))); // ldr q0, [x0]
    expect(s2).toMatchObject({ type: 'dataAbort', fault: { fault: 'stage2', ipa: 0x4000_0000 }, syndrome: { isv: false } });
    const ext = expectFault(run1(0x4c9f2000, { x: { 0: DATA } }, faulty(DATA + 8, 8, 'external'))); // st1 x4
    expect(ext).toMatchObject({ type: 'dataAbort', syndrome: { isv: false, ea: true, wnr: true } });
    if (ext.type === 'dataAbort') expect(ext.iss & 0x1ff_ffff).toBe((1 << 9) | (1 << 6) | 0x10);
  });

  it('an address that is not representable is a level-0 translation fault', () => {
    const a = expectFault(run1(0x3dc00000, { x: { 0: 0x7fff_ffff_ffff_fff0n } }));
    expect(a).toMatchObject({ type: 'dataAbort', fault: { fault: 'translation', level: 0 } });
    // the second half of a Q register just past 2^53
    const anywhere = new TestMem();
    anywhere.read = (va, size, acc): bigint | Fault => (va > DATA ? 0n : TestMem.prototype.read.call(anywhere, va, size, acc));
    const b = expectFault(run1(0x3dc00000, { x: { 0: 2 ** 53 - 8 } }, anywhere));
    expect(b).toMatchObject({ type: 'dataAbort', fault: { fault: 'translation', level: 0 } });
  });
});

describe('alignment', () => {
  const A = 2n; // SCTLR_EL1.A
  it('SCTLR_EL1.A checks each access against its Mem[] size (register, or element)', () => {
    const q = expectFault(run1(0x3dc00000, { x: { 0: DATA + 8 }, sctlr: A })); // ldr q0, [x0]
    expect(q).toMatchObject({ type: 'dataAbort', fault: { fault: 'alignment', va: DATA + 8 }, syndrome: { dfsc: 0x21 } });
    expectOk(run1(0x3dc00000, { x: { 0: DATA + 16 }, sctlr: A }), { 0: seq(16, 16) });
    expectOk(run1(0x4c407800, { x: { 0: DATA + 4 }, sctlr: A }), { 0: seq(4, 16) }); // ld1 {v0.4s}
    expectFault(run1(0x4c407800, { x: { 0: DATA + 2 }, sctlr: A }));
    expectOk(run1(0x4c407000, { x: { 0: DATA + 1 }, sctlr: A }), { 0: seq(1, 16) }); // ld1 {v0.16b}
    expectOk(run1(0x6cc11404, { x: { 0: DATA + 8 }, sctlr: A }), { 4: seq(8, 8) + Z(8), 5: seq(16, 8) + Z(8) });
    expectOk(run1(0x3cc030c6, { x: { 6: DATA + 1 } }), { 6: seq(4, 16) }); // A clear: anything goes
  });

  it('SP-based accesses check SP alignment when SCTLR_EL1.SA is set', () => {
    const SA = 8n;
    expect(expectFault(run1(0x3c9f0fe3, { sp: DATA + 0x108, sctlr: SA }))).toMatchObject({ type: 'spAlignment' });
    expect(expectFault(run1(0x4d0093e0, { sp: DATA + 0x44, sctlr: SA }))).toMatchObject({ type: 'spAlignment' });
    expect(run1(0x4d0093e0, { sp: DATA + 0x44 }).r).toEqual({ kind: 'ok' });
    expect(run1(0x3c9f0fe3, { sp: DATA + 0x100, sctlr: SA }).r).toEqual({ kind: 'ok' });
    expect(run1(0x4c407000, { x: { 0: DATA + 4 }, sctlr: SA }).r).toEqual({ kind: 'ok' }); // not SP-based
  });

  /** Memory whose first page is Device: unaligned accesses fault (as CpuGuestMemory with the MMU off). */
  const device = (): TestMem => {
    const mem = new TestMem();
    mem.device.push({ start: DATA, end: DATA + 0x1000 });
    return mem;
  };
  const loads = (n: number, size: number, at: number, step = size): TestMem['log'] =>
    [...Array(n).keys()].map((i) => ({ va: at + i * step, size, kind: 'load' as const }));

  it('on Device memory, element accesses that are aligned succeed; unaligned ones fault', () => {
    const s4 = run1(0x4c407800, { x: { 0: DATA + 4 } }, device()); // ld1 {v0.4s}
    expectOk(s4, { 0: seq(4, 16) });
    expect(dataLog(s4.mem)).toEqual([{ va: DATA + 4, size: 8, kind: 'load' }, ...loads(4, 4, DATA + 4)]);
    const b = run1(0x4c407000, { x: { 0: DATA + 3 } }, device()); // ld1 {v0.16b}
    expectOk(b, { 0: seq(3, 16) });
    expect(dataLog(b.mem).slice(1)).toEqual(loads(16, 1, DATA + 3));
    const st = run1(0x4c007400, { x: { 0: DATA + 2 } }, device()); // st1 {v0.8h}
    expectOk(st, {});
    expect(st.mem.get(DATA + 2, 16)).toBe(V0(0));
    expect(dataLog(st.mem).slice(1).every((a) => a.size === 2 && a.kind === 'store')).toBe(true);
    const bad = expectFault(run1(0x4c407800, { x: { 0: DATA + 2 } }, device()));
    expect(bad).toMatchObject({ type: 'dataAbort', fault: { fault: 'alignment', va: DATA + 2 } });
    expectFault(run1(0x3dc00000, { x: { 0: DATA + 4 } }, device())); // ldr q0: two 8-byte accesses
  });

  it('access sizes: one per B/H/S/D register, two 8-byte ones per Q register, 8-byte chunks of elements', () => {
    const log = (w: number, at = DATA): TestMem['log'] => dataLog(run1(w, { x: { 0: at, 2: at } }).mem);
    expect(log(0xbd400443)).toEqual(loads(1, 4, DATA + 4)); // ldr s3, [x2, #4]
    expect(log(0x3dc00000)).toEqual(loads(2, 8, DATA)); // ldr q0, [x0]
    expect(log(0x4c407000)).toEqual(loads(2, 8, DATA)); // ld1 {v0.16b}
    expect(log(0x4ddf3c00)).toEqual(loads(3, 1, DATA)); // ld3 {v0.b-v2.b}[15]
    expect(log(0x4d60ec00)).toEqual(loads(4, 8, DATA)); // ld4r {v0.2d-v3.2d}
  });
});
