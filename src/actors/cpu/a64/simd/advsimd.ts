/**
 * Advanced SIMD data processing: the group decode of the Arm ARM's "Data Processing -- Scalar
 * Floating-Point and Advanced SIMD" table for op0 = 0xx0/01x1 (vector: bit 28 = 0; scalar:
 * bit 28 = 1 with bit 30 = 1). Each group decoder builds a closure specialised on its fields
 * and hands the FP opcodes of its group to advsimd-fp.ts.
 *
 *   bit 24 = 0, bit 21 = 1:  bits 11:10 = 00  three different          advsimd-3diff.ts
 *                            bit 10 = 1       three same               advsimd-3same.ts
 *                            bits 11:10 = 10  bits 20:17 = 0000 two-register misc (advsimd-misc.ts),
 *                                             1000 across lanes / scalar pairwise, 1100 FP16 misc;
 *                                             0100 is crypto AES/SHA (UNDEFINED)
 *   bit 24 = 0, bit 21 = 0:  copy (bits 23:21 = 000, bit 15 = 0, bit 10 = 1), three-same FP16,
 *                            three-same extra (bit 15 = 1, bit 10 = 1), and for vectors only
 *                            permute / TBL (bit 29 = 0) and EXT (bit 29 = 1)
 *   bit 24 = 1:              bit 10 = 0 by element; bit 10 = 1, bit 23 = 0: immh = 0 modified
 *                            immediate (vector only), else shift by immediate
 */
import type { SimdFp } from '../insn.js';
import { bit, bits } from './insn.js';
import { decodeAdvSimdFp } from './advsimd-fp.js';
import { decodeThreeSame } from './advsimd-3same.js';
import { decodeThreeDiff } from './advsimd-3diff.js';
import { decodeTwoRegMisc } from './advsimd-misc.js';
import { decodeAcrossLanes } from './advsimd-across.js';
import { decodeScalarPairwise } from './advsimd-pairwise.js';
import { decodeCopy } from './advsimd-copy.js';
import { decodeExt, decodePermute, decodeTable } from './advsimd-perm.js';
import { decodeModImm } from './advsimd-modimm.js';
import { decodeShiftImm } from './advsimd-shift.js';
import { decodeByElement } from './advsimd-elem.js';

export function decodeAdvSimd(w: number): SimdFp | undefined {
  if (bit(w, 31) || bits(w, 27, 25) !== 7) return undefined;
  const scalar = bit(w, 28) === 1;
  if (scalar && !bit(w, 30)) return undefined;
  if (bit(w, 24)) {
    if (!bit(w, 10)) return decodeByElement(w, scalar);
    if (bit(w, 23)) return undefined;
    if (bits(w, 22, 19) === 0) return scalar ? undefined : decodeModImm(w);
    return decodeShiftImm(w, scalar);
  }
  if (bit(w, 21)) {
    const op = bits(w, 11, 10);
    if (op === 0) return decodeThreeDiff(w, scalar);
    if (op & 1) return decodeThreeSame(w, scalar);
    if (op !== 2) return undefined;
    switch (bits(w, 20, 17)) {
      case 0x0: return decodeTwoRegMisc(w, scalar);
      case 0x8: return scalar ? decodeScalarPairwise(w) : decodeAcrossLanes(w);
      case 0xc: return decodeAdvSimdFp(w, 'two-reg-misc-fp16');
      default: return undefined;
    }
  }
  if (bit(w, 10)) {
    if (bit(w, 15)) return threeSameExtra(w, scalar);
    if (bits(w, 23, 21) === 0) return decodeCopy(w, scalar);
    if (bit(w, 22) && !bit(w, 14)) return decodeAdvSimdFp(w, 'three-same-fp16');
    return undefined;
  }
  if (scalar || bit(w, 15)) return undefined;
  if (bit(w, 29)) return decodeExt(w);
  return bit(w, 11) ? decodePermute(w) : decodeTable(w);
}

/**
 * Three same extra (bit 21 = 0, bit 15 = 1, bit 10 = 1): all ARMv8.1+ (SQRDMLAH/SQRDMLSH, the
 * dot products, FCMLA/FCADD). Only the FP ones (vector, U = 1, opcode 1xxx) are passed on.
 */
function threeSameExtra(w: number, scalar: boolean): SimdFp | undefined {
  if (!scalar && bit(w, 29) && bit(w, 14)) return decodeAdvSimdFp(w, 'three-same-extra');
  return undefined;
}
