/**
 * Lane-wise executors shared by the Advanced SIMD integer groups. An instruction whose result
 * lane i depends only on lane i of its sources (plus, for by-element forms, one fixed element
 * of Vm) is run by {@link numLanes} (8/16/32-bit lanes as numbers, on the state's typed views)
 * or {@link bigLanes} (64-bit lanes as bigints); the op is a small lane function, and the loop
 * around it is compiled per operation and shape (see advsimd-specialise.ts).
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
import { readLane, specialise, zeroSource } from './advsimd-specialise.js';

/** FPSR.QC. */
export const QC = 0x0800_0000;

/** Set by a saturating lane function when it clamps (see the header). */
export const sat = { qc: false };

/** Element sizes kept as JavaScript numbers. */
export type NumESize = 8 | 16 | 32;

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

type Factory<F> = (f: F, sat: { qc: boolean }, d: number, n: number, m: number, idx: number) => SimdExec;

/** The lane function's arguments as source: operands it does not declare are passed as 0. */
function laneArgs(arity: number, x: string, y: string, c: string, zero: string): string {
  return [x, arity >= 2 ? y : zero, arity >= 3 ? c : zero].join(', ');
}

/**
 * Element-wise op on 8/16/32-bit lanes; `key` names the lane function for specialisation
 * (two lane-function literals must not share a key).
 */
export function numLanes(L: Lanes, f: NumFn, key: string): SimdExec {
  const esize = L.esize as NumESize;
  const { count, d, n, m, mIdx, sn, sd } = L;
  const per = 128 / esize;
  const byElem = mIdx >= 0;
  const args = laneArgs(f.length, readLane('a[nn + i]', esize, sn),
    byElem ? 'y' : readLane('a[mm + i]', esize, sn), readLane('a[dn + i]', esize, sd), '0');
  const body = `
const dn = d * ${per}, nn = n * ${per}, mm = m * ${per};
return (s) => {
  const a = s.v${esize};
  sat.qc = false;
  ${byElem ? `const y = ${readLane('a[mm + idx]', esize, sn)};` : ''}
  for (let i = 0; i < ${count}; i++) a[dn + i] = f(${args});
  ${zeroSource((count * esize) / 8)}
  if (sat.qc) s.fpsr = (s.fpsr | ${QC}) >>> 0;
  return undefined;
};`;
  const k = `lanes:${key}:${esize}:${count}:${+sn}${+sd}${+byElem}${f.length}`;
  return specialise<Factory<NumFn>>(k, ['f', 'sat', 'd', 'n', 'm', 'idx'], body)(f, sat, d, n, m, mIdx);
}

/** Element-wise op on 64-bit lanes (count 1 or 2); `key` as for numLanes. */
export function bigLanes(L: Lanes, f: BigFn, key: string): SimdExec {
  const { count, d, n, m, mIdx, sn, sd } = L;
  const rd = (x: string, signed: boolean): string => (signed ? `BigInt.asIntN(64, ${x})` : x);
  const byElem = mIdx >= 0;
  const args = laneArgs(f.length, rd('a[nn + i]', sn), byElem ? 'y' : rd('a[mm + i]', sn), rd('a[dn + i]', sd), '0n');
  // A BigUint64Array store wraps the result modulo 2^64 (ToBigUint64).
  const body = `
const dn = d * 2, nn = n * 2, mm = m * 2;
return (s) => {
  const a = s.v64;
  sat.qc = false;
  ${byElem ? `const y = ${rd('a[mm + idx]', sn)};` : ''}
  for (let i = 0; i < ${count}; i++) a[dn + i] = f(${args});
  ${zeroSource(count * 8)}
  if (sat.qc) s.fpsr = (s.fpsr | ${QC}) >>> 0;
  return undefined;
};`;
  const k = `lanes64:${key}:${count}:${+sn}${+sd}${+byElem}${f.length}`;
  return specialise<Factory<BigFn>>(k, ['f', 'sat', 'd', 'n', 'm', 'idx'], body)(f, sat, d, n, m, mIdx);
}

/** Either executor by element size (f64 undefined: the 64-bit form is reserved). */
export function lanes(L: Lanes, f: NumFn, f64: BigFn | undefined, key: string): SimdExec | undefined {
  if (L.esize === 64) return f64 ? bigLanes(L, f64, key) : undefined;
  return numLanes(L, f, key);
}
