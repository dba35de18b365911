/**
 * Comparisons and selections: FPCompare, FPCompareEQ/GE/GT, FPMax/FPMin, FPMaxNum/FPMinNum.
 *
 * Two non-NaN operands of one format compare like their sign-magnitude encodings, once
 * FPUnpack has flushed denormals under FZ (a flushed operand is a zero of its sign): that is
 * `orderKey`. No rounding is needed for the selected operand either: FPMax's FPRound of an
 * operand's own value returns it unchanged (exact, never tiny-and-inexact).
 */
import { FPSR, type FpEnv, type FpSize } from './softfloat-types.js';
import { fmt, fpZero, T, unpack, type Fmt, type Unpacked } from './softfloat-format.js';
import { processNaNs } from './softfloat-nan.js';

function orderKey(bits: bigint, u: Unpacked, f: Fmt): bigint {
  if (u.type === T.ZERO) return 0n;
  const mag = bits & (f.signBit - 1n);
  return u.sign !== 0 ? -mag : mag;
}

function isNaNT(u: Unpacked): boolean {
  return u.type >= T.QNAN;
}

/** FPCompare: NZCV (N=8 Z=4 C=2 V=1); unordered is 0011. */
export function compare(op1: bigint, op2: bigint, size: FpSize, signalNaNs: boolean, env: FpEnv): number {
  const f = fmt(size);
  const a = unpack(op1, f, env);
  const b = unpack(op2, f, env);
  if (isNaNT(a) || isNaNT(b)) {
    if (a.type === T.SNAN || b.type === T.SNAN || signalNaNs) env.fpsr |= FPSR.IOC;
    return 0b0011;
  }
  const k1 = orderKey(op1, a, f);
  const k2 = orderKey(op2, b, f);
  return k1 === k2 ? 0b0110 : k1 < k2 ? 0b1000 : 0b0010;
}

/** FPCompareEQ (0), FPCompareGE (1), FPCompareGT (2): GE and GT signal on any NaN. */
export function compareCond(op1: bigint, op2: bigint, size: FpSize, cond: 0 | 1 | 2, env: FpEnv): boolean {
  const f = fmt(size);
  const a = unpack(op1, f, env);
  const b = unpack(op2, f, env);
  if (isNaNT(a) || isNaNT(b)) {
    if (cond !== 0 || a.type === T.SNAN || b.type === T.SNAN) env.fpsr |= FPSR.IOC;
    return false;
  }
  const k1 = orderKey(op1, a, f);
  const k2 = orderKey(op2, b, f);
  return cond === 0 ? k1 === k2 : cond === 1 ? k1 >= k2 : k1 > k2;
}

/** FPMax (max = true) / FPMin. */
export function maxMin(op1: bigint, op2: bigint, max: boolean, size: FpSize, env: FpEnv): bigint {
  const f = fmt(size);
  const a = unpack(op1, f, env);
  const b = unpack(op2, f, env);
  const nan = processNaNs(a.type, b.type, op1, op2, f, env);
  if (nan !== undefined) return nan;
  return pick(op1, a, op2, b, max, f);
}

function pick(op1: bigint, a: Unpacked, op2: bigint, b: Unpacked, max: boolean, f: Fmt): bigint {
  const k1 = orderKey(op1, a, f);
  const k2 = orderKey(op2, b, f);
  const first = max ? k1 > k2 : k1 < k2;
  const [bits, u] = first ? [op1, a] : [op2, b];
  if (u.type === T.ZERO) {
    // Both zero (or flushed): max prefers +0, min prefers -0.
    return fpZero(max ? a.sign & b.sign : a.sign | b.sign, f);
  }
  return bits;
}

/**
 * FPMaxNum / FPMinNum: a single quiet NaN is replaced by -∞ (max) or +∞ (min) so the number
 * wins; two quiet NaNs or any signalling NaN go through FPMax/FPMin's NaN processing.
 */
export function maxMinNum(op1: bigint, op2: bigint, max: boolean, size: FpSize, env: FpEnv): bigint {
  const f = fmt(size);
  const a = unpack(op1, f, env);
  const b = unpack(op2, f, env);
  const inf: Unpacked = { type: T.INF, sign: max ? 1 : 0, m: 0n, e: 0 };
  const infBits = f.infBits | (max ? f.signBit : 0n);
  if (a.type === T.QNAN && b.type !== T.QNAN) return withNaNCheck(infBits, inf, op2, b, max, f, env);
  if (a.type !== T.QNAN && b.type === T.QNAN) return withNaNCheck(op1, a, infBits, inf, max, f, env);
  return maxMin(op1, op2, max, size, env);
}

function withNaNCheck(op1: bigint, a: Unpacked, op2: bigint, b: Unpacked, max: boolean, f: Fmt, env: FpEnv): bigint {
  const nan = processNaNs(a.type, b.type, op1, op2, f, env);
  return nan ?? pick(op1, a, op2, b, max, f);
}
