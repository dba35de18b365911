/**
 * Conversions between floating-point and fixed-point or integer general registers (SCVTF,
 * UCVTF, FCVT{N,P,M,Z,A}{S,U}) and FMOV between general and FP registers (including the
 * upper half of a V register: FMOV Xd, Vn.D[1] / FMOV Vd.D[1], Xn).
 */
import type { SimdFp } from '../insn.js';
import type { A64State } from '../state.js';
import { bit, bits, simdInsn } from './insn.js';
import { fixedToFp, fpcrRounding, fpToFixed, Rounding, type FpSize, type RoundingMode } from './softfloat.js';
import { asm, fpReg, ftypeSize, genReg, readF, writeF } from './fp-scalar-common.js';

/** Xn/Wn (31 = zero register). */
function readGen(s: A64State, n: number, sf: boolean): bigint {
  return s.reg(n, sf, false);
}

/** SCVTF/UCVTF Vd = Rn / 2^fbits, rounded by FPCR. */
function intToFp(name: string, sf: boolean, unsigned: boolean, size: FpSize, d: number, n: number, fbits: number, text: string): SimdFp {
  const intBits = sf ? 64 : 32;
  return simdInsn(name, text, (s) => {
    writeF(s, d, size, fixedToFp(readGen(s, n, sf), intBits, fbits, unsigned, size, fpcrRounding(s), s));
    return undefined;
  });
}

/** FCVT*S/U Rd = Vn × 2^fbits rounded by `rounding`, saturated. */
function fpToInt(
  name: string, sf: boolean, unsigned: boolean, size: FpSize, d: number, n: number, fbits: number, rounding: RoundingMode, text: string,
): SimdFp {
  const intBits = sf ? 64 : 32;
  return simdInsn(name, text, (s) => {
    s.setReg(d, fpToFixed(readF(s, n, size), size, fbits, unsigned, rounding, intBits, s), sf, false);
    return undefined;
  });
}

/**
 * Conversion between floating-point and fixed-point: sf 0 S 11110 ftype 0 rmode opcode scale
 * Rn Rd with fbits = 64 - scale (at most 32 for W registers).
 */
export function decodeFpFixedConv(w: number): SimdFp | undefined {
  const sf = bit(w, 31) === 1;
  const size = ftypeSize(bits(w, 23, 22));
  const scale = bits(w, 15, 10);
  if (size === undefined || (!sf && scale < 32)) return undefined;
  const fbits = 64 - scale;
  const op = (bits(w, 20, 19) << 3) | bits(w, 18, 16);
  const n = bits(w, 9, 5);
  const d = bits(w, 4, 0);
  switch (op) {
    case 0b00_010: case 0b00_011: {
      const name = op === 0b00_010 ? 'scvtf' : 'ucvtf';
      return intToFp(name, sf, op === 0b00_011, size, d, n, fbits, asm(name, fpReg(size, d), genReg(sf, n), `#${fbits}`));
    }
    case 0b11_000: case 0b11_001: {
      const name = op === 0b11_000 ? 'fcvtzs' : 'fcvtzu';
      const text = asm(name, genReg(sf, d), fpReg(size, n), `#${fbits}`);
      return fpToInt(name, sf, op === 0b11_001, size, d, n, fbits, Rounding.ZERO, text);
    }
    default: return undefined;
  }
}

/** FCVT{N,P,M,Z}{S,U} by rmode. */
const CVT_BY_RMODE: readonly [string, RoundingMode][] = [
  ['fcvtn', Rounding.TIEEVEN], ['fcvtp', Rounding.POSINF], ['fcvtm', Rounding.NEGINF], ['fcvtz', Rounding.ZERO],
];

/**
 * Conversion between floating-point and integer: sf 0 S 11110 ftype 1 rmode opcode 000000 Rn Rd.
 * Half precision (ftype 11) forms are all FEAT_FP16 (UNDEFINED here); ftype 10 is only the
 * FMOV of the upper 64 bits.
 */
export function decodeFpIntConv(w: number): SimdFp | undefined {
  const sf = bit(w, 31) === 1;
  const ftype = bits(w, 23, 22);
  const rmode = bits(w, 20, 19);
  const opcode = bits(w, 18, 16);
  const n = bits(w, 9, 5);
  const d = bits(w, 4, 0);
  if (ftype === 2) return sf && rmode === 1 && opcode >= 6 ? fmovTop(opcode === 7, d, n) : undefined;
  const size = ftypeSize(ftype);
  if (size === undefined) return undefined;
  if (opcode >= 6) {
    // FMOV general <-> FP: same width only (W with S, X with D); rmode 11 of W <- D is FJCVTZS.
    if (rmode !== 0 || sf !== (size === 64)) return undefined;
    return opcode === 7 ? fmovToFp(sf, size, d, n) : fmovToGen(sf, size, d, n);
  }
  const unsigned = (opcode & 1) === 1;
  if (opcode < 2) {
    const [base, rounding] = CVT_BY_RMODE[rmode]!;
    const name = base + (unsigned ? 'u' : 's');
    return fpToInt(name, sf, unsigned, size, d, n, 0, rounding, asm(name, genReg(sf, d), fpReg(size, n)));
  }
  if (rmode !== 0) return undefined;
  if (opcode < 4) {
    const name = unsigned ? 'ucvtf' : 'scvtf';
    return intToFp(name, sf, unsigned, size, d, n, 0, asm(name, fpReg(size, d), genReg(sf, n)));
  }
  const name = unsigned ? 'fcvtau' : 'fcvtas';
  return fpToInt(name, sf, unsigned, size, d, n, 0, Rounding.TIEAWAY, asm(name, genReg(sf, d), fpReg(size, n)));
}

/** FMOV Sd, Wn / FMOV Dd, Xn: the bits, upper part of Vd zeroed. */
function fmovToFp(sf: boolean, size: FpSize, d: number, n: number): SimdFp {
  return simdInsn('fmov', asm('fmov', fpReg(size, d), genReg(sf, n)), (s) => {
    writeF(s, d, size, readGen(s, n, sf));
    return undefined;
  }, false, { kind: 'fmov', toGen: false, sf, top: false, d, n });
}

/** FMOV Wd, Sn / FMOV Xd, Dn. */
function fmovToGen(sf: boolean, size: FpSize, d: number, n: number): SimdFp {
  return simdInsn('fmov', asm('fmov', genReg(sf, d), fpReg(size, n)), (s) => {
    s.setReg(d, readF(s, n, size), sf, false);
    return undefined;
  }, false, { kind: 'fmov', toGen: true, sf, top: false, d, n });
}

/** FMOV Vd.D[1], Xn (the low half of Vd is kept) and FMOV Xd, Vn.D[1]. */
function fmovTop(toFp: boolean, d: number, n: number): SimdFp {
  if (toFp) {
    return simdInsn('fmov', asm('fmov', `v${d}.d[1]`, genReg(true, n)), (s) => {
      s.v64[d * 2 + 1] = readGen(s, n, true);
      return undefined;
    }, false, { kind: 'fmov', toGen: false, sf: true, top: true, d, n });
  }
  return simdInsn('fmov', asm('fmov', genReg(true, d), `v${n}.d[1]`), (s) => {
    s.setReg(d, s.v64[n * 2 + 1]!, true, false);
    return undefined;
  }, false, { kind: 'fmov', toGen: true, sf: true, top: true, d, n });
}
