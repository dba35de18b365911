/**
 * Executors of the widening ("long": 2 × esize results from esize sources) and narrowing-high
 * operations of the three-different, two-register-misc, shift and by-element groups. The "2"
 * forms (Q = 1) take their narrow sources from the upper 64 bits (`part` = 1), and a narrowing
 * "2" form writes the upper half of Vd and keeps the lower.
 *
 * Every source lane is read into a local before Vd is written (Vd may alias Vn or Vm: a wide
 * lane overlaps narrow lanes not yet read). 64-bit result lanes are handled as 32-bit halves
 * (exact products via smulh32/umulh32), bigints only for the saturating doubling forms. The
 * loops are unrolled per shape (advsimd-specialise.ts).
 */
import type { SimdExec } from '../insn.js';
import { clamp, clampBig, sat, QC, S64_MAX, S64_MIN, type NumESize } from './advsimd-lanes.js';
import { add64, smulh32, umulh32 } from './advsimd-arith.js';
import { readLane, specialise, zeroSource } from './advsimd-specialise.js';

/** A widening op: result = [base ±] g(a, b) on 2 × esize-bit lanes. */
export interface LongSpec {
  /** Source element size (the result's is twice it). */
  esize: NumESize;
  /** 0: lower 64 bits of the narrow sources; 1: upper ("2" forms). */
  part: number;
  /** Result lanes: 64 / esize for vectors, 1 for scalars (which zero above the result). */
  count: number;
  d: number;
  n: number;
  m: number;
  /** The Vm element every lane uses (by-element), or -1. */
  mIdx: number;
  signed: boolean;
  /** Wide register the result is added to (Vd for accumulates, Vn for the W forms), or -1. */
  base: number;
  sub: boolean;
  /** The lane function (exact: below 2^53); unused for 32-bit products (`mul`). */
  g: (a: number, b: number) => number;
  /** g is a × b: 32-bit sources use an exact 64-bit product. */
  mul: boolean;
}

type LongFactory = (g: LongSpec['g'], h: { add64: typeof add64; mulh: typeof smulh32 }, d: number, n: number, m: number, idx: number, base: number) => SimdExec;

/** Source declaring x0..x{count-1} and y0.. (the narrow operands) from view `a`. */
function narrowReads(L: LongSpec, usesB: boolean): string {
  const { esize, part, count, signed, mIdx } = L;
  const per = 128 / esize, off = part * count;
  const lines = [];
  for (let i = 0; i < count; i++) {
    lines.push(`const x${i} = ${readLane(`a[n * ${per} + ${off + i}]`, esize, signed)};`);
    if (usesB && mIdx < 0) lines.push(`const y${i} = ${readLane(`a[m * ${per} + ${off + i}]`, esize, signed)};`);
  }
  if (usesB && mIdx >= 0) {
    const y = readLane(`a[m * ${per} + idx]`, esize, signed);
    for (let i = 0; i < count; i++) lines.push(i === 0 ? `const y0 = ${y};` : `const y${i} = y0;`);
  }
  return lines.join('\n');
}

/** `key` names the lane function (as for numLanes). */
export function longExec(L: LongSpec, key: string): SimdExec {
  const { esize, count, base, sub, mul, signed } = L;
  const mode = base < 0 ? 'set' : base === L.d ? 'acc' : 'wide';
  const usesB = L.g.length >= 2 || mul;
  const lines = [narrowReads(L, usesB)];
  if (esize < 32) {
    const we = esize * 2, wper = 128 / we;
    lines.push(`const w = s.v${we};`);
    for (let i = 0; i < count; i++) {
      const r = `g(x${i}, ${usesB ? `y${i}` : '0'})`;
      const dst = `w[d * ${wper} + ${i}]`, src = `w[base * ${wper} + ${i}]`;
      lines.push(`${dst} = ${mode === 'set' ? r : `${src} ${sub ? '-' : '+'} ${r}`};`);
    }
  } else {
    lines.push('const v = s.v32; let lo = 0, hi = 0, r = 0;');
    for (let i = 0; i < count; i++) {
      lines.push(mul
        ? `lo = Math.imul(x${i}, y${i}) >>> 0; hi = h.mulh(x${i}, y${i});`
        : `r = g(x${i}, ${usesB ? `y${i}` : '0'}); lo = r >>> 0; hi = Math.floor(r / 4294967296) >>> 0;`);
      const k = `d * 4 + ${2 * i}`;
      if (mode === 'set') lines.push(`v[${k}] = lo; v[${k} + 1] = hi;`);
      else {
        if (mode === 'wide') lines.push(`v[${k}] = v[base * 4 + ${2 * i}]; v[${k} + 1] = v[base * 4 + ${2 * i + 1}];`);
        lines.push(`h.add64(v, ${k}, lo, hi, ${sub});`);
      }
    }
  }
  const body = `
return (s) => {
  const a = s.v${esize};
  ${lines.join('\n  ')}
  ${zeroSource((count * esize * 2) / 8)}
  return undefined;
};`;
  const k = `long:${key}:${esize}:${count}:${L.part}:${+signed}:${mode}:${+sub}:${+mul}:${+(L.mIdx >= 0)}:${L.g.length}`;
  const h = { add64, mulh: signed ? smulh32 : umulh32 };
  return specialise<LongFactory>(k, ['g', 'h', 'd', 'n', 'm', 'idx', 'base'], body)(L.g, h, L.d, L.n, L.m, L.mIdx, base);
}

type SatFactory = (h: { clamp: typeof clamp; clampBig: typeof clampBig; sat: { qc: boolean } }, d: number, n: number, m: number, idx: number) => SimdExec;

/**
 * SQDMULL, SQDMLAL, SQDMLSL (16- and 32-bit sources): SignedSatQ(2 × a × b), then for the
 * accumulating forms SignedSatQ(acc ± product); both saturations set QC.
 * acc: 0 (none), 1 (add), -1 (subtract).
 */
export function satDoublingLongExec(L: LongSpec, acc: 0 | 1 | -1): SimdExec {
  const { esize, count } = L;
  const lines = [narrowReads({ ...L, signed: true }, true)];
  if (esize === 16) {
    lines.push('const w = s.v32; let p = 0;');
    for (let i = 0; i < count; i++) {
      lines.push(`p = h.clamp(2 * x${i} * y${i}, ${-(2 ** 31)}, ${2 ** 31 - 1});`);
      const dst = `w[d * 4 + ${i}]`;
      lines.push(acc === 0 ? `${dst} = p;` : `${dst} = h.clamp((${dst} | 0) ${acc > 0 ? '+' : '-'} p, ${-(2 ** 31)}, ${2 ** 31 - 1});`);
    }
  } else {
    lines.push('const w = s.v64; let p = 0n;');
    for (let i = 0; i < count; i++) {
      lines.push(`p = h.clampBig(2n * BigInt(x${i}) * BigInt(y${i}), MIN, MAX);`);
      const dst = `w[d * 2 + ${i}]`;
      lines.push(acc === 0 ? `${dst} = p;` : `${dst} = h.clampBig(BigInt.asIntN(64, ${dst}) ${acc > 0 ? '+' : '-'} p, MIN, MAX);`);
    }
  }
  const body = `
const MIN = ${S64_MIN}n, MAX = ${S64_MAX}n;
return (s) => {
  h.sat.qc = false;
  const a = s.v${esize};
  ${lines.join('\n  ')}
  ${zeroSource((count * esize * 2) / 8)}
  if (h.sat.qc) s.fpsr = (s.fpsr | ${QC}) >>> 0;
  return undefined;
};`;
  const k = `sqdmlal:${esize}:${count}:${L.part}:${acc}:${+(L.mIdx >= 0)}`;
  return specialise<SatFactory>(k, ['h', 'd', 'n', 'm', 'idx'], body)({ clamp, clampBig, sat }, L.d, L.n, L.m, L.mIdx);
}

type NarrowHighFactory = (d: number, n: number, m: number) => SimdExec;

/**
 * ADDHN, RADDHN, SUBHN, RSUBHN: the high half of each 2 × esize-bit sum/difference (with
 * 1 << (esize - 1) added when rounding), written to the `part` half of Vd.
 */
export function narrowHighExec(esize: NumESize, part: number, d: number, n: number, m: number, sub: boolean, round: boolean): SimdExec {
  const count = 64 / esize;
  const dst = part * count;
  const op = sub ? '-' : '+';
  const lines: string[] = [];
  if (esize < 32) {
    const we = esize * 2, wper = 128 / we;
    const rc = round ? 2 ** (esize - 1) : 0;
    lines.push(`const w = s.v${we};`);
    for (let i = 0; i < count; i++) {
      lines.push(`const r${i} = Math.floor((w[n * ${wper} + ${i}] ${op} w[m * ${wper} + ${i}] + ${rc}) / ${2 ** esize});`);
    }
    lines.push(`const a = s.v${esize};`);
    for (let i = 0; i < count; i++) lines.push(`a[d * ${128 / esize} + ${dst + i}] = r${i};`);
  } else {
    // The high word of a 64-bit sum: the high words' sum plus the low words' carry (or borrow).
    lines.push('const v = s.v32;');
    for (let i = 0; i < 2; i++) {
      const xl = `v[n * 4 + ${2 * i}]`, yl = `v[m * 4 + ${2 * i}]`, xh = `v[n * 4 + ${2 * i + 1}]`, yh = `v[m * 4 + ${2 * i + 1}]`;
      lines.push(`const r${i} = ${xh} ${op} ${yh} + Math.floor((${xl} ${op} ${yl} + ${round ? 0x8000_0000 : 0}) / 4294967296);`);
    }
    lines.push(`v[d * 4 + ${dst}] = r0; v[d * 4 + ${dst + 1}] = r1;`);
  }
  const body = `
return (s) => {
  ${lines.join('\n  ')}
  ${part ? '' : zeroSource(8)}
  return undefined;
};`;
  return specialise<NarrowHighFactory>(`hn:${esize}:${part}:${+sub}:${+round}`, ['d', 'n', 'm'], body)(d, n, m);
}
