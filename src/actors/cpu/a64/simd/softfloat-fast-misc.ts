/**
 * Host-float fast paths for comparisons, FPMax/FPMin, FPConvert between single and double,
 * FPToFixed, FixedToFP and FPRoundInt, under the same contract as softfloat-fast.ts: only
 * where the host result is provably the pseudocode's, bits and flags, else undefined (the
 * caller then runs the exact core). NaNs and FZ-flushed denormals always take the core (they
 * carry flags and payloads); value32/value64 turn them into a NaN marker.
 */
import { FPSR, Rounding, type FpEnv, type FpSize, type RoundingMode } from './softfloat-types.js';
import { bits32, bits64, finish32, flushing, value32, value64 } from './softfloat-host.js';

function value(a: bigint, size: FpSize, fz: boolean): number {
  return size === 64 ? value64(a, fz) : size === 32 ? value32(a, fz) : NaN;
}

/** FPCompare's NZCV for two ordered operands. */
export function fastCompare(a: bigint, b: bigint, size: FpSize, env: FpEnv): number | undefined {
  const fz = flushing(env);
  const x = value(a, size, fz);
  const y = value(b, size, fz);
  if (x !== x || y !== y) return undefined;
  return x === y ? 0b0110 : x < y ? 0b1000 : 0b0010;
}

/** FPCompareEQ/GE/GT (0/1/2) for two ordered operands. */
export function fastCompareCond(a: bigint, b: bigint, size: FpSize, cond: 0 | 1 | 2, env: FpEnv): boolean | undefined {
  const fz = flushing(env);
  const x = value(a, size, fz);
  const y = value(b, size, fz);
  if (x !== x || y !== y) return undefined;
  return cond === 0 ? x === y : cond === 1 ? x >= y : x > y;
}

/**
 * FPMax/FPMin (and the Num forms, identical without NaNs): the selected operand's own bits;
 * between equal zeros max prefers +0 and min -0.
 */
export function fastMaxMin(a: bigint, b: bigint, max: boolean, size: FpSize, env: FpEnv): bigint | undefined {
  const fz = flushing(env);
  const x = value(a, size, fz);
  const y = value(b, size, fz);
  if (x !== x || y !== y) return undefined;
  if (x === y) {
    if (x !== 0) return b;
    const sign = 1n << BigInt(size - 1);
    const neg = max ? (a & b & sign) !== 0n : ((a | b) & sign) !== 0n;
    return neg ? sign : 0n;
  }
  return (max ? x > y : x < y) ? a : b;
}

/** FPConvert single -> double (always exact) and double -> single rounding to nearest. */
export function fastConvert(a: bigint, from: FpSize, to: FpSize, rounding: RoundingMode, env: FpEnv): bigint | undefined {
  const fz = flushing(env);
  if (from === 32 && to === 64) {
    const x = value32(a, fz);
    return x === x ? bits64(x) : undefined;
  }
  if (from !== 64 || to !== 32 || rounding !== Rounding.TIEEVEN) return undefined;
  const x = value64(a, fz);
  if (x !== x) return undefined;
  if (x === 0 || x === Infinity || x === -Infinity) return bits32(x);
  return finish32(x, true, env);
}

/** The pseudocode's integer rounding of a finite v (|v| < 2^52, so v - floor(v) is exact). */
function roundToInt(v: number, rounding: RoundingMode): number {
  switch (rounding) {
    case Rounding.TIEEVEN: {
      const f = Math.floor(v);
      const d = v - f;
      return d > 0.5 || (d === 0.5 && f % 2 !== 0) ? f + 1 : f;
    }
    case Rounding.POSINF: return Math.ceil(v);
    case Rounding.NEGINF: return Math.floor(v);
    case Rounding.TIEAWAY: {
      const t = Math.trunc(v);
      return Math.abs(v - t) >= 0.5 ? t + Math.sign(v) : t;
    }
    default: return Math.trunc(v); // ZERO (ODD is not an integer rounding)
  }
}

/** FPToFixed when the result is in range (saturation takes the core, which raises IOC). */
export function fastToFixed(
  a: bigint, size: FpSize, fbits: number, unsigned: boolean, rounding: RoundingMode, outBits: number, env: FpEnv,
): bigint | undefined {
  if (rounding === Rounding.ODD) return undefined;
  const x = value(a, size, flushing(env));
  // Scaling by 2^fbits is exact: it only grows the magnitude (an overflow shows as infinity).
  const v = x * 2 ** fbits;
  if (!Number.isFinite(v)) return undefined;
  const r = Math.abs(v) >= 2 ** 52 ? v : roundToInt(v, rounding);
  const hi = 2 ** (unsigned ? outBits : outBits - 1);
  const lo = unsigned ? 0 : -hi;
  if (!(r < hi && r >= lo)) return undefined;
  if (r !== v) env.fpsr |= FPSR.IXC;
  return BigInt.asUintN(outBits, BigInt(r));
}

/** FixedToFP when the host's round-to-nearest conversion is the pseudocode's (or exact). */
export function fastFromFixed(
  v: bigint, inBits: number, fbits: number, unsigned: boolean, size: FpSize, rounding: RoundingMode, env: FpEnv,
): bigint | undefined {
  if (size === 16) return undefined;
  const int = unsigned ? BigInt.asUintN(inBits, v) : BigInt.asIntN(inBits, v);
  if (int === 0n) return 0n;
  // Number(bigint) rounds to nearest even; any mode agrees while the value is exact.
  const n = Number(int);
  const mag = Math.abs(n);
  // 2^-fbits scaling stays exact: results stay above 2^-64, far from denormals.
  const scale = 2 ** -fbits;
  if (size === 64) {
    if (mag <= 2 ** 53) return bits64(n * scale);
    if (rounding !== Rounding.TIEEVEN) return undefined;
    if (BigInt(n) !== int) env.fpsr |= FPSR.IXC;
    return bits64(n * scale);
  }
  if (mag <= 2 ** 24) return bits32(n * scale);
  // Through a double only while that step is exact (no double rounding).
  if (rounding !== Rounding.TIEEVEN || mag >= 2 ** 53) return undefined;
  const r = Math.fround(n);
  if (r !== n) env.fpsr |= FPSR.IXC;
  return bits32(r * scale);
}

/** FPRoundInt of a finite non-zero operand. */
export function fastRoundInt(a: bigint, size: FpSize, rounding: RoundingMode, exact: boolean, env: FpEnv): bigint | undefined {
  if (rounding === Rounding.ODD || size === 16) return undefined;
  const x = value(a, size, flushing(env));
  if (!Number.isFinite(x) || x === 0) return undefined;
  // From 2^52 (double) / 2^23 (single) up every value is an integer.
  if (Math.abs(x) >= (size === 64 ? 2 ** 52 : 2 ** 23)) return a;
  const r = roundToInt(x, rounding);
  if (exact && r !== x) env.fpsr |= FPSR.IXC;
  if (r === 0) return a & (1n << BigInt(size - 1)); // zero with the operand's sign
  return size === 64 ? bits64(r) : bits32(r);
}
