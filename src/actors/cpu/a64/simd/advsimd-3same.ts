/**
 * Advanced SIMD three same (vector: 0 Q U 01110 size 1 Rm opcode 1 Rn Rd) and scalar three
 * same (01 U 11110 size 1 Rm opcode 1 Rn Rd), integer opcodes. Opcodes 11xxx are FP
 * (advsimd-fp.ts), 00011 is logical (advsimd-logic.ts), 10100/10101/10111 pairwise
 * (advsimd-pairwise.ts).
 */
import type { SimdExec, SimdFp, SimdJit, WordsOp } from '../insn.js';
import { bit, bits, simdInsn } from './insn.js';
import { decodeAdvSimdFp } from './advsimd-fp.js';
import { lanes, type Lanes } from './advsimd-lanes.js';
import { specialise, zeroSource } from './advsimd-specialise.js';
import { sameOp } from './advsimd-3same-ops.js';
import { decodeLogic } from './advsimd-logic.js';
import { decodePairwiseSame } from './advsimd-pairwise.js';
import { asm, sreg, vreg } from './advsimd-text.js';
import type { ESize } from './vregs.js';

/** Opcodes without a 64-bit element form (size = 11 reserved). */
const NO_64 = new Set([0x00, 0x02, 0x04, 0x0c, 0x0d, 0x0e, 0x0f, 0x12, 0x13]);
/** Scalar opcodes valid for every size (the other scalar integer opcodes are D only). */
const SCALAR_ANY = new Set([0x01, 0x05, 0x09, 0x0b]);
const SCALAR_D = new Set([0x06, 0x07, 0x08, 0x0a, 0x10, 0x11]);

export function decodeThreeSame(w: number, scalar: boolean): SimdFp | undefined {
  const q = bit(w, 30), u = bit(w, 29), size = bits(w, 23, 22), opcode = bits(w, 15, 11);
  const m = bits(w, 20, 16), n = bits(w, 9, 5), d = bits(w, 4, 0);
  if (opcode >= 0x18) return decodeAdvSimdFp(w, 'three-same');
  const esize = (8 << size) as ESize;
  if (scalar) {
    if (opcode === 0x16) {
      if (size !== 1 && size !== 2) return undefined;
    } else if (!SCALAR_ANY.has(opcode) && !(SCALAR_D.has(opcode) && size === 3)) {
      return undefined;
    }
  } else {
    if (opcode === 0x03) return decodeLogic(w);
    if (opcode === 0x14 || opcode === 0x15 || opcode === 0x17) return decodePairwiseSame(w);
    if (size === 3 && (!q || NO_64.has(opcode))) return undefined;
    if (opcode === 0x13 && u && size !== 0) return undefined; // PMUL: bytes only
    if (opcode === 0x16 && (size === 0 || size === 3)) return undefined;
  }
  const op = sameOp(opcode, u, esize);
  if (!op) return undefined;
  const text = scalar
    ? asm(op.name, sreg(d, esize), sreg(n, esize), sreg(m, esize))
    : asm(op.name, vreg(d, esize, q), vreg(n, esize, q), vreg(m, esize, q));
  const count = scalar ? 1 : (q ? 128 : 64) / esize;
  const exec = (op.name === 'add' || op.name === 'sub')
    ? addSub(esize, count, d, n, m, op.name === 'sub')
    : lanes({ esize, count, d, n, m, mIdx: -1, sn: op.signed, sd: op.signed } satisfies Lanes, op.f, op.f64, `3same:${op.name}`);
  return exec && simdInsn(op.name.toUpperCase(), text, exec, false, wordsJit(op.name, scalar, esize, d, n, m, q));
}

const WORD_LANE_OPS: ReadonlySet<string> = new Set(['add', 'sub', 'mul', 'mla', 'mls']);

/** ADD SUB MUL MLA MLS on 32-bit lanes: the translator inlines them (jit-simd.ts). */
function wordsJit(name: string, scalar: boolean, esize: ESize, d: number, n: number, m: number, q: number): SimdJit | undefined {
  if (scalar || esize !== 32 || !WORD_LANE_OPS.has(name)) return undefined;
  return { kind: 'words', op: name as WordsOp, d, n, m, q: q === 1 };
}

/**
 * ADD/SUB without a lane callback (the bulk of vectorised integer loops); 64-bit lanes as
 * 32-bit halves with the carry/borrow propagated by hand.
 */
function addSub(esize: ESize, count: number, d: number, n: number, m: number, sub: boolean): SimdExec {
  const op = sub ? '-' : '+';
  let loop: string;
  if (esize === 64) {
    const carry = sub ? '(nl < ml ? 1 : 0)' : '(nl + ml > 0xffffffff ? 1 : 0)';
    loop = `const v = s.v32;
  for (let i = 0; i < ${count * 2}; i += 2) {
    const nl = v[n * 4 + i], ml = v[m * 4 + i];
    const hi = v[n * 4 + i + 1] ${op} v[m * 4 + i + 1] ${op} ${carry};
    v[d * 4 + i] = nl ${op} ml;
    v[d * 4 + i + 1] = hi;
  }`;
  } else {
    const per = 128 / esize;
    loop = `const a = s.v${esize};
  for (let i = 0; i < ${count}; i++) a[d * ${per} + i] = a[n * ${per} + i] ${op} a[m * ${per} + i];`;
  }
  const body = `
return (s) => {
  ${loop}
  ${zeroSource((count * esize) / 8)}
  return undefined;
};`;
  return specialise<(d: number, n: number, m: number) => SimdExec>(`addsub:${esize}:${count}:${+sub}`, ['d', 'n', 'm'], body)(d, n, m);
}
