/**
 * The host's IEEE doubles as a tool for the fast paths (softfloat-fast*.ts): moving bits in
 * and out of float views, classifying operands from their bits (a NaN is never read through a
 * float view: V8 may change its payload), and the error-free transformations that tell
 * whether a host result was exact (TwoSum, Veltkamp/Dekker product).
 */
import { FPCR, FPSR, type FpEnv } from './softfloat-types.js';

const buf = new ArrayBuffer(8);
const u64 = new BigUint64Array(buf);
const u32 = new Uint32Array(buf);
const f64 = new Float64Array(buf);
const f32 = new Float32Array(buf);

/** RMode = nearest: the only mode the host rounds in. */
export function nearest(env: FpEnv): boolean {
  return (env.fpcr & (3 << FPCR.RMODE_SHIFT)) === 0;
}

/** A normal double's value, or NaN (a marker, never an operand's NaN) when not normal. */
export function normal64(a: bigint): number {
  u64[0] = a;
  const exp = (u32[1]! >>> 20) & 0x7ff;
  return exp === 0 || exp === 0x7ff ? NaN : f64[0]!;
}

export function normal32(a: bigint): number {
  const w = Number(a);
  const exp = (w >>> 23) & 0xff;
  if (exp === 0 || exp === 0xff) return NaN;
  u32[0] = w;
  return f32[0]!;
}

export const MIN_NORMAL64 = 2 ** -1022;
export const MIN_NORMAL32 = 2 ** -126;
export const MAX32 = (2 - 2 ** -23) * 2 ** 127;

export function bits64(r: number): bigint {
  f64[0] = r;
  return u64[0]!;
}

export function bits32(r: number): bigint {
  f32[0] = r;
  return BigInt(u32[0]!);
}

/**
 * The result of a single-precision operation whose value rounded to double is `d` (`exact`:
 * that rounding was exact). Tininess is judged on d, strictly above the smallest normal as in
 * checkNormal64.
 */
export function finish32(d: number, exact: boolean, env: FpEnv): bigint | undefined {
  const r = Math.fround(d);
  if (!(Math.abs(d) > MIN_NORMAL32 && Math.abs(r) <= MAX32)) return undefined;
  if (!exact || r !== d) env.fpsr |= FPSR.IXC;
  return bits32(r);
}

/**
 * A rounded result above the smallest normal (strictly: an exact value just below it may round
 * up to it, and is tiny before rounding: UFC, or flushed under FZ).
 */
export function checkNormal64(r: number): boolean {
  const mag = Math.abs(r);
  return mag > MIN_NORMAL64 && mag <= Number.MAX_VALUE;
}

/** TwoSum's error term: x + y - fl(x + y), exact barring overflow. */
export function sumError(x: number, y: number, s: number): number {
  const bb = s - x;
  return (x - (s - bb)) + (y - bb);
}

const SPLIT = 134217729; // 2^27 + 1

/** Dekker's product error x × y - p for p = fl(x × y), exact while nothing under- or overflows. */
export function productError(x: number, y: number, p: number): number {
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
export function productSafe(x: number, y: number): boolean {
  const p = Math.abs(x * y);
  return Math.abs(x) < 2 ** 995 && Math.abs(y) < 2 ** 995 && p >= 2 ** -960 && p < 2 ** 1020;
}


/**
 * A double operand's value for a fast path, or NaN (a marker: not the operand) when it is a
 * NaN or, under FZ (`fz`), a denormal that FPUnpack would flush with IDC.
 */
export function value64(a: bigint, fz: boolean): number {
  u64[0] = a;
  const hi = u32[1]!;
  const exp = hi & 0x7ff0_0000;
  if (exp === 0x7ff0_0000 || (exp === 0 && fz)) {
    if ((hi & 0xf_ffff) !== 0 || u32[0] !== 0) return NaN;
  }
  return f64[0]!;
}

/** value64 for a single-precision operand. */
export function value32(a: bigint, fz: boolean): number {
  const w = Number(a);
  const exp = w & 0x7f80_0000;
  if ((exp === 0x7f80_0000 || (exp === 0 && fz)) && (w & 0x7f_ffff) !== 0) return NaN;
  u32[0] = w;
  return f32[0]!;
}

/** FPCR.FZ. */
export function flushing(env: FpEnv): boolean {
  return (env.fpcr & FPCR.FZ) !== 0;
}
