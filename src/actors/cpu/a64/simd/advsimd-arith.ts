/**
 * Integer arithmetic the Advanced SIMD lane functions share, on the Arm ARM's infinite-precision
 * integers: shifts by a signed register amount (with rounding), rounding right shifts,
 * 32 × 32 → 64-bit products as 32-bit halves, 64-bit lanes as (lo, hi) 32-bit halves, and the
 * bit counts of CLS/CLZ/CNT/RBIT.
 *
 * Numbers are exact here: every intermediate stays below 2^53 or is a power-of-two multiple.
 */

/**
 * The unsaturated, untruncated result of SSHL/USHL/SRSHL/URSHL (and the saturating forms before
 * clamping) for an element x of esize ≤ 32 bits (already signed or unsigned) and a shift
 * `sh` = SInt(Vm<7:0>): left when positive, right (rounding when `round`) when negative.
 */
export function shiftByReg(x: number, sh: number, esize: number, round: boolean): number {
  if (sh >= 0) return x * 2 ** sh;
  // A right shift by more than esize + 1 gives the same result as by esize + 1 (0 or -1), and
  // keeping the rounding constant small keeps x + constant exact.
  const n = Math.min(-sh, esize + 1);
  return rshift(x, n, round);
}

/** x >> n (arithmetic, n ≥ 1), with the Arm rounding constant 1 << (n - 1) when `round`. */
export function rshift(x: number, n: number, round: boolean): number {
  return Math.floor((round ? x + 2 ** (n - 1) : x) / 2 ** n);
}

export function shiftByRegBig(x: bigint, sh: number, round: boolean): bigint {
  if (sh >= 0) return x << BigInt(sh);
  return rshiftBig(x, -sh, round);
}

export function rshiftBig(x: bigint, n: number, round: boolean): bigint {
  const bn = BigInt(n);
  return (round ? x + (1n << (bn - 1n)) : x) >> bn;
}

/** SInt(Vm<7:0>) from a lane value (signed or unsigned). */
export function shiftAmount(b: number): number {
  return (b << 24) >> 24;
}

export function shiftAmountBig(b: bigint): number {
  return Number(BigInt.asIntN(8, b));
}

/** High 32 bits of the unsigned 64-bit product of two uint32 values (as uint32). */
export function umulh32(a: number, b: number): number {
  const a0 = a & 0xffff, a1 = a >>> 16, b0 = b & 0xffff, b1 = b >>> 16;
  const p01 = a0 * b1, p10 = a1 * b0;
  const mid = ((a0 * b0) >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
  return (a1 * b1 + (p01 >>> 16) + (p10 >>> 16) + Math.floor(mid / 65536)) >>> 0;
}

/** High 32 bits of the signed 64-bit product of two int32 values (as uint32). */
export function smulh32(a: number, b: number): number {
  const ua = a >>> 0, ub = b >>> 0;
  return (umulh32(ua, ub) - (a < 0 ? ub : 0) - (b < 0 ? ua : 0)) >>> 0;
}

/**
 * Adds the 64-bit value (lo, hi) (uint32 halves) into the 64-bit lane at words w, w + 1 of a
 * Uint32Array view (wrapping), or subtracts it when `sub`.
 */
export function add64(v: Uint32Array, w: number, lo: number, hi: number, sub: boolean): void {
  if (sub) {
    // two's complement negation of (lo, hi)
    lo = (~lo + 1) >>> 0;
    hi = (~hi + (lo === 0 ? 1 : 0)) >>> 0;
  }
  const l = v[w]! + lo;
  v[w] = l;
  v[w + 1] = v[w + 1]! + hi + (l > 0xffff_ffff ? 1 : 0);
}

/** Count of leading zero bits of an esize-bit value (esize ≤ 32). */
export function clz(x: number, esize: number): number {
  return Math.clz32(x) - (32 - esize);
}

/** CountLeadingSignBits: leading bits after the sign bit equal to it (esize ≤ 32). */
export function cls(x: number, esize: number): number {
  const mask = esize === 32 ? 0xffff_ffff : 2 ** esize - 1;
  const t = ((x ^ (x >>> 1)) & (mask >>> 1)) >>> 0;
  return clz(t, esize - 1);
}

/** Population count of each byte, and each byte bit-reversed (CNT, RBIT). */
export const POPCOUNT8 = new Uint8Array(256);
export const RBIT8 = new Uint8Array(256);
for (let i = 0; i < 256; i++) {
  let c = 0, r = 0;
  for (let b = 0; b < 8; b++) {
    if (i & (1 << b)) { c++; r |= 0x80 >> b; }
  }
  POPCOUNT8[i] = c;
  RBIT8[i] = r;
}

/** Polynomial (carry-less) product of two 8-bit values (16-bit result): PMUL, PMULL. */
export function pmul8(a: number, b: number): number {
  let r = 0;
  for (let i = 0; i < 8; i++) if (b & (1 << i)) r ^= a << i;
  return r;
}
