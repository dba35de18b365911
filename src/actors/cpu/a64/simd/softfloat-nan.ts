/**
 * NaN propagation as the pseudocode orders it: any signalling NaN before any quiet NaN, and
 * among equals the earlier operand (FPMulAdd passes the addend first). The chosen NaN is
 * quietened (IOC if it was signalling) and replaced by the default NaN when FPCR.DN is set.
 */
import { FPCR, FPSR, type FpEnv } from './softfloat-types.js';
import { fpDefaultNaN, T, type Fmt, type FpType } from './softfloat-format.js';

/** FPProcessNaN. */
export function processNaN(type: FpType, op: bigint, f: Fmt, env: FpEnv): bigint {
  let r = op;
  if (type === T.SNAN) {
    r |= f.quietBit;
    env.fpsr |= FPSR.IOC;
  }
  return (env.fpcr & FPCR.DN) !== 0 ? fpDefaultNaN(f) : r;
}

/** FPProcessNaNs: the NaN result, or undefined when neither operand is a NaN. */
export function processNaNs(t1: FpType, t2: FpType, op1: bigint, op2: bigint, f: Fmt, env: FpEnv): bigint | undefined {
  if (t1 < T.QNAN && t2 < T.QNAN) return undefined;
  if (t1 === T.SNAN) return processNaN(t1, op1, f, env);
  if (t2 === T.SNAN) return processNaN(t2, op2, f, env);
  if (t1 === T.QNAN) return processNaN(t1, op1, f, env);
  return processNaN(t2, op2, f, env);
}

/** FPProcessNaNs3. */
export function processNaNs3(
  t1: FpType, t2: FpType, t3: FpType, op1: bigint, op2: bigint, op3: bigint, f: Fmt, env: FpEnv,
): bigint | undefined {
  if (t1 < T.QNAN && t2 < T.QNAN && t3 < T.QNAN) return undefined;
  if (t1 === T.SNAN) return processNaN(t1, op1, f, env);
  if (t2 === T.SNAN) return processNaN(t2, op2, f, env);
  if (t3 === T.SNAN) return processNaN(t3, op3, f, env);
  if (t1 === T.QNAN) return processNaN(t1, op1, f, env);
  if (t2 === T.QNAN) return processNaN(t2, op2, f, env);
  return processNaN(t3, op3, f, env);
}

/**
 * FPConvertNaN: the NaN's payload left-aligned into the destination's fraction (truncated or
 * zero-extended), quiet, same sign.
 */
export function convertNaN(op: bigint, from: Fmt, to: Fmt): bigint {
  const sign = (op & from.signBit) !== 0n;
  // The payload below the quiet bit, as 51 bits.
  const payload = (op & (from.quietBit - 1n)) << BigInt(51 - (from.F - 1));
  const r = to.infBits | to.quietBit | (payload >> BigInt(51 - (to.F - 1)));
  return sign ? r | to.signBit : r;
}
