/**
 * What a simulator can show and hardware hides: where each CPU's guest code is. After every
 * slice the engine's CPU publishes its PC and exception level in its public slot, and, when the
 * PC lies in the guest's own exception vector table (VBAR_EL1 .. +0x800: typically an inmate
 * spinning in a `b .` vector after an exception it did not expect), the ESR_EL1, ELR_EL1 and
 * FAR_EL1 that sent it there and the instruction word at ELR_EL1. `cpus` reads them.
 */
import type { CpuContext } from '../context.js';
import { CpuWord } from '../layout.js';
import { accessFor } from '../a64/interp-mem.js';
import { KEY } from '../a64/interp-sys.js';
import type { GuestMemory } from '../a64/interp-types.js';
import type { A64State } from '../a64/state.js';

/**
 * What publishGuestState reads of a CPU's guest engine (engine.ts implements it; the engine
 * imports this file, so this file names no engine type).
 */
export interface ObservedGuest {
  readonly state: A64State;
  readonly mem: GuestMemory;
}

const TWO32 = 0x1_0000_0000;

function put64(c: CpuContext, lo: number, v: bigint | number): void {
  const n = BigInt.asUintN(64, BigInt(v));
  Atomics.store(c.cpus, c.my(lo), Number(n & 0xffff_ffffn) | 0);
  Atomics.store(c.cpus, c.my(lo + 1), Number(n >> 32n) | 0);
}

/** Publishes the guest's PC and EL, and its vector-table state (GUEST_VEC_VALID = 0 when not in the table). */
export function publishGuestState(c: CpuContext, g: ObservedGuest): void {
  const s = g.state;
  const pc = s.pc;
  Atomics.store(c.cpus, c.my(CpuWord.GUEST_PC_LO), (pc % TWO32) | 0);
  Atomics.store(c.cpus, c.my(CpuWord.GUEST_PC_HI), Math.floor(pc / TWO32) | 0);
  Atomics.store(c.cpus, c.my(CpuWord.GUEST_EL), s.el);
  const vbar = Number(s.sysreg(KEY.VBAR_EL1) & 0xffff_ffff_ffffn);
  const inVectors = pc >= vbar && pc < vbar + 0x800;
  Atomics.store(c.cpus, c.my(CpuWord.GUEST_VEC_VALID), inVectors ? 1 : 0);
  if (!inVectors) return;
  const elr = s.sysreg(KEY.ELR_EL1);
  Atomics.store(c.cpus, c.my(CpuWord.GUEST_VEC_ESR), Number(s.sysreg(KEY.ESR_EL1) & 0xffff_ffffn) | 0);
  put64(c, CpuWord.GUEST_VEC_ELR_LO, elr);
  put64(c, CpuWord.GUEST_VEC_FAR_LO, s.sysreg(KEY.FAR_EL1));
  const va = Number(BigInt.asIntN(64, elr));
  const w = Number.isSafeInteger(va) && va % 4 === 0 ? g.mem.fetch(va, accessFor('fetch', 1)) : -1;
  Atomics.store(c.cpus, c.my(CpuWord.GUEST_VEC_INSN), typeof w === 'number' ? w | 0 : -1);
}

/** Whether an A64 instruction word is in the SIMD&FP encoding space (data processing, or a load/store with V = 1). */
export function isSimdFpEncoding(word: number): boolean {
  const op0 = (word >>> 25) & 0xf;
  return (op0 & 0b0111) === 0b0111 || ((op0 & 0b0101) === 0b0100 && ((word >>> 26) & 1) === 1);
}
