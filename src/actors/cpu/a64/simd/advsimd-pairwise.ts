/**
 * Integer pairwise operations: the vector three-same ADDP, SMAXP, UMAXP, SMINP, UMINP (result
 * lane i combines lanes 2i and 2i + 1 of the concatenation Vm:Vn) and the scalar pairwise
 * group's ADDP (D) (its FP opcodes go to advsimd-fp.ts); and the two-register-misc pairwise
 * long adds (SADDLP, UADDLP, SADALP, UADALP).
 */
import type { SimdExec, SimdFp } from '../insn.js';
import { bit, bits, simdInsn } from './insn.js';
import { decodeAdvSimdFp } from './advsimd-fp.js';
import { view, zeroAbove, type NumESize } from './advsimd-lanes.js';
import { add64, halves } from './advsimd-arith.js';
import { asm, sreg, vreg } from './advsimd-text.js';
import type { ESize } from './vregs.js';

/** Scratch for the source lanes (both operands are read before Vd is written). */
const tmp = new Float64Array(32);

/** Vector three-same opcodes 10100 (MAXP), 10101 (MINP), 10111 (ADDP, U = 0). */
export function decodePairwiseSame(w: number): SimdFp | undefined {
  const q = bit(w, 30), u = bit(w, 29), size = bits(w, 23, 22), opcode = bits(w, 15, 11);
  const m = bits(w, 20, 16), n = bits(w, 9, 5), d = bits(w, 4, 0);
  const esize = (8 << size) as ESize;
  let name: string;
  let f: (a: number, b: number) => number;
  if (opcode === 0x17) {
    if (u || (size === 3 && !q)) return undefined;
    name = 'addp';
    f = (a, b) => a + b;
  } else {
    if (size === 3) return undefined;
    const max = opcode === 0x14;
    name = `${u ? 'u' : 's'}${max ? 'max' : 'min'}p`;
    f = max ? (a, b) => (a > b ? a : b) : (a, b) => (a < b ? a : b);
  }
  const text = asm(name, vreg(d, esize, q), vreg(n, esize, q), vreg(m, esize, q));
  if (esize === 64) {
    return simdInsn('ADDP', text, (s) => {
      const v = s.v64;
      const r0 = v[n * 2]! + v[n * 2 + 1]!, r1 = v[m * 2]! + v[m * 2 + 1]!;
      v[d * 2] = r0;
      v[d * 2 + 1] = r1;
      return undefined;
    });
  }
  const e = esize as NumESize;
  const elements = (q ? 128 : 64) / e;
  const per = 128 / e;
  const sh = 32 - e;
  const signed = u === 0 && name !== 'addp';
  return simdInsn(name.toUpperCase(), text, (s) => {
    const a = view(s, e);
    for (let i = 0; i < elements; i++) {
      const x = a[n * per + i]!, y = a[m * per + i]!;
      tmp[i] = signed ? (x << sh) >> sh : x;
      tmp[elements + i] = signed ? (y << sh) >> sh : y;
    }
    for (let i = 0; i < elements; i++) a[d * per + i] = f(tmp[2 * i]!, tmp[2 * i + 1]!);
    zeroAbove(s, d, q ? 16 : 8);
    return undefined;
  });
}

/** Advanced SIMD scalar pairwise: ADDP (D); FMAXNMP, FADDP, FMAXP, FMINNMP, FMINP are FP. */
export function decodeScalarPairwise(w: number): SimdFp | undefined {
  const u = bit(w, 29), size = bits(w, 23, 22), opcode = bits(w, 16, 12);
  const n = bits(w, 9, 5), d = bits(w, 4, 0);
  if (opcode === 0x0c || opcode === 0x0d || opcode === 0x0f) return decodeAdvSimdFp(w, 'pairwise');
  if (opcode !== 0x1b || u || size !== 3) return undefined;
  return simdInsn('ADDP', asm('addp', sreg(d, 64), vreg(n, 64, 1)), (s) => {
    const v = s.v64;
    v[d * 2] = v[n * 2]! + v[n * 2 + 1]!;
    v[d * 2 + 1] = 0n;
    return undefined;
  });
}

/**
 * SADDLP, UADDLP (`acc` false), SADALP, UADALP (`acc` true): result lane i (2 × esize bits) =
 * [Vd lane i +] Vn lane 2i + Vn lane 2i + 1. The sums are exact numbers; 64-bit result lanes
 * are accumulated as 32-bit halves.
 */
export function addLongPairwise(esize: NumESize, q: number, d: number, n: number, signed: boolean, acc: boolean): SimdExec {
  const count = (q ? 64 : 32) / esize;
  const per = 128 / esize, sh = 32 - esize;
  return (s) => {
    const a = view(s, esize);
    for (let i = 0; i < 2 * count; i++) {
      const x = a[n * per + i]!;
      tmp[i] = signed ? (x << sh) >> sh : x;
    }
    if (esize === 32) {
      const v = s.v32;
      for (let i = 0; i < count; i++) {
        const [lo, hi] = halves(tmp[2 * i]! + tmp[2 * i + 1]!);
        const k = d * 4 + 2 * i;
        if (acc) add64(v, k, lo, hi, false);
        else { v[k] = lo; v[k + 1] = hi; }
      }
    } else {
      const w = view(s, (esize * 2) as NumESize), wper = 64 / esize;
      for (let i = 0; i < count; i++) {
        const r = tmp[2 * i]! + tmp[2 * i + 1]!;
        w[d * wper + i] = acc ? w[d * wper + i]! + r : r;
      }
    }
    zeroAbove(s, d, q ? 16 : 8);
    return undefined;
  };
}
