/**
 * Executors of the widening ("long": 2 × esize results from esize sources) and narrowing-high
 * operations of the three-different and by-element groups. The "2" forms (Q = 1) take their
 * narrow sources from the upper 64 bits (`part` = 1), and a narrowing "2" form writes the upper
 * half of Vd and keeps the lower.
 *
 * All narrow sources are copied out before Vd is written (Vd may alias Vn or Vm). 64-bit result
 * lanes are handled as 32-bit halves (exact products via smulh32/umulh32), bigints only for the
 * saturating doubling forms.
 */
import type { SimdExec } from '../insn.js';
import { clamp, clampBig, foldQc, sat, view, zeroAbove, S64_MAX, S64_MIN, type NumESize } from './advsimd-lanes.js';
import { add64, halves, smulh32, umulh32 } from './advsimd-arith.js';

const ta = new Float64Array(16);
const tb = new Float64Array(16);

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

function readNarrow(L: LongSpec, a: Uint8Array | Uint16Array | Uint32Array): void {
  const { esize, part, count, n, m, mIdx, signed } = L;
  const per = 128 / esize, sh = 32 - esize, off = part * count;
  for (let i = 0; i < count; i++) {
    const x = a[n * per + off + i]!;
    ta[i] = signed ? (x << sh) >> sh : x;
    const y = a[m * per + (mIdx >= 0 ? mIdx : off + i)]!;
    tb[i] = signed ? (y << sh) >> sh : y;
  }
}

export function longExec(L: LongSpec): SimdExec {
  const { esize, count, d, base, sub, g, signed } = L;
  const wbytes = (count * esize * 2) / 8;
  if (esize < 32) {
    const we = (esize * 2) as NumESize;
    const wper = 128 / we;
    return (s) => {
      readNarrow(L, view(s, esize));
      const w = view(s, we);
      for (let i = 0; i < count; i++) {
        const r = g(ta[i]!, tb[i]!);
        w[d * wper + i] = base < 0 ? r : sub ? w[base * wper + i]! - r : w[base * wper + i]! + r;
      }
      zeroAbove(s, d, wbytes);
      return undefined;
    };
  }
  return (s) => {
    readNarrow(L, s.v32);
    const v = s.v32;
    for (let i = 0; i < count; i++) {
      let lo: number, hi: number;
      if (L.mul) {
        const x = ta[i]!, y = tb[i]!;
        lo = Math.imul(x, y) >>> 0;
        hi = signed ? smulh32(x, y) : umulh32(x, y);
      } else {
        [lo, hi] = halves(g(ta[i]!, tb[i]!));
      }
      const k = d * 4 + 2 * i;
      if (base < 0) { v[k] = lo; v[k + 1] = hi; continue; }
      if (base !== d) { v[k] = v[base * 4 + 2 * i]!; v[k + 1] = v[base * 4 + 2 * i + 1]!; }
      add64(v, k, lo, hi, sub);
    }
    zeroAbove(s, d, wbytes);
    return undefined;
  };
}

/**
 * SQDMULL, SQDMLAL, SQDMLSL (16- and 32-bit sources): SignedSatQ(2 × a × b), then for the
 * accumulating forms SignedSatQ(acc ± product); both saturations set QC.
 * acc: 0 (none), 1 (add), -1 (subtract).
 */
export function satDoublingLongExec(L: LongSpec, acc: 0 | 1 | -1): SimdExec {
  const { esize, count, d } = L;
  const wbytes = (count * esize * 2) / 8;
  if (esize === 16) {
    const lo = -(2 ** 31), hi = 2 ** 31 - 1;
    return (s) => {
      sat.qc = false;
      readNarrow(L, s.v16);
      const w = s.v32;
      for (let i = 0; i < count; i++) {
        const p = clamp(2 * ta[i]! * tb[i]!, lo, hi);
        w[d * 4 + i] = acc === 0 ? p : clamp((w[d * 4 + i]! | 0) + acc * p, lo, hi);
      }
      zeroAbove(s, d, wbytes);
      foldQc(s);
      return undefined;
    };
  }
  return (s) => {
    sat.qc = false;
    readNarrow(L, s.v32);
    const v = s.v64;
    for (let i = 0; i < count; i++) {
      const p = clampBig(2n * BigInt(ta[i]!) * BigInt(tb[i]!), S64_MIN, S64_MAX);
      const old = BigInt.asIntN(64, v[d * 2 + i]!);
      v[d * 2 + i] = BigInt.asUintN(64, acc === 0 ? p : clampBig(acc > 0 ? old + p : old - p, S64_MIN, S64_MAX));
    }
    zeroAbove(s, d, wbytes);
    foldQc(s);
    return undefined;
  };
}

const tr = new Float64Array(8);

/**
 * ADDHN, RADDHN, SUBHN, RSUBHN: the high half of each 2 × esize-bit sum/difference (with
 * 1 << (esize - 1) added when rounding), written to the `part` half of Vd.
 */
export function narrowHighExec(esize: NumESize, part: number, d: number, n: number, m: number, sub: boolean, round: boolean): SimdExec {
  const count = 64 / esize;
  const per = 128 / esize;
  const dst = d * per + part * count;
  if (esize < 32) {
    const we = (esize * 2) as NumESize, wper = 128 / we;
    const rc = round ? 2 ** (esize - 1) : 0, div = 2 ** esize;
    return (s) => {
      const w = view(s, we);
      for (let i = 0; i < count; i++) {
        const x = w[n * wper + i]!, y = w[m * wper + i]!;
        tr[i] = Math.floor(((sub ? x - y : x + y) + rc) / div);
      }
      const a = view(s, esize);
      for (let i = 0; i < count; i++) a[dst + i] = tr[i]!;
      if (!part) zeroAbove(s, d, 8);
      return undefined;
    };
  }
  const rc = round ? 0x8000_0000 : 0;
  return (s) => {
    const v = s.v32;
    for (let i = 0; i < 2; i++) {
      const xl = v[n * 4 + 2 * i]!, xh = v[n * 4 + 2 * i + 1]!;
      const yl = v[m * 4 + 2 * i]!, yh = v[m * 4 + 2 * i + 1]!;
      const lo = (sub ? xl - yl : xl + yl) + rc;
      const carry = Math.floor(lo / 4294967296);
      tr[i] = (sub ? xh - yh : xh + yh) + carry;
    }
    v[dst] = tr[0]!;
    v[dst + 1] = tr[1]!;
    if (!part) zeroAbove(s, d, 8);
    return undefined;
  };
}
