/** Advanced SIMD vector and scalar groups. To be implemented. */
import type { SimdFp } from '../insn.js';

export function decodeAdvSimd(_w: number): SimdFp | undefined {
  return undefined;
}
