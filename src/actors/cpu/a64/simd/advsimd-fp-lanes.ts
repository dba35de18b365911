/**
 * Lane loops shared by the Advanced SIMD FP executors: each builder returns a closure
 * specialised on element size, lane count and register numbers, so the per-instruction work is
 * a bare loop over one typed-array view. FP elements travel as raw bits (bigint), as the
 * softfloat API takes them.
 *
 * Register-write rule (Arm ARM V[d] = result, ZeroExtend): a destination written with fewer
 * than 16 bytes (Q = 0 vector, or scalar) has the rest of the register zeroed.
 */
import type { A64State } from '../state.js';
import type { SimdExec } from '../insn.js';

/** FP element size handled by ARMv8.0 Advanced SIMD arithmetic (no FEAT_FP16). */
export type FpEsize = 32 | 64;

/** One-operand element function (value bits → result bits); `env` is FPCR/FPSR. */
export type Fn1 = (a: bigint, env: A64State) => bigint;
/** Two-operand element function. */
export type Fn2 = (a: bigint, b: bigint, env: A64State) => bigint;
/** Three-operand element function; the first operand is the destination's old element (FMLA). */
export type Fn3 = (acc: bigint, a: bigint, b: bigint, env: A64State) => bigint;

/** All-ones element, the true result of a vector compare. */
export function onesOf(esize: FpEsize): bigint {
  return esize === 32 ? 0xffff_ffffn : 0xffff_ffff_ffff_ffffn;
}

/** Zeroes V[d] above the first `bytes` bytes (nothing when the whole register was written). */
function zeroAbove(s: A64State, d: number, bytes: number): void {
  if (bytes < 16) s.v8.fill(0, d * 16 + bytes, d * 16 + 16);
}

/** Element k of V[n] (esize bits) as a bigint. */
export function getElem(s: A64State, esize: FpEsize, n: number, k: number): bigint {
  return esize === 32 ? BigInt(s.v32[n * 4 + k]!) : s.v64[n * 2 + k]!;
}

/**
 * Elementwise one-operand operation over `lanes` lanes (scalar: lanes = 1). Lane k of the
 * result depends only on lane k of the source, so writing in place is safe when d = n.
 */
export function unaryLanes(esize: FpEsize, lanes: number, d: number, n: number, f: Fn1): SimdExec {
  const bytes = lanes * esize / 8;
  if (esize === 32) {
    const d4 = d * 4, n4 = n * 4;
    return (s) => {
      const v = s.v32;
      for (let k = 0; k < lanes; k++) v[d4 + k] = Number(f(BigInt(v[n4 + k]!), s));
      zeroAbove(s, d, bytes);
      return undefined;
    };
  }
  const d2 = d * 2, n2 = n * 2;
  return (s) => {
    const v = s.v64;
    for (let k = 0; k < lanes; k++) v[d2 + k] = f(v[n2 + k]!, s);
    zeroAbove(s, d, bytes);
    return undefined;
  };
}

/** Elementwise two-operand operation (see {@link unaryLanes} on aliasing). */
export function binaryLanes(esize: FpEsize, lanes: number, d: number, n: number, m: number, f: Fn2): SimdExec {
  const bytes = lanes * esize / 8;
  if (esize === 32) {
    const d4 = d * 4, n4 = n * 4, m4 = m * 4;
    return (s) => {
      const v = s.v32;
      for (let k = 0; k < lanes; k++) v[d4 + k] = Number(f(BigInt(v[n4 + k]!), BigInt(v[m4 + k]!), s));
      zeroAbove(s, d, bytes);
      return undefined;
    };
  }
  const d2 = d * 2, n2 = n * 2, m2 = m * 2;
  return (s) => {
    const v = s.v64;
    for (let k = 0; k < lanes; k++) v[d2 + k] = f(v[n2 + k]!, v[m2 + k]!, s);
    zeroAbove(s, d, bytes);
    return undefined;
  };
}

/** Elementwise accumulate: d[k] = f(d[k], n[k], m[k]) (FMLA, FMLS). */
export function accumulateLanes(esize: FpEsize, lanes: number, d: number, n: number, m: number, f: Fn3): SimdExec {
  const bytes = lanes * esize / 8;
  if (esize === 32) {
    const d4 = d * 4, n4 = n * 4, m4 = m * 4;
    return (s) => {
      const v = s.v32;
      for (let k = 0; k < lanes; k++) {
        v[d4 + k] = Number(f(BigInt(v[d4 + k]!), BigInt(v[n4 + k]!), BigInt(v[m4 + k]!), s));
      }
      zeroAbove(s, d, bytes);
      return undefined;
    };
  }
  const d2 = d * 2, n2 = n * 2, m2 = m * 2;
  return (s) => {
    const v = s.v64;
    for (let k = 0; k < lanes; k++) v[d2 + k] = f(v[d2 + k]!, v[n2 + k]!, v[m2 + k]!, s);
    zeroAbove(s, d, bytes);
    return undefined;
  };
}

/**
 * By-element forms: the second operand is one element of V[m], read once before any lane is
 * written (V[m] may be the destination). `acc` selects d[k] = f(d[k], n[k], elt).
 */
export function byElementLanes(
  esize: FpEsize, lanes: number, d: number, n: number, m: number, index: number, f: Fn3, acc: boolean,
): SimdExec {
  const bytes = lanes * esize / 8;
  if (esize === 32) {
    const d4 = d * 4, n4 = n * 4, mi = m * 4 + index;
    return (s) => {
      const v = s.v32;
      const e2 = BigInt(v[mi]!);
      for (let k = 0; k < lanes; k++) {
        v[d4 + k] = Number(f(acc ? BigInt(v[d4 + k]!) : 0n, BigInt(v[n4 + k]!), e2, s));
      }
      zeroAbove(s, d, bytes);
      return undefined;
    };
  }
  const d2 = d * 2, n2 = n * 2, mi = m * 2 + index;
  return (s) => {
    const v = s.v64;
    const e2 = v[mi]!;
    for (let k = 0; k < lanes; k++) v[d2 + k] = f(acc ? v[d2 + k]! : 0n, v[n2 + k]!, e2, s);
    zeroAbove(s, d, bytes);
    return undefined;
  };
}

/**
 * Vector pairwise (FADDP, FMAXP, ...): the source is the concatenation Vm:Vn, and result lane k
 * is f(concat[2k], concat[2k + 1]); the lanes from Vn fill the low half of the result, those
 * from Vm the high half. Every source lane is read before the destination is written, since
 * d may equal n or m and lane k no longer matches source lane k.
 */
export function pairwiseLanes(esize: FpEsize, lanes: number, d: number, n: number, m: number, f: Fn2): SimdExec {
  const bytes = lanes * esize / 8;
  const out: bigint[] = new Array<bigint>(lanes).fill(0n);
  const src = (s: A64State, k: number): bigint => (k < lanes ? getElem(s, esize, n, k) : getElem(s, esize, m, k - lanes));
  return (s) => {
    for (let k = 0; k < lanes; k++) out[k] = f(src(s, 2 * k), src(s, 2 * k + 1), s);
    if (esize === 32) for (let k = 0; k < lanes; k++) s.v32[d * 4 + k] = Number(out[k]!);
    else for (let k = 0; k < lanes; k++) s.v64[d * 2 + k] = out[k]!;
    zeroAbove(s, d, bytes);
    return undefined;
  };
}

/**
 * Reduce(op, input, esize) over the `lanes` elements of V[n] into scalar V[d] (FMAXNMV,
 * FADDP scalar, ...): a pairwise tree, the two halves reduced separately and then combined,
 * which differs from a left fold when NaNs or rounding are involved.
 */
export function reduceLanes(esize: FpEsize, lanes: 2 | 4, d: number, n: number, f: Fn2): SimdExec {
  const bytes = esize / 8;
  const write = (s: A64State, r: bigint): void => {
    if (esize === 32) s.v32[d * 4] = Number(r); else s.v64[d * 2] = r;
    zeroAbove(s, d, bytes);
  };
  if (lanes === 2) {
    return (s) => {
      write(s, f(getElem(s, esize, n, 0), getElem(s, esize, n, 1), s));
      return undefined;
    };
  }
  return (s) => {
    const e0 = getElem(s, esize, n, 0), e1 = getElem(s, esize, n, 1);
    const e2 = getElem(s, esize, n, 2), e3 = getElem(s, esize, n, 3);
    const lo = f(e0, e1, s);
    const hi = f(e2, e3, s);
    write(s, f(lo, hi, s));
    return undefined;
  };
}
