/**
 * The format-changing conversions of Advanced SIMD two-register misc: FCVTN/FCVTN2 and
 * FCVTXN/FCVTXN2 (narrow: 4S → 4H, 2D → 2S; XN rounds to odd), FCVTL/FCVTL2 (widen: 4H → 4S,
 * 2S → 2D), and scalar FCVTXN Sd, Dn. Half precision here is a storage format only, converted
 * under FPCR.AHP by FPConvert, so it is part of ARMv8.0.
 *
 * Element sizes differ between source and destination, so a lane written early can overlap a
 * source lane read late when d = n: every executor reads all its source lanes first.
 */
import type { A64State } from '../state.js';
import type { SimdExec, SimdFp } from '../insn.js';
import { simdInsn } from './insn.js';
import { fpcrRounding, fpConvert, Rounding, type FpSize } from './softfloat.js';
import { asmText, sreg, vreg } from './advsimd-fp-text.js';

function readElem(s: A64State, esize: FpSize, n: number, k: number): bigint {
  switch (esize) {
    case 16: return BigInt(s.v16[n * 8 + k]!);
    case 32: return BigInt(s.v32[n * 4 + k]!);
    default: return s.v64[n * 2 + k]!;
  }
}

function writeElem(s: A64State, esize: FpSize, d: number, k: number, v: bigint): void {
  switch (esize) {
    case 16: s.v16[d * 8 + k] = Number(v); break;
    case 32: s.v32[d * 4 + k] = Number(v); break;
    default: s.v64[d * 2 + k] = v; break;
  }
}

/**
 * FCVTN/FCVTXN (vector): the 128-bit source of `2 * dst`-bit elements narrowed into 64 bits,
 * written to the low half of V[d] (upper half zeroed) or, for the "2" form (q = 1), to the
 * high half with the low half kept (Vpart[d, 1]).
 */
export function narrowInsn(name: 'FCVTN' | 'FCVTXN', dst: 16 | 32, q: number, d: number, n: number): SimdFp {
  const src = (dst * 2) as 32 | 64;
  const lanes = 64 / dst;
  const odd = name === 'FCVTXN';
  const out: bigint[] = new Array<bigint>(lanes).fill(0n);
  const base = q * lanes;
  const exec: SimdExec = (s) => {
    const rm = odd ? Rounding.ODD : fpcrRounding(s);
    for (let k = 0; k < lanes; k++) out[k] = fpConvert(readElem(s, src, n, k), src, dst, rm, s);
    for (let k = 0; k < lanes; k++) writeElem(s, dst, d, base + k, out[k]!);
    if (q === 0) s.v64[d * 2 + 1] = 0n;
    return undefined;
  };
  const mn = `${name.toLowerCase()}${q ? '2' : ''}`;
  return simdInsn(name, asmText(mn, vreg(d, dst, q), vreg(n, src, 1)), exec);
}

/** FCVTL/FCVTL2: the low (q = 0) or high 64 bits of V[n] widened to 128 bits. */
export function widenInsn(src: 16 | 32, q: number, d: number, n: number): SimdFp {
  const dst = (src * 2) as 32 | 64;
  const lanes = 64 / src;
  const base = q * lanes;
  const out: bigint[] = new Array<bigint>(lanes).fill(0n);
  const exec: SimdExec = (s) => {
    const rm = fpcrRounding(s);
    for (let k = 0; k < lanes; k++) out[k] = fpConvert(readElem(s, src, n, base + k), src, dst, rm, s);
    for (let k = 0; k < lanes; k++) writeElem(s, dst, d, k, out[k]!);
    return undefined;
  };
  const mn = q ? 'fcvtl2' : 'fcvtl';
  return simdInsn('FCVTL', asmText(mn, vreg(d, dst, 1), vreg(n, src, q)), exec);
}

/** Scalar FCVTXN Sd, Dn: double to single, rounding to odd (for a later exact second rounding). */
export function scalarFcvtxnInsn(d: number, n: number): SimdFp {
  const exec: SimdExec = (s) => {
    const r = fpConvert(s.v64[n * 2]!, 64, 32, Rounding.ODD, s);
    s.v64[d * 2 + 1] = 0n;
    s.v64[d * 2] = 0n;
    s.v32[d * 4] = Number(r);
    return undefined;
  };
  return simdInsn('FCVTXN', asmText('fcvtxn', sreg(d, 32), sreg(n, 64)), exec);
}
