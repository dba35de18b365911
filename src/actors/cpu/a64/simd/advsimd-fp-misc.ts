/**
 * Advanced SIMD two-register misc, FP opcodes, vector and scalar (`0 Q U 01110 a sz 10000 opcode
 * 10 Rn Rd`, scalar `01 U 11110 a sz 10000 opcode 10 Rn Rd`), keyed by U:a:opcode:
 *
 *   U a | 01100  01101  01110  01111 | 10110   10111 | 11000  11001  11010  11011  11100   11101   11111
 *   0 0 |                            | FCVTN   FCVTL | FRINTN FRINTM FCVTNS FCVTMS FCVTAS  SCVTF
 *   0 1 | FCMGT0 FCMEQ0 FCMLT0 FABS  |               | FRINTP FRINTZ FCVTPS FCVTZS URECPE  FRECPE  FRECPX
 *   1 0 |                            | FCVTXN        | FRINTA FRINTX FCVTNU FCVTMU FCVTAU  UCVTF
 *   1 1 | FCMGE0 FCMLE0   -    FNEG  |               |   -    FRINTI FCVTPU FCVTZU URSQRTE FRSQRTE FSQRT
 *
 * FRINT*, FABS, FNEG, FSQRT, URECPE, URSQRTE, FCVTN and FCVTL are vector only, FRECPX is scalar
 * only, FCVTXN is both (double source only). The FEAT_FRINTTS opcodes 11110/11111 (a = 0) and
 * FEAT_BF16's BFCVTN are UNDEFINED.
 */
import type { SimdFp } from '../insn.js';
import { bit, bits, simdInsn } from './insn.js';
import {
  fixedToFp, fpAbs, fpCompareEQ, fpCompareGE, fpCompareGT, fpcrRounding, fpNeg, fpRecipEstimate, fpRecpX,
  fpRoundInt, fpRSqrtEstimate, fpSqrt, fpToFixed, Rounding, type RoundingMode,
} from './softfloat.js';
import { onesOf, unaryLanes, type Fn1, type FpEsize } from './advsimd-fp-lanes.js';
import { asmText, sreg, vreg } from './advsimd-fp-text.js';
import { narrowInsn, scalarFcvtxnInsn, widenInsn } from './advsimd-fp-cvtlen.js';
import { unsignedRecipEstimate, unsignedRSqrtEstimate } from './advsimd-fp-uestimate.js';

/** Where a form exists: vector only, scalar only, or both. */
type Forms = 'v' | 's' | 'vs';

type Entry =
  | { name: string; kind: 'un'; forms: Forms; fn: (e: FpEsize) => Fn1; zero?: true }
  | { name: string; kind: 'uest'; fn: (x: number) => number }
  | { name: 'FCVTN' | 'FCVTXN'; kind: 'narrow' }
  | { name: 'FCVTL'; kind: 'widen' };

const un = (name: string, forms: Forms, fn: (e: FpEsize) => Fn1): Entry => ({ name, kind: 'un', forms, fn });

/** FRINT<mode>: a fixed rounding, or FPCR's (mode undefined) for FRINTI/FRINTX. */
const frint = (name: string, mode: RoundingMode | undefined, exact: boolean): Entry =>
  un(name, 'v', (e) => mode === undefined
    ? (a, env) => fpRoundInt(a, e, fpcrRounding(env), exact, env)
    : (a, env) => fpRoundInt(a, e, mode, exact, env));

/** FCVT<mode>S/U (vector, integer): FPToFixed(op, 0, unsigned, mode) to an esize-bit integer. */
const fcvt = (name: string, mode: RoundingMode, unsigned: boolean): Entry =>
  un(name, 'vs', (e) => (a, env) => fpToFixed(a, e, 0, unsigned, mode, e, env));

/** SCVTF/UCVTF (vector, integer): FixedToFP(op, 0, unsigned, FPCR rounding). */
const cvtf = (name: string, unsigned: boolean): Entry =>
  un(name, 'vs', (e) => (a, env) => fixedToFp(a, e, 0, unsigned, e, fpcrRounding(env), env));

/** Compare against +0.0; `swap` puts zero first (FCMLT x = 0 > x, FCMLE x = 0 >= x). */
type Pred = (a: bigint, b: bigint, e: FpEsize, env: { fpcr: number; fpsr: number }) => boolean;
const cmp0 = (name: string, pred: Pred, swap: boolean): Entry => ({
  name, kind: 'un', forms: 'vs', zero: true,
  fn: (e) => {
    const ones = onesOf(e);
    return swap ? (a, env) => (pred(0n, a, e, env) ? ones : 0n) : (a, env) => (pred(a, 0n, e, env) ? ones : 0n);
  },
});

const key = (u: number, a: number, opcode: number): number => (u << 6) | (a << 5) | opcode;

const TABLE = new Map<number, Entry>([
  [key(0, 0, 0b10110), { name: 'FCVTN', kind: 'narrow' }],
  [key(0, 0, 0b10111), { name: 'FCVTL', kind: 'widen' }],
  [key(0, 0, 0b11000), frint('FRINTN', Rounding.TIEEVEN, false)],
  [key(0, 0, 0b11001), frint('FRINTM', Rounding.NEGINF, false)],
  [key(0, 0, 0b11010), fcvt('FCVTNS', Rounding.TIEEVEN, false)],
  [key(0, 0, 0b11011), fcvt('FCVTMS', Rounding.NEGINF, false)],
  [key(0, 0, 0b11100), fcvt('FCVTAS', Rounding.TIEAWAY, false)],
  [key(0, 0, 0b11101), cvtf('SCVTF', false)],
  [key(0, 1, 0b01100), cmp0('FCMGT', fpCompareGT, false)],
  [key(0, 1, 0b01101), cmp0('FCMEQ', fpCompareEQ, false)],
  [key(0, 1, 0b01110), cmp0('FCMLT', fpCompareGT, true)],
  [key(0, 1, 0b01111), un('FABS', 'v', (e) => (a) => fpAbs(a, e))],
  [key(0, 1, 0b11000), frint('FRINTP', Rounding.POSINF, false)],
  [key(0, 1, 0b11001), frint('FRINTZ', Rounding.ZERO, false)],
  [key(0, 1, 0b11010), fcvt('FCVTPS', Rounding.POSINF, false)],
  [key(0, 1, 0b11011), fcvt('FCVTZS', Rounding.ZERO, false)],
  [key(0, 1, 0b11100), { name: 'URECPE', kind: 'uest', fn: unsignedRecipEstimate }],
  [key(0, 1, 0b11101), un('FRECPE', 'vs', (e) => (a, env) => fpRecipEstimate(a, e, env))],
  [key(0, 1, 0b11111), un('FRECPX', 's', (e) => (a, env) => fpRecpX(a, e, env))],
  [key(1, 0, 0b10110), { name: 'FCVTXN', kind: 'narrow' }],
  [key(1, 0, 0b11000), frint('FRINTA', Rounding.TIEAWAY, false)],
  [key(1, 0, 0b11001), frint('FRINTX', undefined, true)],
  [key(1, 0, 0b11010), fcvt('FCVTNU', Rounding.TIEEVEN, true)],
  [key(1, 0, 0b11011), fcvt('FCVTMU', Rounding.NEGINF, true)],
  [key(1, 0, 0b11100), fcvt('FCVTAU', Rounding.TIEAWAY, true)],
  [key(1, 0, 0b11101), cvtf('UCVTF', true)],
  [key(1, 1, 0b01100), cmp0('FCMGE', fpCompareGE, false)],
  [key(1, 1, 0b01101), cmp0('FCMLE', fpCompareGE, true)],
  [key(1, 1, 0b01111), un('FNEG', 'v', (e) => (a) => fpNeg(a, e))],
  [key(1, 1, 0b11001), frint('FRINTI', undefined, false)],
  [key(1, 1, 0b11010), fcvt('FCVTPU', Rounding.POSINF, true)],
  [key(1, 1, 0b11011), fcvt('FCVTZU', Rounding.ZERO, true)],
  [key(1, 1, 0b11100), { name: 'URSQRTE', kind: 'uest', fn: unsignedRSqrtEstimate }],
  [key(1, 1, 0b11101), un('FRSQRTE', 'vs', (e) => (a, env) => fpRSqrtEstimate(a, e, env))],
  [key(1, 1, 0b11111), un('FSQRT', 'v', (e) => (a, env) => fpSqrt(a, e, env))],
]);

/** URECPE/URSQRTE Vd.<2S|4S>: integer lanes, no FP state involved. */
function unsignedEstimateInsn(name: string, f: (x: number) => number, q: number, d: number, n: number): SimdFp {
  const lanes = q ? 4 : 2;
  const text = asmText(name.toLowerCase(), vreg(d, 32, q), vreg(n, 32, q));
  return simdInsn(name, text, (s) => {
    const v = s.v32;
    for (let k = 0; k < lanes; k++) v[d * 4 + k] = f(v[n * 4 + k]!);
    if (q === 0) s.v64[d * 2 + 1] = 0n;
    return undefined;
  });
}

/** Decodes the FP forms of (scalar) two-register misc; undefined for everything else. */
export function decodeFpTwoRegMisc(w: number): SimdFp | undefined {
  const scalar = bit(w, 28) === 1;
  if (scalar ? bits(w, 31, 30) !== 1 || bits(w, 28, 24) !== 0b11110 : bit(w, 31) !== 0 || bits(w, 28, 24) !== 0b01110) {
    return undefined;
  }
  if (bits(w, 21, 17) !== 0b10000 || bits(w, 11, 10) !== 0b10) return undefined;
  const u = bit(w, 29), a = bit(w, 23), sz = bit(w, 22), q = bit(w, 30);
  const entry = TABLE.get(key(u, a, bits(w, 16, 12)));
  if (entry === undefined) return undefined;
  const d = bits(w, 4, 0), n = bits(w, 9, 5);
  switch (entry.kind) {
    case 'narrow':
      // FCVTXN exists for a double source only; FCVTN narrows single to half too.
      if (entry.name === 'FCVTXN' && sz === 0) return undefined;
      if (scalar) return entry.name === 'FCVTXN' ? scalarFcvtxnInsn(d, n) : undefined;
      return narrowInsn(entry.name, sz ? 32 : 16, q, d, n);
    case 'widen':
      return scalar ? undefined : widenInsn(sz ? 32 : 16, q, d, n);
    case 'uest':
      return scalar || sz === 1 ? undefined : unsignedEstimateInsn(entry.name, entry.fn, q, d, n);
    default: {
      if (!entry.forms.includes(scalar ? 's' : 'v')) return undefined;
      if (!scalar && sz === 1 && q === 0) return undefined;
      const esize: FpEsize = sz ? 64 : 32;
      const lanes = scalar ? 1 : (q ? 128 : 64) / esize;
      const ops = scalar ? [sreg(d, esize), sreg(n, esize)] : [vreg(d, esize, q), vreg(n, esize, q)];
      if (entry.zero) ops.push('#0.0');
      return simdInsn(entry.name, asmText(entry.name.toLowerCase(), ...ops), unaryLanes(esize, lanes, d, n, entry.fn(esize)));
    }
  }
}
