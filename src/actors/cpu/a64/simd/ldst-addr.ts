/**
 * Addressing modes of the SIMD&FP loads/stores, each an executor closure specialised at decode
 * time around an {@link Xfer}. The base register is read through interp-mem.ts's `base`, so an
 * SP base that is misaligned while SCTLR_EL1.SA/SA0 is set faults as for integer accesses.
 * Writeback (pre/post-index) happens after the access and only when it completed.
 */
import type { ExtendType, SimdExec, SimdJit } from '../insn.js';
import { base } from '../interp-mem.js';
import { extendValue } from '../interp-alu.js';
import { fromVa } from '../state.js';
import { type Xfer, transferAt } from './ldst-access.js';

/**
 * [Xn|SP, #imm] (offset: 'none'), [Xn|SP, #imm]! ('pre') and [Xn|SP], #imm ('post'); the
 * post-indexed structure forms' immediate (the transfer size) is one of these too.
 */
export function immExec(rn: number, offset: number, writeback: 'none' | 'pre' | 'post', x: Xfer): SimdExec {
  const off = BigInt(offset);
  switch (writeback) {
    case 'none':
      return (s, mem, pc) => {
        const b = base(s, rn, pc);
        return typeof b === 'bigint' ? transferAt(s, mem, pc, b + off, x) : b;
      };
    case 'pre':
      return (s, mem, pc) => {
        const b = base(s, rn, pc);
        if (typeof b !== 'bigint') return b;
        const e = transferAt(s, mem, pc, b + off, x);
        if (e) return e;
        s.setReg(rn, b + off, true, true);
        return undefined;
      };
    default:
      return (s, mem, pc) => {
        const b = base(s, rn, pc);
        if (typeof b !== 'bigint') return b;
        const e = transferAt(s, mem, pc, b, x);
        if (e) return e;
        s.setReg(rn, b + off, true, true);
        return undefined;
      };
  }
}

/** [Xn|SP, (W|X)m{, extend {#amount}}]: register offset, no writeback. */
export function regOffsetExec(rn: number, rm: number, extend: ExtendType, amount: number, x: Xfer): SimdExec {
  return (s, mem, pc) => {
    const b = base(s, rn, pc);
    if (typeof b !== 'bigint') return b;
    return transferAt(s, mem, pc, b + extendValue(s.xreg(rm), extend, amount, true), x);
  };
}

/** [Xn|SP], Xm: post-index by a register (Rm = 31 encodes the immediate form instead). */
export function postRegExec(rn: number, rm: number, x: Xfer): SimdExec {
  return (s, mem, pc) => {
    const b = base(s, rn, pc);
    if (typeof b !== 'bigint') return b;
    const e = transferAt(s, mem, pc, b, x);
    if (e) return e;
    s.setReg(rn, b + s.x[rm]!, true, true);
    return undefined;
  };
}

/** LDR (literal): PC-relative, the offset from the instruction's own address. */
export function literalExec(offset: number, x: Xfer): SimdExec {
  const off = BigInt(offset);
  return (s, mem, pc) => transferAt(s, mem, pc, fromVa(pc) + off, x);
}

type LdStJit = Extract<SimdJit, { kind: 'ldst' }>;

/**
 * The block translator's description of an access to whole registers (see SimdJit); by default
 * [Xn|SP] with no writeback, aligned to the register size, no replication.
 */
export function ldstJit(
  load: boolean, bytes: number, regs: number[], mode: LdStJit['mode'], rn: number,
  more: Partial<Pick<LdStJit, 'offset' | 'writeback' | 'rm' | 'extend' | 'amount' | 'replicate' | 'align'>> = {},
): SimdJit {
  return {
    kind: 'ldst', load, bytes: bytes as LdStJit['bytes'], regs, replicate: 0, align: bytes, mode, rn, offset: 0,
    writeback: 'none', rm: 31, extend: 3, amount: 0, ...more,
  };
}
