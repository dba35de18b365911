/**
 * Advanced SIMD vector x indexed element (0 Q U 01111 size L M Rm opcode H 0 Rn Rd) and scalar
 * x indexed element (01 U 11111 size L M Rm opcode H 0 Rn Rd), integer opcodes: MUL MLA MLS,
 * SQDMULH SQRDMULH, SMULL UMULL SMLAL UMLAL SMLSL UMLSL (+2), SQDMULL SQDMLAL SQDMLSL (+2).
 * The element is H:L:M of V0-V15 for 16-bit lanes, H:L of V0-V31 for 32-bit lanes. FP opcodes
 * (FMLA, FMLS, FMUL, FMULX, FCMLA, FMLAL...) go to advsimd-fp.ts; SQRDMLAH/SQRDMLSH (RDM) and the
 * dot products are UNDEFINED (not ARMv8.0).
 */
import type { SimdFp } from '../insn.js';
import { bit, bits, simdInsn } from './insn.js';
import { decodeAdvSimdFp } from './advsimd-fp.js';
import { numLanes, type NumESize } from './advsimd-lanes.js';
import { sameOp } from './advsimd-3same-ops.js';
import { longExec, satDoublingLongExec } from './advsimd-long.js';
import { spec } from './advsimd-3diff.js';
import { asm, sreg, velem, vreg } from './advsimd-text.js';
import type { ESize } from './vregs.js';

function isFp(opcode: number, u: number, scalar: boolean): boolean {
  if (opcode === 1 || opcode === 5 || opcode === 9) return true;
  if (scalar) return false;
  if (u) return (opcode & 9) === 1 || opcode === 8 || opcode === 12; // FCMLA, FMLAL2/FMLSL2
  return opcode === 0 || opcode === 4; // FMLAL/FMLSL
}

export function decodeByElement(w: number, scalar: boolean): SimdFp | undefined {
  const q = bit(w, 30), u = bit(w, 29), size = bits(w, 23, 22), opcode = bits(w, 15, 12);
  const n = bits(w, 9, 5), d = bits(w, 4, 0);
  if (isFp(opcode, u, scalar)) return decodeAdvSimdFp(w, 'by-element');
  if (size !== 1 && size !== 2) return undefined;
  const esize = (8 << size) as NumESize;
  const [m, index] = size === 1
    ? [bits(w, 19, 16), (bit(w, 11) << 2) | (bit(w, 21) << 1) | bit(w, 20)]
    : [bits(w, 20, 16), (bit(w, 11) << 1) | bit(w, 21)];
  const el = velem(m, esize, index);
  const we = (esize * 2) as ESize;
  const sfx = !scalar && q ? '2' : '';

  // SQDMULH, SQRDMULH: vector and scalar.
  if (!u && (opcode === 12 || opcode === 13)) {
    const op = sameOp(0x16, opcode === 13 ? 1 : 0, esize)!;
    const text = scalar ? asm(op.name, sreg(d, esize), sreg(n, esize), el) : asm(op.name, vreg(d, esize, q), vreg(n, esize, q), el);
    const count = scalar ? 1 : (q ? 128 : 64) / esize;
    return simdInsn(op.name.toUpperCase(), text, numLanes({ esize, count, d, n, m, mIdx: index, sn: true, sd: true }, op.f, `3same:${op.name}`));
  }
  // SQDMLAL, SQDMLSL, SQDMULL: vector and scalar.
  if (!u && (opcode === 3 || opcode === 7 || opcode === 11)) {
    const name = opcode === 3 ? 'sqdmlal' : opcode === 7 ? 'sqdmlsl' : 'sqdmull';
    const text = scalar ? asm(name, sreg(d, we), sreg(n, esize), el) : asm(name + sfx, vreg(d, we, 1), vreg(n, esize, q), el);
    const L = { ...spec(esize, scalar ? 0 : q, scalar ? 1 : 64 / esize, d, n, m, true), mIdx: index };
    return simdInsn(name.toUpperCase() + sfx, text, satDoublingLongExec(L, opcode === 3 ? 1 : opcode === 7 ? -1 : 0));
  }
  if (scalar) return undefined;

  // MUL, MLA, MLS
  if ((!u && opcode === 8) || (u && (opcode === 0 || opcode === 4))) {
    const name = opcode === 8 ? 'mul' : opcode === 0 ? 'mla' : 'mls';
    const op = sameOp(opcode === 8 ? 0x13 : 0x12, opcode === 4 ? 1 : 0, esize)!;
    const text = asm(name, vreg(d, esize, q), vreg(n, esize, q), el);
    const count = (q ? 128 : 64) / esize;
    return simdInsn(name.toUpperCase(), text, numLanes({ esize, count, d, n, m, mIdx: index, sn: false, sd: false }, op.f, `3same:${op.name}`));
  }
  // SMULL UMULL SMLAL UMLAL SMLSL UMLSL
  if (opcode === 2 || opcode === 6 || opcode === 10) {
    const name = `${u ? 'u' : 's'}${opcode === 2 ? 'mlal' : opcode === 6 ? 'mlsl' : 'mull'}`;
    const text = asm(name + sfx, vreg(d, we, 1), vreg(n, esize, q), el);
    const L = {
      ...spec(esize, q, 64 / esize, d, n, m, u === 0), mIdx: index, mul: true,
      base: opcode === 10 ? -1 : d, sub: opcode === 6,
    };
    return simdInsn(name.toUpperCase() + sfx, text, longExec(L, name));
  }
  return undefined;
}
