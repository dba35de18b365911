/**
 * Advanced SIMD three-same logical group (opcode 00011): AND, BIC, ORR (MOV when Rn = Rm),
 * ORN, EOR, BSL, BIT, BIF. Bitwise, so done on 32-bit words: 4 for Q = 1, 2 plus a zeroed
 * upper half for Q = 0.
 */
import type { SimdExec, SimdFp, WordsOp } from '../insn.js';
import { bit, bits, simdInsn } from './insn.js';
import { asm, vreg } from './advsimd-text.js';
import { specialise } from './advsimd-specialise.js';

type WordFn = (n: number, m: number, d: number) => number;

const OPS: readonly { name: string; f: WordFn }[] = [
  { name: 'and', f: (n, m) => n & m },
  { name: 'bic', f: (n, m) => n & ~m },
  { name: 'orr', f: (n, m) => n | m },
  { name: 'orn', f: (n, m) => n | ~m },
  { name: 'eor', f: (n, m) => n ^ m },
  // BSL: Vd selects between Vn (1) and Vm (0).
  { name: 'bsl', f: (n, m, d) => m ^ ((m ^ n) & d) },
  // BIT: insert the bits of Vn where Vm is 1.
  { name: 'bit', f: (n, m, d) => d ^ ((d ^ n) & m) },
  // BIF: insert the bits of Vn where Vm is 0.
  { name: 'bif', f: (n, m, d) => d ^ ((d ^ n) & ~m) },
];

/** Vector-only logical three-same (the scalar encoding is unallocated). */
export function decodeLogic(w: number): SimdFp {
  const q = bit(w, 30), u = bit(w, 29), size = bits(w, 23, 22);
  const m = bits(w, 20, 16), n = bits(w, 9, 5), d = bits(w, 4, 0);
  const op = OPS[u * 4 + size]!;
  const words = q ? 4 : 2;
  const text = op.name === 'orr' && n === m
    ? asm('mov', vreg(d, 8, q), vreg(n, 8, q))
    : asm(op.name, vreg(d, 8, q), vreg(n, 8, q), vreg(m, 8, q));
  const jit = u === 0 || size === 0 ? { kind: 'words' as const, op: op.name as WordsOp, d, n, m, q: q === 1 } : undefined;
  return simdInsn(op.name.toUpperCase(), text, logicExec(op.name, d, n, m, words), false, jit);
}

/**
 * The op on `words` 32-bit words: AND, ORR, EOR and MOV as plain expressions (memcpy/memset-style
 * code and vectorised masks), the rest through their word function, each in its own loop.
 */
function logicExec(name: string, d: number, n: number, m: number, words: number): SimdExec {
  const expr = name === 'and' ? 'v[nw + i] & v[mw + i]'
    : name === 'orr' ? (n === m ? 'v[nw + i]' : 'v[nw + i] | v[mw + i]')
      : name === 'eor' ? 'v[nw + i] ^ v[mw + i]'
        : 'f(v[nw + i], v[mw + i], v[dw + i])';
  const body = `
const dw = d * 4, nw = n * 4, mw = m * 4;
return (s) => {
  const v = s.v32;
  for (let i = 0; i < ${words}; i++) v[dw + i] = ${expr};
  ${words === 2 ? 'v[dw + 2] = 0; v[dw + 3] = 0;' : ''}
  return undefined;
};`;
  const f = OPS.find((o) => o.name === name)!.f;
  const key = `logic:${name}:${words}:${+(n === m)}`;
  return specialise<(f: WordFn, d: number, n: number, m: number) => SimdExec>(key, ['f', 'd', 'n', 'm'], body)(f, d, n, m);
}
