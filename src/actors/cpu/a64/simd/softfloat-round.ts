/**
 * FPRound (FPRoundBase): the single rounding step of every arithmetic result, from an exact
 * value m × 2^e (plus, when `sticky`, a non-zero remainder smaller than 2^e: the tail of a
 * quotient or square root that was cut off).
 *
 * As the pseudocode: flush-to-zero and underflow look at the exponent BEFORE rounding
 * (tininess before rounding), underflow is signalled only when the result is inexact, and
 * overflow gives infinity or the largest normal number depending on the rounding mode.
 */
import { FPCR, FPSR, Rounding, type FpEnv, type RoundingMode } from './softfloat-types.js';
import { bitLen, fpInf, fpMaxNormal, fpZero, type Fmt } from './softfloat-format.js';

/**
 * Where the discarded part of a value lies between two integers, as the pseudocode's `error`
 * compared with 0.5: -1 below, 0 exactly half, 1 above. `inexact` is error != 0.
 */
export interface RoundError { half: -1 | 0 | 1; inexact: boolean }

/** Splits m × 2^-k into floor and error (k > 0; m of either sign: >> floors). */
export function splitAt(m: bigint, k: number, sticky: boolean): { int: bigint } & RoundError {
  const kb = BigInt(k);
  const int = m >> kb;
  const rem = m - (int << kb);
  const half = 1n << (kb - 1n);
  return {
    int,
    inexact: rem !== 0n || sticky,
    half: rem > half ? 1 : rem < half ? -1 : sticky ? 1 : 0,
  };
}

/**
 * The round-up decision shared by FPRound (on a magnitude, `negative` giving the sign) and by
 * FPRoundInt/FPToFixed (on a signed value floored towards -∞: there `negative` is int < 0 and
 * `directed` flips POSINF/NEGINF/ZERO to their signed meaning).
 */
export function roundsUpMagnitude(rounding: RoundingMode, negative: boolean, lsb: boolean, err: RoundError): boolean {
  switch (rounding) {
    case Rounding.TIEEVEN: return err.half > 0 || (err.half === 0 && lsb);
    case Rounding.POSINF: return err.inexact && !negative;
    case Rounding.NEGINF: return err.inexact && negative;
    case Rounding.TIEAWAY: return err.half >= 0;
    default: return false; // ZERO, ODD
  }
}

/** FPRound(sign × m × 2^e) in format f (m > 0). */
export function fpRound(sign: number, m: bigint, e: number, sticky: boolean, f: Fmt, env: FpEnv, rounding: RoundingMode): bigint {
  const top = bitLen(m) - 1 + e;
  if (top < f.minExp && f.size !== 16 && (env.fpcr & FPCR.FZ) !== 0) {
    // Flush-to-zero: UFC without IXC, whatever the rounding would have given.
    env.fpsr |= FPSR.UFC;
    return fpZero(sign, f);
  }
  let biased = top < f.minExp ? 0 : top - f.minExp + 1;
  const sh = e + f.F - (top < f.minExp ? f.minExp : top);
  let mant: bigint;
  let err: RoundError;
  if (sh >= 0) {
    mant = m << BigInt(sh);
    err = { half: -1, inexact: sticky };
  } else {
    const r = splitAt(m, -sh, sticky);
    mant = r.int;
    err = r;
  }
  let inexact = err.inexact;
  if (biased === 0 && inexact) env.fpsr |= FPSR.UFC;
  if (roundsUpMagnitude(rounding, sign !== 0, (mant & 1n) !== 0n, err)) {
    mant += 1n;
    if (mant === 1n << f.bigF) biased = 1;
    if (mant === 2n << f.bigF) {
      biased += 1;
      mant >>= 1n;
    }
  }
  if (inexact && rounding === Rounding.ODD) mant |= 1n;
  let result: bigint;
  if (f.size !== 16 || (env.fpcr & FPCR.AHP) === 0) {
    if (biased >= f.expOnes) {
      const toInf = rounding === Rounding.TIEEVEN || rounding === Rounding.TIEAWAY
        || (rounding === Rounding.POSINF && sign === 0) || (rounding === Rounding.NEGINF && sign !== 0);
      result = toInf ? fpInf(sign, f) : fpMaxNormal(sign, f);
      env.fpsr |= FPSR.OFC;
      inexact = true;
    } else {
      result = fpZero(sign, f) | (BigInt(biased) << f.bigF) | (mant & f.fracMask);
    }
  } else if (biased > f.expOnes) {
    // Alternative half precision has no infinity: saturate and signal Invalid, not Inexact.
    result = fpZero(sign, f) | (f.signBit - 1n);
    env.fpsr |= FPSR.IOC;
    inexact = false;
  } else {
    result = fpZero(sign, f) | (BigInt(biased) << f.bigF) | (mant & f.fracMask);
  }
  if (inexact) env.fpsr |= FPSR.IXC;
  return result;
}
