/** Loads and stores of SIMD&FP registers. To be implemented. */
import type { SimdFp } from '../insn.js';

export function decodeSimdLdSt(_w: number): SimdFp | undefined {
  return undefined;
}
