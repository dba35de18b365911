/**
 * Advanced SIMD modified immediate, FP form: FMOV Vd.<2S|4S|2D>, #imm (`0 Q op 0111100000 a b c
 * cmode=1111 o2 1 d e f g h Rd`): op = 0, o2 = 0 single; op = 1, o2 = 0, Q = 1 double; o2 = 1 is
 * FEAT_FP16's half form and op = 1 with Q = 0 is unallocated (both UNDEFINED here).
 */
import type { SimdFp } from '../insn.js';
import { bit, bits, simdInsn } from './insn.js';
import { asmText, fpImmText, vreg } from './advsimd-fp-text.js';

/**
 * VFPExpandImm(imm8) for single (32) or double (64): sign = imm8<7>,
 * exponent = NOT(imm8<6>) : Replicate(imm8<6>, E - 3) : imm8<5:4>, fraction = imm8<3:0> : zeros.
 */
export function vfpExpandImm(imm8: number, size: 32 | 64): bigint {
  const e = size === 32 ? 8 : 11;
  const f = size - e - 1;
  const b6 = (imm8 >> 6) & 1;
  const exp = ((b6 ^ 1) << (e - 1)) | ((b6 ? (1 << (e - 3)) - 1 : 0) << 2) | ((imm8 >> 4) & 3);
  return (BigInt(imm8 >> 7) << BigInt(size - 1)) | (BigInt(exp) << BigInt(f)) | (BigInt(imm8 & 15) << BigInt(f - 4));
}

/** The value of an FP bit pattern, for the disassembly only. */
function bitsToNumber(v: bigint, size: 32 | 64): number {
  const dv = new DataView(new ArrayBuffer(8));
  if (size === 32) {
    dv.setUint32(0, Number(v));
    return dv.getFloat32(0);
  }
  dv.setBigUint64(0, v);
  return dv.getFloat64(0);
}

export function decodeFpModifiedImm(w: number): SimdFp | undefined {
  if (bit(w, 31) !== 0 || bits(w, 28, 19) !== 0b0111100000 || bit(w, 10) !== 1) return undefined;
  const op = bit(w, 29), q = bit(w, 30);
  if (bits(w, 15, 12) !== 0b1111 || bit(w, 11) !== 0 || (op === 1 && q === 0)) return undefined;
  const imm8 = (bits(w, 18, 16) << 5) | bits(w, 9, 5);
  const d = bits(w, 4, 0);
  const size = op ? 64 : 32;
  const imm = vfpExpandImm(imm8, size);
  const lo = size === 64 ? imm : imm | (imm << 32n);
  const text = asmText('fmov', vreg(d, size, q), fpImmText(bitsToNumber(imm, size)));
  return simdInsn('FMOV', text, (s) => {
    s.v64[d * 2] = lo;
    s.v64[d * 2 + 1] = q ? lo : 0n;
    return undefined;
  });
}
