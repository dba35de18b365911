/**
 * The three IEEE formats as the pseudocode parameterises them (E exponent bits, F fraction
 * bits), FPUnpack into an exact (sign, significand, exponent) triple, and the constant
 * encodings (FPZero, FPInfinity, FPMaxNormal, FPDefaultNaN).
 *
 * An unpacked value is (-1)^sign × m × 2^e with an integer significand m, so every
 * intermediate result of an operation can be kept exact in bigints and rounded once.
 */
import { FPCR, FPSR, type FpEnv, type FpSize } from './softfloat-types.js';

export interface Fmt {
  size: FpSize;
  /** Exponent and fraction widths. */
  E: number;
  F: number;
  bias: number;
  /** Exponent of the smallest normal number (1 - bias). */
  minExp: number;
  /** Biased exponent of infinities and NaNs (2^E - 1). */
  expOnes: number;
  signBit: bigint;
  fracMask: bigint;
  /** The top fraction bit: set in a quiet NaN. */
  quietBit: bigint;
  /** Exponent field all ones (infinity's encoding without sign). */
  infBits: bigint;
  bigF: bigint;
}

function makeFmt(size: FpSize, E: number, F: number): Fmt {
  const bias = 2 ** (E - 1) - 1;
  return {
    size, E, F, bias, minExp: 1 - bias, expOnes: 2 ** E - 1,
    signBit: 1n << BigInt(size - 1),
    fracMask: (1n << BigInt(F)) - 1n,
    quietBit: 1n << BigInt(F - 1),
    infBits: BigInt(2 ** E - 1) << BigInt(F),
    bigF: BigInt(F),
  };
}

export const FMT16 = makeFmt(16, 5, 10);
export const FMT32 = makeFmt(32, 8, 23);
export const FMT64 = makeFmt(64, 11, 52);

export function fmt(size: FpSize): Fmt {
  return size === 64 ? FMT64 : size === 32 ? FMT32 : FMT16;
}

/** FPType. Denormal and Nonzero are both finite non-zero numbers. */
export const T = { ZERO: 0, DENORMAL: 1, NONZERO: 2, INF: 3, QNAN: 4, SNAN: 5 } as const;
export type FpType = 0 | 1 | 2 | 3 | 4 | 5;

export interface Unpacked {
  type: FpType;
  sign: number;
  /** Significand (0 for zeros, infinities and NaNs). */
  m: bigint;
  /** Exponent of m's least significant bit. */
  e: number;
}

export function isNaNType(t: FpType): boolean {
  return t >= T.QNAN;
}

/**
 * FPUnpack: classifies `bits` and returns its exact value. FPCR.FZ flushes single and double
 * denormal inputs to zero and sets IDC; half precision is never flushed (FZ16 needs FEAT_FP16,
 * which is absent). FPCR.AHP makes a half's all-ones exponent an ordinary number (the
 * pseudocode's FPUnpackBase checks AHP for every half-precision operand).
 */
export function unpack(bits: bigint, f: Fmt, env: FpEnv): Unpacked {
  const sign = Number(bits >> BigInt(f.size - 1)) & 1;
  const exp = Number((bits >> f.bigF) & BigInt(f.expOnes));
  const frac = bits & f.fracMask;
  if (exp === 0) {
    if (frac === 0n) return { type: T.ZERO, sign, m: 0n, e: 0 };
    if (f.size !== 16 && (env.fpcr & FPCR.FZ) !== 0) {
      env.fpsr |= FPSR.IDC;
      return { type: T.ZERO, sign, m: 0n, e: 0 };
    }
    return { type: T.DENORMAL, sign, m: frac, e: f.minExp - f.F };
  }
  if (exp === f.expOnes && !(f.size === 16 && (env.fpcr & FPCR.AHP) !== 0)) {
    if (frac === 0n) return { type: T.INF, sign, m: 0n, e: 0 };
    return { type: (frac & f.quietBit) !== 0n ? T.QNAN : T.SNAN, sign, m: 0n, e: 0 };
  }
  return { type: T.NONZERO, sign, m: frac | (1n << f.bigF), e: exp - f.bias - f.F };
}

/** FPZero(sign). */
export function fpZero(sign: number, f: Fmt): bigint {
  return sign !== 0 ? f.signBit : 0n;
}

/** FPInfinity(sign). */
export function fpInf(sign: number, f: Fmt): bigint {
  return (sign !== 0 ? f.signBit : 0n) | f.infBits;
}

/** FPMaxNormal(sign). */
export function fpMaxNormal(sign: number, f: Fmt): bigint {
  return (sign !== 0 ? f.signBit : 0n) | (BigInt(f.expOnes - 1) << f.bigF) | f.fracMask;
}

/** FPDefaultNaN: positive, quiet, zero payload. */
export function fpDefaultNaN(f: Fmt): bigint {
  return f.infBits | f.quietBit;
}

/** The number of significant bits of m > 0. */
export function bitLen(m: bigint): number {
  if (m < 0x20_0000_0000_0000n) {
    const n = Number(m);
    const hi = Math.floor(n / 4294967296);
    return hi !== 0 ? 64 - Math.clz32(hi) : 32 - Math.clz32(n);
  }
  const hex = m.toString(16);
  return (hex.length - 1) * 4 + 32 - Math.clz32(parseInt(hex[0]!, 16));
}
