/**
 * IEEE 754 arithmetic as the Arm ARM's FP pseudocode defines it (FPAdd, FPMulAdd, FPRound,
 * FPProcessNaNs, ...), on raw bit patterns, honouring FPCR (RMode, FZ, DN, AHP) and
 * accumulating FPSR's cumulative flags. This is the oracle every FP executor uses; fast paths
 * elsewhere must give bit-identical results and flags.
 *
 * Values are the format's bits as an unsigned bigint (16, 32 or 64 bits). `env` is read for
 * FPCR and has FPSR's flag bits or'ed in (A64State satisfies FpEnv).
 *
 * The implementation works on exact values (sign, bigint significand, exponent) and rounds
 * once (softfloat-round.ts); see the softfloat-*.ts files. FZ flushes single and double
 * denormals (inputs: IDC, outputs: UFC); half precision is never flushed (no FEAT_FP16, so
 * FZ16 is inert). Half precision appears in conversions, where FPCR.AHP selects the
 * alternative format.
 *
 * Each entry point first tries a host-float fast path (softfloat-fast*.ts: round to nearest,
 * ordinary operands and results, IXC from error-free transformations) which answers only
 * when it is provably bit- and flag-identical to the exact core, and otherwise returns
 * undefined so the core runs. Both were checked against qemu-aarch64 and each other.
 */
import type { FpEnv, FpSize, RoundingMode } from './softfloat-types.js';
import { addSub, div, mul, mulAdd, sqrt, stepFused } from './softfloat-arith.js';
import { compare, compareCond, maxMin, maxMinNum } from './softfloat-compare.js';
import { convert, fromFixed, roundInt, toFixed } from './softfloat-convert.js';
import { recipEstimateFp, recpX, rsqrtEstimateFp } from './softfloat-estimate.js';
import { fastAdd, fastDiv, fastMul, fastSqrt } from './softfloat-fast.js';
import { fastMulAdd } from './softfloat-fast-fma.js';
import {
  fastCompare, fastCompareCond, fastConvert, fastFromFixed, fastMaxMin, fastRoundInt, fastToFixed,
} from './softfloat-fast-misc.js';

export { FPCR, FPSR, Rounding, fpcrRounding } from './softfloat-types.js';
export type { FpEnv, FpSize, RoundingMode } from './softfloat-types.js';

/** FPAdd / FPSub. */
export function fpAdd(a: bigint, b: bigint, size: FpSize, env: FpEnv): bigint {
  return fastAdd(a, b, size, env) ?? addSub(a, b, 0, size, env);
}
export function fpSub(a: bigint, b: bigint, size: FpSize, env: FpEnv): bigint {
  return fastAdd(a, b ^ (1n << BigInt(size - 1)), size, env) ?? addSub(a, b, 1, size, env);
}
/** FPMul, FPMulX (0 × ∞ = ±2.0). */
export function fpMul(a: bigint, b: bigint, size: FpSize, env: FpEnv): bigint {
  return fastMul(a, b, size, env) ?? mul(a, b, false, size, env);
}
export function fpMulX(a: bigint, b: bigint, size: FpSize, env: FpEnv): bigint {
  return fastMul(a, b, size, env) ?? mul(a, b, true, size, env);
}
/** FPDiv. */
export function fpDiv(a: bigint, b: bigint, size: FpSize, env: FpEnv): bigint {
  return fastDiv(a, b, size, env) ?? div(a, b, size, env);
}
/** FPMulAdd(addend, op1, op2): addend + op1 × op2 with one rounding (FMADD, FMLA; negate operands for FMSUB/FNMADD/FMLS). */
export function fpMulAdd(addend: bigint, a: bigint, b: bigint, size: FpSize, env: FpEnv): bigint {
  return fastMulAdd(addend, a, b, size, env) ?? mulAdd(addend, a, b, size, env);
}
/** FPSqrt. */
export function fpSqrt(a: bigint, size: FpSize, env: FpEnv): bigint {
  return fastSqrt(a, size, env) ?? sqrt(a, size, env);
}
/** FPMax / FPMin (NaN-propagating) and FPMaxNum / FPMinNum (a quiet NaN loses to a number). */
export function fpMax(a: bigint, b: bigint, size: FpSize, env: FpEnv): bigint { return fastMaxMin(a, b, true, size, env) ?? maxMin(a, b, true, size, env); }
export function fpMin(a: bigint, b: bigint, size: FpSize, env: FpEnv): bigint { return fastMaxMin(a, b, false, size, env) ?? maxMin(a, b, false, size, env); }
export function fpMaxNum(a: bigint, b: bigint, size: FpSize, env: FpEnv): bigint { return fastMaxMin(a, b, true, size, env) ?? maxMinNum(a, b, true, size, env); }
export function fpMinNum(a: bigint, b: bigint, size: FpSize, env: FpEnv): bigint { return fastMaxMin(a, b, false, size, env) ?? maxMinNum(a, b, false, size, env); }
/** FPCompare: NZCV as a 4-bit value (N=8 Z=4 C=2 V=1); signalNaNs for FCMPE (any NaN raises IOC). */
export function fpCompare(a: bigint, b: bigint, size: FpSize, signalNaNs: boolean, env: FpEnv): number {
  return fastCompare(a, b, size, env) ?? compare(a, b, size, signalNaNs, env);
}
/** FPCompareEQ/GE/GT (vector compares: GE/GT signal on any NaN, EQ only on signalling NaNs). */
export function fpCompareEQ(a: bigint, b: bigint, size: FpSize, env: FpEnv): boolean { return fastCompareCond(a, b, size, 0, env) ?? compareCond(a, b, size, 0, env); }
export function fpCompareGE(a: bigint, b: bigint, size: FpSize, env: FpEnv): boolean { return fastCompareCond(a, b, size, 1, env) ?? compareCond(a, b, size, 1, env); }
export function fpCompareGT(a: bigint, b: bigint, size: FpSize, env: FpEnv): boolean { return fastCompareCond(a, b, size, 2, env) ?? compareCond(a, b, size, 2, env); }
/** FPRoundInt (FRINT*): `exact` raises IXC when the result differs (FRINTX). */
export function fpRoundInt(a: bigint, size: FpSize, rounding: RoundingMode, exact: boolean, env: FpEnv): bigint {
  return fastRoundInt(a, size, rounding, exact, env) ?? roundInt(a, size, rounding, exact, env);
}
/**
 * FPToFixed: to a signed/unsigned `outBits`-bit integer with `fbits` fraction bits, saturating
 * (IOC; NaN gives 0 with IOC), IXC when inexact. Returns the integer's `outBits`-bit two's
 * complement pattern (an unsigned bigint).
 */
export function fpToFixed(a: bigint, size: FpSize, fbits: number, unsigned: boolean, rounding: RoundingMode, outBits: 32 | 64, env: FpEnv): bigint {
  return fastToFixed(a, size, fbits, unsigned, rounding, outBits, env) ?? toFixed(a, size, fbits, unsigned, rounding, outBits, env);
}
/** FixedToFP: a signed/unsigned `inBits`-bit integer with `fbits` fraction bits, rounded. */
export function fixedToFp(v: bigint, inBits: 16 | 32 | 64, fbits: number, unsigned: boolean, size: FpSize, rounding: RoundingMode, env: FpEnv): bigint {
  return fastFromFixed(v, inBits, fbits, unsigned, size, rounding, env) ?? fromFixed(v, inBits, fbits, unsigned, size, rounding, env);
}
/** FPConvert between formats (FCVT, FCVTL/FCVTN; half uses FPCR.AHP); `rounding` for narrowing. */
export function fpConvert(a: bigint, from: FpSize, to: FpSize, rounding: RoundingMode, env: FpEnv): bigint {
  return fastConvert(a, from, to, rounding, env) ?? convert(a, from, to, rounding, env);
}
/** FPRecipEstimate (FRECPE), FPRSqrtEstimate (FRSQRTE), FPRecpX (FRECPX). */
export function fpRecipEstimate(a: bigint, size: FpSize, env: FpEnv): bigint { return recipEstimateFp(a, size, env); }
export function fpRSqrtEstimate(a: bigint, size: FpSize, env: FpEnv): bigint { return rsqrtEstimateFp(a, size, env); }
export function fpRecpX(a: bigint, size: FpSize, env: FpEnv): bigint { return recpX(a, size, env); }
/** FPRecipStepFused (FRECPS: 2 - a×b) and FPRSqrtStepFused (FRSQRTS: (3 - a×b) / 2). */
export function fpRecipStepFused(a: bigint, b: bigint, size: FpSize, env: FpEnv): bigint { return stepFused(a, b, false, size, env); }
export function fpRSqrtStepFused(a: bigint, b: bigint, size: FpSize, env: FpEnv): bigint { return stepFused(a, b, true, size, env); }
/** FPAbs / FPNeg: sign bit only, no NaN processing, no flags. */
export function fpAbs(a: bigint, size: FpSize): bigint { return a & ((1n << BigInt(size - 1)) - 1n); }
export function fpNeg(a: bigint, size: FpSize): bigint { return a ^ (1n << BigInt(size - 1)); }

/** FPRound of the exact value (-1)^sign × m × 2^e (m > 0) to `size` (exported for tests and executors). */
export { fpRound } from './softfloat-round.js';
export { fmt } from './softfloat-format.js';
