/**
 * Advanced SIMD copy (0 Q op 01110000 imm5 0 imm4 1 Rn Rd): DUP (element), DUP (general),
 * SMOV, UMOV (MOV alias), INS (general), INS (element) (MOV aliases); and the scalar copy
 * group's DUP (element) (01 op 11110000 imm5 0 imm4 1 Rn Rd, MOV alias).
 *
 * The element size is the lowest set bit of imm5 and the index the bits above it. General
 * registers are read and written through A64State.r32 (low half of Xn at word 2n) and 64-bit
 * elements moved as two words, so no bigint is made. The executors are compiled per element
 * size (advsimd-specialise.ts): each of these runs in every memset/memcpy-style loop.
 */
import type { SimdExec, SimdFp } from '../insn.js';
import { bit, bits, simdInsn } from './insn.js';
import type { NumESize } from './advsimd-lanes.js';
import { readLane, specialise } from './advsimd-specialise.js';
import { asm, greg, sreg, velem, vreg } from './advsimd-text.js';
import type { ESize } from './vregs.js';

/** log2 of the element size in bytes from imm5, or -1 (imm5 = x0000, reserved). */
function sizeOf(imm5: number): number {
  for (let i = 0; i < 4; i++) if (imm5 & (1 << i)) return i;
  return -1;
}

export function decodeCopy(w: number, scalar: boolean): SimdFp | undefined {
  const q = bit(w, 30), op = bit(w, 29), imm5 = bits(w, 20, 16), imm4 = bits(w, 14, 11);
  const n = bits(w, 9, 5), d = bits(w, 4, 0);
  const size = sizeOf(imm5);
  if (size < 0) return undefined;
  const esize = (8 << size) as ESize;
  const index = imm5 >>> (size + 1);
  if (scalar) {
    if (op || imm4 !== 0) return undefined;
    return simdInsn('DUP', asm('mov', sreg(d, esize), velem(n, esize, index)), dupScalar(esize, d, n, index));
  }
  if (op) {
    if (!q) return undefined;
    const index2 = imm4 >>> size;
    return simdInsn('INS', asm('mov', velem(d, esize, index), velem(n, esize, index2)), insElement(esize, d, index, n, index2));
  }
  switch (imm4) {
    case 0: // DUP (element)
      if (size === 3 && !q) return undefined;
      return simdInsn('DUP', asm('dup', vreg(d, esize, q), velem(n, esize, index)), dupElement(esize, q, d, n, index));
    case 1: // DUP (general)
      if (size === 3 && !q) return undefined;
      return simdInsn('DUP', asm('dup', vreg(d, esize, q), greg(n, size === 3)), dupGeneral(esize, q, d, n));
    case 3: // INS (general)
      if (!q) return undefined;
      return simdInsn('INS', asm('mov', velem(d, esize, index), greg(n, size === 3)), insGeneral(esize, d, index, n));
    case 5: // SMOV
      if (size === 3 || (size === 2 && !q)) return undefined;
      return simdInsn('SMOV', asm('smov', greg(d, q === 1), velem(n, esize, index)), smov(esize as NumESize, q === 1, d, n, index));
    case 7: { // UMOV
      if (q ? size !== 3 : size === 3) return undefined;
      const mnem = size >= 2 ? 'mov' : 'umov';
      return simdInsn('UMOV', asm(mnem, greg(d, q === 1), velem(n, esize, index)), umov(esize, d, n, index));
    }
    default:
      return undefined;
  }
}

type Exec3 = (d: number, n: number, idx: number, idx2: number) => SimdExec;

/** The executor compiled from `body` for `key` (parameters d, n, idx, idx2). */
function gen(key: string, body: string, d: number, n: number, idx: number, idx2 = 0): SimdExec {
  return specialise<Exec3>(`copy:${key}`, ['d', 'n', 'idx', 'idx2'], `return (s) => {\n${body}\nreturn undefined;\n};`)(d, n, idx, idx2);
}

/** Source: 32-bit word `p` replicated from an element value `x` (8/16/32 bits). */
function replicate(esize: ESize): string {
  return esize === 8 ? 'const p = (x * 0x01010101) >>> 0;' : esize === 16 ? 'const p = (x * 0x10001) >>> 0;' : 'const p = x;';
}

/** Source storing the (lo, hi) or p pattern to V[d] (Q = 0: upper half zeroed). */
function store(esize: ESize, q: number): string {
  const [a, b] = esize === 64 ? ['lo', 'hi'] : ['p', 'p'];
  return `const v = s.v32; v[d * 4] = ${a}; v[d * 4 + 1] = ${b}; v[d * 4 + 2] = ${q ? a : 0}; v[d * 4 + 3] = ${q ? b : 0};`;
}

/** DUP (element): replicates element idx of V[n]; built as 32-bit words. */
function dupElement(esize: ESize, q: number, d: number, n: number, index: number): SimdExec {
  const read = esize === 64
    ? 'const lo = s.v32[n * 4 + idx * 2], hi = s.v32[n * 4 + idx * 2 + 1];'
    : `const x = s.v${esize}[n * ${128 / esize} + idx];\n${replicate(esize)}`;
  return gen(`dup:${esize}:${q}`, `${read}\n${store(esize, q)}`, d, n, index);
}

/** DUP (general): replicates the low esize bits of Xn (31: zero register). */
function dupGeneral(esize: ESize, q: number, d: number, n: number): SimdExec {
  const mask = esize === 8 ? ' & 0xff' : esize === 16 ? ' & 0xffff' : '';
  const read = esize === 64
    ? 'const lo = n === 31 ? 0 : s.r32[2 * n], hi = n === 31 ? 0 : s.r32[2 * n + 1];'
    : `const x = (n === 31 ? 0 : s.r32[2 * n])${mask};\n${replicate(esize)}`;
  return gen(`dupg:${esize}:${q}`, `${read}\n${store(esize, q)}`, d, n, 0);
}

/** DUP (element, scalar): element idx of V[n] to V[d]'s lowest element, the rest zeroed. */
function dupScalar(esize: ESize, d: number, n: number, index: number): SimdExec {
  const body = esize === 64
    ? 'const v = s.v32; const lo = v[n * 4 + idx * 2], hi = v[n * 4 + idx * 2 + 1];\nv[d * 4] = lo; v[d * 4 + 1] = hi; v[d * 4 + 2] = 0; v[d * 4 + 3] = 0;'
    : `const a = s.v${esize}; const x = a[n * ${128 / esize} + idx];\ns.v32.fill(0, d * 4, d * 4 + 4);\na[d * ${128 / esize}] = x;`;
  return gen(`dups:${esize}`, body, d, n, index);
}

/** INS (element): V[d][di] = V[n][ni]. */
function insElement(esize: ESize, d: number, di: number, n: number, ni: number): SimdExec {
  const [arr, per] = esize === 64 ? ['v64', 2] : [`v${esize}`, 128 / esize];
  return gen(`ins:${esize}`, `const a = s.${arr}; a[d * ${per} + idx] = a[n * ${per} + idx2];`, d, n, di, ni);
}

/** INS (general): V[d][di] = low esize bits of Xn. */
function insGeneral(esize: ESize, d: number, di: number, n: number): SimdExec {
  const body = esize === 64
    ? 'const v = s.v32; v[d * 4 + idx * 2] = n === 31 ? 0 : s.r32[2 * n]; v[d * 4 + idx * 2 + 1] = n === 31 ? 0 : s.r32[2 * n + 1];'
    : `s.v${esize}[d * ${128 / esize} + idx] = n === 31 ? 0 : s.r32[2 * n];`;
  return gen(`insg:${esize}`, body, d, n, di);
}

/** UMOV: Xd/Wd = zero-extended element (31 discards). */
function umov(esize: ESize, d: number, n: number, index: number): SimdExec {
  const body = esize === 64
    ? 'if (d !== 31) { const v = s.v32; s.r32[2 * d] = v[n * 4 + idx * 2]; s.r32[2 * d + 1] = v[n * 4 + idx * 2 + 1]; }'
    : `if (d !== 31) { s.r32[2 * d] = s.v${esize}[n * ${128 / esize} + idx]; s.r32[2 * d + 1] = 0; }`;
  return gen(`umov:${esize}`, body, d, n, index);
}

/** SMOV: Xd (x) or Wd = sign-extended element. */
function smov(esize: NumESize, x: boolean, d: number, n: number, index: number): SimdExec {
  const body = `if (d !== 31) {
  const v = ${readLane(`s.v${esize}[n * ${128 / esize} + idx]`, esize, true)};
  s.r32[2 * d] = v; s.r32[2 * d + 1] = ${x ? 'v < 0 ? 0xffffffff : 0' : '0'};
}`;
  return gen(`smov:${esize}:${+x}`, body, d, n, index);
}
