/**
 * Floating-point data-processing with 1, 2 and 3 sources (FMOV/FABS/FNEG/FSQRT/FCVT/FRINT*,
 * FMUL..FNMUL, FMADD..FNMSUB), scalar H/S/D registers.
 */
import type { SimdFp } from '../insn.js';
import { bit, bits, simdInsn } from './insn.js';
import {
  fpAbs, fpAdd, fpcrRounding, fpConvert, fpDiv, fpMax, fpMaxNum, fpMin, fpMinNum, fpMul, fpMulAdd, fpNeg,
  fpRoundInt, fpSqrt, fpSub, Rounding, type FpEnv, type FpSize, type RoundingMode,
} from './softfloat.js';
import { asm, fpReg, ftypeSize, readF, writeF } from './fp-scalar-common.js';

type Unary = (a: bigint, size: FpSize, env: FpEnv) => bigint;

/** FRINT{N,P,M,Z,A,-,X,I} by opcode - 8: the fixed mode, or undefined for FPCR's. */
const FRINT: readonly ([string, RoundingMode | undefined, boolean] | undefined)[] = [
  ['frintn', Rounding.TIEEVEN, false], ['frintp', Rounding.POSINF, false], ['frintm', Rounding.NEGINF, false],
  ['frintz', Rounding.ZERO, false], ['frinta', Rounding.TIEAWAY, false], undefined,
  ['frintx', undefined, true], ['frinti', undefined, false],
];

function unary(name: string, size: FpSize, d: number, n: number, op: Unary): SimdFp {
  return simdInsn(name, asm(name, fpReg(size, d), fpReg(size, n)), (s) => {
    writeF(s, d, size, op(readF(s, n, size), size, s));
    return undefined;
  });
}

/** Floating-point data-processing (1 source): M 0 S 11110 ftype 1 opcode(6) 10000 Rn Rd. */
export function decodeFp1Src(w: number): SimdFp | undefined {
  if (bit(w, 31) !== 0) return undefined;
  const ftype = bits(w, 23, 22);
  const opcode = bits(w, 20, 15);
  const n = bits(w, 9, 5);
  const d = bits(w, 4, 0);
  // FCVT to single/double/half (opcode 0001xx, to-type in opc): from half is base architecture.
  if (opcode === 4 || opcode === 5 || opcode === 7) {
    const from = ftypeSize(ftype, true);
    const to: FpSize = opcode === 4 ? 32 : opcode === 5 ? 64 : 16;
    if (from === undefined || from === to) return undefined;
    return simdInsn('fcvt', asm('fcvt', fpReg(to, d), fpReg(from, n)), (s) => {
      writeF(s, d, to, fpConvert(readF(s, n, from), from, to, fpcrRounding(s), s));
      return undefined;
    });
  }
  const size = ftypeSize(ftype);
  if (size === undefined) return undefined;
  switch (opcode) {
    case 0: return unary('fmov', size, d, n, (a) => a);
    case 1: return unary('fabs', size, d, n, (a, z) => fpAbs(a, z));
    case 2: return unary('fneg', size, d, n, (a, z) => fpNeg(a, z));
    case 3: return unary('fsqrt', size, d, n, fpSqrt);
    default: break;
  }
  const rint = opcode >= 8 && opcode < 16 ? FRINT[opcode - 8] : undefined;
  if (rint === undefined) return undefined;
  const [name, mode, exact] = rint;
  return unary(name, size, d, n, mode === undefined
    ? (a, z, env) => fpRoundInt(a, z, fpcrRounding(env), exact, env)
    : (a, z, env) => fpRoundInt(a, z, mode, exact, env));
}

type Binary = (a: bigint, b: bigint, size: FpSize, env: FpEnv) => bigint;

/** By opcode: FMUL FDIV FADD FSUB FMAX FMIN FMAXNM FMINNM FNMUL (the product negated, NaN too). */
const BINARY: readonly [string, Binary][] = [
  ['fmul', fpMul], ['fdiv', fpDiv], ['fadd', fpAdd], ['fsub', fpSub], ['fmax', fpMax], ['fmin', fpMin],
  ['fmaxnm', fpMaxNum], ['fminnm', fpMinNum], ['fnmul', (a, b, z, env) => fpNeg(fpMul(a, b, z, env), z)],
];

/** Floating-point data-processing (2 source): M 0 S 11110 ftype 1 Rm opcode(4) 10 Rn Rd. */
export function decodeFp2Src(w: number): SimdFp | undefined {
  const size = ftypeSize(bits(w, 23, 22));
  const entry = BINARY[bits(w, 15, 12)];
  if (bit(w, 31) !== 0 || size === undefined || entry === undefined) return undefined;
  const [name, op] = entry;
  const m = bits(w, 20, 16);
  const n = bits(w, 9, 5);
  const d = bits(w, 4, 0);
  return simdInsn(name, asm(name, fpReg(size, d), fpReg(size, n), fpReg(size, m)), (s) => {
    writeF(s, d, size, op(readF(s, n, size), readF(s, m, size), size, s));
    return undefined;
  });
}

const FMA_NAMES = ['fmadd', 'fmsub', 'fnmadd', 'fnmsub'] as const;

/**
 * Floating-point data-processing (3 source): M 0 S 11111 ftype o1 Rm o0 Ra Rn Rd.
 * FPMulAdd with the operands negated first (so a NaN operand comes out sign-flipped):
 * FMSUB negates Rn, FNMADD Ra and Rn, FNMSUB Ra.
 */
export function decodeFp3Src(w: number): SimdFp | undefined {
  const size = ftypeSize(bits(w, 23, 22));
  if (bit(w, 31) !== 0 || size === undefined) return undefined;
  const kind = (bit(w, 21) << 1) | bit(w, 15);
  const negA = kind === 2 || kind === 3;
  const negN = kind === 1 || kind === 2;
  const m = bits(w, 20, 16);
  const ra = bits(w, 14, 10);
  const n = bits(w, 9, 5);
  const d = bits(w, 4, 0);
  const name = FMA_NAMES[kind]!;
  const sign = 1n << BigInt(size - 1);
  const flipA = negA ? sign : 0n;
  const flipN = negN ? sign : 0n;
  return simdInsn(name, asm(name, fpReg(size, d), fpReg(size, n), fpReg(size, m), fpReg(size, ra)), (s) => {
    const r = fpMulAdd(readF(s, ra, size) ^ flipA, readF(s, n, size) ^ flipN, readF(s, m, size), size, s);
    writeF(s, d, size, r);
    return undefined;
  });
}
