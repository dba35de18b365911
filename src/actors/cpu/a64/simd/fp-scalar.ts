/**
 * Scalar floating point: the op0 = x0x1 part of the SIMD&FP data-processing space (bit 28 set,
 * bit 30 clear). The groups, as the Arm ARM's decode table separates them:
 *
 *   bit 24 = 1                      FP data-processing (3 source)          fp-scalar-dp.ts
 *   bit 21 = 0                      conversion FP <-> fixed-point          fp-scalar-conv.ts
 *   bits 11:10 = 01 / 10 / 11       conditional compare / 2 source / conditional select
 *   bits 11:10 = 00, bits 15:12 =
 *     xxx1 immediate, xx10 compare, x100 1 source, 1000 unallocated,
 *     0000 conversion FP <-> integer (and FMOV general)
 *
 * S (bit 29) = 1 is unallocated throughout.
 */
import type { SimdFp } from '../insn.js';
import { bit, bits } from './insn.js';
import { decodeFp1Src, decodeFp2Src, decodeFp3Src } from './fp-scalar-dp.js';
import { decodeFpCompare, decodeFpCondCompare, decodeFpCondSelect, decodeFpImm } from './fp-scalar-cmp.js';
import { decodeFpFixedConv, decodeFpIntConv } from './fp-scalar-conv.js';

export function decodeFpScalar(w: number): SimdFp | undefined {
  if (bit(w, 29) !== 0) return undefined;
  if (bit(w, 24) !== 0) return decodeFp3Src(w);
  if (bit(w, 21) === 0) return decodeFpFixedConv(w);
  switch (bits(w, 11, 10)) {
    case 1: return decodeFpCondCompare(w);
    case 2: return decodeFp2Src(w);
    case 3: return decodeFpCondSelect(w);
    default: break;
  }
  const op = bits(w, 15, 12);
  if ((op & 1) !== 0) return decodeFpImm(w);
  if ((op & 2) !== 0) return decodeFpCompare(w);
  if ((op & 4) !== 0) return decodeFp1Src(w);
  if (op !== 0) return undefined;
  return decodeFpIntConv(w);
}
