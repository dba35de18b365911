/**
 * Reference A64 interpreter tests: programs assembled with the project's own assembler, executed
 * on a flat little-endian test memory with injectable faults.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { assemble } from '../src/actors/cpu/a64/asm-text.js';
import {
  A64State, deliverToGuest, el2Syndrome, eret, retire, run, step, takeException, type Access, type AccessSize,
  type Fault, type FaultKind, type GuestMemory, type InterpHooks, type MaintenanceOp, type StepException,
  type StepResult, type TimerReg,
} from '../src/actors/cpu/a64/index.js';
import { sysregByName } from '../src/shared/arm64/sysregs.js';

// ------------------------------------------------------------------------------- test fixtures

interface Injected { start: number; end: number; kind: FaultKind; on: 'rw' | 'r' | 'w' | 'x' }

/** Flat little-endian memory at [base, base + size) with injectable faults; outside: external abort. */
class TestMem implements GuestMemory {
  readonly bytes: Uint8Array;
  readonly faults: Injected[] = [];
  readonly accesses: { va: number; size: number; acc: Access }[] = [];
  logAccesses = false;
  constructor(readonly base: number, size: number) {
    this.bytes = new Uint8Array(size);
  }
  inject(start: number, len: number, kind: FaultKind = 'translation', on: Injected['on'] = 'rw'): void {
    this.faults.push({ start, end: start + len, kind, on });
  }
  private check(va: number, size: number, write: boolean, fetch: boolean): Fault | undefined {
    for (const f of this.faults) {
      const applies = fetch ? f.on === 'x' : f.on === 'rw' || f.on === (write ? 'w' : 'r');
      if (applies && va < f.end && va + size > f.start) {
        const fault: Fault = { fault: f.kind, va: Math.max(va, f.start), write, level: 3 };
        if (f.kind === 'stage2') fault.ipa = fault.va + 0x4000_0000;
        return fault;
      }
    }
    if (va < this.base || va + size > this.base + this.bytes.length) return { fault: 'external', va, write };
    return undefined;
  }
  get(va: number, size: number): bigint {
    let v = 0n;
    for (let i = size - 1; i >= 0; i--) v = (v << 8n) | BigInt(this.bytes[va - this.base + i]!);
    return v;
  }
  set(va: number, size: number, value: bigint): void {
    let v = BigInt.asUintN(size * 8, value);
    for (let i = 0; i < size; i++) {
      this.bytes[va - this.base + i] = Number(v & 0xffn);
      v >>= 8n;
    }
  }
  load(at: number, data: Uint8Array): void {
    this.bytes.set(data, at - this.base);
  }
  read(va: number, size: AccessSize, acc: Access): bigint | Fault {
    if (this.logAccesses) this.accesses.push({ va, size, acc });
    return this.check(va, size, false, false) ?? this.get(va, size);
  }
  write(va: number, size: AccessSize, value: bigint, acc: Access): Fault | undefined {
    if (this.logAccesses) this.accesses.push({ va, size, acc });
    const f = this.check(va, size, true, false);
    if (!f) this.set(va, size, value);
    return f;
  }
  atomic(va: number, size: AccessSize, op: (old: bigint) => bigint, acc: Access): bigint | Fault {
    if (this.logAccesses) this.accesses.push({ va, size, acc });
    const f = this.check(va, size, true, false);
    if (f) return f;
    const old = this.get(va, size);
    this.set(va, size, op(old));
    return old;
  }
  cas(va: number, size: AccessSize, expected: bigint, desired: bigint, acc: Access): bigint | Fault {
    if (this.logAccesses) this.accesses.push({ va, size, acc });
    const f = this.check(va, size, true, false);
    if (f) return f;
    const old = this.get(va, size);
    if (old === expected) this.set(va, size, desired);
    return old;
  }
  fetch(va: number): number | Fault {
    return this.check(va, 4, false, true) ?? Number(this.get(va, 4));
  }
}

class TestHooks implements InterpHooks {
  readonly timer = new Map<TimerReg, bigint>([['CNTFRQ_EL0', 62_500_000n], ['CNTVCT_EL0', 123_456n]]);
  readonly ops: MaintenanceOp[] = [];
  pending = false;
  par: bigint | undefined = undefined;
  mpidr(): bigint { return 0x8000_0102n; }
  timerRead(reg: TimerReg): bigint { return this.timer.get(reg) ?? 0n; }
  timerWrite(reg: TimerReg, value: bigint): void { this.timer.set(reg, value); }
  maintenance(op: MaintenanceOp): bigint | undefined { this.ops.push(op); return this.par; }
  irqPending(): boolean { return this.pending; }
}

const BASE = 0x1_0000;
const MEM_SIZE = 0x1_0000;
const DATA = 0x1_8000;
const STACK_TOP = 0x2_0000;

interface Machine { s: A64State; mem: TestMem; hooks: TestHooks; syms: Map<string, number> }

function machine(src: string, setup?: (m: Machine) => void): Machine {
  const { bytes, symbols } = assemble(src, BASE);
  const mem = new TestMem(BASE, MEM_SIZE);
  mem.load(BASE, bytes);
  const s = new A64State();
  s.pc = BASE;
  s.spEl1 = BigInt(STACK_TOP);
  const m = { s, mem, hooks: new TestHooks(), syms: symbols };
  setup?.(m);
  return m;
}

/** Runs `src` to its terminating `brk #0` (asserting it gets there). */
function exec(src: string, setup?: (m: Machine) => void, budget = 1_000_000): Machine {
  const m = machine(`${src}\n  brk #0\n`, setup);
  const { result } = run(m.s, m.mem, m.hooks, budget);
  expect(result).toMatchObject({ kind: 'exception', type: 'brk', imm16: 0 });
  return m;
}

/** Executes a single instruction and returns the result. */
function one(src: string, setup?: (m: Machine) => void): { m: Machine; r: StepResult } {
  const m = machine(src, setup);
  return { m, r: step(m.s, m.mem, m.hooks) };
}

const X = (m: Machine, n: number): bigint => m.s.x[n]!;
const flags = (s: A64State): string =>
  ['N', 'Z', 'C', 'V'].map((c, k) => (((s.nzcv >>> (31 - k)) & 1) !== 0 ? c : c.toLowerCase())).join('');
const u64 = (v: bigint): bigint => BigInt.asUintN(64, v);
const key = (name: string): number => sysregByName(name)!;
const regs = (vals: Record<number, bigint | number>) => (m: Machine): void => {
  for (const [n, v] of Object.entries(vals)) m.s.x[Number(n)] = u64(BigInt(v));
};
const exc = (r: StepResult): StepException => {
  expect(r.kind).toBe('exception');
  return r as StepException;
};

const I64_MIN = -(2n ** 63n);
const I64_MAX = 2n ** 63n - 1n;

// ------------------------------------------------------------------------------- data processing

describe('a64 interpreter: add/sub and flags', () => {
  const cases: [string, bigint, bigint, bigint, string][] = [
    // [insn, x1, x2, expected x0, NZCV]
    ['adds x0, x1, x2', I64_MAX, 1n, u64(I64_MIN), 'NzcV'],
    ['adds x0, x1, x2', -1n, 1n, 0n, 'nZCv'],
    ['adds x0, x1, x2', I64_MIN, -1n, u64(I64_MAX), 'nzCV'],
    ['adds x0, x1, x2', 1n, 2n, 3n, 'nzcv'],
    ['subs x0, x1, x2', 0n, 1n, u64(-1n), 'Nzcv'],
    ['subs x0, x1, x2', I64_MIN, 1n, u64(I64_MAX), 'nzCV'],
    ['subs x0, x1, x2', 5n, 5n, 0n, 'nZCv'],
    ['subs x0, x1, x2', I64_MAX, -1n, u64(I64_MIN), 'NzcV'],
    ['adds w0, w1, w2', 0x7fff_ffffn, 1n, 0x8000_0000n, 'NzcV'],
    ['adds w0, w1, w2', 0xffff_ffffn, 1n, 0n, 'nZCv'],
    ['adds w0, w1, w2', 0x1_ffff_ffffn, 0x1_0000_0001n, 0n, 'nZCv'],
    ['subs w0, w1, w2', 0n, 1n, 0xffff_ffffn, 'Nzcv'],
    ['subs w0, w1, w2', 0x8000_0000n, 1n, 0x7fff_ffffn, 'nzCV'],
    ['cmp x1, x2', 3n, 3n, 0xdeadn, 'nZCv'],
    ['cmp x1, x2', 2n, 3n, 0xdeadn, 'Nzcv'],
    ['cmp x1, x2', -1n, 0n, 0xdeadn, 'NzCv'],
    ['cmp w1, w2', 0x8000_0000n, 1n, 0xdeadn, 'nzCV'],
    ['cmn x1, x2', -1n, 1n, 0xdeadn, 'nZCv'],
    ['cmp x1, #0', 0n, 0n, 0xdeadn, 'nZCv'],
    ['negs x0, x2', 0n, I64_MIN, u64(I64_MIN), 'NzcV'],
    ['adds x0, x1, x2, lsl #4', -1n, 0x1000_0000_0000_0001n, 0xfn, 'nzCv'],
    ['subs x0, x1, w2, uxtw', 0x1_0000_0000n, 0xffff_ffffn, 1n, 'nzCv'],
    ['adds x0, x1, w2, sxtw', 5n, 0xffff_fffen, 3n, 'nzCv'],
  ];
  for (const [insn, a, b, r, f] of cases) {
    it(`${insn} [${a}, ${b}] → ${f}`, () => {
      const m = exec(insn, regs({ 0: 0xdead, 1: a, 2: b }));
      expect(X(m, 0)).toBe(r);
      expect(flags(m.s)).toBe(f);
    });
  }

  it('adc/sbc chain a 128-bit add and subtract', () => {
    const a = (1n << 127n) - 5n;
    const b = (1n << 64n) + 7n;
    const m = exec(`
      adds x0, x1, x3
      adcs x4, x2, x5
      subs x6, x1, x3
      sbcs x7, x2, x5`,
    regs({ 1: a & ((1n << 64n) - 1n), 2: a >> 64n, 3: b & ((1n << 64n) - 1n), 5: b >> 64n }));
    expect((X(m, 4) << 64n) | X(m, 0)).toBe((a + b) & ((1n << 128n) - 1n));
    expect(flags(m.s)).toBe('nzCv');
    expect((X(m, 7) << 64n) | X(m, 6)).toBe(a - b);
  });

  it('add/sub immediate use SP; W results zero-extend', () => {
    const m = exec(`
      sub sp, sp, #0x20
      mov x9, sp
      add x10, sp, #1, lsl #12
      add w11, w12, #1`, regs({ 12: -1n }));
    expect(X(m, 9)).toBe(BigInt(STACK_TOP - 0x20));
    expect(X(m, 10)).toBe(BigInt(STACK_TOP - 0x20 + 0x1000));
    expect(X(m, 11)).toBe(0n);
  });

  it('ccmp / ccmn: flags from the comparison or from #nzcv', () => {
    const m = exec(`
      cmp  x1, #5
      ccmp x2, #3, #0b0010, eq
      cset x10, eq
      cmp  x1, #6
      ccmp x2, #3, #0b1001, eq
      mrs  x11, nzcv
      ccmn x3, #1, #0, al
      cset x12, eq`, regs({ 1: 5, 2: 3, 3: -1n }));
    expect(X(m, 10)).toBe(1n);
    expect(X(m, 11)).toBe(0x9000_0000n);
    expect(X(m, 12)).toBe(1n);
  });

  it('csel / csinc / csinv / csneg / cset / cinc', () => {
    const m = exec(`
      cmp   x1, x2
      csel  x3, x1, x2, lt
      csinc x4, x1, x2, gt
      csinv x5, x1, x2, gt
      csneg x6, x1, x2, gt
      cset  w7, le
      csetm x8, ne
      cinc  w9, w2, lt`, regs({ 1: -3, 2: 4 }));
    expect([X(m, 3), X(m, 4), X(m, 5), X(m, 6), X(m, 7), X(m, 8), X(m, 9)])
      .toEqual([u64(-3n), 5n, u64(-5n), u64(-4n), 1n, u64(-1n), 5n]);
  });
});

describe('a64 interpreter: logic, shifts, bitfields', () => {
  it('logical immediate/register and flags', () => {
    const m = exec(`
      and  x3, x1, #0xff00ff00ff00ff00
      orr  w4, w1, #0xf
      eor  x5, x1, x2, ror #8
      bic  x6, x1, x2
      orn  w7, wzr, w2
      ands x8, x1, #0x8000000000000000
      mrs  x9, nzcv
      tst  w1, #0x200
      mrs  x10, nzcv`, regs({ 1: 0x8123_4567_89ab_cdefn, 2: 0xffn }));
    expect(X(m, 3)).toBe(0x8100_4500_8900_cd00n);
    expect(X(m, 4)).toBe(0x89ab_cdefn);
    expect(X(m, 5)).toBe(0x8123_4567_89ab_cdefn ^ 0xff00_0000_0000_0000n);
    expect(X(m, 6)).toBe(0x8123_4567_89ab_cd00n);
    expect(X(m, 7)).toBe(0xffff_ff00n);
    expect(X(m, 8)).toBe(0x8000_0000_0000_0000n);
    expect(X(m, 9)).toBe(0x8000_0000n);
    expect(X(m, 10)).toBe(0x4000_0000n);
  });

  it('shifts by register take the amount modulo the width', () => {
    const m = exec(`
      lsl x3, x1, x2
      lsl w4, w1, w5
      lsr x6, x1, x7
      asr x8, x9, x7
      asr w10, w11, w12
      ror x13, x1, x14
      lsr w15, w1, w16`, regs({
      1: 0x8000_0000_0000_0001n, 2: 64, 5: 33, 7: 127, 9: I64_MIN, 11: 0x8000_0000n, 12: 0x3f, 14: 68, 16: 32,
    }));
    expect(X(m, 3)).toBe(0x8000_0000_0000_0001n);
    expect(X(m, 4)).toBe(2n);
    expect(X(m, 6)).toBe(1n);
    expect(X(m, 8)).toBe(u64(-1n));
    expect(X(m, 10)).toBe(0xffff_ffffn);
    expect(X(m, 13)).toBe(0x1800_0000_0000_0000n);
    expect(X(m, 15)).toBe(1n);
  });

  it('ASR of negative numbers rounds toward minus infinity', () => {
    const m = exec('asr x0, x1, #4\n asr w2, w3, #1\n asr x4, x1, #63', regs({ 1: -257n, 3: 0xffff_fffdn }));
    expect(X(m, 0)).toBe(u64(-17n));
    expect(X(m, 2)).toBe(0xffff_fffen);
    expect(X(m, 4)).toBe(u64(-1n));
  });

  it('SXT*/UXT* sign and zero extension', () => {
    const m = exec(`
      sxtb x2, w1
      sxth w3, w1
      sxtw x4, w5
      uxtb w6, w1
      uxth w7, w1`, regs({ 1: 0x1234_8080n, 5: 0x8000_0000n }));
    expect(X(m, 2)).toBe(u64(-128n));
    expect(X(m, 3)).toBe(0xffff_8080n);
    expect(X(m, 4)).toBe(0xffff_ffff_8000_0000n);
    expect(X(m, 6)).toBe(0x80n);
    expect(X(m, 7)).toBe(0x8080n);
  });

  it('UBFX / SBFX / BFI / BFXIL / UBFIZ / SBFIZ / EXTR', () => {
    const m = exec(`
      ubfx  x2, x1, #8, #8
      sbfx  x3, x1, #4, #8
      mov   x4, #-1
      bfi   x4, x1, #16, #8
      mov   w5, #0
      bfxil w5, w1, #4, #12
      ubfiz x6, x1, #56, #8
      sbfiz w7, w1, #4, #8
      extr  x8, x1, x9, #16
      ror   w10, w1, #4
      lsl   x11, x1, #63
      lsr   w12, w1, #31`, regs({ 1: 0xf80n, 9: 0x1111_2222_3333_4444n }));
    expect(X(m, 2)).toBe(0xfn);
    expect(X(m, 3)).toBe(u64(-8n));
    expect(X(m, 4)).toBe(0xffff_ffff_ff80_ffffn);
    expect(X(m, 5)).toBe(0xf8n);
    expect(X(m, 6)).toBe(0x8000_0000_0000_0000n);
    expect(X(m, 7)).toBe(0xffff_f800n);
    expect(X(m, 8)).toBe(0x0f80_1111_2222_3333n);
    expect(X(m, 10)).toBe(0x0000_00f8n);
    expect(X(m, 11)).toBe(0n);
    expect(X(m, 12)).toBe(0n);
  });

  it('CLZ / CLS / RBIT / REV / REV16 / REV32', () => {
    const m = exec(`
      clz   x2, x1
      clz   w3, wzr
      cls   x4, x5
      cls   w6, w7
      rbit  x8, x1
      rbit  w9, w1
      rev   x10, x11
      rev   w12, w11
      rev16 x13, x11
      rev32 x14, x11
      cls   x15, xzr`, regs({ 1: 0x0000_0010_0000_0001n, 5: -1n, 7: 0xf0ff_ffffn, 11: 0x0102_0304_0506_0708n }));
    expect(X(m, 2)).toBe(27n);
    expect(X(m, 3)).toBe(32n);
    expect(X(m, 4)).toBe(63n);
    expect(X(m, 6)).toBe(3n);
    expect(X(m, 8)).toBe(0x8000_0000_0800_0000n);
    expect(X(m, 9)).toBe(0x8000_0000n);
    expect(X(m, 10)).toBe(0x0807_0605_0403_0201n);
    expect(X(m, 12)).toBe(0x0807_0605n);
    expect(X(m, 13)).toBe(0x0201_0403_0605_0807n);
    expect(X(m, 14)).toBe(0x0403_0201_0807_0605n);
    expect(X(m, 15)).toBe(63n);
  });

  it('MOVZ / MOVN / MOVK', () => {
    const m = exec(`
      movz x1, #0x1234, lsl #48
      movk x1, #0xbeef, lsl #16
      movn w2, #0
      movn x3, #0x12, lsl #16
      mov  x4, #-1
      movk w4, #0x5555, lsl #16`);
    expect(X(m, 1)).toBe(0x1234_0000_beef_0000n);
    expect(X(m, 2)).toBe(0xffff_ffffn);
    expect(X(m, 3)).toBe(u64(~(0x12n << 16n)));
    expect(X(m, 4)).toBe(0x5555_ffffn);
  });
});

describe('a64 interpreter: multiply and divide', () => {
  it('MUL / MADD / MSUB / xMADDL / xMULH incl. negative SMULH', () => {
    const m = exec(`
      mul    x3, x1, x2
      madd   w4, w1, w2, w5
      msub   x6, x1, x2, x5
      smaddl x7, w8, w9, x5
      umaddl x10, w8, w9, xzr
      smulh  x11, x1, x2
      umulh  x12, x1, x2
      smulh  x13, x14, x14
      smull  x15, w8, w8
      mneg   x16, x1, x2`, regs({
      1: -3n, 2: 0x7fff_ffff_ffff_ffffn, 5: 100, 8: 0xffff_fffen, 9: 7, 14: I64_MIN,
    }));
    const a = -3n;
    const b = I64_MAX;
    expect(X(m, 3)).toBe(u64(a * b));
    expect(X(m, 4)).toBe(BigInt.asUintN(32, a * b + 100n));
    expect(X(m, 6)).toBe(u64(100n - a * b));
    expect(X(m, 7)).toBe(u64(100n - 14n));
    expect(X(m, 10)).toBe(0xffff_fffen * 7n);
    expect(X(m, 11)).toBe(u64((a * b) >> 64n));
    expect(X(m, 11)).toBe(u64(-2n));
    expect(X(m, 12)).toBe((u64(a) * b) >> 64n);
    expect(X(m, 13)).toBe(1n << 62n);
    expect(X(m, 15)).toBe(4n);
    expect(X(m, 16)).toBe(u64(-(a * b)));
  });

  it('UDIV / SDIV: divide by zero is 0, INT_MIN / -1 is INT_MIN, truncation toward zero', () => {
    const m = exec(`
      udiv x3, x1, xzr
      sdiv x4, x1, xzr
      sdiv x5, x6, x7
      sdiv w8, w9, w7
      sdiv x10, x11, x12
      udiv x13, x7, x12
      udiv w14, w7, w12
      sdiv x15, x12, x11`, regs({ 1: 1234, 6: I64_MIN, 7: -1n, 9: 0x8000_0000n, 11: -7n, 12: 2 }));
    expect(X(m, 3)).toBe(0n);
    expect(X(m, 4)).toBe(0n);
    expect(X(m, 5)).toBe(u64(I64_MIN));
    expect(X(m, 8)).toBe(0x8000_0000n);
    expect(X(m, 10)).toBe(u64(-3n));
    expect(X(m, 13)).toBe(u64(-1n) / 2n);
    expect(X(m, 14)).toBe(0x7fff_ffffn);
    expect(X(m, 15)).toBe(0n);
  });
});

// ------------------------------------------------------------------------------- branches

describe('a64 interpreter: branches', () => {
  it('B.cond, CBZ/CBNZ (W view), TBZ/TBNZ, BR/BLR/RET, ADR/ADRP', () => {
    const m = exec(`
      mov   x0, #0
      cbz   w1, 1f
      add   x0, x0, #1
    1:tbnz  x1, #63, 2f
      add   x0, x0, #2
    2:tbz   w1, #0, 3f
      add   x0, x0, #4
    3:cbnz  x2, 4f
      add   x0, x0, #8
    4:adr   x5, target
      blr   x5
      adrp  x6, .
      b     end
    target:
      add   x0, x0, #16
      mov   x7, x30
      ret
    end:`, regs({ 1: 0x8000_0000_0000_0000n, 2: 0 }));
    expect(X(m, 0)).toBe(8n + 16n); // cbz, tbnz and tbz taken
    expect(X(m, 7)).toBe(BigInt(m.syms.get('target')! - 8));
    expect(X(m, 6)).toBe(BigInt(BASE));
  });

  it('a branch to an unaligned address gives a PC alignment fault at the next fetch', () => {
    const m = machine('br x1', regs({ 1: BASE + 0x102 }));
    expect(step(m.s, m.mem, m.hooks).kind).toBe('ok');
    const r = exc(step(m.s, m.mem, m.hooks));
    expect(r).toMatchObject({ type: 'pcAlignment', pc: BASE + 0x102 });
    expect(el2Syndrome(r)).toMatchObject({ ec: 0x22, far: BASE + 0x102 });
  });

  it('instruction fetch faults are instruction aborts', () => {
    const m = machine('b .+0x100', (mm) => mm.mem.inject(BASE + 0x100, 4, 'permission', 'x'));
    step(m.s, m.mem, m.hooks);
    const r = exc(step(m.s, m.mem, m.hooks));
    expect(r).toMatchObject({ type: 'instructionAbort', pc: BASE + 0x100, iss: 0x0f });
  });
});

// ------------------------------------------------------------------------------- loads / stores

describe('a64 interpreter: loads and stores', () => {
  it('pre/post-index writeback, scaled and unscaled offsets', () => {
    const m = exec(`
      mov  x1, x20
      str  x2, [x1, #8]!
      str  w3, [x1], #4
      strh w3, [x1, #2]
      strb w3, [x1, #-1]
      ldr  x4, [x20, #8]
      ldur w5, [x20, #9]
      ldp  x6, x7, [x20, #8]
      stp  x2, x3, [sp, #-16]!
      ldr  x8, [sp], #16
      mov  x9, sp`, regs({ 20: DATA, 2: 0x1122_3344_5566_7788n, 3: 0xaabb_ccddn }));
    expect(X(m, 1)).toBe(BigInt(DATA + 12));
    // x2 at +8, then w3 over +8..+11, h over +14..+15, b at +11
    expect(m.mem.get(DATA + 8, 8)).toBe(0xccdd_3344_ddbb_ccddn);
    expect(X(m, 4)).toBe(0xccdd_3344_ddbb_ccddn);
    expect(X(m, 5)).toBe(0x44dd_bbccn);
    expect(X(m, 6)).toBe(0xccdd_3344_ddbb_ccddn);
    expect(X(m, 7)).toBe(0n);
    expect(X(m, 8)).toBe(0x1122_3344_5566_7788n);
    expect(X(m, 9)).toBe(BigInt(STACK_TOP));
  });

  it('register offsets with UXTW/SXTW/LSL extends', () => {
    const m = exec(`
      ldr  x3, [x20, w1, sxtw #3]
      ldr  w4, [x20, x2, lsl #2]
      ldrh w7, [x20, x2]
      str  x8, [x20, w1, sxtw]`,
    (mm) => {
      regs({ 20: DATA + 0x100, 1: 0xffff_ffffn, 2: 2, 6: 0xffff_ffffn, 8: 0x55 })(mm);
      mm.mem.set(DATA + 0xf8, 8, 0x0102_0304_0506_0708n);
      mm.mem.set(DATA + 0x108, 4, 0xcafe_f00dn);
      mm.mem.set(DATA + 0x100 + 0xffff - 0xffff, 1, 0x77n);
    });
    expect(X(m, 3)).toBe(0x0102_0304_0506_0708n);
    expect(X(m, 4)).toBe(0xcafe_f00dn);
    expect(X(m, 7)).toBe(0n);
    expect(m.mem.get(DATA + 0xff, 8)).toBe(0x55n);
  });

  it('uxtw register offset uses the unsigned 32-bit index', () => {
    const m = machine('ldrb w5, [x20, w6, uxtw]', regs({ 20: DATA, 6: 0xffff_fff0n }));
    const r = exc(step(m.s, m.mem, m.hooks));
    expect(r.type).toBe('dataAbort');
    expect(r.type === 'dataAbort' && r.fault.va).toBe(DATA + 0xffff_fff0);
  });

  it('sign-extending loads into W and X registers', () => {
    const m = exec(`
      ldrsb x1, [x20]
      ldrsb w2, [x20]
      ldrsh x3, [x20, #2]
      ldrsh w4, [x20, #2]
      ldrsw x5, [x20, #4]
      ldrb  w6, [x20]
      ldpsw x7, x8, [x20]
      ldrsw x9, lit
      b     1f
      .align 2
    lit: .word 0x80000001
    1:`, (mm) => {
      regs({ 20: DATA })(mm);
      mm.mem.set(DATA, 8, 0x8000_0001_9000_0080n);
    });
    expect(X(m, 1)).toBe(u64(-128n));
    expect(X(m, 2)).toBe(0xffff_ff80n);
    expect(X(m, 3)).toBe(u64(-0x7000n));
    expect(X(m, 4)).toBe(0xffff_9000n);
    expect(X(m, 5)).toBe(u64(-0x7fff_ffffn));
    expect(X(m, 6)).toBe(0x80n);
    expect(X(m, 7)).toBe(u64(-0x6fff_ff80n));
    expect(X(m, 8)).toBe(u64(-0x7fff_ffffn));
    expect(X(m, 9)).toBe(u64(-0x7fff_ffffn));
  });

  it('LDR literal (X) and unaligned accesses with SCTLR_EL1.A clear', () => {
    const m = exec(`
      ldr  x1, lit
      ldr  x2, [x20, #3]
      ldur w3, [x20, #1]
      str  x1, [x20, #17]
      b    1f
      .align 3
    lit: .quad 0x0123456789abcdef
    1:`, (mm) => {
      regs({ 20: DATA })(mm);
      mm.mem.set(DATA, 16, 0x0f0e_0d0c_0b0a_0908_0706_0504_0302_0100n);
    });
    expect(X(m, 1)).toBe(0x0123_4567_89ab_cdefn);
    expect(X(m, 2)).toBe(0x0a09_0807_0605_0403n);
    expect(X(m, 3)).toBe(0x0403_0201n);
    expect(m.mem.get(DATA + 17, 8)).toBe(0x0123_4567_89ab_cdefn);
  });

  it('SCTLR_EL1.A makes unaligned accesses alignment faults; exclusives always need alignment', () => {
    const m = machine('ldr w2, [x20, #2]', (mm) => {
      regs({ 20: DATA })(mm);
      mm.s.setSysreg(key('SCTLR_EL1'), mm.s.sysreg(key('SCTLR_EL1')) | 2n);
    });
    const r = exc(step(m.s, m.mem, m.hooks));
    expect(r).toMatchObject({ type: 'dataAbort', fault: { fault: 'alignment', va: DATA + 2 } });
    expect(r.type === 'dataAbort' && r.iss & 0x3f).toBe(0x21);
    const m2 = machine('ldxr x2, [x20]', regs({ 20: DATA + 4 }));
    expect(exc(step(m2.s, m2.mem, m2.hooks))).toMatchObject({ type: 'dataAbort', fault: { fault: 'alignment' } });
    const m3 = machine('ldar w2, [x20]', regs({ 20: DATA + 2 }));
    expect(exc(step(m3.s, m3.mem, m3.hooks))).toMatchObject({ type: 'dataAbort', fault: { fault: 'alignment' } });
  });

  it('SP alignment checking with SCTLR_EL1.SA', () => {
    const m = machine('ldr x0, [sp, #8]', (mm) => {
      mm.s.spEl1 = BigInt(STACK_TOP - 8);
      mm.s.setSysreg(key('SCTLR_EL1'), mm.s.sysreg(key('SCTLR_EL1')) | 8n);
    });
    expect(exc(step(m.s, m.mem, m.hooks))).toMatchObject({ type: 'spAlignment' });
  });

  it('register 31 is SP as a base and XZR as data', () => {
    const m = exec('str xzr, [sp, #-16]!\n ldr x1, [sp]\n strb wzr, [x20]', (mm) => {
      regs({ 1: 7, 20: DATA })(mm);
      mm.mem.set(STACK_TOP - 16, 8, 0x1234n);
      mm.mem.set(DATA, 1, 0xffn);
    });
    expect(X(m, 1)).toBe(0n);
    expect(m.s.spEl1).toBe(BigInt(STACK_TOP - 16));
    expect(m.mem.get(DATA, 1)).toBe(0n);
  });
});

describe('a64 interpreter: exclusives and atomics', () => {
  it('LDXR/STXR succeeds without interference; CLREX and a second STXR fail', () => {
    const m = exec(`
      ldxr  x1, [x20]
      add   x1, x1, #1
      stxr  w2, x1, [x20]
      stxr  w3, x1, [x20]
      ldaxr w4, [x20]
      clrex
      stlxr w5, w4, [x20]`, (mm) => {
      regs({ 20: DATA })(mm);
      mm.mem.set(DATA, 8, 41n);
    });
    expect(m.mem.get(DATA, 8)).toBe(42n);
    expect([X(m, 2), X(m, 3), X(m, 5)]).toEqual([0n, 1n, 1n]);
    expect(m.s.exclusive).toBeUndefined();
  });

  it('STXR fails after another CPU stored a different value', () => {
    const m = machine('ldxr x1, [x20]\n add x1, x1, #1\n stxr w2, x1, [x20]', (mm) => {
      regs({ 20: DATA })(mm);
      mm.mem.set(DATA, 8, 10n);
    });
    step(m.s, m.mem, m.hooks);
    step(m.s, m.mem, m.hooks);
    m.mem.set(DATA, 8, 99n); // another "CPU"
    expect(step(m.s, m.mem, m.hooks).kind).toBe('ok');
    expect(X(m, 2)).toBe(1n);
    expect(m.mem.get(DATA, 8)).toBe(99n);
  });

  it('LDXP/STXP (W and X pairs) and byte exclusives', () => {
    const m = exec(`
      ldxp  w1, w2, [x20]
      stxp  w3, w2, w1, [x20]
      ldaxp x4, x5, [x21]
      stlxp w6, x5, x4, [x21]
      ldxrb w7, [x22]
      stxrb w8, w9, [x22]`, (mm) => {
      regs({ 20: DATA, 21: DATA + 16, 22: DATA + 40, 9: 0x1ff })(mm);
      mm.mem.set(DATA, 8, 0x2222_2222_1111_1111n);
      mm.mem.set(DATA + 16, 16, 0xbbbbn << 64n | 0xaaaan);
      mm.mem.set(DATA + 40, 1, 0x5an);
    });
    expect([X(m, 1), X(m, 2), X(m, 3)]).toEqual([0x1111_1111n, 0x2222_2222n, 0n]);
    expect(m.mem.get(DATA, 8)).toBe(0x1111_1111_2222_2222n);
    expect([X(m, 4), X(m, 5), X(m, 6)]).toEqual([0xaaaan, 0xbbbbn, 0n]);
    expect(m.mem.get(DATA + 16, 16)).toBe(0xaaaan << 64n | 0xbbbbn);
    expect([X(m, 7), X(m, 8), m.mem.get(DATA + 40, 1)]).toEqual([0x5an, 0n, 0xffn]);
  });

  it('LSE LD<op> / SWP / ST<op> return the old value and update memory', () => {
    const m = exec(`
      ldadd   x1, x2, [x20]
      ldclr   x3, x4, [x20]
      ldeor   x5, x6, [x20]
      ldset   x7, x8, [x20]
      swpal   x9, x10, [x20]
      ldsmax  w11, w12, [x21]
      ldsmin  w13, w14, [x21]
      ldumax  w15, w16, [x21]
      lduminb w17, w18, [x22]
      staddlh w19, [x23]
      ldaddb  w24, w25, [x22]`, (mm) => {
      regs({
        20: DATA, 21: DATA + 8, 22: DATA + 16, 23: DATA + 24,
        1: 0x10, 3: 0x0f, 5: 0xff, 7: 0x1_0000, 9: 0x77, 11: 0xffff_fff0n, 13: 0xffff_ff00n, 15: 5, 17: 0x1ff,
        19: 0x1_0002, 24: 0xf0,
      })(mm);
      mm.mem.set(DATA, 8, 0x100n);
      mm.mem.set(DATA + 8, 4, 0xffff_ff80n);
      mm.mem.set(DATA + 16, 1, 0x20n);
      mm.mem.set(DATA + 24, 2, 0xffffn);
    });
    expect(X(m, 2)).toBe(0x100n);
    expect(X(m, 4)).toBe(0x110n);
    expect(X(m, 6)).toBe(0x110n);
    expect(X(m, 8)).toBe(0x1efn);
    expect(X(m, 10)).toBe(0x1_01efn);
    expect(m.mem.get(DATA, 8)).toBe(0x77n);
    expect(X(m, 12)).toBe(0xffff_ff80n); // smax(-128, -16) = -16
    expect(X(m, 14)).toBe(0xffff_fff0n); // smin(-16, -256) = -256
    expect(X(m, 16)).toBe(0xffff_ff00n); // umax(0xffffff00, 5)
    expect(m.mem.get(DATA + 8, 4)).toBe(0xffff_ff00n);
    expect(X(m, 18)).toBe(0x20n);
    expect(X(m, 25)).toBe(0x20n);
    expect(m.mem.get(DATA + 16, 1)).toBe(0x10n);
    expect(m.mem.get(DATA + 24, 2)).toBe(0x1n);
  });

  it('CAS success and failure, CASP pairs', () => {
    const m = exec(`
      mov  x1, #5
      cas  x1, x2, [x20]
      mov  x3, #6
      casa x3, x4, [x20]
      mov  w5, #0x77
      casb w5, w6, [x21]
      casp x8, x9, x10, x11, [x22]
      casp w12, w13, w14, w15, [x23]`, (mm) => {
      regs({ 20: DATA, 21: DATA + 8, 22: DATA + 16, 23: DATA + 32, 2: 50, 4: 60, 6: 0x99,
        8: 1, 9: 2, 10: 0xa, 11: 0xb, 12: 3, 13: 9, 14: 0xc, 15: 0xd })(mm);
      mm.mem.set(DATA, 8, 5n);
      mm.mem.set(DATA + 8, 1, 0x77n);
      mm.mem.set(DATA + 16, 16, (2n << 64n) | 1n);
      mm.mem.set(DATA + 32, 8, (4n << 32n) | 3n);
    });
    expect(X(m, 1)).toBe(5n);
    expect(X(m, 3)).toBe(50n);
    expect(m.mem.get(DATA, 8)).toBe(50n);
    expect([X(m, 5), m.mem.get(DATA + 8, 1)]).toEqual([0x77n, 0x99n]);
    expect([X(m, 8), X(m, 9)]).toEqual([1n, 2n]);
    expect(m.mem.get(DATA + 16, 16)).toBe((0xbn << 64n) | 0xan);
    expect([X(m, 12), X(m, 13)]).toEqual([3n, 4n]);
    expect(m.mem.get(DATA + 32, 8)).toBe((4n << 32n) | 3n);
  });
});

// ------------------------------------------------------------------------------- aborts

describe('a64 interpreter: data abort syndromes', () => {
  const abort = (src: string, kind: FaultKind = 'translation', on: Injected['on'] = 'rw', extra: Record<number, bigint | number> = {}) => {
    const m = machine(src, (mm) => {
      regs({ 1: DATA, 2: 0x1234, 7: 0x7777, ...extra })(mm);
      mm.mem.inject(DATA, 0x100, kind, on);
    });
    const before = m.s.clone();
    const r = exc(step(m.s, m.mem, m.hooks));
    expect(r.type).toBe('dataAbort');
    expect(m.s).toEqual(before);
    if (r.type !== 'dataAbort') throw new Error('unreachable');
    return r;
  };

  it('LDR W: ISV, SAS=2, SSE=0, SRT, SF=0, WnR=0, DFSC', () => {
    const r = abort('ldr w3, [x1, #4]');
    expect(r.syndrome).toMatchObject({ isv: true, sas: 2, sse: false, srt: 3, sf: false, wnr: false, ar: false, dfsc: 7 });
    expect(r.iss).toBe((1 << 24) | (2 << 22) | (3 << 16) | 7);
    expect(r.fault.va).toBe(DATA + 4);
    expect(el2Syndrome(r)).toMatchObject({ ec: 0x24, far: DATA + 4 });
  });

  it('LDRSH X: SAS=1, SSE=1, SF=1', () => {
    expect(abort('ldrsh x4, [x1, x2]', 'translation', 'rw', { 2: 0x10 }).syndrome)
      .toMatchObject({ isv: true, sas: 1, sse: true, srt: 4, sf: true, wnr: false });
  });

  it('STR X / STRB WZR: WnR=1, SRT, permission fault code', () => {
    const r = abort('str x7, [x1]', 'permission', 'w');
    expect(r.syndrome).toMatchObject({ isv: true, sas: 3, srt: 7, sf: true, wnr: true, dfsc: 0x0f });
    expect(abort('strb wzr, [x1, #1]').syndrome).toMatchObject({ isv: true, sas: 0, srt: 31, sf: false, wnr: true });
  });

  it('LDAR / STLR report AR=1', () => {
    expect(abort('ldar x5, [x1]').syndrome).toMatchObject({ isv: true, ar: true, srt: 5, sf: true });
    expect(abort('stlrh w6, [x1]').syndrome).toMatchObject({ isv: true, ar: true, sas: 1, wnr: true });
  });

  it('ISV=0 for writeback forms, pairs, exclusives and atomics', () => {
    for (const src of ['ldr x3, [x1], #8', 'str x3, [x1, #8]!', 'ldp x3, x4, [x1]', 'stp w3, w4, [x1]',
      'ldxr x3, [x1]', 'ldadd x2, x3, [x1]', 'cas x2, x3, [x1]', 'swp w2, w3, [x1]']) {
      const r = abort(src);
      expect(r.syndrome.isv, src).toBe(false);
      expect(r.iss & 0x01ff_c000, src).toBe(0);
    }
    expect(abort('ldadd x2, x3, [x1]').syndrome.wnr).toBe(true);
  });

  it('stage-2 faults carry the IPA for HPFAR_EL2; external aborts set EA', () => {
    const r = abort('ldr x3, [x1]', 'stage2');
    expect(el2Syndrome(r)).toMatchObject({ ec: 0x24, hpfar: BigInt((DATA + 0x4000_0000) / 4096) << 4n });
    const e = exc(step(...(() => {
      const m = machine('ldr x3, [x1]', regs({ 1: 0x100_0000 }));
      return [m.s, m.mem, m.hooks] as const;
    })()));
    expect(e.type === 'dataAbort' && e.syndrome).toMatchObject({ ea: true, dfsc: 0x10 });
  });

  it('an address that is not representable is a level-0 translation fault', () => {
    const m = machine('ldr x3, [x1]', regs({ 1: 0x8000_0000_0000_1234n }));
    expect(exc(step(m.s, m.mem, m.hooks))).toMatchObject({ type: 'dataAbort', fault: { fault: 'translation', level: 0 } });
  });
});

// ------------------------------------------------------------------------------- system

describe('a64 interpreter: system registers and PSTATE', () => {
  it('owned registers read back; CurrentEL, DAIF, SPSel, NZCV, ID values, hooks', () => {
    const m = exec(`
      msr  tpidr_el1, x1
      mrs  x2, tpidr_el1
      mrs  x3, currentel
      msr  daifclr, #0xf
      msr  daifset, #2
      mrs  x4, daif
      msr  spsel, #0
      mov  sp, x5
      msr  spsel, #1
      mrs  x6, sp_el0
      mov  x7, #0x60000000
      msr  nzcv, x7
      mrs  x8, midr_el1
      mrs  x9, mpidr_el1
      mrs  x10, cntvct_el0
      mrs  x11, id_aa64isar0_el1
      mrs  x12, id_aa64mmfr2_el1
      mrs  x13, s3_0_c0_c7_7
      msr  cntv_cval_el0, x1
      msr  vbar_el1, x14
      mrs  x15, vbar_el1
      mrs  x16, sctlr_el1`, regs({ 1: 0xabcdn, 5: 0x3000, 14: 0x12345 }));
    expect(X(m, 2)).toBe(0xabcdn);
    expect(X(m, 3)).toBe(4n);
    expect(X(m, 4)).toBe(0x80n);
    expect(m.s.spEl0).toBe(0x3000n);
    expect(X(m, 6)).toBe(0x3000n);
    expect(flags(m.s)).toBe('nZCv');
    expect(X(m, 8)).toBe(0x411f_d071n);
    expect(X(m, 9)).toBe(0x8000_0102n);
    expect(X(m, 10)).toBe(123_456n);
    expect((X(m, 11) >> 20n) & 0xfn).toBe(2n);
    expect([X(m, 12), X(m, 13)]).toEqual([0n, 0n]);
    expect(m.hooks.timer.get('CNTV_CVAL_EL0')).toBe(0xabcdn);
    expect(X(m, 15)).toBe(0x12000n);
    expect(X(m, 16)).toBe(0x30d0_0800n);
  });

  it('unowned registers trap with direction, Rt and value; retire() completes them', () => {
    const { m, r } = one('msr icc_sgi1r_el1, x3', regs({ 3: 0x0001_0000_0000_0002n }));
    expect(r).toMatchObject({
      kind: 'exception', type: 'sysreg', read: false, name: 'ICC_SGI1R_EL1', rt: 3, value: 0x0001_0000_0000_0002n,
      op0: 3, op1: 0, crn: 12, crm: 11, op2: 5, pc: BASE,
    });
    const e = el2Syndrome(exc(r))!;
    expect(e.ec).toBe(0x18);
    expect(e.iss).toBe((3 << 20) | (5 << 17) | (0 << 14) | (12 << 10) | (3 << 5) | (11 << 1) | 0);
    retire(m.s, exc(r));
    expect(m.s.pc).toBe(BASE + 4);

    const { m: m2, r: r2 } = one('mrs x9, icc_iar1_el1');
    expect(r2).toMatchObject({ type: 'sysreg', read: true, rt: 9 });
    retire(m2.s, exc(r2), 27n);
    expect([X(m2, 9), m2.s.pc]).toEqual([27n, BASE + 4]);
  });

  it('UNDEFINED: EL2 registers, unknown encodings, wrong direction, EL1 registers from EL0; FPCR/FPSR trap while CPACR_EL1.FPEN does', () => {
    for (const src of ['mrs x0, hcr_el2', 'msr vbar_el2, x0', 'mrs x0, s3_0_c15_c0_0', 'msr s3_0_c0_c0_0, x0',
      'mrs x0, s3_0_c12_c11_5', 'msr pan, #1', 'mrs x0, pmcr_el0', 'sysl x0, #0, c7, c5, #0']) {
      const { r } = one(src);
      expect(r, src).toMatchObject({ type: 'undefined' });
    }
    // FPEN resets to 0 (as QEMU's system mode): EC 0x07 until the guest enables FP.
    expect(one('mrs x0, fpcr').r).toMatchObject({ type: 'fpAccess' });
    expect(one('msr fpsr, x0').r).toMatchObject({ type: 'fpAccess' });
    const fpOn = (m: { s: A64State }): void => { m.s.setSysreg(sysregByName('CPACR_EL1')!, 3n << 20n); };
    expect(one('mrs x0, fpcr', fpOn).r.kind).toBe('ok');
    // FPEN = 01: EL1 may, EL0 may not.
    expect(one('mrs x0, fpsr', (m) => { m.s.setSysreg(sysregByName('CPACR_EL1')!, 1n << 20n); m.s.el = 0; }).r).toMatchObject({ type: 'fpAccess' });
    for (const src of ['mrs x0, sctlr_el1', 'msr daifset, #2', 'mrs x0, cntvct_el0', 'hvc #0', 'eret',
      'mrs x0, currentel', 'tlbi vmalle1', 'msr tpidrro_el0, x0']) {
      const { r } = one(src, (m) => { m.s.el = 0; });
      expect(r, src).toMatchObject({ type: 'undefined' });
    }
    const { r } = one('mrs x0, tpidrro_el0', (m) => { m.s.el = 0; });
    expect(r.kind).toBe('ok');
  });

  it('SYS: TLBI/IC/AT go to the maintenance hook, DC ZVA zeroes 64 bytes', () => {
    const m = exec(`
      tlbi vmalle1is
      tlbi vae1, x1
      ic   iallu
      dc   civac, x20
      at   s1e1r, x1
      mrs  x2, par_el1
      dc   zva, x21`, (mm) => {
      regs({ 1: 0x1234, 20: DATA, 21: DATA + 0x47 })(mm);
      mm.mem.bytes.fill(0xee, DATA - BASE, DATA - BASE + 0x100);
      mm.hooks.par = 0x4000_0000_1234_5000n;
    });
    expect(m.hooks.ops.map((o) => `${o.kind} ${o.name} ${o.value}`)).toEqual([
      'TLBI VMALLE1IS 0', 'TLBI VAE1 4660', 'IC IALLU 0', `DC CIVAC ${DATA}`, 'AT S1E1R 4660']);
    expect(X(m, 2)).toBe(0x4000_0000_1234_5000n);
    expect(m.mem.get(DATA + 0x3f, 1)).toBe(0xeen);
    expect(m.mem.get(DATA + 0x40, 8)).toBe(0n);
    expect(m.mem.get(DATA + 0x78, 8)).toBe(0n);
    expect(m.mem.get(DATA + 0x80, 1)).toBe(0xeen);
  });

  it('hints and events: WFI/WFE/SEV/SEVL/YIELD are results, NOP and unknown hints execute', () => {
    const m = machine('nop\n hint #20\n dmb ish\n dsb sy\n isb\n yield\n wfi\n wfe\n sev\n sevl');
    expect(run(m.s, m.mem, m.hooks, 100)).toMatchObject({ executed: 5, result: { type: 'yield' } });
    const seen: string[] = [];
    for (let k = 0; k < 5; k++) {
      const r = exc(step(m.s, m.mem, m.hooks));
      seen.push(r.type);
      retire(m.s, r);
    }
    expect(seen).toEqual(['yield', 'wfi', 'wfe', 'sev', 'sevl']);
    const { r } = one('wfi', (mm) => { mm.s.el = 0; });
    expect(r).toMatchObject({ type: 'wfi', trapToEl1: true });
  });

  it('SVC / HVC / SMC / BRK results carry imm16 and leave pc at the instruction', () => {
    for (const [src, type, imm] of [['svc #0x42', 'svc', 0x42], ['hvc #0x4a48', 'hvc', 0x4a48],
      ['smc #0', 'smc', 0], ['brk #0x3e8', 'brk', 0x3e8]] as const) {
      const { m, r } = one(src);
      expect(r).toMatchObject({ kind: 'exception', type, imm16: imm, pc: BASE });
      expect(m.s.pc).toBe(BASE);
    }
    const { m, r } = one('hvc #0x4a48');
    expect(el2Syndrome(exc(r))).toMatchObject({ ec: 0x16, iss: 0x4a48, esr: 0x5a00_4a48n });
    retire(m.s, exc(r));
    expect(m.s.pc).toBe(BASE + 4);
    expect(one('hlt #1').r).toMatchObject({ type: 'undefined' });
  });
});

// ------------------------------------------------------------------------------- exceptions

/** Runs, delivering guest exceptions and ERETs, until BRK #0 or a non-guest result. */
function runGuest(m: Machine, budget = 100_000): StepException {
  for (;;) {
    const { result } = run(m.s, m.mem, m.hooks, budget);
    if (result.kind === 'ok') throw new Error('budget exhausted');
    if (result.type === 'brk' && result.imm16 === 0) return result;
    if (result.type === 'eret') eret(m.s);
    else if (!deliverToGuest(m.s, result)) return result;
  }
}

const VECTORS = `
    .org 0x800
vectors:
    .org 0xa00                // current EL with SPx, synchronous
    mrs   x10, esr_el1
    mrs   x11, elr_el1
    mrs   x12, spsr_el1
    mrs   x13, far_el1
    add   x20, x20, #1
    add   x11, x11, #4        // skip the faulting instruction
    msr   elr_el1, x11
    eret
    .org 0xa80                // current EL with SPx, IRQ
    add   x21, x21, #1
    eret
    .org 0xc00                // lower EL, synchronous
    mrs   x10, esr_el1
    mrs   x11, elr_el1
    mrs   x12, spsr_el1
    mrs   x13, far_el1
    add   x20, x20, #1
    lsr   x14, x10, #26
    cmp   x14, #0x15
    b.eq  1f
    add   x11, x11, #4        // not an SVC: skip
    msr   elr_el1, x11
1:  eret
`;

describe('a64 interpreter: exception entry and return', () => {
  it('an UNDEFINED instruction is caught by the guest handler, which skips it and returns', () => {
    const m = machine(`
      adr   x0, vectors
      msr   vbar_el1, x0
      mov   x1, #0x40000000
      msr   nzcv, x1
      msr   daifclr, #2
      .word 0x00000000
      mov   x2, #7
      brk   #0
      ${VECTORS}`);
    const stop = runGuest(m);
    expect(stop.type).toBe('brk');
    const udfAt = BASE + 20;
    expect(X(m, 20)).toBe(1n);
    expect(X(m, 10)).toBe(1n << 25n); // EC 0, IL
    expect(X(m, 11)).toBe(BigInt(udfAt + 4));
    expect(X(m, 12)).toBe(0x4000_0345n); // Z; D, A, F still masked (reset), I cleared; EL1h
    expect(X(m, 2)).toBe(7n);
    expect(m.s.el).toBe(1);
    expect(m.s.spsel).toBe(1);
    expect(flags(m.s)).toBe('nZcv');
  });

  it('SVC and a data abort from EL0 go to the lower-EL vector; ERET returns to EL0', () => {
    const m = machine(`
      adr   x0, vectors
      msr   vbar_el1, x0
      adr   x1, user
      msr   elr_el1, x1
      msr   spsr_el1, xzr     // EL0t, all unmasked
      mov   x3, #0x1000
      msr   sp_el0, x3
      eret
    user:
      mov   x5, #1
      svc   #0x42
      mov   x6, x10
      mov   x7, x11
      ldr   x8, [x9]          // faults (injected)
      mov   x15, x10
      mov   x16, x13
      brk   #0
      ${VECTORS}`, (mm) => {
      regs({ 9: DATA + 8 })(mm);
      mm.mem.inject(DATA, 0x10, 'translation');
    });
    const stop = runGuest(m);
    expect(stop).toMatchObject({ type: 'brk' });
    const user = m.syms.get('user')!;
    expect(m.s.el).toBe(0);
    expect(X(m, 20)).toBe(2n);
    expect(X(m, 6)).toBe((0x15n << 26n) | (1n << 25n) | 0x42n);
    expect(X(m, 7)).toBe(BigInt(user + 8)); // preferred return after SVC: the next instruction
    expect(X(m, 15) >> 26n).toBe(0x24n);
    // Taken to EL1, a data abort has no instruction syndrome (ISV = 0; ISV is only for stage-2
    // aborts taken to EL2, as QEMU's merge_syn_data_abort has it): a read (WnR 0), DFSC 7.
    expect(X(m, 15) & 0x1ff_ffffn).toBe(7n);
    expect(X(m, 16)).toBe(BigInt(DATA + 8));
    expect(X(m, 12)).toBe(0n); // SPSR: EL0t
    expect(m.s.currentSp()).toBe(0x1000n);
  });

  it('takeException selects the vector by source EL / SPSel and masks DAIF; IRQ via run()', () => {
    const s = new A64State();
    s.setSysreg(key('VBAR_EL1'), 0x8_0000n);
    s.el = 1; s.spsel = 0; s.daif = 0; s.pc = 0x1234; s.nzcv = 0x8000_0000;
    takeException(s, 'sync', { ec: 0x15, iss: 1 });
    expect([s.pc, s.el, s.spsel, s.daif]).toEqual([0x8_0000, 1, 1, 0x3c0]);
    expect(s.sysreg(key('SPSR_EL1'))).toBe(0x8000_0004n);
    expect(s.sysreg(key('ESR_EL1'))).toBe(0x5600_0001n);
    takeException(s, 'irq');
    expect(s.pc).toBe(0x8_0280);
    expect(s.sysreg(key('ESR_EL1'))).toBe(0x5600_0001n);
    s.el = 0;
    s.exclusive = { addr: 0, size: 8, value: 0n };
    takeException(s, 'fiq');
    expect(s.pc).toBe(0x8_0500);
    expect(s.exclusive).toBeUndefined();

    const m = machine(`
      adr x0, vectors
      msr vbar_el1, x0
      msr daifclr, #2
      nop
      nop
      brk #0
      ${VECTORS}`);
    m.hooks.pending = true;
    const first = run(m.s, m.mem, m.hooks, 100);
    expect(first).toMatchObject({ executed: 3, result: { type: 'irq', pc: BASE + 12 } });
    m.hooks.pending = false;
    deliverToGuest(m.s, exc(first.result));
    expect(m.s.pc).toBe(BASE + 0xa80);
    expect(runGuest(m).type).toBe('brk');
    expect(X(m, 21)).toBe(1n);
  });

  it('upper-half (TTBR1) addresses are negative numbers; ELR/VBAR round trip', () => {
    const s = new A64State();
    s.setSysreg(key('VBAR_EL1'), 0xffff_8000_1000_0800n);
    s.pc = -0x7fff_f000;
    takeException(s, 'sync', { ec: 0, iss: 0, far: -8 });
    expect(s.pc).toBe(Number(BigInt.asIntN(64, 0xffff_8000_1000_0a00n)));
    expect(s.sysreg(key('ELR_EL1'))).toBe(u64(-0x7fff_f000n));
    expect(s.sysreg(key('FAR_EL1'))).toBe(u64(-8n));
    eret(s);
    expect(s.pc).toBe(-0x7fff_f000);
  });
});

// ------------------------------------------------------------------------------- programs

function crc32(data: Uint8Array): number {
  let c = 0xffff_ffff;
  for (const b of data) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb8_8320 & -(c & 1));
  }
  return (c ^ 0xffff_ffff) >>> 0;
}

describe('a64 interpreter: complete programs', () => {
  it('sum 1..100', () => {
    const m = exec(`
      mov  x0, #0
      mov  x1, #100
    1:add  x0, x0, x1
      subs x1, x1, #1
      b.ne 1b`);
    expect(X(m, 0)).toBe(5050n);
  });

  it('CRC-32 of a buffer matches a JS implementation', () => {
    const data = new Uint8Array(300).map((_, i) => (i * 37 + 11) & 0xff);
    const m = exec(`
      movn  w2, #0
      movz  w4, #0x8320
      movk  w4, #0xedb8, lsl #16
    loop:
      cbz   x1, end
      ldrb  w3, [x0], #1
      eor   w2, w2, w3
      mov   w5, #8
    bit:
      and   w6, w2, #1
      neg   w6, w6
      and   w6, w6, w4
      eor   w2, w6, w2, lsr #1
      subs  w5, w5, #1
      b.ne  bit
      sub   x1, x1, #1
      b     loop
    end:
      mvn   w2, w2`, (mm) => {
      mm.mem.load(DATA, data);
      regs({ 0: DATA, 1: data.length })(mm);
    });
    expect(Number(X(m, 2))).toBe(crc32(data));
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf4_3926);
  });

  it('bubble sort of signed 64-bit integers', () => {
    const values = [5n, -3n, 99n, 0n, I64_MIN, 42n, -3n, I64_MAX, 7n, 1n];
    const m = exec(`
      sub   x1, x1, #1
    outer:
      cmp   x1, #0
      b.le  done
      mov   x2, #0
      mov   x5, #0
    inner:
      cmp   x2, x1
      b.ge  next
      add   x3, x0, x2, lsl #3
      ldp   x6, x7, [x3]
      cmp   x6, x7
      b.le  noswap
      stp   x7, x6, [x3]
      mov   x5, #1
    noswap:
      add   x2, x2, #1
      b     inner
    next:
      cbz   x5, done
      sub   x1, x1, #1
      b     outer
    done:`, (mm) => {
      values.forEach((v, i) => mm.mem.set(DATA + 8 * i, 8, v));
      regs({ 0: DATA, 1: values.length })(mm);
    });
    const out = values.map((_, i) => BigInt.asIntN(64, m.mem.get(DATA + 8 * i, 8)));
    expect(out).toEqual([...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
  });

  it('recursive Fibonacci with BL/RET and a stack', () => {
    const m = exec(`
      mov   x0, #20
      bl    fib
      b     out
    fib:
      cmp   x0, #2
      b.lo  9f
      stp   x29, x30, [sp, #-32]!
      mov   x29, sp
      stp   x19, x20, [sp, #16]
      mov   x19, x0
      sub   x0, x19, #1
      bl    fib
      mov   x20, x0
      sub   x0, x19, #2
      bl    fib
      add   x0, x0, x20
      ldp   x19, x20, [sp, #16]
      ldp   x29, x30, [sp], #32
    9:ret
    out:`, undefined, 2_000_000);
    expect(X(m, 0)).toBe(6765n);
    expect(m.s.spEl1).toBe(BigInt(STACK_TOP));
  });
});

// ------------------------------------------------------------------------------- robustness

describe('a64 interpreter: robustness', () => {
  it('random instruction words never throw and always produce a result', () => {
    fc.assert(fc.property(
      fc.array(fc.oneof(
        fc.integer({ min: 0, max: 0xffff_ffff }),
        // biased to the integer groups: DP immediate, branches/system, loads/stores (V = 0), DP register
        fc.tuple(fc.integer({ min: 0, max: 0xffff_ffff }), fc.constantFrom(8, 9, 10, 11, 4, 12, 5, 13))
          .map(([w, op0]) => ((w & ~(0xf << 25)) | (op0 << 25)) >>> 0),
      ), { minLength: 1, maxLength: 16 }),
      fc.array(fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), { minLength: 31, maxLength: 31 }),
      fc.constantFrom(0, 1), fc.boolean(),
      (words, xs, el, nearData) => {
        const mem = new TestMem(BASE, MEM_SIZE);
        words.forEach((w, i) => mem.set(BASE + 4 * i, 4, BigInt(w)));
        const s = new A64State();
        xs.forEach((v, i) => { s.x[i] = nearData ? BigInt(DATA) + (v & 0xfffn) : v; });
        s.el = el as 0 | 1;
        s.pc = BASE;
        s.spEl0 = s.spEl1 = BigInt(STACK_TOP - 0x100);
        const hooks = new TestHooks();
        for (let k = 0; k < words.length; k++) {
          const before = s.clone();
          const r = step(s, mem, hooks);
          expect(r.kind === 'ok' || r.kind === 'exception').toBe(true);
          if (r.kind !== 'ok') {
            expect(s.pc).toBe(r.pc);
            expect(s).toEqual(before); // exception results leave the state untouched
            break;
          }
        }
      },
    ), { numRuns: 3000 });
  }, 120_000); // the deep state comparison includes the V registers: slow on a loaded host
});

// ------------------------------------------------------------------------------- arithmetic oracle

/** Executes one instruction on x1, x2 (x0 preloaded with d, NZCV with nzcv) and returns x0 and flags. */
function alu(src: string, a: bigint, b: bigint, d = 0n, nzcv = 0): { r: bigint; f: string } {
  const m = machine(src, (mm) => {
    regs({ 0: d, 1: a, 2: b })(mm);
    mm.s.nzcv = nzcv;
  });
  expect(step(m.s, m.mem, m.hooks).kind).toBe('ok');
  return { r: X(m, 0), f: flags(m.s) };
}

/** NZCV string from explicit definitions (signed overflow by exact signed arithmetic). */
function refFlags(w: number, r: bigint, carry: boolean, signedExact: bigint): string {
  const n = (r >> BigInt(w - 1)) & 1n;
  const v = signedExact !== BigInt.asIntN(w, r);
  return `${n ? 'N' : 'n'}${r === 0n ? 'Z' : 'z'}${carry ? 'C' : 'c'}${v ? 'V' : 'v'}`;
}

describe('a64 interpreter: arithmetic against definitions (property)', () => {
  const word = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n });
  const edgy = fc.oneof(word, fc.constantFrom(0n, 1n, 0x7fff_ffffn, 0x8000_0000n, 0xffff_ffffn, u64(I64_MAX), u64(I64_MIN), u64(-1n)));
  const opts = { numRuns: 150 };

  it('ADDS/SUBS/ADCS/SBCS result and NZCV, 32 and 64 bit', () => {
    fc.assert(fc.property(edgy, edgy, fc.boolean(), fc.boolean(), fc.constantFrom('adds', 'subs', 'adcs', 'sbcs'),
      (a, b, sf, cin, op) => {
        const w = sf ? 64 : 32;
        const r = sf ? 'x' : 'w';
        const ua = BigInt.asUintN(w, a);
        const ub = BigInt.asUintN(w, b);
        const sa = BigInt.asIntN(w, a);
        const sb = BigInt.asIntN(w, b);
        const c = op === 'adds' ? 0n : op === 'subs' ? 1n : cin ? 1n : 0n;
        const sub = op === 'subs' || op === 'sbcs';
        const unsigned = sub ? ua + (BigInt.asUintN(w, ~b)) + c : ua + ub + c;
        const signed = sub ? sa - sb - 1n + c : sa + sb + c;
        const res = BigInt.asUintN(w, unsigned);
        const out = alu(`${op} ${r}0, ${r}1, ${r}2`, a, b, 0n, cin ? 0x2000_0000 : 0);
        expect(out.r).toBe(res);
        expect(out.f).toBe(refFlags(w, res, unsigned >= 1n << BigInt(w), signed));
      }), opts);
  });

  it('UBFX/SBFX/BFI/BFXIL/UBFIZ for random fields', () => {
    fc.assert(fc.property(word, word, fc.boolean(), fc.nat(63), fc.nat(63), fc.constantFrom('ubfx', 'sbfx', 'bfi', 'bfxil', 'ubfiz'),
      (a, d, sf, lsb0, width0, op) => {
        const w = sf ? 64 : 32;
        const lsb = lsb0 % w;
        const width = 1 + (width0 % (w - lsb));
        const r = sf ? 'x' : 'w';
        const mask = (1n << BigInt(width)) - 1n;
        const ua = BigInt.asUintN(w, a);
        const ud = BigInt.asUintN(w, d);
        const field = (ua >> BigInt(lsb)) & mask;
        const expected = {
          ubfx: field,
          sbfx: BigInt.asUintN(w, BigInt.asIntN(width, field)),
          bfi: (ud & ~(mask << BigInt(lsb))) | ((ua & mask) << BigInt(lsb)),
          bfxil: (ud & ~mask) | field,
          ubfiz: (ua & mask) << BigInt(lsb),
        }[op];
        expect(alu(`${op} ${r}0, ${r}1, #${lsb}, #${width}`, a, 0n, d).r).toBe(BigInt.asUintN(w, expected));
      }), opts);
  });

  it('shifts by register, EXTR, RBIT/CLZ/CLS/REV*', () => {
    fc.assert(fc.property(edgy, word, fc.boolean(), fc.nat(63), (a, b, sf, lsb0) => {
      const w = sf ? 64 : 32;
      const W = BigInt(w);
      const r = sf ? 'x' : 'w';
      const ua = BigInt.asUintN(w, a);
      const ub = BigInt.asUintN(w, b);
      const amt = ub % W;
      expect(alu(`lsl ${r}0, ${r}1, ${r}2`, a, b).r).toBe(BigInt.asUintN(w, ua << amt));
      expect(alu(`lsr ${r}0, ${r}1, ${r}2`, a, b).r).toBe(ua >> amt);
      expect(alu(`asr ${r}0, ${r}1, ${r}2`, a, b).r).toBe(BigInt.asUintN(w, BigInt.asIntN(w, ua) >> amt));
      expect(alu(`ror ${r}0, ${r}1, ${r}2`, a, b).r).toBe(BigInt.asUintN(w, (ua >> amt) | (ua << (W - amt))));
      const lsb = lsb0 % w;
      expect(alu(`extr ${r}0, ${r}1, ${r}2, #${lsb}`, a, b).r).toBe(BigInt.asUintN(w, ((ua << W) | ub) >> BigInt(lsb)));
      const bits = ua.toString(2).padStart(w, '0');
      expect(alu(`rbit ${r}0, ${r}1`, a, b).r).toBe(BigInt(`0b${[...bits].reverse().join('')}`));
      expect(alu(`clz ${r}0, ${r}1`, a, b).r).toBe(BigInt(bits.indexOf('1') < 0 ? w : bits.indexOf('1')));
      let cls = 0;
      while (cls < w - 1 && bits[cls + 1] === bits[0]) cls++;
      expect(alu(`cls ${r}0, ${r}1`, a, b).r).toBe(BigInt(cls));
      const bytes = bits.match(/.{8}/g)!;
      expect(alu(`rev ${r}0, ${r}1`, a, b).r).toBe(BigInt(`0b${[...bytes].reverse().join('')}`));
      const rev16 = bytes.map((_, i) => bytes[i ^ 1]).join('');
      expect(alu(`rev16 ${r}0, ${r}1`, a, b).r).toBe(BigInt(`0b${rev16}`));
      if (sf) expect(alu('rev32 x0, x1', a, b).r).toBe(BigInt(`0b${bytes.map((_, i) => bytes[i ^ 3]).join('')}`));
    }), opts);
  });

  it('multiplies and divides', () => {
    fc.assert(fc.property(edgy, edgy, edgy, fc.boolean(), (a, b, c, sf) => {
      const w = sf ? 64 : 32;
      const r = sf ? 'x' : 'w';
      const ua = BigInt.asUintN(w, a);
      const ub = BigInt.asUintN(w, b);
      const sa = BigInt.asIntN(w, a);
      const sb = BigInt.asIntN(w, b);
      expect(alu(`madd ${r}0, ${r}1, ${r}2, ${r}0`, a, b, c).r).toBe(BigInt.asUintN(w, c + ua * ub));
      expect(alu(`msub ${r}0, ${r}1, ${r}2, ${r}0`, a, b, c).r).toBe(BigInt.asUintN(w, c - ua * ub));
      expect(alu(`udiv ${r}0, ${r}1, ${r}2`, a, b).r).toBe(ub === 0n ? 0n : ua / ub);
      const q = sb === 0n ? 0n : (sa < 0n) !== (sb < 0n) ? -((sa < 0n ? -sa : sa) / (sb < 0n ? -sb : sb)) : (sa < 0n ? -sa : sa) / (sb < 0n ? -sb : sb);
      expect(alu(`sdiv ${r}0, ${r}1, ${r}2`, a, b).r).toBe(BigInt.asUintN(w, q));
      const A = BigInt.asUintN(64, a);
      const B = BigInt.asUintN(64, b);
      expect(alu('umulh x0, x1, x2', a, b).r).toBe((A * B) / (1n << 64n));
      const p = BigInt.asIntN(64, A) * BigInt.asIntN(64, B);
      const lo = BigInt.asUintN(64, p);
      expect(alu('smulh x0, x1, x2', a, b).r).toBe(BigInt.asUintN(64, (p - lo) / (1n << 64n)));
      expect(alu('smaddl x0, w1, w2, x0', a, b, c).r)
        .toBe(BigInt.asUintN(64, BigInt.asUintN(64, c) + BigInt.asIntN(32, a) * BigInt.asIntN(32, b)));
      expect(alu('umsubl x0, w1, w2, x0', a, b, c).r)
        .toBe(BigInt.asUintN(64, BigInt.asUintN(64, c) - BigInt.asUintN(32, a) * BigInt.asUintN(32, b)));
    }), opts);
  });

  it('conditions: B.cond agrees with the flag definitions for all 16 codes', () => {
    const conds = ['eq', 'ne', 'cs', 'cc', 'mi', 'pl', 'vs', 'vc', 'hi', 'ls', 'ge', 'lt', 'gt', 'le', 'al', 'nv'];
    for (let f = 0; f < 16; f++) {
      const N = (f & 8) !== 0; const Z = (f & 4) !== 0; const C = (f & 2) !== 0; const V = (f & 1) !== 0;
      const truth = [Z, !Z, C, !C, N, !N, V, !V, C && !Z, !(C && !Z), N === V, N !== V, !Z && N === V, !(!Z && N === V), true, true];
      conds.forEach((c, i) => {
        const m = machine(`b.${c} .+8`, (mm) => { mm.s.nzcv = f << 28; });
        step(m.s, m.mem, m.hooks);
        expect(m.s.pc, `b.${c} ${f}`).toBe(BASE + (truth[i] ? 8 : 4));
        if (i >= 14) return;
        const m2 = machine(`cset x0, ${c}`, (mm) => { mm.s.nzcv = f << 28; });
        step(m2.s, m2.mem, m2.hooks);
        expect(X(m2, 0), `cset ${c} ${f}`).toBe(truth[i] ? 1n : 0n);
      });
    }
  });
});
