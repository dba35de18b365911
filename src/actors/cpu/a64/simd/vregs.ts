/**
 * Lanes of the V registers (A64State.vbuf: V[n] at byte n * 16, little-endian). Every FP/SIMD
 * executor reads and writes through these: bit patterns only, so NaN payloads survive.
 *
 * Writes follow the architecture's register-write rules: a scalar result (B/H/S/D) and a
 * 64-bit vector result zero the rest of the 128-bit register (V[d] = ZeroExtend(result));
 * {@link vZeroFrom} does that after the lanes are written.
 */
import type { A64State } from '../state.js';

/** Element size in bits. */
export type ESize = 8 | 16 | 32 | 64;

/** Lane k (unsigned) of V[n] with 8-, 16- or 32-bit elements. */
export function lane(s: A64State, n: number, esize: 8 | 16 | 32, k: number): number {
  switch (esize) {
    case 8: return s.v8[n * 16 + k]!;
    case 16: return s.v16[n * 8 + k]!;
    default: return s.v32[n * 4 + k]!;
  }
}

/** Writes lane k of V[n] (the value is truncated to the element). */
export function setLane(s: A64State, n: number, esize: 8 | 16 | 32, k: number, v: number): void {
  switch (esize) {
    case 8: s.v8[n * 16 + k] = v; break;
    case 16: s.v16[n * 8 + k] = v; break;
    default: s.v32[n * 4 + k] = v; break;
  }
}

/** Lane k (0 or 1) of V[n] as a 64-bit element. */
export function lane64(s: A64State, n: number, k: number): bigint {
  return s.v64[n * 2 + k]!;
}

export function setLane64(s: A64State, n: number, k: number, v: bigint): void {
  s.v64[n * 2 + k] = BigInt.asUintN(64, v);
}

/** Any element size, as a bigint (for generic code; the typed accessors above are faster). */
export function laneBig(s: A64State, n: number, esize: ESize, k: number): bigint {
  return esize === 64 ? s.v64[n * 2 + k]! : BigInt(lane(s, n, esize, k));
}

export function setLaneBig(s: A64State, n: number, esize: ESize, k: number, v: bigint): void {
  if (esize === 64) s.v64[n * 2 + k] = BigInt.asUintN(64, v);
  else setLane(s, n, esize, k, Number(BigInt.asUintN(esize, v)));
}

/** Zeroes V[n] from byte `from` (8: after a 64-bit result, 4/2/1: after a scalar) to 16. */
export function vZeroFrom(s: A64State, n: number, from: number): void {
  if (from < 16) s.v8.fill(0, n * 16 + from, n * 16 + 16);
}

/** A copy of V[n]'s 16 bytes (for instructions whose sources may alias the destination). */
export function vCopy(s: A64State, n: number): Uint8Array {
  return s.v8.slice(n * 16, n * 16 + 16);
}

/** V[n] as the pair [low 64 bits, high 64 bits]. */
export function vRead(s: A64State, n: number): [bigint, bigint] {
  return [s.v64[n * 2]!, s.v64[n * 2 + 1]!];
}

export function vWrite(s: A64State, n: number, lo: bigint, hi: bigint): void {
  s.v64[n * 2] = BigInt.asUintN(64, lo);
  s.v64[n * 2 + 1] = BigInt.asUintN(64, hi);
}
