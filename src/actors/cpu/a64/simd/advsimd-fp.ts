/**
 * The FP forms inside the Advanced SIMD groups, vector and scalar (scalar: bit 28 set), for
 * single and double precision (ARMv8.0-A: FEAT_FP16 arithmetic, FEAT_FHM, FEAT_FCMA, FEAT_BF16
 * and FEAT_FRINTTS forms are UNDEFINED). advsimd.ts routes a word here with its group; each
 * group's decoder re-checks the group's fixed bits and returns undefined for anything that is
 * not an allocated FP form, so a misrouted word is UNDEFINED rather than misexecuted.
 *
 * Decoding happens once per word: the returned SimdFp's exec is a closure specialised on
 * element size, lane count and registers (see advsimd-fp-lanes.ts).
 */
import type { SimdFp } from '../insn.js';
import { decodeFpThreeSame } from './advsimd-fp-three.js';
import { decodeFpTwoRegMisc } from './advsimd-fp-misc.js';
import { decodeFpAcrossLanes, decodeFpScalarPairwise } from './advsimd-fp-reduce.js';
import { decodeFpByElement } from './advsimd-fp-elem.js';
import { decodeFpShiftImm } from './advsimd-fp-fixed.js';
import { decodeFpModifiedImm } from './advsimd-fp-imm.js';

/**
 * The Advanced SIMD encoding group a word belongs to (Arm ARM, "Data Processing -- Scalar
 * Floating-Point and Advanced SIMD"); scalar forms are those with bit 28 set.
 */
export type AdvSimdGroup =
  | 'three-same' | 'three-same-fp16' | 'three-same-extra' | 'three-different' | 'two-reg-misc'
  | 'two-reg-misc-fp16' | 'across-lanes' | 'by-element' | 'shift-by-imm' | 'modified-imm' | 'pairwise';

/** Decodes an FP form of `group` (advsimd.ts calls this for the FP opcodes), else undefined. */
export function decodeAdvSimdFp(w: number, group: AdvSimdGroup): SimdFp | undefined {
  w >>>= 0;
  switch (group) {
    case 'three-same': return decodeFpThreeSame(w);
    case 'two-reg-misc': return decodeFpTwoRegMisc(w);
    case 'across-lanes': return decodeFpAcrossLanes(w);
    case 'pairwise': return decodeFpScalarPairwise(w);
    case 'by-element': return decodeFpByElement(w);
    case 'shift-by-imm': return decodeFpShiftImm(w);
    case 'modified-imm': return decodeFpModifiedImm(w);
    // FEAT_FP16 (half-precision arithmetic), FEAT_FCMA/FEAT_FHM (three same extra, three
    // different): not in ARMv8.0-A.
    case 'three-same-fp16': case 'two-reg-misc-fp16': case 'three-same-extra': case 'three-different':
      return undefined;
  }
}
