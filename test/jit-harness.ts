/**
 * The differential harness of the block translator tests (a64-jit*.test.ts): two machines with
 * the same RAM, code and registers, one run by the reference interpreter and one by the
 * translator, compared on every register (general, SP, V, FPSR/FPCR), flags, pc, all of memory
 * and the sequence of exceptions; and random program generators.
 */
import { expect } from 'vitest';
import { PhysicalMemory } from '../src/shared/phys-mem.js';
import { SoftTlb, Stage2 } from '../src/actors/cpu/a64/mmu.js';
import { CpuGuestMemory } from '../src/actors/cpu/guest/memory.js';
import { A64State, CPACR_EL1_KEY, SCTLR_EL1_KEY, SCTLR_EL1_RES1 } from '../src/actors/cpu/a64/state.js';
import { decode } from '../src/actors/cpu/a64/decode.js';
import { run } from '../src/actors/cpu/a64/interp.js';
import { retire } from '../src/actors/cpu/a64/interp-exc.js';
import type { InterpHooks, StepException } from '../src/actors/cpu/a64/interp-types.js';
import { KEY } from '../src/actors/cpu/a64/interp-sys.js';
import { Translator } from '../src/actors/cpu/a64/jit.js';

export const BANK = 0x4000_0000;
export const SIZE = 3 << 20;
export const CODE = BANK + 0x10_0000;
export const DATA = BANK + 0x20_0000;
export const TABLES = BANK + 0x1000;

export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Stage-1 tables: VA [0, 1 GiB) Device (the MMIO side), [1 GiB, 2 GiB) Normal RAM, identity.
 * With `pages`, the 2 MiB at DATA are 4 KiB pages, identity but for DATA pages 1 and 2 (swapped)
 * and 3 (unmapped), so that an access crossing a page boundary there has to be split.
 */
function mmuOn(phys: PhysicalMemory, pages: boolean): bigint {
  const AF = 1n << 10n;
  const SH = 3n << 8n;
  phys.write64big(TABLES, 0n | 1n | AF | (1n << 2n) | (3n << 53n)); // L1[0]: Device block, XN
  if (!pages) {
    phys.write64big(TABLES + 8, BigInt(BANK) | 1n | AF | SH); // L1[1]: Normal block
    return BigInt(TABLES);
  }
  const l2 = TABLES + 0x1000;
  const l3 = TABLES + 0x2000;
  phys.write64big(TABLES + 8, BigInt(l2) | 3n);
  for (let k = 0; k < 512; k++) phys.write64big(l2 + 8 * k, BigInt(BANK + k * 0x20_0000) | 1n | AF | SH);
  const l2Data = (DATA - BANK) / 0x20_0000;
  phys.write64big(l2 + 8 * l2Data, BigInt(l3) | 3n);
  const target = [0, 2, 1];
  for (let k = 0; k < 512; k++) {
    if (k !== 3) phys.write64big(l3 + 8 * k, BigInt(DATA + 4096 * (target[k] ?? k)) | 3n | AF | SH);
  }
  return BigInt(TABLES);
}

export interface Machine {
  phys: PhysicalMemory;
  state: A64State;
  mem: CpuGuestMemory;
  tlb: SoftTlb;
  hooks: InterpHooks;
}

/** CPACR_EL1.FPEN (0: FP/SIMD traps; default 0), SCTLR_EL1.A (alignment checking), mmuOn's `pages`. */
export interface MachineOpts { fpen?: 0 | 1 | 3; strictAlign?: boolean; pages?: boolean }

export function machine(phys: PhysicalMemory, mmu: boolean, opts: MachineOpts = {}): Machine {
  const state = new A64State();
  const sctlr = (mmu ? SCTLR_EL1_RES1 | 1n | 4n | 0x1000n : SCTLR_EL1_RES1) | (opts.strictAlign ? 2n : 0n);
  const regs = {
    SCTLR_EL1: sctlr,
    TCR_EL1: mmu ? 25n | (1n << 8n) | (1n << 10n) | (3n << 12n) | (1n << 23n) | (5n << 32n) : 0n,
    TTBR0_EL1: mmu ? mmuOn(phys, opts.pages === true) : 0n,
    TTBR1_EL1: 0n,
    MAIR_EL1: 0x00ffn,
  };
  state.setSysreg(SCTLR_EL1_KEY, sctlr);
  state.setSysreg(KEY.TCR_EL1, regs.TCR_EL1);
  state.setSysreg(KEY.TTBR0_EL1, regs.TTBR0_EL1);
  state.setSysreg(KEY.MAIR_EL1, regs.MAIR_EL1);
  state.setSysreg(CPACR_EL1_KEY, BigInt(opts.fpen ?? 0) << 20n);
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

export function newPhys(): PhysicalMemory {
  return new PhysicalMemory([{ base: BANK, size: SIZE, sab: new SharedArrayBuffer(SIZE) }]);
}

/** Runs to the final HVC, skipping every other exception (recorded). */
export function runInterp(m: Machine, max: number): string[] {
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

export function runJit(m: Machine, max: number): { log: string[]; jit: Translator } {
  const jit = new Translator(m.state, m.mem, m.hooks, m.phys, m.tlb);
  // As the guest engine does after SCTLR_EL1 writes.
  jit.setStrictAlign((m.state.sysreg(SCTLR_EL1_KEY) & 2n) !== 0n);
  m.mem.onWrite = (pa, size) => jit.noteWrite(pa, size);
  return { log: drive(jit, m, max), jit };
}

/** Runs `jit` to the final HVC, skipping every other exception (recorded), as runInterp does. */
export function drive(jit: Translator, m: Machine, max: number): string[] {
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
  return log;
}

export function describeExc(e: StepException): string {
  const f = 'fault' in e ? JSON.stringify(e.fault) : '';
  const iss = 'iss' in e ? ` iss=${e.iss}` : '';
  return `${e.type}@${e.pc.toString(16)} ${f}${iss}`;
}

export function snapshot(m: Machine): Record<string, unknown> {
  const s = m.state;
  return {
    x: [...s.x].map((v) => v.toString(16)), sp0: s.spEl0.toString(16), sp1: s.spEl1.toString(16), pc: s.pc, nzcv: s.nzcv,
    v: Buffer.from(s.v8).toString('hex'), fpsr: s.fpsr, fpcr: s.fpcr,
  };
}

/** Same code, data and registers in two machines; runs both; compares everything. */
export function differential(code: Uint32Array, init: (s: A64State) => void, mmu: boolean, opts: MachineOpts = {}, max = 100_000): Translator {
  const a = machine(newPhys(), mmu, opts);
  const b = machine(newPhys(), mmu, opts);
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

export const ALU = new Set(['ADDSUB_IMM', 'ADDSUB_SHIFT', 'ADDSUB_EXT', 'ADDSUB_CARRY', 'LOGIC_IMM', 'LOGIC_REG', 'MOV_WIDE', 'ADR',
  'BITFIELD', 'EXTR', 'COND_SEL', 'COND_CMP', 'DP1', 'DP2', 'DP3']);
export const MEM = new Set(['LDST_IMM', 'LDST_REG', 'LDST_PAIR', 'LDR_LIT']);

/** A random word whose decoding is in `ops` (SP writes allowed; 31 as a base register excluded for memory). */
export function randomWord(r: () => number, ops: Set<string>, avoid: (w: number) => boolean): number {
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

export const HVC0 = 0xd4000002;
/** Programs per case (each run by both executors). */
export const TRIALS = 80;

/** Program: n random words of `ops`, a forward branch every ~6, a counted self-loop at the end, HVC. */
export function program(r: () => number, n: number, ops: Set<string>, avoid: (w: number) => boolean): Uint32Array {
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
export const touchesLoop = (w: number): boolean => (w & 31) === 27 || (w & 31) === 28;

export function randomRegs(r: () => number, addrs: boolean): (s: A64State) => void {
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

