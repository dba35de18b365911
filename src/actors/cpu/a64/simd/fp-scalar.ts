/** Scalar floating point (op0 = x0x1 of the SIMD&FP space). To be implemented. */
import type { SimdFp } from '../insn.js';

export function decodeFpScalar(_w: number): SimdFp | undefined {
  return undefined;
}
