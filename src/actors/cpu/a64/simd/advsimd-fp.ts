/** The FP forms inside the Advanced SIMD groups (vector and scalar). To be implemented. */
import type { SimdFp } from '../insn.js';

/**
 * The Advanced SIMD encoding group a word belongs to (Arm ARM, "Data Processing -- Scalar
 * Floating-Point and Advanced SIMD"); scalar forms are those with bit 28 set.
 */
export type AdvSimdGroup =
  | 'three-same' | 'three-same-fp16' | 'three-same-extra' | 'three-different' | 'two-reg-misc'
  | 'two-reg-misc-fp16' | 'across-lanes' | 'by-element' | 'shift-by-imm' | 'modified-imm' | 'pairwise';

/** Decodes an FP form of `group` (advsimd.ts calls this for the FP opcodes), else undefined. */
export function decodeAdvSimdFp(_w: number, _group: AdvSimdGroup): SimdFp | undefined {
  return undefined;
}
