/**
 * The block translator against the reference interpreter: random programs (random instruction
 * words of every translated class, forward conditional branches, a counted self-loop, random
 * loads and stores of every size and addressing form) run once by each executor from the same
 * state, with the MMU off (Device memory: unaligned accesses fault) and on (Normal memory).
 * Registers, flags, pc, memory and the sequence of exceptions must be identical. Also: exact
 * instruction budgets, stores into translated code, and code remapped under a TLBI.
 *
 * Every randomised case prints its seed; re-run one with JHSIM_SEED=<seed> npx vitest run test/a64-jit.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { PhysicalMemory } from '../src/shared/phys-mem.js';
import { SoftTlb, Stage2 } from '../src/actors/cpu/a64/mmu.js';
import { CpuGuestMemory } from '../src/actors/cpu/guest/memory.js';
import { A64State, SCTLR_EL1_KEY, SCTLR_EL1_RES1 } from '../src/actors/cpu/a64/state.js';
import { decode } from '../src/actors/cpu/a64/decode.js';
import { run } from '../src/actors/cpu/a64/interp.js';
import { retire } from '../src/actors/cpu/a64/interp-exc.js';
import type { InterpHooks, StepException } from '../src/actors/cpu/a64/interp-types.js';
import { KEY } from '../src/actors/cpu/a64/interp-sys.js';
import { Translator } from '../src/actors/cpu/a64/jit.js';
import { assemble } from '../src/actors/cpu/a64/asm-text.js';

const BANK = 0x4000_0000;
const SIZE = 3 << 20;
const CODE = BANK + 0x10_0000;
const DATA = BANK + 0x20_0000;
const TABLES = BANK + 0x1000;

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const baseSeed = process.env.JHSIM_SEED ? Number(process.env.JHSIM_SEED) : (Date.now() % 1_000_000);
console.log(`a64-jit: seed ${baseSeed} (re-run: JHSIM_SEED=${baseSeed} npx vitest run test/a64-jit.test.ts)`);

/** Stage-1 tables: VA [0, 1 GiB) Device (the MMIO side), [1 GiB, 2 GiB) Normal RAM, identity. */
function mmuOn(phys: PhysicalMemory): bigint {
  const AF = 1n << 10n;
  const SH = 3n << 8n;
  phys.write64big(TABLES, 0n | 1n | AF | (1n << 2n) | (3n << 53n)); // L1[0]: Device block, XN
  phys.write64big(TABLES + 8, BigInt(BANK) | 1n | AF | SH); // L1[1]: Normal block
  return BigInt(TABLES);
}

interface Machine {
  phys: PhysicalMemory;
  state: A64State;
  mem: CpuGuestMemory;
  tlb: SoftTlb;
  hooks: InterpHooks;
}

function machine(phys: PhysicalMemory, mmu: boolean): Machine {
  const state = new A64State();
  const sctlr = mmu ? SCTLR_EL1_RES1 | 1n | 4n | 0x1000n : SCTLR_EL1_RES1;
  const regs = {
    SCTLR_EL1: sctlr,
    TCR_EL1: mmu ? 25n | (1n << 8n) | (1n << 10n) | (3n << 12n) | (1n << 23n) | (5n << 32n) : 0n,
    TTBR0_EL1: mmu ? mmuOn(phys) : 0n,
    TTBR1_EL1: 0n,
    MAIR_EL1: 0x00ffn,
  };
  state.setSysreg(SCTLR_EL1_KEY, sctlr);
  state.setSysreg(KEY.TCR_EL1, regs.TCR_EL1);
  state.setSysreg(KEY.TTBR0_EL1, regs.TTBR0_EL1);
  state.setSysreg(KEY.MAIR_EL1, regs.MAIR_EL1);
  const tlb = new SoftTlb(phys, regs, new Stage2(phys, null));
  const mem = new CpuGuestMemory(phys, tlb);
  const hooks: InterpHooks = {
    mpidr: () => 0x8000_0000n,
    timerRead: () => 0n,
    timerWrite: () => undefined,
    maintenance: (op) => {
      if (op.kind === 'TLBI') tlb.flushAll();
      return undefined;
    },
  };
  return { phys, state, mem, tlb, hooks };
}

function newPhys(): PhysicalMemory {
  return new PhysicalMemory([{ base: BANK, size: SIZE, sab: new SharedArrayBuffer(SIZE) }]);
}

/** Runs to the final HVC, skipping every other exception (recorded). */
function runInterp(m: Machine, max: number): string[] {
  const log: string[] = [];
  let left = max;
  while (left > 0) {
    const { result, executed } = run(m.state, m.mem, m.hooks, left);
    left -= executed;
    if (result.kind === 'ok') break;
    log.push(describeExc(result));
    if (result.type === 'hvc') break;
    retire(m.state, result);
    left--;
  }
  return log;
}

function runJit(m: Machine, max: number): { log: string[]; jit: Translator } {
  const jit = new Translator(m.state, m.mem, m.hooks, m.phys, m.tlb);
  m.mem.onWrite = (pa, size) => jit.noteWrite(pa, size);
  const log: string[] = [];
  let left = max;
  while (left > 0) {
    left -= jit.run(left);
    const e = jit.exception;
    if (e === undefined) break;
    log.push(describeExc(e));
    if (e.type === 'hvc') break;
    retire(m.state, e);
    left--;
  }
  return { log, jit };
}

function describeExc(e: StepException): string {
  const f = 'fault' in e ? JSON.stringify(e.fault) : '';
  const iss = 'iss' in e ? ` iss=${e.iss}` : '';
  return `${e.type}@${e.pc.toString(16)} ${f}${iss}`;
}

function snapshot(m: Machine): Record<string, unknown> {
  const s = m.state;
  return { x: [...s.x].map((v) => v.toString(16)), sp0: s.spEl0.toString(16), sp1: s.spEl1.toString(16), pc: s.pc, nzcv: s.nzcv };
}

/** Same code, data and registers in two machines; runs both; compares everything. */
function differential(code: Uint32Array, init: (s: A64State) => void, mmu: boolean, max = 100_000): Translator {
  const a = machine(newPhys(), mmu);
  const b = machine(newPhys(), mmu);
  for (const m of [a, b]) {
    for (let k = 0; k < code.length; k++) m.phys.write32(CODE + 4 * k, code[k]!);
    for (let k = 0; k < 0x4000; k += 4) m.phys.write32(DATA + k, Math.imul(k + 1, 0x9e3779b1) >>> 0);
    init(m.state);
    m.state.pc = CODE;
  }
  const la = runInterp(a, max);
  const { log: lb, jit } = runJit(b, max);
  expect(lb).toEqual(la);
  expect(snapshot(b)).toEqual(snapshot(a));
  const ua = a.phys.copyOut(BANK, SIZE);
  const ub = b.phys.copyOut(BANK, SIZE);
  if (Buffer.compare(ua, ub) !== 0) {
    const diff = ua.findIndex((v, k) => v !== ub[k]);
    expect(`first difference at PA 0x${(BANK + diff).toString(16)}`).toBe('same memory');
  }
  return jit;
}

const ALU = new Set(['ADDSUB_IMM', 'ADDSUB_SHIFT', 'ADDSUB_EXT', 'ADDSUB_CARRY', 'LOGIC_IMM', 'LOGIC_REG', 'MOV_WIDE', 'ADR',
  'BITFIELD', 'EXTR', 'COND_SEL', 'COND_CMP', 'DP1', 'DP2', 'DP3']);
const MEM = new Set(['LDST_IMM', 'LDST_REG', 'LDST_PAIR', 'LDR_LIT']);

/** A random word whose decoding is in `ops` (SP writes allowed; 31 as a base register excluded for memory). */
function randomWord(r: () => number, ops: Set<string>, avoid: (w: number) => boolean): number {
  for (;;) {
    const w = Math.floor(r() * 4294967296) >>> 0;
    const i = decode(w);
    if (ops.has(i.op) && !avoid(w)) return w;
  }
}

/** Encodes a branch forward by `words` (B.cond, CBZ/CBNZ, TBZ/TBNZ with a random register; B, BL). */
function randomBranch(r: () => number, words: number): number {
  const reg = Math.floor(r() * 31);
  switch (Math.floor(r() * 4)) {
    case 0: return (0x54000000 | ((words & 0x7ffff) << 5) | Math.floor(r() * 16)) >>> 0;
    // B or BL: the translator follows it inside the block (a superblock).
    case 3: return ((r() < 0.5 ? 0x14000000 : 0x94000000) | (words & 0x3ffffff)) >>> 0;
    case 1: return ((r() < 0.5 ? 0xb4000000 : 0xb5000000) | (r() < 0.5 ? 0 : 0) | ((words & 0x7ffff) << 5) | reg) >>> 0;
    default: {
      const bit = Math.floor(r() * 64);
      return ((r() < 0.5 ? 0x36000000 : 0x37000000) | ((bit >> 5) << 31) | ((bit & 31) << 19) | ((words & 0x3fff) << 5) | reg) >>> 0;
    }
  }
}

const HVC0 = 0xd4000002;
/** Programs per case (each run by both executors). */
const TRIALS = 80;

/** Program: n random words of `ops`, a forward branch every ~6, a counted self-loop at the end, HVC. */
function program(r: () => number, n: number, ops: Set<string>, avoid: (w: number) => boolean): Uint32Array {
  const words: number[] = [];
  for (let k = 0; k < n; k++) {
    if (r() < 0.15) words.push(randomBranch(r, 1 + Math.floor(r() * Math.min(6, n - k + 1))));
    else words.push(randomWord(r, ops, avoid));
  }
  // x28 counts a loop whose body is one block: sub x28, x28, #1; add x27, x27, x28; cbnz x28, loop
  words.push(0xd2800000 | (37 << 5) | 28); // movz x28, #37
  words.push(0xd1000400 | (28 << 5) | 28); // sub x28, x28, #1
  words.push(0x8b1c0360 | 27); // add x27, x27, x28
  words.push((0xb5000000 | ((-2 & 0x7ffff) << 5) | 28) >>> 0); // cbnz x28, -2 words
  words.push(HVC0);
  return Uint32Array.from(words);
}

/** Writes to x27/x28 would break the counted loop: skip words whose rd is 27 or 28. */
const touchesLoop = (w: number): boolean => (w & 31) === 27 || (w & 31) === 28;

function randomRegs(r: () => number, addrs: boolean): (s: A64State) => void {
  const vals: bigint[] = [];
  for (let k = 0; k < 31; k++) {
    const kind = r();
    if (addrs && kind < 0.5) vals.push(BigInt(DATA + Math.floor(r() * 0x3000)));
    else if (kind < 0.7) vals.push(BigInt(Math.floor(r() * 0x100)));
    else vals.push((BigInt(Math.floor(r() * 4294967296)) << 32n) | BigInt(Math.floor(r() * 4294967296)));
  }
  const nzcv = (Math.floor(r() * 16) << 28) >>> 0;
  const sp = BigInt(DATA + 0x2000);
  return (s) => {
    vals.forEach((v, k) => { s.x[k] = v; });
    s.x[27] = 0n;
    s.nzcv = nzcv;
    s.spEl1 = sp;
  };
}

describe('block translator ≡ reference interpreter', () => {
  for (const mmu of [false, true]) {
    it(`random data-processing programs with branches and a self-loop (MMU ${mmu ? 'on' : 'off'})`, () => {
      for (let t = 0; t < TRIALS; t++) {
        const seed = baseSeed + t + (mmu ? 10_000 : 0);
        const r = rng(seed);
        const code = program(r, 60, ALU, touchesLoop);
        try {
          const jit = differential(code, randomRegs(r, false), mmu);
          expect(jit.stats.translated).toBeGreaterThan(0);
        } catch (e) {
          throw new Error(`seed ${seed}: ${(e as Error).message}`);
        }
      }
    });

    it(`random loads and stores of every size and addressing form (MMU ${mmu ? 'on' : 'off'})`, () => {
      const ops = new Set([...ALU, ...MEM]);
      for (let t = 0; t < TRIALS; t++) {
        const seed = baseSeed + 20_000 + t + (mmu ? 10_000 : 0);
        const r = rng(seed);
        // Loads and stores never name x27/x28 (loop) or write the code; SP bases are kept.
        const code = program(r, 60, ops, (w) => touchesLoop(w) || ((w >> 5) & 31) === 27 || ((w >> 5) & 31) === 28 ||
          ((w >> 10) & 31) === 27 || ((w >> 10) & 31) === 28 || ((w >> 16) & 31) === 27 || ((w >> 16) & 31) === 28);
        try {
          differential(code, randomRegs(r, true), mmu);
        } catch (e) {
          throw new Error(`seed ${seed}: ${(e as Error).message}`);
        }
      }
    });
  }
});

describe('block translator mechanics', () => {
  const LOOP = `
        mov   x1, #0
loop:   add   x1, x1, #1
        eor   x2, x2, x1, lsl #3
        b     loop`;

  it('stops after exactly the budget, inside a self-looping block too', () => {
    const m = machine(newPhys(), false);
    const code = assemble(LOOP, CODE).bytes;
    m.phys.copyIn(CODE, code);
    m.state.pc = CODE;
    const jit = new Translator(m.state, m.mem, m.hooks, m.phys, m.tlb);
    let total = 0;
    for (const n of [1, 2, 3, 1000, 999, 10_001, 7]) {
      expect(jit.run(n)).toBe(n);
      total += n;
    }
    // 1 mov, then 3 per iteration: x1 counts completed adds.
    expect(m.state.x[1]).toBe(BigInt(Math.floor((total - 1 + 2) / 3)));
    expect(jit.stats.translated).toBeGreaterThan(10_000);
  });

  it('TCR_EL1.TBI0: a tagged address loads, stores and branches through its untagged VA; without TBI it faults', () => {
    // x27 = DATA with tag 0x40 in bits 63:56, x24 = 0x10 as an SXTX index (upstream's linux-loader
    // style ldrsh x4, [x27, x24, sxtx]); x9 = the tagged address of "target".
    const src = `
        movz  x27, #0x4000, lsl #48
        movk  x27, #${(DATA >>> 16) & 0xffff}, lsl #16
        movz  x24, #0x10
        ldrsh x4, [x27, x24, sxtx]
        mov   x5, #0x1234
        str   x5, [x27, #8]
        ldr   x6, [x27, #8]
        adr   x9, target
        orr   x9, x9, #0x7f00000000000000
        br    x9
        hvc   #1
target: hvc   #0`;
    const code = assemble(src, CODE).bytes;
    const TBI0 = 1n << 37n;
    for (const run of ['interp', 'jit'] as const) {
      for (const mmu of [false, true]) {
        const m = machine(newPhys(), mmu);
        m.phys.copyIn(CODE, code);
        m.phys.write32(DATA + 0x10, 0x8001);
        m.state.setSysreg(KEY.TCR_EL1, m.state.sysreg(KEY.TCR_EL1) | TBI0);
        m.tlb.setRegs({ SCTLR_EL1: m.state.sysreg(SCTLR_EL1_KEY), TCR_EL1: m.state.sysreg(KEY.TCR_EL1), TTBR0_EL1: m.state.sysreg(KEY.TTBR0_EL1), TTBR1_EL1: 0n, MAIR_EL1: 0xffn });
        m.state.pc = CODE;
        const log = run === 'interp' ? runInterp(m, 1000) : runJit(m, 1000).log;
        expect(log, `${run}, MMU ${mmu ? 'on' : 'off'}`).toEqual([`hvc@${(CODE + 4 * 11).toString(16)} `]);
        expect(m.state.x[4]).toBe(0xffff_ffff_ffff_8001n);
        expect(m.state.x[6]).toBe(0x1234n);
        expect(m.phys.read32(DATA + 8)).toBe(0x1234);
      }
    }
    // TBI0 clear: the same load is a translation fault (level 0) at the tagged address.
    const m = machine(newPhys(), true);
    m.phys.copyIn(CODE, code);
    m.state.pc = CODE;
    expect(runInterp(m, 1000)[0]).toMatch(/^dataAbort@4010000c .*"fault":"translation"/);
  });

  it('a store into a translated instruction drops the block: the new instruction runs', () => {
    // The loop patches its own "add x0, x0, #1" into "add x0, x0, #100" after the first pass.
    const src = `
        mov   x0, #0
        mov   x3, #3
        adr   x4, patch
        ldr   w5, newinsn
loop:
patch:  add   x0, x0, #1
        str   w5, [x4]
        subs  x3, x3, #1
        b.ne  loop
        hvc   #0
newinsn: add  x0, x0, #100`;
    const code = assemble(src, CODE).bytes;
    for (const mmu of [false, true]) {
      const m = machine(newPhys(), mmu);
      m.phys.copyIn(CODE, code);
      m.state.pc = CODE;
      const { log, jit } = runJit(m, 1000);
      expect(log[0]).toMatch(/^hvc/);
      expect(m.state.x[0]).toBe(201n);
      expect(jit.stats.codeWrites).toBeGreaterThan(0);
    }
  });

  it('hotAfter: a block start runs in the interpreter until hot, then is translated at the next quiet point', () => {
    const src = `
        mov   x0, #0
        mov   x3, #200
loop:   add   x0, x0, #3
        subs  x3, x3, #1
        b.ne  loop
        wfi
        hvc   #0`;
    const code = assemble(src, CODE).bytes;
    const ref = machine(newPhys(), false);
    ref.phys.copyIn(CODE, code);
    ref.state.pc = CODE;
    const refLog = runInterp(ref, 10_000);
    const m = machine(newPhys(), false);
    m.phys.copyIn(CODE, code);
    m.state.pc = CODE;
    const jit = new Translator(m.state, m.mem, m.hooks, m.phys, m.tlb, 2);
    // The first 100 instructions: the loop is entered twice, interpreted, and queued; the
    // end of the budget translates it.
    expect(jit.run(100)).toBe(100);
    expect(jit.stats.translated).toBe(0);
    expect(jit.stats.compiled).toBeGreaterThan(0);
    const log: string[] = [];
    for (let left = 10_000; left > 0;) {
      left -= jit.run(left);
      const e = jit.exception;
      if (e === undefined) break;
      log.push(describeExc(e));
      if (e.type === 'hvc') break;
      retire(m.state, e);
      left--;
    }
    expect(log).toEqual(refLog);
    expect(snapshot(m)).toEqual(snapshot(ref));
    expect(m.state.x[0]).toBe(600n);
    expect(jit.stats.translated).toBeGreaterThan(400);
  });

  it('a chained successor that was overwritten is not run: the rewritten block is', () => {
    // Two blocks that follow each other through the successor cache; the second patches the
    // first ("add x0, x0, #1" → "add x0, x0, #100") on its first pass.
    const src = `
        mov   x0, #0
        mov   x3, #3
        adr   x4, patch
        ldr   w5, newinsn
loop:
patch:  add   x0, x0, #1
        b     second
second: str   w5, [x4]
        subs  x3, x3, #1
        b.ne  loop
        hvc   #0
newinsn: add  x0, x0, #100`;
    const code = assemble(src, CODE).bytes;
    for (const mmu of [false, true]) {
      const m = machine(newPhys(), mmu);
      m.phys.copyIn(CODE, code);
      m.state.pc = CODE;
      const { log } = runJit(m, 1000);
      expect(log[0]).toMatch(/^hvc/);
      expect(m.state.x[0]).toBe(201n);
    }
  });

  it('after a TLBI the block is checked against the new translation and the new page runs', () => {
    const m = machine(newPhys(), true);
    // VA 0x4028_0000 runs "x0 = 1" from its identity page; then the VA's 2 MiB block is remapped
    // (L1[1] becomes an L2 table) to PA 0x4008_0000, which holds "x0 = 2".
    const va = BANK + 0x28_0000;
    m.phys.copyIn(va, assemble('mov x0, #1\nhvc #0', va).bytes);
    m.phys.copyIn(BANK + 0x8_0000, assemble('mov x0, #2\nhvc #0', va).bytes);
    m.state.pc = va;
    const jit = new Translator(m.state, m.mem, m.hooks, m.phys, m.tlb);
    jit.run(10);
    expect(jit.exception?.type).toBe('hvc');
    expect(m.state.x[0]).toBe(1n);
    const L2 = TABLES + 0x1000;
    const AF = 1n << 10n;
    const SH = 3n << 8n;
    for (let k = 0; k < 512; k++) {
      const pa = k === 1 ? BANK : BANK + k * 0x20_0000;
      m.phys.write64big(L2 + k * 8, BigInt(pa) | 1n | AF | SH);
    }
    m.phys.write64big(TABLES + 8, BigInt(L2) | 3n);
    m.tlb.flushAll();
    m.state.pc = va;
    jit.run(10);
    expect(jit.exception?.type).toBe('hvc');
    expect(m.state.x[0]).toBe(2n);
  });
});
