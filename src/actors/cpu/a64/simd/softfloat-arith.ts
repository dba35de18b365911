/**
 * The arithmetic operations of the FP pseudocode (FPAdd, FPSub, FPMul, FPMulX, FPDiv,
 * FPMulAdd, FPSqrt, FPRecipStepFused, FPRSqrtStepFused): special cases in the pseudocode's
 * order, then the exact result rounded once by FPRound.
 */
import { FPSR, Rounding, fpcrRounding, type FpEnv, type FpSize } from './softfloat-types.js';
import { fmt, fpDefaultNaN, fpInf, fpZero, T, unpack, type Fmt } from './softfloat-format.js';
import { processNaN, processNaNs, processNaNs3 } from './softfloat-nan.js';
import { fpRound } from './softfloat-round.js';
import { addExact, divExact, sqrtExact, type Exact } from './softfloat-exact.js';

function invalid(f: Fmt, env: FpEnv): bigint {
  env.fpsr |= FPSR.IOC;
  return fpDefaultNaN(f);
}

/** Rounds an exact result; an exact zero is +0 except in round-towards-minus-infinity. */
function roundExact(x: Exact, f: Fmt, env: FpEnv): bigint {
  const rounding = fpcrRounding(env);
  if (x.m === 0n) return fpZero(rounding === Rounding.NEGINF ? 1 : 0, f);
  return fpRound(x.sign, x.m, x.e, x.sticky, f, env, rounding);
}

/** FPAdd, and FPSub with `negate2` (the sign flips after NaN selection, as FPSub does). */
export function addSub(op1: bigint, op2: bigint, negate2: number, size: FpSize, env: FpEnv): bigint {
  const f = fmt(size);
  const a = unpack(op1, f, env);
  const b = unpack(op2, f, env);
  const nan = processNaNs(a.type, b.type, op1, op2, f, env);
  if (nan !== undefined) return nan;
  const s2 = b.sign ^ negate2;
  const inf1 = a.type === T.INF;
  const inf2 = b.type === T.INF;
  if (inf1 && inf2 && a.sign !== s2) return invalid(f, env);
  if (inf1) return fpInf(a.sign, f);
  if (inf2) return fpInf(s2, f);
  if (a.type === T.ZERO && b.type === T.ZERO && a.sign === s2) return fpZero(a.sign, f);
  return roundExact(addExact(a.sign, a.m, a.e, s2, b.m, b.e, f.F), f, env);
}

/** FPMul, and FPMulX with `mulx` (0 × ∞ = ±2.0 instead of Invalid). */
export function mul(op1: bigint, op2: bigint, mulx: boolean, size: FpSize, env: FpEnv): bigint {
  const f = fmt(size);
  const a = unpack(op1, f, env);
  const b = unpack(op2, f, env);
  const nan = processNaNs(a.type, b.type, op1, op2, f, env);
  if (nan !== undefined) return nan;
  const sign = a.sign ^ b.sign;
  const inf1 = a.type === T.INF;
  const inf2 = b.type === T.INF;
  const zero1 = a.type === T.ZERO;
  const zero2 = b.type === T.ZERO;
  if ((inf1 && zero2) || (zero1 && inf2)) {
    return mulx ? fpZero(sign, f) | (BigInt(f.bias + 1) << f.bigF) : invalid(f, env);
  }
  if (inf1 || inf2) return fpInf(sign, f);
  if (zero1 || zero2) return fpZero(sign, f);
  return fpRound(sign, a.m * b.m, a.e + b.e, false, f, env, fpcrRounding(env));
}

/** FPDiv. */
export function div(op1: bigint, op2: bigint, size: FpSize, env: FpEnv): bigint {
  const f = fmt(size);
  const a = unpack(op1, f, env);
  const b = unpack(op2, f, env);
  const nan = processNaNs(a.type, b.type, op1, op2, f, env);
  if (nan !== undefined) return nan;
  const sign = a.sign ^ b.sign;
  const inf1 = a.type === T.INF;
  const inf2 = b.type === T.INF;
  const zero1 = a.type === T.ZERO;
  const zero2 = b.type === T.ZERO;
  if ((inf1 && inf2) || (zero1 && zero2)) return invalid(f, env);
  if (inf1 || zero2) {
    if (!inf1) env.fpsr |= FPSR.DZC;
    return fpInf(sign, f);
  }
  if (zero1 || inf2) return fpZero(sign, f);
  const q = divExact(a.m, a.e, b.m, b.e, f.F);
  return fpRound(sign, q.m, q.e, q.sticky, f, env, fpcrRounding(env));
}

/**
 * FPMulAdd(addend, op1, op2) = addend + op1 × op2, one rounding. A quiet-NaN addend does not
 * hide the Invalid Operation of ∞ × 0: the result is then the default NaN.
 */
export function mulAdd(addend: bigint, op1: bigint, op2: bigint, size: FpSize, env: FpEnv): bigint {
  const f = fmt(size);
  const c = unpack(addend, f, env);
  const a = unpack(op1, f, env);
  const b = unpack(op2, f, env);
  const inf1 = a.type === T.INF;
  const inf2 = b.type === T.INF;
  const zero1 = a.type === T.ZERO;
  const zero2 = b.type === T.ZERO;
  const infZero = (inf1 && zero2) || (zero1 && inf2);
  const nan = processNaNs3(c.type, a.type, b.type, addend, op1, op2, f, env);
  if (c.type === T.QNAN && infZero) return invalid(f, env);
  if (nan !== undefined) return nan;
  const signP = a.sign ^ b.sign;
  const infP = inf1 || inf2;
  const infA = c.type === T.INF;
  if (infZero || (infA && infP && c.sign !== signP)) return invalid(f, env);
  if ((infA && c.sign === 0) || (infP && signP === 0)) return fpInf(0, f);
  if (infA || infP) return fpInf(1, f);
  if (c.type === T.ZERO && (zero1 || zero2) && c.sign === signP) return fpZero(c.sign, f);
  return roundExact(addExact(c.sign, c.m, c.e, signP, a.m * b.m, a.e + b.e, f.F), f, env);
}

/** FPSqrt. */
export function sqrt(op: bigint, size: FpSize, env: FpEnv): bigint {
  const f = fmt(size);
  const a = unpack(op, f, env);
  if (a.type >= T.QNAN) return processNaN(a.type, op, f, env);
  if (a.type === T.ZERO) return fpZero(a.sign, f);
  if (a.type === T.INF && a.sign === 0) return fpInf(0, f);
  if (a.sign !== 0) return invalid(f, env);
  const r = sqrtExact(a.m, a.e, f.F);
  return fpRound(0, r.m, r.e, r.sticky, f, env, fpcrRounding(env));
}

/**
 * FPRecipStepFused (2 - op1 × op2) and FPRSqrtStepFused ((3 - op1 × op2) / 2): op1 is negated
 * before NaN selection, so a NaN op1 comes back with its sign flipped.
 */
export function stepFused(op1: bigint, op2: bigint, rsqrt: boolean, size: FpSize, env: FpEnv): bigint {
  const f = fmt(size);
  const n1 = op1 ^ f.signBit;
  const a = unpack(n1, f, env);
  const b = unpack(op2, f, env);
  const nan = processNaNs(a.type, b.type, n1, op2, f, env);
  if (nan !== undefined) return nan;
  const inf1 = a.type === T.INF;
  const inf2 = b.type === T.INF;
  if ((inf1 && b.type === T.ZERO) || (a.type === T.ZERO && inf2)) {
    // FPTwo('0') or FPOnePointFive('0').
    return rsqrt ? (BigInt(f.bias) << f.bigF) | f.quietBit : BigInt(f.bias + 1) << f.bigF;
  }
  if (inf1 || inf2) return fpInf(a.sign ^ b.sign, f);
  const x = addExact(0, rsqrt ? 3n : 1n, rsqrt ? 0 : 1, a.sign ^ b.sign, a.m * b.m, a.e + b.e, f.F);
  if (rsqrt) x.e -= 1;
  return roundExact(x, f, env);
}
