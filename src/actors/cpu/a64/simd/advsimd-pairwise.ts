/**
 * Integer pairwise operations: the vector three-same ADDP, SMAXP, UMAXP, SMINP, UMINP (result
 * lane i combines lanes 2i and 2i + 1 of the concatenation Vm:Vn) and the scalar pairwise
 * group's ADDP (D) (its FP opcodes go to advsimd-fp.ts); and the two-register-misc pairwise
 * long adds (SADDLP, UADDLP, SADALP, UADALP).
 *
 * Every source lane is read into a local before Vd is written (Vd may alias Vn or Vm); the
 * code is unrolled per shape (advsimd-specialise.ts).
 */
import type { SimdExec, SimdFp } from '../insn.js';
import { bit, bits, simdInsn } from './insn.js';
import { decodeAdvSimdFp } from './advsimd-fp.js';
import type { NumESize } from './advsimd-lanes.js';
import { add64 } from './advsimd-arith.js';
import { readLane, specialise, zeroSource } from './advsimd-specialise.js';
import { asm, sizeLetter, sreg, vreg } from './advsimd-text.js';
import type { ESize } from './vregs.js';

/** Source combining locals `x` and `y` for each pairwise op. */
const COMBINE: Record<string, (x: string, y: string) => string> = {
  addp: (x, y) => `${x} + ${y}`,
  maxp: (x, y) => `(${x} > ${y} ? ${x} : ${y})`,
  minp: (x, y) => `(${x} < ${y} ? ${x} : ${y})`,
};

/** Vector three-same opcodes 10100 (MAXP), 10101 (MINP), 10111 (ADDP, U = 0). */
export function decodePairwiseSame(w: number): SimdFp | undefined {
  const q = bit(w, 30), u = bit(w, 29), size = bits(w, 23, 22), opcode = bits(w, 15, 11);
  const m = bits(w, 20, 16), n = bits(w, 9, 5), d = bits(w, 4, 0);
  const esize = (8 << size) as ESize;
  let op: 'addp' | 'maxp' | 'minp';
  if (opcode === 0x17) {
    if (u || (size === 3 && !q)) return undefined;
    op = 'addp';
  } else {
    if (size === 3) return undefined;
    op = opcode === 0x14 ? 'maxp' : 'minp';
  }
  const name = op === 'addp' ? op : `${u ? 'u' : 's'}${op}`;
  const text = asm(name, vreg(d, esize, q), vreg(n, esize, q), vreg(m, esize, q));
  const elements = (q ? 128 : 64) / esize;
  const per = 128 / esize;
  const signed = u === 0 && op !== 'addp';
  const lines = [`const a = s.v${esize};`];
  for (let i = 0; i < 2 * elements; i++) {
    const src = i < elements ? `n * ${per} + ${i}` : `m * ${per} + ${i - elements}`;
    lines.push(`const t${i} = ${esize === 64 ? `a[${src}]` : readLane(`a[${src}]`, esize, signed)};`);
  }
  for (let i = 0; i < elements; i++) lines.push(`a[d * ${per} + ${i}] = ${COMBINE[op]!(`t${2 * i}`, `t${2 * i + 1}`)};`);
  const body = `
return (s) => {
  ${lines.join('\n  ')}
  ${zeroSource(q ? 16 : 8)}
  return undefined;
};`;
  const exec = specialise<(d: number, n: number, m: number) => SimdExec>(`pairwise:${name}:${esize}:${q}`, ['d', 'n', 'm'], body)(d, n, m);
  return simdInsn(name.toUpperCase(), text, exec);
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

/** SADDLP, UADDLP, SADALP, UADALP (two-register misc 00010 / 00110). */
export function decodeAddLongPairwise(q: number, u: number, size: number, acc: boolean, d: number, n: number): SimdFp | undefined {
  if (size === 3) return undefined;
  const esize = (8 << size) as NumESize;
  const name = `${u ? 'u' : 's'}${acc ? 'adalp' : 'addlp'}`;
  const text = asm(name, `v${d}.${(q ? 64 : 32) / esize}${sizeLetter((esize * 2) as ESize)}`, vreg(n, esize, q));
  return simdInsn(name.toUpperCase(), text, addLongPairwise(esize, q, d, n, u === 0, acc));
}

/**
 * Result lane i (2 × esize bits) = [Vd lane i +] Vn lane 2i + Vn lane 2i + 1. The sums are exact
 * numbers; 64-bit result lanes are accumulated as 32-bit halves.
 */
function addLongPairwise(esize: NumESize, q: number, d: number, n: number, signed: boolean, acc: boolean): SimdExec {
  const count = (q ? 64 : 32) / esize;
  const per = 128 / esize;
  const lines = [`const a = s.v${esize};`];
  for (let i = 0; i < count; i++) {
    lines.push(`const r${i} = ${readLane(`a[n * ${per} + ${2 * i}]`, esize, signed)} + ${readLane(`a[n * ${per} + ${2 * i + 1}]`, esize, signed)};`);
  }
  if (esize === 32) {
    lines.push('const v = s.v32;');
    for (let i = 0; i < count; i++) {
      const lo = `r${i} >>> 0`, hi = `Math.floor(r${i} / 4294967296) >>> 0`;
      lines.push(acc ? `add64(v, d * 4 + ${2 * i}, ${lo}, ${hi}, false);` : `v[d * 4 + ${2 * i}] = ${lo}; v[d * 4 + ${2 * i + 1}] = ${hi};`);
    }
  } else {
    const we = esize * 2, wper = 128 / we;
    lines.push(`const w = s.v${we};`);
    for (let i = 0; i < count; i++) lines.push(`w[d * ${wper} + ${i}] ${acc ? '+=' : '='} r${i};`);
  }
  const body = `
return (s) => {
  ${lines.join('\n  ')}
  ${zeroSource(q ? 16 : 8)}
  return undefined;
};`;
  const key = `addlp:${esize}:${q}:${+signed}:${+acc}`;
  return specialise<(add: typeof add64, d: number, n: number) => SimdExec>(key, ['add64', 'd', 'n'], body)(add64, d, n);
}
