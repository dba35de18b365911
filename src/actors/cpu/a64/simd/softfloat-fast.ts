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
import { FPCR, FPSR, type FpEnv, type FpSize } from './softfloat-types.js';

const buf = new ArrayBuffer(8);
const u64 = new BigUint64Array(buf);
const u32 = new Uint32Array(buf);
const f64 = new Float64Array(buf);
const f32 = new Float32Array(buf);

/** RMode = nearest: the only mode the host rounds in. */
function nearest(env: FpEnv): boolean {
  return (env.fpcr & (3 << FPCR.RMODE_SHIFT)) === 0;
}

/** A normal double's value, or NaN (a marker, never an operand's NaN) when not normal. */
function normal64(a: bigint): number {
  u64[0] = a;
  const exp = (u32[1]! >>> 20) & 0x7ff;
  return exp === 0 || exp === 0x7ff ? NaN : f64[0]!;
}

function normal32(a: bigint): number {
  const w = Number(a);
  const exp = (w >>> 23) & 0xff;
  if (exp === 0 || exp === 0xff) return NaN;
  u32[0] = w;
  return f32[0]!;
}

const MIN_NORMAL64 = 2 ** -1022;
const MIN_NORMAL32 = 2 ** -126;
const MAX32 = (2 - 2 ** -23) * 2 ** 127;

function bits64(r: number): bigint {
  f64[0] = r;
  return u64[0]!;
}

function bits32(r: number): bigint {
  f32[0] = r;
  return BigInt(u32[0]!);
}

/**
 * The result of a single-precision operation whose value rounded to double is `d` (`exact`:
 * that rounding was exact). Tininess is judged on d, strictly above the smallest normal as in
 * checkNormal64.
 */
function finish32(d: number, exact: boolean, env: FpEnv): bigint | undefined {
  const r = Math.fround(d);
  if (!(Math.abs(d) > MIN_NORMAL32 && Math.abs(r) <= MAX32)) return undefined;
  if (!exact || r !== d) env.fpsr |= FPSR.IXC;
  return bits32(r);
}

/**
 * A rounded result above the smallest normal (strictly: an exact value just below it may round
 * up to it, and is tiny before rounding: UFC, or flushed under FZ).
 */
function checkNormal64(r: number): boolean {
  const mag = Math.abs(r);
  return mag > MIN_NORMAL64 && mag <= Number.MAX_VALUE;
}

/** TwoSum's error term: x + y - fl(x + y), exact barring overflow. */
function sumError(x: number, y: number, s: number): number {
  const bb = s - x;
  return (x - (s - bb)) + (y - bb);
}

const SPLIT = 134217729; // 2^27 + 1

/** Dekker's product error x × y - p for p = fl(x × y), exact while nothing under- or overflows. */
function productError(x: number, y: number, p: number): number {
  let c = SPLIT * x;
  const xh = c - (c - x);
  const xl = x - xh;
  c = SPLIT * y;
  const yh = c - (c - y);
  const yl = y - yh;
  return ((xh * yh - p) + xh * yl + xl * yh) + xl * yl;
}

/**
 * Operands whose product's error terms stay clear of underflow and overflow: the product of
 * the low halves is a multiple of 2^(ex + ey - 104), which must not be below 2^-1074.
 */
function productSafe(x: number, y: number): boolean {
  const p = Math.abs(x * y);
  return Math.abs(x) < 2 ** 995 && Math.abs(y) < 2 ** 995 && p >= 2 ** -960 && p < 2 ** 1020;
}

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
