/**
 * Advanced SIMD two-register miscellaneous (0 Q U 01110 size 10000 opcode 10 Rn Rd) and its
 * scalar group (01 U 11110 size 10000 opcode 10 Rn Rd), integer opcodes: REV16/32/64,
 * SADDLP/UADDLP/SADALP/UADALP, SUQADD/USQADD, CLS/CLZ, CNT/NOT/RBIT, SQABS/SQNEG,
 * CMGT/CMGE/CMEQ/CMLE/CMLT #0, ABS/NEG, XTN/SQXTUN/SQXTN/UQXTN (+2), SHLL (+2).
 * Opcodes 01100-01111 and 10110-11111 go to advsimd-fp.ts: the FP ones and, among them,
 * URECPE/URSQRTE (11100, size 1x), which share the FP estimate tables.
 */
import type { SimdFp } from '../insn.js';
import { bit, bits, simdInsn } from './insn.js';
import { decodeAdvSimdFp } from './advsimd-fp.js';
import { clamp, clampBig, lanes, sRange, uMax, S64_MAX, S64_MIN, U64_MAX, type BigFn, type NumESize, type NumFn } from './advsimd-lanes.js';
import { cls, clz, POPCOUNT8, RBIT8 } from './advsimd-arith.js';
import { shuffle } from './advsimd-perm.js';
import { decodeAddLongPairwise } from './advsimd-pairwise.js';
import { extractFns, narrowExec } from './advsimd-narrow.js';
import { longExec } from './advsimd-long.js';
import { spec } from './advsimd-3diff.js';
import { asm, sreg, vreg } from './advsimd-text.js';
import type { ESize } from './vregs.js';

interface MiscOp { name: string; signed: boolean; acc?: 'signed' | 'unsigned'; f: NumFn; f64?: BigFn; zero?: boolean }

const cmp = (c: boolean): number => (c ? -1 : 0);
const cmpB = (c: boolean): bigint => (c ? -1n : 0n);

/** Element-wise ops (opcode, U) that have both vector and scalar forms. */
function elementOp(opcode: number, u: number, esize: number): MiscOp | undefined {
  const [lo, hi] = sRange(esize);
  switch (opcode) {
    case 0x03:
      return u
        ? { name: 'usqadd', signed: true, acc: 'unsigned', f: (a, _b, acc) => clamp(acc + a, 0, uMax(esize)), f64: (a, _b, acc) => clampBig(acc + a, 0n, U64_MAX) }
        : { name: 'suqadd', signed: false, acc: 'signed', f: (a, _b, acc) => clamp(acc + a, lo, hi), f64: (a, _b, acc) => clampBig(acc + a, S64_MIN, S64_MAX) };
    case 0x07:
      return u
        ? { name: 'sqneg', signed: true, f: (a) => clamp(-a, lo, hi), f64: (a) => clampBig(-a, S64_MIN, S64_MAX) }
        : { name: 'sqabs', signed: true, f: (a) => clamp(Math.abs(a), lo, hi), f64: (a) => clampBig(a < 0n ? -a : a, S64_MIN, S64_MAX) };
    case 0x08:
      return u
        ? { name: 'cmge', signed: true, zero: true, f: (a) => cmp(a >= 0), f64: (a) => cmpB(a >= 0n) }
        : { name: 'cmgt', signed: true, zero: true, f: (a) => cmp(a > 0), f64: (a) => cmpB(a > 0n) };
    case 0x09:
      return u
        ? { name: 'cmle', signed: true, zero: true, f: (a) => cmp(a <= 0), f64: (a) => cmpB(a <= 0n) }
        : { name: 'cmeq', signed: true, zero: true, f: (a) => cmp(a === 0), f64: (a) => cmpB(a === 0n) };
    case 0x0a:
      return u ? undefined : { name: 'cmlt', signed: true, zero: true, f: (a) => cmp(a < 0), f64: (a) => cmpB(a < 0n) };
    case 0x0b:
      return u
        ? { name: 'neg', signed: true, f: (a) => -a, f64: (a) => -a }
        : { name: 'abs', signed: true, f: (a) => Math.abs(a), f64: (a) => (a < 0n ? -a : a) };
    default:
      return undefined;
  }
}

/** Vector-only element-wise ops. */
function vectorOnlyOp(opcode: number, u: number, size: number, esize: number): MiscOp | undefined {
  if (opcode === 0x04 && size !== 3) {
    return u
      ? { name: 'clz', signed: false, f: (a) => clz(a, esize) }
      : { name: 'cls', signed: false, f: (a) => cls(a, esize) };
  }
  if (opcode === 0x05) {
    if (!u && size === 0) return { name: 'cnt', signed: false, f: (a) => POPCOUNT8[a]! };
    if (u && size === 0) return { name: 'mvn', signed: false, f: (a) => ~a };
    if (u && size === 1) return { name: 'rbit', signed: false, f: (a) => RBIT8[a]! };
  }
  return undefined;
}

function isFp(opcode: number): boolean {
  return (opcode >= 0x0c && opcode <= 0x0f) || opcode >= 0x16;
}

export function decodeTwoRegMisc(w: number, scalar: boolean): SimdFp | undefined {
  const q = bit(w, 30), u = bit(w, 29), size = bits(w, 23, 22), opcode = bits(w, 16, 12);
  const n = bits(w, 9, 5), d = bits(w, 4, 0);
  if (isFp(opcode)) return decodeAdvSimdFp(w, 'two-reg-misc');
  let esize = (8 << size) as ESize;
  const narrowKind = opcode === 0x12 ? (u ? 'sqxtun' : 'xtn') : opcode === 0x14 ? (u ? 'uqxtn' : 'sqxtn') : undefined;
  if (narrowKind) {
    if (size === 3 || (scalar && narrowKind === 'xtn')) return undefined;
    const { signed, f, f64 } = extractFns(narrowKind, esize);
    const e = esize as NumESize, we = (esize * 2) as ESize;
    const sfx = !scalar && q ? '2' : '';
    const text = scalar
      ? asm(narrowKind, sreg(d, esize), sreg(n, we))
      : asm(narrowKind + sfx, vreg(d, esize, q), vreg(n, we, 1));
    const count = scalar ? 1 : 64 / esize;
    return simdInsn(narrowKind.toUpperCase() + sfx, text, narrowExec(e, scalar ? 0 : q, count, d, n, signed, f, f64, narrowKind));
  }
  if (scalar) {
    const op = elementOp(opcode, u, esize);
    if (!op || (opcode >= 0x08 && size !== 3)) return undefined;
    const text = asm(op.name, sreg(d, esize), sreg(n, esize), ...(op.zero ? ['#0'] : []));
    const exec = lanes({ esize, count: 1, d, n, m: n, mIdx: -1, sn: op.signed, sd: op.acc === 'signed' }, op.f, op.f64, `misc:${op.name}`);
    return exec && simdInsn(op.name.toUpperCase(), text, exec);
  }
  switch (opcode) {
    case 0x00: case 0x01: { // REV64, REV32, REV16
      const container = opcode === 1 ? 2 : u ? 4 : 8;
      if (u && opcode === 1) return undefined;
      if (esize * 2 > container * 8) return undefined;
      const name = `rev${container * 8}`;
      return simdInsn(name.toUpperCase(), asm(name, vreg(d, esize, q), vreg(n, esize, q)),
        shuffle(d, n, n, revTable(container, esize / 8, q ? 16 : 8)));
    }
    case 0x02: case 0x06:
      return decodeAddLongPairwise(q, u, size, opcode === 6, d, n);
    case 0x13: { // SHLL
      if (!u || size === 3) return undefined;
      const e = esize as NumESize, sfx = q ? '2' : '';
      const scale = 2 ** esize;
      const text = asm('shll' + sfx, vreg(d, (esize * 2) as ESize, 1), vreg(n, esize, q), `#${esize}`);
      return simdInsn('SHLL' + sfx, text, longExec({ ...spec(e, q, 64 / esize, d, n, n, false), g: (a) => a * scale }, 'shll'));
    }
  }
  const op = elementOp(opcode, u, esize) ?? vectorOnlyOp(opcode, u, size, esize);
  if (!op || (size === 3 && !q)) return undefined;
  // CNT, NOT and RBIT work on bytes (their size field selects the operation); NOT is bitwise,
  // so it runs on 32-bit words.
  if (opcode === 0x05) esize = op.name === 'mvn' ? 32 : 8;
  const text = opcode === 0x05
    ? asm(op.name, vreg(d, 8, q), vreg(n, 8, q))
    : asm(op.name, vreg(d, esize, q), vreg(n, esize, q), ...(op.zero ? ['#0'] : []));
  const exec = lanes({ esize, count: (q ? 128 : 64) / esize, d, n, m: n, mIdx: -1, sn: op.signed, sd: op.acc === 'signed' }, op.f, op.f64, `misc:${op.name}`);
  return exec && simdInsn(op.name.toUpperCase(), text, exec);
}

/** Byte table reversing esize-byte elements within each `container`-byte group. */
function revTable(container: number, eb: number, bytes: number): Uint8Array {
  const t = new Uint8Array(bytes);
  const per = container / eb;
  for (let j = 0; j < bytes; j++) {
    const base = j - (j % container), k = Math.floor((j % container) / eb), b = j % eb;
    t[j] = base + (per - 1 - k) * eb + b;
  }
  return t;
}
