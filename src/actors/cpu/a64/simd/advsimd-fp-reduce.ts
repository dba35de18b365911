/**
 * Reductions to a scalar: across lanes FMAXNMV FMINNMV FMAXV FMINV (`0 Q 1 01110 a sz 11000
 * opcode 10 Rn Rd`, single precision 4S only) and the scalar pairwise FADDP FMAXP FMINP FMAXNMP
 * FMINNMP (`01 1 11110 a sz 11000 opcode 10 Rn Rd`, 2S → S or 2D → D). Both use the Arm ARM's
 * Reduce(): a pairwise tree, see reduceLanes. U = 0 holds their FEAT_FP16 forms (UNDEFINED).
 *
 *   opcode | a = 0    a = 1
 *   01100  | FMAXNM   FMINNM
 *   01101  | FADD       -
 *   01111  | FMAX     FMIN
 */
import type { SimdFp } from '../insn.js';
import { bit, bits, simdInsn } from './insn.js';
import { fpAdd, fpMax, fpMaxNum, fpMin, fpMinNum } from './softfloat.js';
import { reduceLanes, type Fn2, type FpEsize } from './advsimd-fp-lanes.js';
import { asmText, sreg, vreg } from './advsimd-fp-text.js';

function reduceOp(a: number, opcode: number): { name: string; fn: (e: FpEsize) => Fn2 } | undefined {
  switch (opcode) {
    case 0b01100: return a
      ? { name: 'FMINNM', fn: (e) => (x, y, env) => fpMinNum(x, y, e, env) }
      : { name: 'FMAXNM', fn: (e) => (x, y, env) => fpMaxNum(x, y, e, env) };
    case 0b01101: return a ? undefined : { name: 'FADD', fn: (e) => (x, y, env) => fpAdd(x, y, e, env) };
    case 0b01111: return a
      ? { name: 'FMIN', fn: (e) => (x, y, env) => fpMin(x, y, e, env) }
      : { name: 'FMAX', fn: (e) => (x, y, env) => fpMax(x, y, e, env) };
    default: return undefined;
  }
}

/** Across lanes: <op>V Sd, Vn.4S. */
export function decodeFpAcrossLanes(w: number): SimdFp | undefined {
  if (bit(w, 31) !== 0 || bits(w, 29, 24) !== 0b101110 || bits(w, 21, 17) !== 0b11000 || bits(w, 11, 10) !== 0b10) {
    return undefined;
  }
  const op = reduceOp(bit(w, 23), bits(w, 16, 12));
  // The 2S and double forms are reserved: the reduction needs four single-precision lanes.
  if (op === undefined || op.name === 'FADD' || bit(w, 22) !== 0 || bit(w, 30) !== 1) return undefined;
  const d = bits(w, 4, 0), n = bits(w, 9, 5);
  const name = `${op.name}V`;
  return simdInsn(name, asmText(name.toLowerCase(), sreg(d, 32), vreg(n, 32, 1)), reduceLanes(32, 4, d, n, op.fn(32)));
}

/** Scalar pairwise: <op>P Sd, Vn.2S / Dd, Vn.2D. */
export function decodeFpScalarPairwise(w: number): SimdFp | undefined {
  if (bits(w, 31, 24) !== 0b01111110 || bits(w, 21, 17) !== 0b11000 || bits(w, 11, 10) !== 0b10) return undefined;
  const op = reduceOp(bit(w, 23), bits(w, 16, 12));
  if (op === undefined) return undefined;
  const esize: FpEsize = bit(w, 22) ? 64 : 32;
  const d = bits(w, 4, 0), n = bits(w, 9, 5);
  const name = `${op.name}P`;
  const text = asmText(name.toLowerCase(), sreg(d, esize), vreg(n, esize, esize === 64 ? 1 : 0));
  return simdInsn(name, text, reduceLanes(esize, 2, d, n, op.fn(esize)));
}
