/**
 * Advanced SIMD modified immediate (0 Q op 0111100000 a b c cmode o2 1 d e f g h Rd): MOVI,
 * MVNI, ORR (vector, immediate), BIC (vector, immediate) in every cmode, and the 64-bit MOVI
 * (each immediate bit a byte). cmode 1111 is FMOV (vector, immediate): advsimd-fp.ts.
 *
 * AdvSIMDExpandImm is done at decode time into one 64-bit pattern (two 32-bit words); the
 * executors only store or combine words.
 */
import type { SimdFp } from '../insn.js';
import { bit, bits, simdInsn } from './insn.js';
import { decodeAdvSimdFp } from './advsimd-fp.js';
import { asm, hexImm, sreg, vreg } from './advsimd-text.js';
import type { ESize } from './vregs.js';

export function decodeModImm(w: number): SimdFp | undefined {
  const q = bit(w, 30), op = bit(w, 29), cmode = bits(w, 15, 12), o2 = bit(w, 11);
  const d = bits(w, 4, 0);
  if (cmode === 0xf) return decodeAdvSimdFp(w, 'modified-imm');
  if (o2) return undefined;
  const imm8 = (bits(w, 18, 16) << 5) | bits(w, 9, 5);
  let lo: number, hi: number; // the 64-bit pattern
  let kind: 'movi' | 'mvni' | 'orr' | 'bic';
  let text: string;
  if (cmode < 8) { // 32-bit elements, LSL #0/8/16/24
    const shift = (cmode >> 1) * 8;
    const v = (imm8 * 2 ** shift) >>> 0;
    kind = (cmode & 1) ? (op ? 'bic' : 'orr') : (op ? 'mvni' : 'movi');
    lo = hi = kind === 'mvni' ? ~v >>> 0 : v;
    text = asm(kind, vreg(d, 32, q), shifted(imm8, shift, 'lsl'));
  } else if (cmode < 12) { // 16-bit elements, LSL #0/8
    const shift = ((cmode >> 1) & 1) * 8;
    const v = (imm8 << shift) & 0xffff;
    kind = (cmode & 1) ? (op ? 'bic' : 'orr') : (op ? 'mvni' : 'movi');
    const e = kind === 'mvni' ? ~v & 0xffff : v;
    lo = hi = (e * 0x10001) >>> 0;
    text = asm(kind, vreg(d, 16, q), shifted(imm8, shift, 'lsl'));
  } else if (cmode < 14) { // 32-bit elements, MSL #8/16 (shifting ones in)
    const shift = (cmode & 1) ? 16 : 8;
    const v = ((imm8 << shift) | ((1 << shift) - 1)) >>> 0;
    kind = op ? 'mvni' : 'movi';
    lo = hi = op ? ~v >>> 0 : v;
    text = asm(kind, vreg(d, 32, q), shifted(imm8, shift, 'msl'));
  } else if (!op) { // cmode 1110, op 0: 8-bit elements
    kind = 'movi';
    lo = hi = (imm8 * 0x0101_0101) >>> 0;
    text = asm('movi', vreg(d, 8, q), hexImm(imm8));
  } else { // cmode 1110, op 1: 64-bit, imm8 bit i selects byte i
    kind = 'movi';
    let l = 0, h = 0;
    for (let i = 0; i < 4; i++) {
      if (imm8 & (1 << i)) l |= 0xff << (i * 8);
      if (imm8 & (1 << (i + 4))) h |= 0xff << (i * 8);
    }
    lo = l >>> 0;
    hi = h >>> 0;
    const big = (BigInt(hi) << 32n) | BigInt(lo);
    text = asm('movi', q ? vreg(d, 64 as ESize, 1) : sreg(d, 64), hexImm(big));
  }
  const dw = d * 4;
  const name = kind.toUpperCase();
  switch (kind) {
    case 'movi':
    case 'mvni':
      return simdInsn(name, text, (s) => {
        const v = s.v32;
        v[dw] = lo; v[dw + 1] = hi;
        v[dw + 2] = q ? lo : 0; v[dw + 3] = q ? hi : 0;
        return undefined;
      }, false, { kind: 'movi', d, lo, hi, q: q === 1 });
    case 'orr':
      return simdInsn(name, text, (s) => {
        const v = s.v32;
        v[dw] |= lo; v[dw + 1] |= hi;
        if (q) { v[dw + 2] |= lo; v[dw + 3] |= hi; } else { v[dw + 2] = 0; v[dw + 3] = 0; }
        return undefined;
      });
    default:
      return simdInsn(name, text, (s) => {
        const v = s.v32;
        v[dw] &= ~lo; v[dw + 1] &= ~hi;
        if (q) { v[dw + 2] &= ~lo; v[dw + 3] &= ~hi; } else { v[dw + 2] = 0; v[dw + 3] = 0; }
        return undefined;
      });
  }
}

/** `#0x12` or `#0x12, lsl #8` / `#0x12, msl #8` (objdump omits LSL #0). */
function shifted(imm8: number, shift: number, kind: 'lsl' | 'msl'): string {
  return shift === 0 ? hexImm(imm8) : `${hexImm(imm8)}, ${kind} #${shift}`;
}
