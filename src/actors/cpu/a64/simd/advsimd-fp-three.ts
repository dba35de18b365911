/**
 * Advanced SIMD three same, FP opcodes (opcode 11xxx, size<1> = a selects the second
 * operation of each slot, size<0> = sz the precision), vector and scalar:
 *
 *   U a | 000     001  010   011   100   101   110   111
 *   0 0 | FMAXNM  FMLA FADD  FMULX FCMEQ  -    FMAX  FRECPS
 *   0 1 | FMINNM  FMLS FSUB   -     -     -    FMIN  FRSQRTS
 *   1 0 | FMAXNMP  -   FADDP FMUL  FCMGE FACGE FMAXP FDIV
 *   1 1 | FMINNMP  -   FABD   -    FCMGT FACGT FMINP  -
 *
 * (the '-' at 101/001 are FEAT_FHM's FMLAL/FMLSL, UNDEFINED in ARMv8.0). Scalar forms exist
 * for FMULX FCMEQ FRECPS FRSQRTS FCMGE FACGE FABD FCMGT FACGT only.
 */
import type { SimdFp } from '../insn.js';
import { bit, bits, simdInsn } from './insn.js';
import {
  fpAbs, fpAdd, fpCompareEQ, fpCompareGE, fpCompareGT, fpDiv, fpMax, fpMaxNum, fpMin, fpMinNum, fpMul,
  fpMulAdd, fpMulX, fpNeg, fpRecipStepFused, fpRSqrtStepFused, fpSub,
} from './softfloat.js';
import {
  accumulateLanes, binaryLanes, onesOf, pairwiseLanes, type FpEsize, type Fn2, type Fn3,
} from './advsimd-fp-lanes.js';
import { asmText, sreg, vreg } from './advsimd-fp-text.js';

type Entry =
  | { name: string; kind: 'bin' | 'pair'; scalar: boolean; fn: (e: FpEsize) => Fn2 }
  | { name: string; kind: 'acc'; scalar: false; fn: (e: FpEsize) => Fn3 };

/** FPCompareXX as an all-ones / zero element. */
function cmp(pred: (a: bigint, b: bigint, e: FpEsize, env: { fpcr: number; fpsr: number }) => boolean, abs: boolean) {
  return (e: FpEsize): Fn2 => {
    const ones = onesOf(e);
    return abs
      ? (a, b, env) => (pred(fpAbs(a, e), fpAbs(b, e), e, env) ? ones : 0n)
      : (a, b, env) => (pred(a, b, e, env) ? ones : 0n);
  };
}

const bin = (name: string, scalar: boolean, fn: (e: FpEsize) => Fn2): Entry => ({ name, kind: 'bin', scalar, fn });
const pair = (name: string, fn: (e: FpEsize) => Fn2): Entry => ({ name, kind: 'pair', scalar: false, fn });

/** Indexed by U:a:opcode<2:0>. */
const TABLE: ReadonlyArray<Entry | undefined> = [
  // U = 0, a = 0
  bin('FMAXNM', false, (e) => (a, b, env) => fpMaxNum(a, b, e, env)),
  { name: 'FMLA', kind: 'acc', scalar: false, fn: (e) => (d, a, b, env) => fpMulAdd(d, a, b, e, env) },
  bin('FADD', false, (e) => (a, b, env) => fpAdd(a, b, e, env)),
  bin('FMULX', true, (e) => (a, b, env) => fpMulX(a, b, e, env)),
  bin('FCMEQ', true, cmp(fpCompareEQ, false)),
  undefined,
  bin('FMAX', false, (e) => (a, b, env) => fpMax(a, b, e, env)),
  bin('FRECPS', true, (e) => (a, b, env) => fpRecipStepFused(a, b, e, env)),
  // U = 0, a = 1
  bin('FMINNM', false, (e) => (a, b, env) => fpMinNum(a, b, e, env)),
  // FMLS negates the first multiplicand before the fused multiply-add (so a NaN's sign flips too).
  { name: 'FMLS', kind: 'acc', scalar: false, fn: (e) => (d, a, b, env) => fpMulAdd(d, fpNeg(a, e), b, e, env) },
  bin('FSUB', false, (e) => (a, b, env) => fpSub(a, b, e, env)),
  undefined,
  undefined,
  undefined,
  bin('FMIN', false, (e) => (a, b, env) => fpMin(a, b, e, env)),
  bin('FRSQRTS', true, (e) => (a, b, env) => fpRSqrtStepFused(a, b, e, env)),
  // U = 1, a = 0
  pair('FMAXNMP', (e) => (a, b, env) => fpMaxNum(a, b, e, env)),
  undefined,
  pair('FADDP', (e) => (a, b, env) => fpAdd(a, b, e, env)),
  bin('FMUL', false, (e) => (a, b, env) => fpMul(a, b, e, env)),
  bin('FCMGE', true, cmp(fpCompareGE, false)),
  bin('FACGE', true, cmp(fpCompareGE, true)),
  pair('FMAXP', (e) => (a, b, env) => fpMax(a, b, e, env)),
  bin('FDIV', false, (e) => (a, b, env) => fpDiv(a, b, e, env)),
  // U = 1, a = 1
  pair('FMINNMP', (e) => (a, b, env) => fpMinNum(a, b, e, env)),
  undefined,
  // FABD: FPAbs(FPSub(a, b)), the absolute value taken of a NaN result as well.
  bin('FABD', true, (e) => (a, b, env) => fpAbs(fpSub(a, b, e, env), e)),
  undefined,
  bin('FCMGT', true, cmp(fpCompareGT, false)),
  bin('FACGT', true, cmp(fpCompareGT, true)),
  pair('FMINP', (e) => (a, b, env) => fpMin(a, b, e, env)),
  undefined,
];

/**
 * Decodes `0 Q U 01110 a sz 1 Rm opcode 1 Rn Rd` (vector) or `01 U 11110 a sz 1 Rm opcode 1 Rn Rd`
 * (scalar) with opcode = 11xxx.
 */
export function decodeFpThreeSame(w: number): SimdFp | undefined {
  const scalar = bit(w, 28) === 1;
  if (scalar ? bits(w, 31, 30) !== 1 || bits(w, 28, 24) !== 0b11110 : bit(w, 31) !== 0 || bits(w, 28, 24) !== 0b01110) {
    return undefined;
  }
  const opcode = bits(w, 15, 11);
  if (bit(w, 21) !== 1 || bit(w, 10) !== 1 || (opcode & 0b11000) !== 0b11000) return undefined;
  const u = bit(w, 29), a = bit(w, 23), sz = bit(w, 22), q = bit(w, 30);
  const entry = TABLE[(u << 4) | (a << 3) | (opcode & 7)];
  if (entry === undefined) return undefined;
  const esize: FpEsize = sz ? 64 : 32;
  const d = bits(w, 4, 0), n = bits(w, 9, 5), m = bits(w, 20, 16);
  const mn = entry.name.toLowerCase();
  if (scalar) {
    if (!entry.scalar || entry.kind !== 'bin') return undefined;
    const text = asmText(mn, sreg(d, esize), sreg(n, esize), sreg(m, esize));
    return simdInsn(entry.name, text, binaryLanes(esize, 1, d, n, m, entry.fn(esize)));
  }
  if (sz === 1 && q === 0) return undefined;
  const lanes = (q ? 128 : 64) / esize;
  const text = asmText(mn, vreg(d, esize, q), vreg(n, esize, q), vreg(m, esize, q));
  switch (entry.kind) {
    case 'acc': return simdInsn(entry.name, text, accumulateLanes(esize, lanes, d, n, m, entry.fn(esize)));
    case 'pair': return simdInsn(entry.name, text, pairwiseLanes(esize, lanes, d, n, m, entry.fn(esize)));
    default: return simdInsn(entry.name, text, binaryLanes(esize, lanes, d, n, m, entry.fn(esize)));
  }
}
