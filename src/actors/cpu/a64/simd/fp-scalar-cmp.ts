/**
 * The scalar FP groups that set or read NZCV or load constants: FP compare (FCMP, FCMPE, with
 * a register or #0.0), FP conditional compare (FCCMP, FCCMPE), FP conditional select (FCSEL)
 * and FP immediate (FMOV #imm).
 */
import type { SimdFp } from '../insn.js';
import { bit, bits, simdInsn } from './insn.js';
import { fpCompare, type FpSize } from './softfloat.js';
import { asm, condName, fpReg, ftypeSize, readF, writeF } from './fp-scalar-common.js';

/**
 * Floating-point compare: M 0 S 11110 ftype 1 Rm op(2) 1000 Rn opcode2(5); opcode2<3> compares
 * with zero (Rm is then ignored), opcode2<4> is the E (signal on any NaN) form.
 */
export function decodeFpCompare(w: number): SimdFp | undefined {
  const size = ftypeSize(bits(w, 23, 22));
  if (bit(w, 31) !== 0 || size === undefined || bits(w, 15, 14) !== 0 || bits(w, 2, 0) !== 0) return undefined;
  const withZero = bit(w, 3) === 1;
  const signal = bit(w, 4) === 1;
  const m = bits(w, 20, 16);
  const n = bits(w, 9, 5);
  const name = signal ? 'fcmpe' : 'fcmp';
  const text = asm(name, fpReg(size, n), withZero ? '#0.0' : fpReg(size, m));
  return simdInsn(name, text, (s) => {
    s.setNzcv4(fpCompare(readF(s, n, size), withZero ? 0n : readF(s, m, size), size, signal, s));
    return undefined;
  });
}

/**
 * Floating-point conditional compare: M 0 S 11110 ftype 1 Rm cond 01 Rn op nzcv. When cond
 * fails the flags are #nzcv and no comparison happens (no FP exception either).
 */
export function decodeFpCondCompare(w: number): SimdFp | undefined {
  const size = ftypeSize(bits(w, 23, 22));
  if (bit(w, 31) !== 0 || size === undefined) return undefined;
  const m = bits(w, 20, 16);
  const cond = bits(w, 15, 12);
  const n = bits(w, 9, 5);
  const signal = bit(w, 4) === 1;
  const nzcv = bits(w, 3, 0);
  const name = signal ? 'fccmpe' : 'fccmp';
  const text = asm(name, fpReg(size, n), fpReg(size, m), `#0x${nzcv.toString(16)}`, condName(cond));
  return simdInsn(name, text, (s) => {
    s.setNzcv4(s.condHolds(cond) ? fpCompare(readF(s, n, size), readF(s, m, size), size, signal, s) : nzcv);
    return undefined;
  });
}

/** Floating-point conditional select: M 0 S 11110 ftype 1 Rm cond 11 Rn Rd (bits copied as they are). */
export function decodeFpCondSelect(w: number): SimdFp | undefined {
  const size = ftypeSize(bits(w, 23, 22));
  if (bit(w, 31) !== 0 || size === undefined) return undefined;
  const m = bits(w, 20, 16);
  const cond = bits(w, 15, 12);
  const n = bits(w, 9, 5);
  const d = bits(w, 4, 0);
  const text = asm('fcsel', fpReg(size, d), fpReg(size, n), fpReg(size, m), condName(cond));
  return simdInsn('fcsel', text, (s) => {
    writeF(s, d, size, readF(s, s.condHolds(cond) ? n : m, size));
    return undefined;
  });
}

/**
 * VFPExpandImm: imm8 = a:b:cdefgh becomes sign a, exponent NOT(b):Replicate(b, E-3):cd,
 * fraction efgh followed by zeros.
 */
export function vfpExpandImm(imm8: number, size: FpSize): bigint {
  const E = size === 16 ? 5 : size === 32 ? 8 : 11;
  const F = size - E - 1;
  const b = (imm8 >> 6) & 1;
  const exp = ((b ^ 1) << (E - 1)) | ((b !== 0 ? (1 << (E - 3)) - 1 : 0) << 2) | ((imm8 >> 4) & 3);
  return (BigInt(imm8 >> 7) << BigInt(size - 1)) | (BigInt(exp) << BigInt(F)) | (BigInt(imm8 & 15) << BigInt(F - 4));
}

/** The immediate's value, for the disassembly (every VFPExpandImm value is exact in a double). */
function immValue(imm8: number): number {
  const sign = (imm8 & 0x80) !== 0 ? -1 : 1;
  const b = (imm8 >> 6) & 1;
  const exp = (b !== 0 ? -3 : 1) + ((imm8 >> 4) & 3);
  return sign * (16 + (imm8 & 15)) / 16 * 2 ** exp;
}

/** objdump's `#1.000000000000000000e+00` (printf "%.18e"). */
function fpImmText(value: number): string {
  const [mant, exp] = value.toExponential(18).split('e') as [string, string];
  const e = Number(exp);
  return `#${mant}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
}

/** Floating-point immediate: M 0 S 11110 ftype 1 imm8 100 imm5 Rd (imm5 must be zero). */
export function decodeFpImm(w: number): SimdFp | undefined {
  const size = ftypeSize(bits(w, 23, 22));
  if (bit(w, 31) !== 0 || size === undefined || bits(w, 9, 5) !== 0) return undefined;
  const imm8 = bits(w, 20, 13);
  const d = bits(w, 4, 0);
  const value = vfpExpandImm(imm8, size);
  return simdInsn('fmov', asm('fmov', fpReg(size, d), fpImmText(immValue(imm8))), (s) => {
    writeF(s, d, size, value);
    return undefined;
  });
}
