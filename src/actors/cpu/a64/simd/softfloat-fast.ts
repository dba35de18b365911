/**
 * Host-float fast paths for the common case of FPAdd/FPSub/FPMul/FPDiv/FPSqrt: single or
 * double precision, round to nearest even (the host's only mode), every operand normal and
 * the result normal. The host then computes exactly what FPRound gives: no NaN is involved
 * (operands are classified from their bits first and a normal result is never a NaN), FZ and
 * DN only matter for denormals and NaNs, and a normal result raises no UFC/OFC/IOC/DZC.
 *
 * IXC is the one flag left: a fast path raises it only when the result is provably inexact,
 * checked with error-free transformations (TwoSum, Veltkamp/Dekker product) or, for single
 * precision, by the exactness of the double result; the check is skipped once IXC is set
 * (the flag is sticky). Whenever anything is out of these bounds the caller falls back to
 * the exact core (returns undefined).
 *
 * Single precision through doubles is exact here: double has more than 2 × 24 + 2 bits, so
 * rounding the double result of +, -, ×, ÷, √ to single equals rounding the exact result.
 */
import { FPSR, type FpEnv, type FpSize } from './softfloat-types.js';
import {
  bits64, checkNormal64, finish32, nearest, normal32, normal64, productError, productSafe, sumError,
} from './softfloat-host.js';

export function fastAdd(a: bigint, b: bigint, size: FpSize, env: FpEnv): bigint | undefined {
  if (!nearest(env)) return undefined;
  if (size === 64) {
    const x = normal64(a);
    const y = normal64(b);
    const s = x + y;
    if (!checkNormal64(s)) return undefined;
    if ((env.fpsr & FPSR.IXC) === 0 && sumError(x, y, s) !== 0) env.fpsr |= FPSR.IXC;
    return bits64(s);
  }
  if (size !== 32) return undefined;
  const x = normal32(a);
  const y = normal32(b);
  const s = x + y;
  if (s !== s) return undefined;
  return finish32(s, (env.fpsr & FPSR.IXC) !== 0 || sumError(x, y, s) === 0, env);
}

export function fastMul(a: bigint, b: bigint, size: FpSize, env: FpEnv): bigint | undefined {
  if (!nearest(env)) return undefined;
  if (size === 64) {
    const x = normal64(a);
    const y = normal64(b);
    const p = x * y;
    if (!checkNormal64(p)) return undefined;
    if ((env.fpsr & FPSR.IXC) === 0) {
      if (!productSafe(x, y)) return undefined;
      if (productError(x, y, p) !== 0) env.fpsr |= FPSR.IXC;
    }
    return bits64(p);
  }
  if (size !== 32) return undefined;
  const p = normal32(a) * normal32(b); // 48-bit significands: exact in double
  if (p !== p) return undefined;
  return finish32(p, true, env);
}

export function fastDiv(a: bigint, b: bigint, size: FpSize, env: FpEnv): bigint | undefined {
  if (!nearest(env)) return undefined;
  if (size === 64) {
    const x = normal64(a);
    const y = normal64(b);
    const q = x / y;
    if (!checkNormal64(q)) return undefined;
    if ((env.fpsr & FPSR.IXC) === 0) {
      // Exact iff q × y = x: compare x - p with the product's error (x - p is exact, p ≈ x).
      if (!productSafe(q, y)) return undefined;
      const p = q * y;
      if (x - p !== productError(q, y, p)) env.fpsr |= FPSR.IXC;
    }
    return bits64(q);
  }
  if (size !== 32) return undefined;
  const x = normal32(a);
  const y = normal32(b);
  const q = x / y;
  if (q !== q) return undefined;
  // When q has single precision q × y is exact in double, so it decides exactness.
  return finish32(q, Math.fround(q) === q && q * y === x, env);
}

export function fastSqrt(a: bigint, size: FpSize, env: FpEnv): bigint | undefined {
  if (!nearest(env)) return undefined;
  if (size === 64) {
    const x = normal64(a);
    if (!(x > 0)) return undefined;
    const r = Math.sqrt(x);
    if ((env.fpsr & FPSR.IXC) === 0) {
      // Exact iff r × r = x; Dekker's error terms need r × r well inside the normal range.
      if (!(x > 2 ** -960 && x < 2 ** 1020)) return undefined;
      const p = r * r;
      if (p !== x || productError(r, r, p) !== 0) env.fpsr |= FPSR.IXC;
    }
    return bits64(r);
  }
  if (size !== 32) return undefined;
  const x = normal32(a);
  if (!(x > 0)) return undefined;
  const r = Math.sqrt(x);
  return finish32(r, Math.fround(r) === r && r * r === x, env);
}
