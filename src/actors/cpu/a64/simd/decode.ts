/**
 * Decoder of the FP and Advanced SIMD encodings: the data-processing space (op0 = x111) and
 * the loads/stores of SIMD&FP registers (V = 1). Every group decoder returns a SimdFp
 * (its fields in a closure) or undefined for an encoding it does not implement, which is
 * UNDEFINED here as everywhere in decode.ts.
 *
 *   bit 28 = 1, bit 30 = 0 : scalar floating point (conversions, 1/2/3-source, compare,
 *                            conditional compare/select, immediate)        fp-scalar.ts
 *   otherwise              : Advanced SIMD vector (bit 28 = 0) and scalar
 *                            (bit 28 = 1, bit 30 = 1) groups               advsimd.ts
 *                            (their FP forms: advsimd-fp.ts); crypto stays UNDEFINED
 */
import type { Insn } from '../insn.js';
import { undef } from '../decode-common.js';
import { decodeFpScalar } from './fp-scalar.js';
import { decodeAdvSimd } from './advsimd.js';
import { decodeSimdLdSt } from './ldst.js';

/** op0 = x111: FP and Advanced SIMD data processing. */
export function decodeSimdDp(w: number): Insn {
  const r = ((w >>> 28) & 1) === 1 && ((w >>> 30) & 1) === 0 ? decodeFpScalar(w) : decodeAdvSimd(w);
  return r ?? undef(w);
}

/** A load/store encoding with V (bit 26) set. */
export function decodeSimdMem(w: number): Insn {
  return decodeSimdLdSt(w) ?? undef(w);
}
