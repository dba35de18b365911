/**
 * Advanced SIMD three different (0 Q U 01110 size 1 Rm opcode 00 Rn Rd) and scalar three
 * different (01 U 11110 size 1 Rm opcode 00 Rn Rd: SQDMLAL, SQDMLSL, SQDMULL). Q selects the
 * "2" forms. The 64-bit PMULL (size 11) is FEAT_PMULL (crypto): UNDEFINED here.
 */
import type { SimdFp } from '../insn.js';
import { bit, bits, simdInsn } from './insn.js';
import { longExec, narrowHighExec, satDoublingLongExec, type LongSpec } from './advsimd-long.js';
import { pmul8 } from './advsimd-arith.js';
import type { NumESize } from './advsimd-lanes.js';
import { asm, sreg, vreg } from './advsimd-text.js';
import type { ESize } from './vregs.js';

const W = (esize: number): ESize => (esize * 2) as ESize;

export function decodeThreeDiff(w: number, scalar: boolean): SimdFp | undefined {
  const q = bit(w, 30), u = bit(w, 29), size = bits(w, 23, 22), opcode = bits(w, 15, 12);
  const m = bits(w, 20, 16), n = bits(w, 9, 5), d = bits(w, 4, 0);
  if (size === 3) return undefined;
  const esize = (8 << size) as NumESize;
  const sfx = q ? '2' : '';
  const sat = opcode === 0x9 || opcode === 0xb || opcode === 0xd;
  if (scalar) {
    if (!sat || u || size === 0) return undefined;
    const name = opcode === 0x9 ? 'sqdmlal' : opcode === 0xb ? 'sqdmlsl' : 'sqdmull';
    const L = spec(esize, 0, 1, d, n, m, true);
    const acc = opcode === 0x9 ? 1 : opcode === 0xb ? -1 : 0;
    return simdInsn(name.toUpperCase(), asm(name, sreg(d, W(esize)), sreg(n, esize), sreg(m, esize)), satDoublingLongExec(L, acc));
  }
  const long = (name: string): string => asm(name + sfx, vreg(d, W(esize), 1), vreg(n, esize, q), vreg(m, esize, q));
  const wide = (name: string): string => asm(name + sfx, vreg(d, W(esize), 1), vreg(n, W(esize), 1), vreg(m, esize, q));
  const s = u === 0;
  const pre = s ? 's' : 'u';
  const L = spec(esize, q, 64 / esize, d, n, m, s);
  const mk = (name: string, text: string, over: Partial<LongSpec>): SimdFp =>
    simdInsn(name.toUpperCase() + sfx, text, longExec({ ...L, ...over }, name));
  switch (opcode) {
    case 0x0: return mk(pre + 'addl', long(pre + 'addl'), { g: (a, b) => a + b });
    case 0x1: return mk(pre + 'addw', wide(pre + 'addw'), { g: (_a, b) => b, base: n });
    case 0x2: return mk(pre + 'subl', long(pre + 'subl'), { g: (a, b) => a - b });
    case 0x3: return mk(pre + 'subw', wide(pre + 'subw'), { g: (_a, b) => b, base: n, sub: true });
    case 0x4: case 0x6: {
      const name = `${s ? '' : 'r'}${opcode === 4 ? 'add' : 'sub'}hn`;
      const text = asm(name + sfx, vreg(d, esize, q), vreg(n, W(esize), 1), vreg(m, W(esize), 1));
      return simdInsn(name.toUpperCase() + sfx, text, narrowHighExec(esize, q, d, n, m, opcode === 6, !s));
    }
    case 0x5: return mk(pre + 'abal', long(pre + 'abal'), { g: (a, b) => Math.abs(a - b), base: d });
    case 0x7: return mk(pre + 'abdl', long(pre + 'abdl'), { g: (a, b) => Math.abs(a - b) });
    case 0x8: return mk(pre + 'mlal', long(pre + 'mlal'), { g: (a, b) => a * b, mul: true, base: d });
    case 0xa: return mk(pre + 'mlsl', long(pre + 'mlsl'), { g: (a, b) => a * b, mul: true, base: d, sub: true });
    case 0xc: return mk(pre + 'mull', long(pre + 'mull'), { g: (a, b) => a * b, mul: true });
    case 0x9: case 0xb: case 0xd: {
      if (!s || size === 0) return undefined;
      const name = opcode === 0x9 ? 'sqdmlal' : opcode === 0xb ? 'sqdmlsl' : 'sqdmull';
      const acc = opcode === 0x9 ? 1 : opcode === 0xb ? -1 : 0;
      return simdInsn(name.toUpperCase() + sfx, long(name), satDoublingLongExec(L, acc));
    }
    case 0xe:
      if (!s || size !== 0) return undefined;
      return mk('pmull', long('pmull'), { g: pmul8, signed: false });
    default:
      return undefined;
  }
}

/** The common LongSpec (m lane-wise, no accumulation). */
export function spec(esize: NumESize, part: number, count: number, d: number, n: number, m: number, signed: boolean): LongSpec {
  return { esize, part, count, d, n, m, mIdx: -1, signed, base: -1, sub: false, g: (a, b) => a * b, mul: false };
}
