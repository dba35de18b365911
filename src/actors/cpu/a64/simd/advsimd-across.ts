/**
 * Advanced SIMD across lanes (0 Q U 01110 size 11000 opcode 10 Rn Rd): ADDV, SADDLV, UADDLV,
 * SMAXV, UMAXV, SMINV, UMINV; the FP reductions (FMAXNMV, FMAXV, ...) go to advsimd-fp.ts.
 * The result is a scalar in Vd (the rest zeroed); 4s is the widest source (size 11 and 2s are
 * reserved).
 */
import type { SimdExec, SimdFp } from '../insn.js';
import { bit, bits, simdInsn } from './insn.js';
import { decodeAdvSimdFp } from './advsimd-fp.js';
import type { NumESize } from './advsimd-lanes.js';
import { readLane, specialise } from './advsimd-specialise.js';
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
  const per = 128 / esize;
  const rsize = (kind === 'addl' ? esize * 2 : esize) as ESize;
  const text = asm(name, sreg(d, rsize), vreg(n, esize, q));
  const sx = signed && kind !== 'add';
  const step = kind === 'max' ? 'if (x > r) r = x;' : kind === 'min' ? 'if (x < r) r = x;' : 'r += x;';
  const write = rsize === 64
    ? 'v[d * 4] = r >>> 0; v[d * 4 + 1] = Math.floor(r / 4294967296) >>> 0;'
    : `s.v${rsize}[d * ${128 / rsize}] = r;`;
  const body = `
return (s) => {
  const a = s.v${esize};
  let r = ${readLane(`a[n * ${per}]`, esize, sx)};
  for (let i = 1; i < ${count}; i++) {
    const x = ${readLane(`a[n * ${per} + i]`, esize, sx)};
    ${step}
  }
  const v = s.v32;
  v[d * 4] = 0; v[d * 4 + 1] = 0; v[d * 4 + 2] = 0; v[d * 4 + 3] = 0;
  ${write}
  return undefined;
};`;
  const exec = specialise<(d: number, n: number) => SimdExec>(`across:${name}:${esize}:${count}`, ['d', 'n'], body)(d, n);
  return simdInsn(name.toUpperCase(), text, exec);
}
