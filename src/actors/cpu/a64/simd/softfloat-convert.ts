/**
 * Conversions: FPRoundInt (FRINT*), FPToFixed (FCVT*S/U), FixedToFP (SCVTF/UCVTF) and
 * FPConvert (FCVT between half, single and double).
 */
import { FPCR, FPSR, Rounding, type FpEnv, type FpSize, type RoundingMode } from './softfloat-types.js';
import { bitLen, fmt, fpDefaultNaN, fpInf, fpZero, T, unpack } from './softfloat-format.js';
import { convertNaN, processNaN } from './softfloat-nan.js';
import { fpRound, splitAt, type RoundError } from './softfloat-round.js';

/**
 * The pseudocode's integer rounding of a signed value: `int` = RoundDown(value) and its error;
 * returns whether to add one (FPRoundInt / FPToFixed's `round_up`).
 */
function intRoundsUp(rounding: RoundingMode, int: bigint, err: RoundError): boolean {
  switch (rounding) {
    case Rounding.TIEEVEN: return err.half > 0 || (err.half === 0 && (int & 1n) !== 0n);
    case Rounding.POSINF: return err.inexact;
    case Rounding.NEGINF: return false;
    case Rounding.TIEAWAY: return err.half > 0 || (err.half === 0 && int >= 0n);
    default: return err.inexact && int < 0n; // ZERO (ODD does not occur here)
  }
}

/** FPRoundInt: `exact` (FRINTX) raises IXC when the result differs from the operand. */
export function roundInt(op: bigint, size: FpSize, rounding: RoundingMode, exact: boolean, env: FpEnv): bigint {
  const f = fmt(size);
  const a = unpack(op, f, env);
  if (a.type >= T.QNAN) return processNaN(a.type, op, f, env);
  if (a.type === T.INF) return fpInf(a.sign, f);
  if (a.type === T.ZERO) return fpZero(a.sign, f);
  if (a.e >= 0) return op; // already an integer (and normal: FPRound gives it back)
  const r = splitAt(a.sign !== 0 ? -a.m : a.m, -a.e, false);
  const int = r.int + (intRoundsUp(rounding, r.int, r) ? 1n : 0n);
  if (r.inexact && exact) env.fpsr |= FPSR.IXC;
  if (int === 0n) return fpZero(a.sign, f);
  // Exact: an integer no larger in magnitude than a representable one, or a power of two.
  return fpRound(int < 0n ? 1 : 0, int < 0n ? -int : int, 0, false, f, { fpcr: env.fpcr, fpsr: 0 }, Rounding.ZERO);
}

/**
 * FPToFixed: op × 2^fbits rounded to an integer, saturated to `outBits` signed/unsigned
 * (saturation and NaNs raise IOC, otherwise an inexact result raises IXC). Returns the
 * integer's `outBits`-bit two's complement pattern.
 */
export function toFixed(
  op: bigint, size: FpSize, fbits: number, unsigned: boolean, rounding: RoundingMode, outBits: number, env: FpEnv,
): bigint {
  const f = fmt(size);
  const a = unpack(op, f, env);
  const max = unsigned ? (1n << BigInt(outBits)) - 1n : (1n << BigInt(outBits - 1)) - 1n;
  const min = unsigned ? 0n : -(1n << BigInt(outBits - 1));
  if (a.type >= T.QNAN) {
    env.fpsr |= FPSR.IOC;
    return 0n;
  }
  if (a.type === T.ZERO) return 0n;
  const shift = a.e + fbits;
  let int: bigint;
  let err: RoundError = { half: -1, inexact: false };
  if (a.type === T.INF || bitLen(a.m) + shift > outBits + 1) {
    // |value| ≥ 2^(outBits + 1): out of range whatever the rounding (infinity too).
    int = a.sign !== 0 ? min - 1n : max + 1n;
  } else {
    const v = a.sign !== 0 ? -a.m : a.m;
    if (shift >= 0) {
      int = v << BigInt(shift);
    } else {
      const r = splitAt(v, -shift, false);
      err = r;
      int = r.int + (intRoundsUp(rounding, r.int, r) ? 1n : 0n);
    }
  }
  if (int > max || int < min) {
    env.fpsr |= FPSR.IOC;
    return BigInt.asUintN(outBits, int > max ? max : min);
  }
  if (err.inexact) env.fpsr |= FPSR.IXC;
  return BigInt.asUintN(outBits, int);
}

/** FixedToFP: the `inBits`-bit integer `v` (signed or not) / 2^fbits, rounded to `size`. */
export function fromFixed(
  v: bigint, inBits: number, fbits: number, unsigned: boolean, size: FpSize, rounding: RoundingMode, env: FpEnv,
): bigint {
  const f = fmt(size);
  const int = unsigned ? BigInt.asUintN(inBits, v) : BigInt.asIntN(inBits, v);
  if (int === 0n) return 0n;
  return fpRound(int < 0n ? 1 : 0, int < 0n ? -int : int, -fbits, false, f, env, rounding);
}

/**
 * FPConvert from `from` to `to` bits. With FPCR.AHP a half-precision destination has no NaN
 * or infinity: NaNs become zero and infinities the largest magnitude, both with IOC.
 */
export function convert(op: bigint, from: FpSize, to: FpSize, rounding: RoundingMode, env: FpEnv): bigint {
  const ff = fmt(from);
  const ft = fmt(to);
  const a = unpack(op, ff, env);
  const altHp = to === 16 && (env.fpcr & FPCR.AHP) !== 0;
  if (a.type >= T.QNAN) {
    if (a.type === T.SNAN || altHp) env.fpsr |= FPSR.IOC;
    if (altHp) return fpZero(a.sign, ft);
    return (env.fpcr & FPCR.DN) !== 0 ? fpDefaultNaN(ft) : convertNaN(op, ff, ft);
  }
  if (a.type === T.INF) {
    if (!altHp) return fpInf(a.sign, ft);
    env.fpsr |= FPSR.IOC;
    return fpZero(a.sign, ft) | (ft.signBit - 1n);
  }
  if (a.type === T.ZERO) return fpZero(a.sign, ft);
  return fpRound(a.sign, a.m, a.e, false, ft, env, rounding);
}
