/**
 * Advanced SIMD (scalar) x indexed element, FP forms: FMLA FMLS FMUL FMULX by element
 * (`0 Q U 01111 size L M Rm opcode H 0 Rn Rd`, scalar `01 U 11111 size L M Rm opcode H 0 Rn Rd`).
 *
 *   U opcode | 0001 FMLA   0101 FMLS   1001 FMUL (U = 0) / FMULX (U = 1)
 *   size     | 00 half (FEAT_FP16, UNDEFINED)  01 reserved  10 single: index H:L  11 double: index H, L = 0
 *
 * Unlike the integer forms, Rm is always the full M:Rm (V0-V31).
 */
import type { SimdFp } from '../insn.js';
import { bit, bits, simdInsn } from './insn.js';
import { fpMul, fpMulAdd, fpMulX, fpNeg } from './softfloat.js';
import { byElementLanes, type Fn3, type FpEsize } from './advsimd-fp-lanes.js';
import { asmText, sreg, velem, vreg } from './advsimd-fp-text.js';

interface Op { name: string; acc: boolean; fn: (e: FpEsize) => Fn3 }

function elemOp(u: number, opcode: number): Op | undefined {
  switch ((u << 4) | opcode) {
    case 0b0_0001: return { name: 'FMLA', acc: true, fn: (e) => (d, a, b, env) => fpMulAdd(d, a, b, e, env) };
    // FMLS (by element) negates element1 (the Vn lane) before the fused multiply-add.
    case 0b0_0101: return { name: 'FMLS', acc: true, fn: (e) => (d, a, b, env) => fpMulAdd(d, fpNeg(a, e), b, e, env) };
    case 0b0_1001: return { name: 'FMUL', acc: false, fn: (e) => (_d, a, b, env) => fpMul(a, b, e, env) };
    case 0b1_1001: return { name: 'FMULX', acc: false, fn: (e) => (_d, a, b, env) => fpMulX(a, b, e, env) };
    default: return undefined;
  }
}

export function decodeFpByElement(w: number): SimdFp | undefined {
  const scalar = bit(w, 28) === 1;
  if (scalar ? bits(w, 31, 30) !== 1 || bits(w, 28, 24) !== 0b11111 : bit(w, 31) !== 0 || bits(w, 28, 24) !== 0b01111) {
    return undefined;
  }
  if (bit(w, 10) !== 0) return undefined;
  const op = elemOp(bit(w, 29), bits(w, 15, 12));
  const size = bits(w, 23, 22);
  if (op === undefined || size < 2) return undefined;
  const esize: FpEsize = size === 3 ? 64 : 32;
  const h = bit(w, 11), l = bit(w, 21), q = bit(w, 30);
  if (esize === 64 && (l === 1 || (!scalar && q === 0))) return undefined;
  const index = esize === 64 ? h : (h << 1) | l;
  const d = bits(w, 4, 0), n = bits(w, 9, 5), m = bits(w, 20, 16);
  const lanes = scalar ? 1 : (q ? 128 : 64) / esize;
  const mn = op.name.toLowerCase();
  const text = scalar
    ? asmText(mn, sreg(d, esize), sreg(n, esize), velem(m, esize, index))
    : asmText(mn, vreg(d, esize, q), vreg(n, esize, q), velem(m, esize, index));
  return simdInsn(op.name, text, byElementLanes(esize, lanes, d, n, m, index, op.fn(esize), op.acc));
}
