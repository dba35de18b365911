/** Construction of decoded FP/Advanced SIMD instructions (see SimdFp in ../insn.ts). */
import type { SimdExec, SimdFp } from '../insn.js';

/** A decoded FP/SIMD instruction; `text` is its objdump-style disassembly. */
export function simdInsn(name: string, text: string, exec: SimdExec, mem = false): SimdFp {
  return { op: 'SIMD', name, text, mem, exec };
}

/** Bits hi..lo of w (unsigned). */
export function bits(w: number, hi: number, lo: number): number {
  return (w >>> lo) & ((2 ** (hi - lo + 1)) - 1);
}

/** Bit n of w. */
export function bit(w: number, n: number): number {
  return (w >>> n) & 1;
}
