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
import { clamp, sat, sRange, uMax, QC, type NumESize } from './advsimd-lanes.js';
import { readLane, specialise, zeroSource } from './advsimd-specialise.js';

/** Lane function on a 16/32-bit source (signed or unsigned as requested). */
export type NarrowFn = (x: number) => number;
/** Lane function on a 64-bit source as halves (lo unsigned, hi signed int32 or unsigned). */
export type NarrowFn64 = (lo: number, hi: number) => number;

type NarrowFactory = (f: NarrowFn, f64: NarrowFn64, sat: { qc: boolean }, d: number, n: number) => SimdExec;

/**
 * Narrows `count` source lanes (64 / esize for vectors, 1 for scalars) of V[n] into the `part`
 * half of V[d]. `signed` selects how source lanes are read; `key` names the lane functions
 * (as for numLanes).
 */
export function narrowExec(esize: NumESize, part: number, count: number, d: number, n: number, signed: boolean,
  f: NarrowFn, f64: NarrowFn64, key: string): SimdExec {
  const dst = part * count;
  const lines: string[] = [];
  if (esize < 32) {
    const we = esize * 2, wper = 128 / we;
    lines.push(`const w = s.v${we};`);
    for (let i = 0; i < count; i++) lines.push(`const r${i} = f(${readLane(`w[n * ${wper} + ${i}]`, we, signed)});`);
  } else {
    lines.push('const w = s.v32;');
    for (let i = 0; i < count; i++) {
      lines.push(`const r${i} = f64(w[n * 4 + ${2 * i}], ${readLane(`w[n * 4 + ${2 * i + 1}]`, 32, signed)});`);
    }
  }
  lines.push(`const a = s.v${esize};`);
  for (let i = 0; i < count; i++) lines.push(`a[d * ${128 / esize} + ${dst + i}] = r${i};`);
  const body = `
return (s) => {
  sat.qc = false;
  ${lines.join('\n  ')}
  ${zeroSource(part ? 16 : (count * esize) / 8)}
  if (sat.qc) s.fpsr = (s.fpsr | ${QC}) >>> 0;
  return undefined;
};`;
  const k = `narrow:${key}:${esize}:${count}:${part}:${+signed}`;
  return specialise<NarrowFactory>(k, ['f', 'f64', 'sat', 'd', 'n'], body)(f, f64, sat, d, n);
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
