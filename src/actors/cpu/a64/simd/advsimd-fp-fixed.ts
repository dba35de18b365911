/**
 * Advanced SIMD (scalar) shift by immediate, FP forms: the fixed-point conversions SCVTF UCVTF
 * (opcode 11100) and FCVTZS FCVTZU (opcode 11111), `0 Q U 011110 immh immb opcode 1 Rn Rd`,
 * scalar `01 U 111110 immh immb opcode 1 Rn Rd`.
 *
 *   immh | 0000 not this group (modified immediate)  0001 reserved  001x half (FEAT_FP16,
 *        | UNDEFINED)  01xx single: fbits = 64 - immh:immb  1xxx double: fbits = 128 - immh:immb
 */
import type { SimdFp } from '../insn.js';
import { bit, bits, simdInsn } from './insn.js';
import { fixedToFp, fpcrRounding, fpToFixed, Rounding } from './softfloat.js';
import { unaryLanes, type Fn1, type FpEsize } from './advsimd-fp-lanes.js';
import { asmText, sreg, vreg } from './advsimd-fp-text.js';

export function decodeFpShiftImm(w: number): SimdFp | undefined {
  const scalar = bit(w, 28) === 1;
  if (scalar ? bits(w, 31, 30) !== 1 || bits(w, 28, 23) !== 0b111110 : bit(w, 31) !== 0 || bits(w, 28, 23) !== 0b011110) {
    return undefined;
  }
  if (bit(w, 10) !== 1) return undefined;
  const opcode = bits(w, 15, 11), u = bit(w, 29), q = bit(w, 30), immh = bits(w, 22, 19);
  const toFp = opcode === 0b11100;
  if ((!toFp && opcode !== 0b11111) || immh < 4) return undefined;
  const esize: FpEsize = immh >= 8 ? 64 : 32;
  if (esize === 64 && !scalar && q === 0) return undefined;
  const fbits = esize * 2 - bits(w, 22, 16);
  const unsigned = u === 1;
  const fn: Fn1 = toFp
    // FixedToFP(element, fbits, unsigned, FPCR rounding)
    ? (a, env) => fixedToFp(a, esize, fbits, unsigned, esize, fpcrRounding(env), env)
    // FPToFixed(element, fbits, unsigned, FPRounding_ZERO)
    : (a, env) => fpToFixed(a, esize, fbits, unsigned, Rounding.ZERO, esize, env);
  const name = toFp ? (unsigned ? 'UCVTF' : 'SCVTF') : (unsigned ? 'FCVTZU' : 'FCVTZS');
  const d = bits(w, 4, 0), n = bits(w, 9, 5);
  const lanes = scalar ? 1 : (q ? 128 : 64) / esize;
  const regs = scalar ? [sreg(d, esize), sreg(n, esize)] : [vreg(d, esize, q), vreg(n, esize, q)];
  return simdInsn(name, asmText(name.toLowerCase(), ...regs, `#${fbits}`), unaryLanes(esize, lanes, d, n, fn));
}
