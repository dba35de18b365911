/** Construction of decoded FP/Advanced SIMD instructions (see SimdFp in ../insn.ts). */
import type { SimdExec, SimdFp, SimdJit } from '../insn.js';

/**
 * A decoded FP/SIMD instruction; `text` is its objdump-style disassembly, `jit` the description
 * of a form the block translator inlines.
 */
export function simdInsn(name: string, text: string, exec: SimdExec, mem = false, jit?: SimdJit): SimdFp {
  return jit === undefined ? { op: 'SIMD', name, text, mem, exec } : { op: 'SIMD', name, text, mem, exec, jit };
}

/** Bits hi..lo of w (unsigned). */
export function bits(w: number, hi: number, lo: number): number {
  return (w >>> lo) & ((2 ** (hi - lo + 1)) - 1);
}

/** Bit n of w. */
export function bit(w: number, n: number): number {
  return (w >>> n) & 1;
}
