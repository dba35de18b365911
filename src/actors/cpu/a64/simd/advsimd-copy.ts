/**
 * Advanced SIMD copy (0 Q op 01110000 imm5 0 imm4 1 Rn Rd): DUP (element), DUP (general),
 * SMOV, UMOV (MOV alias), INS (general), INS (element) (MOV aliases); and the scalar copy
 * group's DUP (element) (01 op 11110000 imm5 0 imm4 1 Rn Rd, MOV alias).
 *
 * The element size is the lowest set bit of imm5 and the index the bits above it. General
 * registers are read and written through A64State.r32 (low half of Xn at word 2n), so no
 * bigint is made for 8/16/32-bit elements.
 */
import type { SimdExec, SimdFp } from '../insn.js';
import type { A64State } from '../state.js';
import { bit, bits, simdInsn } from './insn.js';
import { view, zeroAbove, type NumESize } from './advsimd-lanes.js';
import { asm, greg, sreg, velem, vreg } from './advsimd-text.js';
import type { ESize } from './vregs.js';

/** log2 of the element size in bytes from imm5, or -1 (imm5 = x0000, reserved). */
function sizeOf(imm5: number): number {
  for (let i = 0; i < 4; i++) if (imm5 & (1 << i)) return i;
  return -1;
}

/** Low 32 bits of Xn (31 = zero register). */
function w32(s: A64State, n: number): number {
  return n === 31 ? 0 : s.r32[2 * n]!;
}

/** Writes Xd = (hi:lo) (31 discards). */
function setX(s: A64State, d: number, lo: number, hi: number): void {
  if (d === 31) return;
  s.r32[2 * d] = lo;
  s.r32[2 * d + 1] = hi;
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
      return simdInsn('DUP', asm('dup', vreg(d, esize, q), velem(n, esize, index)), dup(esize, q, d, (s) => elem(s, n, esize, index)));
    case 1: // DUP (general)
      if (size === 3 && !q) return undefined;
      return simdInsn('DUP', asm('dup', vreg(d, esize, q), greg(n, size === 3)),
        dup(esize, q, d, size === 3 ? (s) => s.xreg(n) : (s) => w32(s, n)));
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

/** Element `index` of V[n]: a number for 8/16/32-bit elements, a bigint for 64. */
function elem(s: A64State, n: number, esize: ESize, index: number): number | bigint {
  return esize === 64 ? s.v64[n * 2 + index]! : view(s, esize)[n * (128 / esize) + index]!;
}

/** Replicates a value (from `get`) to every lane of V[d]. */
function dup(esize: ESize, q: number, d: number, get: (s: A64State) => number | bigint): SimdExec {
  const bytes = q ? 16 : 8;
  const lanesN = (bytes * 8) / esize;
  return (s) => {
    const v = get(s);
    if (esize === 64) s.v64.fill(BigInt.asUintN(64, v as bigint), d * 2, d * 2 + 2);
    else {
      // A 32-bit source value may exceed the lane; fill truncates it as the element write does.
      const per = 128 / esize;
      view(s, esize).fill(v as number, d * per, d * per + lanesN);
      zeroAbove(s, d, bytes);
    }
    return undefined;
  };
}

function dupScalar(esize: ESize, d: number, n: number, index: number): SimdExec {
  if (esize === 64) {
    return (s) => { s.v64[d * 2] = s.v64[n * 2 + index]!; s.v64[d * 2 + 1] = 0n; return undefined; };
  }
  const e = esize as NumESize, per = 128 / e;
  return (s) => {
    const a = view(s, e);
    const v = a[n * per + index]!;
    s.v32.fill(0, d * 4, d * 4 + 4);
    a[d * per] = v;
    return undefined;
  };
}

function insElement(esize: ESize, d: number, di: number, n: number, ni: number): SimdExec {
  if (esize === 64) return (s) => { s.v64[d * 2 + di] = s.v64[n * 2 + ni]!; return undefined; };
  const e = esize as NumESize, per = 128 / e;
  return (s) => { const a = view(s, e); a[d * per + di] = a[n * per + ni]!; return undefined; };
}

function insGeneral(esize: ESize, d: number, di: number, n: number): SimdExec {
  if (esize === 64) return (s) => { s.v64[d * 2 + di] = s.xreg(n); return undefined; };
  const e = esize as NumESize, per = 128 / e;
  return (s) => { view(s, e)[d * per + di] = w32(s, n); return undefined; };
}

function umov(esize: ESize, d: number, n: number, index: number): SimdExec {
  if (esize === 64) return (s) => { s.setReg(d, s.v64[n * 2 + index]!, true, false); return undefined; };
  const e = esize as NumESize, per = 128 / e;
  return (s) => { setX(s, d, view(s, e)[n * per + index]!, 0); return undefined; };
}

function smov(esize: NumESize, x: boolean, d: number, n: number, index: number): SimdExec {
  const per = 128 / esize, sh = 32 - esize;
  return (s) => {
    const v = (view(s, esize)[n * per + index]! << sh) >> sh;
    setX(s, d, v >>> 0, x && v < 0 ? 0xffff_ffff : 0);
    return undefined;
  };
}
