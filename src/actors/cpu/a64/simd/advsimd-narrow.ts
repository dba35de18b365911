/**
 * Narrowing to esize-bit lanes from 2 × esize-bit sources: the executor shared by the
 * two-register-misc extracts (XTN, SQXTN, UQXTN, SQXTUN, vector and scalar) and the
 * shift-right-narrow forms (SHRN ... SQRSHRUN). A vector "2" form (Q = 1) writes the upper
 * half of Vd and keeps the lower; otherwise the bytes above the result are zeroed.
 *
 * The sources are read (and the results computed) before Vd is written: Vd may alias Vn.
 * 64-bit sources reach the lane function as 32-bit halves, so the extracts need no bigint.
 */
import type { SimdExec } from '../insn.js';
import { clamp, foldQc, sat, sRange, uMax, view, zeroAbove, type NumESize } from './advsimd-lanes.js';

/** Lane function on a 16/32-bit source (signed or unsigned as requested). */
export type NarrowFn = (x: number) => number;
/** Lane function on a 64-bit source as halves (lo unsigned, hi signed int32 or unsigned). */
export type NarrowFn64 = (lo: number, hi: number) => number;

const tr = new Float64Array(8);

/**
 * Narrows `count` source lanes (64 / esize for vectors, 1 for scalars) of V[n] into the `part`
 * half of V[d]. `signed` selects how source lanes are read.
 */
export function narrowExec(esize: NumESize, part: number, count: number, d: number, n: number, signed: boolean,
  f: NarrowFn, f64: NarrowFn64): SimdExec {
  const per = 128 / esize;
  const dst = d * per + part * count;
  const keep = part ? 16 : (count * esize) / 8;
  if (esize < 32) {
    const we = (esize * 2) as NumESize, wper = 128 / we, sh = 32 - we;
    return (s) => {
      sat.qc = false;
      const w = view(s, we);
      for (let i = 0; i < count; i++) {
        const x = w[n * wper + i]!;
        tr[i] = f(signed ? (x << sh) >> sh : x);
      }
      const a = view(s, esize);
      for (let i = 0; i < count; i++) a[dst + i] = tr[i]!;
      zeroAbove(s, d, keep);
      foldQc(s);
      return undefined;
    };
  }
  return (s) => {
    sat.qc = false;
    const v = s.v32;
    for (let i = 0; i < count; i++) {
      const hi = v[n * 4 + 2 * i + 1]!;
      tr[i] = f64(v[n * 4 + 2 * i]!, signed ? hi | 0 : hi);
    }
    for (let i = 0; i < count; i++) v[dst + i] = tr[i]!;
    zeroAbove(s, d, keep);
    foldQc(s);
    return undefined;
  };
}

/** XTN, SQXTN, UQXTN, SQXTUN lane functions for esize-bit results. */
export function extractFns(kind: 'xtn' | 'sqxtn' | 'uqxtn' | 'sqxtun', esize: number): { signed: boolean; f: NarrowFn; f64: NarrowFn64 } {
  const [lo, hi] = sRange(esize);
  const umax = uMax(esize);
  switch (kind) {
    case 'xtn':
      return { signed: false, f: (x) => x, f64: (l) => l };
    case 'sqxtn':
      return {
        signed: true,
        f: (x) => clamp(x, lo, hi),
        // In range iff the high half is the sign extension of the low.
        f64: (l, h) => (h === (l | 0) >> 31 ? l : (sat.qc = true, h < 0 ? lo : hi)),
      };
    case 'uqxtn':
      return { signed: false, f: (x) => clamp(x, 0, umax), f64: (l, h) => (h === 0 ? l : (sat.qc = true, umax)) };
    default:
      return {
        signed: true,
        f: (x) => clamp(x, 0, umax),
        f64: (l, h) => (h === 0 ? l : (sat.qc = true, h < 0 ? 0 : umax)),
      };
  }
}
