/**
 * Advanced SIMD across lanes (0 Q U 01110 size 11000 opcode 10 Rn Rd): ADDV, SADDLV, UADDLV,
 * SMAXV, UMAXV, SMINV, UMINV; the FP reductions (FMAXNMV, FMAXV, ...) go to advsimd-fp.ts.
 * The result is a scalar in Vd (the rest zeroed); 4s is the widest source (size 11 and 2s are
 * reserved).
 */
import type { SimdFp } from '../insn.js';
import { bit, bits, simdInsn } from './insn.js';
import { decodeAdvSimdFp } from './advsimd-fp.js';
import { view, type NumESize } from './advsimd-lanes.js';
import { halves } from './advsimd-arith.js';
import { asm, sreg, vreg } from './advsimd-text.js';
import type { ESize } from './vregs.js';

export function decodeAcrossLanes(w: number): SimdFp | undefined {
  const q = bit(w, 30), u = bit(w, 29), size = bits(w, 23, 22), opcode = bits(w, 16, 12);
  const n = bits(w, 9, 5), d = bits(w, 4, 0);
  if (opcode === 0x0c || opcode === 0x0f) return decodeAdvSimdFp(w, 'across-lanes');
  if (size === 3 || (size === 2 && !q)) return undefined;
  const esize = (8 << size) as NumESize;
  const signed = u === 0;
  let name: string;
  let kind: 'add' | 'max' | 'min' | 'addl';
  switch (opcode) {
    case 0x03: name = signed ? 'saddlv' : 'uaddlv'; kind = 'addl'; break;
    case 0x0a: name = signed ? 'smaxv' : 'umaxv'; kind = 'max'; break;
    case 0x1a: name = signed ? 'sminv' : 'uminv'; kind = 'min'; break;
    case 0x1b: if (u) return undefined; name = 'addv'; kind = 'add'; break;
    default: return undefined;
  }
  const count = (q ? 128 : 64) / esize;
  const per = 128 / esize, sh = 32 - esize;
  const rsize = (kind === 'addl' ? esize * 2 : esize) as ESize;
  const text = asm(name, sreg(d, rsize), vreg(n, esize, q));
  const sx = signed && kind !== 'add';
  return simdInsn(name.toUpperCase(), text, (s) => {
    const a = view(s, esize);
    let r = sx ? (a[n * per]! << sh) >> sh : a[n * per]!;
    for (let i = 1; i < count; i++) {
      const x = sx ? (a[n * per + i]! << sh) >> sh : a[n * per + i]!;
      if (kind === 'max') { if (x > r) r = x; } else if (kind === 'min') { if (x < r) r = x; } else r += x;
    }
    const v32 = s.v32;
    v32.fill(0, d * 4, d * 4 + 4);
    if (rsize === 64) {
      const [lo, hi] = halves(r);
      v32[d * 4] = lo;
      v32[d * 4 + 1] = hi;
    } else {
      view(s, rsize as NumESize)[d * (128 / rsize)] = r;
    }
    return undefined;
  });
}
