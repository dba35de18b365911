/**
 * The table-based estimates FRECPE and FRSQRTE (FPRecipEstimate, FPRSqrtEstimate with
 * RecipEstimate / RecipSqrtEstimate at 8 bits: FEAT_RPRES's 12-bit variant needs FPCR.AH,
 * which this CPU lacks) and FRECPX (FPRecpX), bit for bit as the pseudocode builds them.
 */
import { FPCR, FPSR, Rounding, fpcrRounding, type FpEnv, type FpSize } from './softfloat-types.js';
import { bitLen, fmt, fpDefaultNaN, fpInf, fpMaxNormal, fpZero, T, unpack, type Fmt } from './softfloat-format.js';
import { processNaN } from './softfloat-nan.js';

const M52 = (1n << 52n) - 1n;

/** RecipEstimate(a) for 256 ≤ a < 512 (the operand in [0.5, 1) in 1/512 steps). */
function recipEstimate(a: number): number {
  const b = Math.floor(2 ** 19 / (a * 2 + 1));
  return (b + 1) >> 1;
}

/** RecipSqrtEstimate(a) for 128 ≤ a < 512 (the operand in [0.25, 1)). */
function recipSqrtEstimate(a0: number): number {
  const a = a0 < 256 ? a0 * 2 + 1 : (((a0 >> 1) << 1) + 1) * 2;
  let b = 512;
  while (a * (b + 1) * (b + 1) < 2 ** 28) b += 1;
  return (b + 1) >> 1;
}

let recipTable: Uint16Array | undefined;
let rsqrtTable: Uint16Array | undefined;

function recipLookup(a: number): number {
  if (recipTable === undefined) {
    recipTable = new Uint16Array(256);
    for (let k = 0; k < 256; k++) recipTable[k] = recipEstimate(256 + k);
  }
  return recipTable[a - 256]!;
}

function rsqrtLookup(a: number): number {
  if (rsqrtTable === undefined) {
    rsqrtTable = new Uint16Array(384);
    for (let k = 0; k < 384; k++) rsqrtTable[k] = recipSqrtEstimate(128 + k);
  }
  return rsqrtTable[a - 128]!;
}

/** The operand's fraction widened to 52 bits and its biased exponent (the pseudocode's view). */
function fraction52(op: bigint, f: Fmt): { fraction: bigint; exp: number } {
  return {
    fraction: (op & f.fracMask) << BigInt(52 - f.F),
    exp: Number((op >> f.bigF) & BigInt(f.expOnes)),
  };
}

/** FPRecipEstimate. */
export function recipEstimateFp(op: bigint, size: FpSize, env: FpEnv): bigint {
  const f = fmt(size);
  const a = unpack(op, f, env);
  if (a.type >= T.QNAN) return processNaN(a.type, op, f, env);
  if (a.type === T.INF) return fpZero(a.sign, f);
  if (a.type === T.ZERO) {
    env.fpsr |= FPSR.DZC;
    return fpInf(a.sign, f);
  }
  const top = bitLen(a.m) - 1 + a.e; // |value| in [2^top, 2^(top + 1))
  if (top < -(f.bias + 1)) {
    // 1 / value overflows: |value| < 2^-16 / 2^-128 / 2^-1024.
    const rm = fpcrRounding(env);
    const toInf = rm === Rounding.TIEEVEN || (rm === Rounding.POSINF && a.sign === 0) || (rm === Rounding.NEGINF && a.sign !== 0);
    env.fpsr |= FPSR.OFC | FPSR.IXC;
    return toInf ? fpInf(a.sign, f) : fpMaxNormal(a.sign, f);
  }
  if (f.size !== 16 && (env.fpcr & FPCR.FZ) !== 0 && top >= f.bias - 1) {
    // The estimate would be denormal: flushed.
    env.fpsr |= FPSR.UFC;
    return fpZero(a.sign, f);
  }
  let { fraction, exp } = fraction52(op, f);
  if (exp === 0) {
    if ((fraction >> 51n) === 0n) {
      exp = -1;
      fraction = (fraction << 2n) & M52;
    } else {
      fraction = (fraction << 1n) & M52;
    }
  }
  let resultExp = 2 * f.bias - 1 - exp; // 29 / 253 / 2045 - exp
  const estimate = recipLookup(256 + Number(fraction >> 44n));
  fraction = BigInt(estimate & 0xff) << 44n;
  if (resultExp === 0) {
    fraction = (1n << 51n) | (fraction >> 1n);
  } else if (resultExp === -1) {
    fraction = (1n << 50n) | (fraction >> 2n);
    resultExp = 0;
  }
  return fpZero(a.sign, f) | (BigInt(resultExp) << f.bigF) | (fraction >> BigInt(52 - f.F));
}

/** FPRSqrtEstimate. */
export function rsqrtEstimateFp(op: bigint, size: FpSize, env: FpEnv): bigint {
  const f = fmt(size);
  const a = unpack(op, f, env);
  if (a.type >= T.QNAN) return processNaN(a.type, op, f, env);
  if (a.type === T.ZERO) {
    env.fpsr |= FPSR.DZC;
    return fpInf(a.sign, f);
  }
  if (a.sign !== 0) {
    env.fpsr |= FPSR.IOC;
    return fpDefaultNaN(f);
  }
  if (a.type === T.INF) return 0n;
  let { fraction, exp } = fraction52(op, f);
  if (exp === 0) {
    while ((fraction >> 51n) === 0n) {
      fraction = (fraction << 1n) & M52;
      exp -= 1;
    }
    fraction = (fraction << 1n) & M52;
  }
  const scaled = (exp & 1) === 0 ? 256 + Number(fraction >> 44n) : 128 + Number(fraction >> 45n);
  // (44 / 380 / 3068 - exp) DIV 2, DIV rounding towards -∞.
  const resultExp = Math.floor((3 * f.bias - 1 - exp) / 2);
  const estimate = rsqrtLookup(scaled);
  return (BigInt(resultExp) << f.bigF) | (BigInt(estimate & 0xff) << BigInt(f.F - 8));
}

/** FPRecpX: the exponent inverted, fraction zero (zeros and denormals give the largest exponent). */
export function recpX(op: bigint, size: FpSize, env: FpEnv): bigint {
  const f = fmt(size);
  const a = unpack(op, f, env);
  if (a.type >= T.QNAN) return processNaN(a.type, op, f, env);
  const exp = Number((op >> f.bigF) & BigInt(f.expOnes));
  const rexp = exp === 0 ? f.expOnes - 1 : ~exp & f.expOnes;
  return fpZero(a.sign, f) | (BigInt(rexp) << f.bigF);
}
