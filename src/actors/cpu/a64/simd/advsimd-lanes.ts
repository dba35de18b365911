/**
 * Lane-wise executors shared by the Advanced SIMD integer groups. An instruction whose result
 * lane i depends only on lane i of its sources (plus, for by-element forms, one fixed element
 * of Vm) is run by {@link numLanes} (8/16/32-bit lanes as numbers, on the state's typed views)
 * or {@link bigLanes} (64-bit lanes as bigints); the op is a small lane function.
 *
 * Aliasing: lane i of every source is read before lane i of Vd is written, and a by-element
 * operand is read before the loop, so Vd may be any of the sources.
 *
 * Saturation: a lane function that clamps sets `sat.qc`; the executor then sets FPSR.QC
 * (sticky, bit 27), as the Arm ARM's FPSR.QC = '1' in SignedSatQ/UnsignedSatQ.
 */
import type { SimdExec } from '../insn.js';
import type { A64State } from '../state.js';
import type { ESize } from './vregs.js';

/** FPSR.QC. */
export const QC = 0x0800_0000;

/** Set by a saturating lane function when it clamps (see the header). */
export const sat = { qc: false };

/** Element sizes kept as JavaScript numbers. */
export type NumESize = 8 | 16 | 32;

/** The typed view of the V registers for esize-bit lanes (lane k of V[n] at n * 128/esize + k). */
export function view(s: A64State, esize: NumESize): Uint8Array | Uint16Array | Uint32Array {
  return esize === 8 ? s.v8 : esize === 16 ? s.v16 : s.v32;
}

/** Sets FPSR.QC if a lane function saturated since `sat.qc` was last cleared. */
export function foldQc(s: A64State): void {
  if (sat.qc) s.fpsr = (s.fpsr | QC) >>> 0;
}

/** Zeroes V[d] above its first `bytes` bytes (a 64-bit vector or scalar result). */
export function zeroAbove(s: A64State, d: number, bytes: number): void {
  if (bytes < 16) s.v8.fill(0, d * 16 + bytes, d * 16 + 16);
}

/** Clamps x to [lo, hi] (SignedSatQ / UnsignedSatQ), noting saturation. */
export function clamp(x: number, lo: number, hi: number): number {
  if (x > hi) { sat.qc = true; return hi; }
  if (x < lo) { sat.qc = true; return lo; }
  return x;
}

export function clampBig(x: bigint, lo: bigint, hi: bigint): bigint {
  if (x > hi) { sat.qc = true; return hi; }
  if (x < lo) { sat.qc = true; return lo; }
  return x;
}

/** Signed range of an esize-bit integer as [min, max]. */
export function sRange(esize: number): [number, number] {
  return [-(2 ** (esize - 1)), 2 ** (esize - 1) - 1];
}

export function uMax(esize: number): number {
  return 2 ** esize - 1;
}

export const S64_MIN = -(1n << 63n);
export const S64_MAX = (1n << 63n) - 1n;
export const U64_MAX = (1n << 64n) - 1n;

/** Which lanes an element-wise op reads and writes. */
export interface Lanes {
  esize: ESize;
  /** Lanes computed (vector: 64 or 128 bits' worth; scalar: 1). Bytes above are zeroed. */
  count: number;
  d: number;
  n: number;
  m: number;
  /** The Vm element every lane uses (by-element forms), or -1 for lane i of Vm. */
  mIdx: number;
  /** Vn/Vm lanes are signed (sign-extended before the lane function sees them). */
  sn: boolean;
  /** The accumulator (old Vd lane) is signed. */
  sd: boolean;
}

/** Lane function on numbers: operands and accumulator as (sign-extended) integers; the
 * result is truncated to the lane. */
export type NumFn = (a: number, b: number, acc: number) => number;
export type BigFn = (a: bigint, b: bigint, acc: bigint) => bigint;

/** Element-wise op on 8/16/32-bit lanes. */
export function numLanes(L: Lanes, f: NumFn): SimdExec {
  const esize = L.esize as NumESize;
  const { count, d, n, m, mIdx, sn, sd } = L;
  const per = 128 / esize;
  const sh = 32 - esize;
  const dn = d * per, nn = n * per, mm = m * per;
  const written = (count * esize) / 8;
  return (s) => {
    const a = view(s, esize);
    sat.qc = false;
    const fixed = mIdx >= 0 ? (sn ? (a[mm + mIdx]! << sh) >> sh : a[mm + mIdx]!) : 0;
    for (let i = 0; i < count; i++) {
      const x = sn ? (a[nn + i]! << sh) >> sh : a[nn + i]!;
      const y = mIdx >= 0 ? fixed : sn ? (a[mm + i]! << sh) >> sh : a[mm + i]!;
      const acc = sd ? (a[dn + i]! << sh) >> sh : a[dn + i]!;
      a[dn + i] = f(x, y, acc);
    }
    zeroAbove(s, d, written);
    foldQc(s);
    return undefined;
  };
}

/** Element-wise op on 64-bit lanes (count 1 or 2). */
export function bigLanes(L: Lanes, f: BigFn): SimdExec {
  const { count, d, n, m, mIdx, sn, sd } = L;
  const dn = d * 2, nn = n * 2, mm = m * 2;
  const written = count * 8;
  return (s) => {
    const a = s.v64;
    sat.qc = false;
    const fixed = mIdx >= 0 ? (sn ? BigInt.asIntN(64, a[mm + mIdx]!) : a[mm + mIdx]!) : 0n;
    for (let i = 0; i < count; i++) {
      const x = sn ? BigInt.asIntN(64, a[nn + i]!) : a[nn + i]!;
      const y = mIdx >= 0 ? fixed : sn ? BigInt.asIntN(64, a[mm + i]!) : a[mm + i]!;
      const acc = sd ? BigInt.asIntN(64, a[dn + i]!) : a[dn + i]!;
      a[dn + i] = BigInt.asUintN(64, f(x, y, acc));
    }
    zeroAbove(s, d, written);
    foldQc(s);
    return undefined;
  };
}

/** Either executor by element size (f64 may be undefined when 64-bit lanes are reserved). */
export function lanes(L: Lanes, f: NumFn, f64: BigFn | undefined): SimdExec | undefined {
  if (L.esize === 64) return f64 ? bigLanes(L, f64) : undefined;
  return numLanes(L, f);
}
