/**
 * Byte rearrangements: Advanced SIMD permute (UZP1/2, TRN1/2, ZIP1/2), extract (EXT) and table
 * lookup (TBL, TBX with 1-4 registers). Permute and EXT are a fixed byte shuffle of the 32-byte
 * concatenation Vn (bytes 0-15) : Vm (bytes 16-31), computed once at decode time.
 */
import type { SimdExec, SimdFp } from '../insn.js';
import { bit, bits, simdInsn } from './insn.js';
import { zeroAbove } from './advsimd-lanes.js';
import { specialise, zeroSource } from './advsimd-specialise.js';

const table = new Uint8Array(64);
const idx = new Uint8Array(16);
import { asm, vreg } from './advsimd-text.js';
import type { ESize } from './vregs.js';

/**
 * Vd byte j = (Vn:Vm)[table[j]]; bytes beyond the table are zeroed. Compiled per table into
 * moves of the widest unit (word, halfword or byte) the table keeps together; all sources are
 * read into locals first (Vd may alias Vn or Vm).
 */
export function shuffle(d: number, n: number, m: number, table: Uint8Array): SimdExec {
  const len = table.length;
  let g = 4;
  while (g > 1 && !table.every((t, j) => t % g === (j % g) && (j % g === 0 || t === table[j - 1]! + 1))) g >>= 1;
  const per = 16 / g;
  const lines = [`const a = s.v${g * 8};`];
  for (let j = 0; j < len / g; j++) {
    const k = table[j * g]! / g;
    lines.push(`const t${j} = a[${k < per ? `n * ${per} + ${k}` : `m * ${per} + ${k - per}`}];`);
  }
  for (let j = 0; j < len / g; j++) lines.push(`a[d * ${per} + ${j}] = t${j};`);
  const body = `
return (s) => {
  ${lines.join('\n  ')}
  ${zeroSource(len)}
  return undefined;
};`;
  return specialise<(d: number, n: number, m: number) => SimdExec>(`shuffle:${table.join(',')}`, ['d', 'n', 'm'], body)(d, n, m);
}

/** Byte table of a permute op for esize-bit elements over `bytes` (8 or 16) bytes. */
function permTable(kind: number, part: number, esize: number, bytes: number): Uint8Array {
  const eb = esize / 8;
  const elements = bytes / eb;
  const t = new Uint8Array(bytes);
  // Element e of the operand concatenation (operand1 elements first): its byte offset in src.
  const opElem = (e: number): number => (e < elements ? e * eb : 16 + (e - elements) * eb);
  for (let e = 0; e < elements; e++) {
    let from: number;
    if (kind === 1) from = opElem(2 * e + part); // UZP
    else if (kind === 2) { // TRN
      const p = e >> 1;
      from = (e & 1) === 0 ? opElem(2 * p + part) : opElem(elements + 2 * p + part);
    } else { // ZIP
      const base = part * (elements / 2) + (e >> 1);
      from = (e & 1) === 0 ? opElem(base) : opElem(elements + base);
    }
    for (let b = 0; b < eb; b++) t[e * eb + b] = from + b;
  }
  return t;
}

const PERM_NAMES = ['', 'uzp', 'trn', 'zip'];

/** Permute: 0 Q 001110 size 0 Rm 0 opcode 10 Rn Rd. */
export function decodePermute(w: number): SimdFp | undefined {
  const q = bit(w, 30), size = bits(w, 23, 22), opcode = bits(w, 14, 12);
  const m = bits(w, 20, 16), n = bits(w, 9, 5), d = bits(w, 4, 0);
  const kind = opcode & 3, part = opcode >> 2;
  if (kind === 0 || (size === 3 && !q)) return undefined;
  const esize = (8 << size) as ESize;
  const name = `${PERM_NAMES[kind]}${part + 1}`;
  const text = asm(name, vreg(d, esize, q), vreg(n, esize, q), vreg(m, esize, q));
  return simdInsn(name.toUpperCase(), text, shuffle(d, n, m, permTable(kind, part, esize, q ? 16 : 8)));
}

/** EXT: 0 Q 101110 00 0 Rm 0 imm4 0 Rn Rd: bytes imm4.. of Vm:Vn (Vn low). */
export function decodeExt(w: number): SimdFp | undefined {
  const q = bit(w, 30), op2 = bits(w, 23, 22), imm4 = bits(w, 14, 11);
  const m = bits(w, 20, 16), n = bits(w, 9, 5), d = bits(w, 4, 0);
  if (op2 !== 0 || (!q && imm4 >= 8)) return undefined;
  const bytes = q ? 16 : 8;
  const t = new Uint8Array(bytes);
  for (let j = 0; j < bytes; j++) {
    const k = imm4 + j;
    t[j] = k < bytes ? k : 16 + k - bytes;
  }
  const text = asm('ext', vreg(d, 8, q), vreg(n, 8, q), vreg(m, 8, q), `#${imm4}`);
  return simdInsn('EXT', text, shuffle(d, n, m, t));
}

/** TBL/TBX: 0 Q 001110 00 0 Rm 0 len op 00 Rn Rd; the table is V[n]..V[n + len] (mod 32). */
export function decodeTable(w: number): SimdFp | undefined {
  const q = bit(w, 30), op2 = bits(w, 23, 22), len = bits(w, 14, 13), tbx = bit(w, 12) === 1;
  const m = bits(w, 20, 16), n = bits(w, 9, 5), d = bits(w, 4, 0);
  if (op2 !== 0) return undefined;
  const regs = len + 1;
  const bytes = q ? 16 : 8;
  // objdump writes three or four consecutive registers as a range unless they wrap past V31.
  const list = regs >= 3 && n + len < 32
    ? `v${n}.16b-v${n + len}.16b`
    : Array.from({ length: regs }, (_, i) => `v${(n + i) % 32}.16b`).join(', ');
  const name = tbx ? 'tbx' : 'tbl';
  const text = asm(name, vreg(d, 8, q), `{${list}}`, vreg(m, 8, q));
  const limit = regs * 16;
  const aliased = d === m || ((d - n + 32) % 32) <= len;
  if (!aliased && n + len < 32) {
    // Nothing to copy out: the table is contiguous and Vd is neither it nor the indices.
    return simdInsn(name.toUpperCase(), text, (s) => {
      const v = s.v8;
      for (let j = 0; j < bytes; j++) {
        const k = v[m * 16 + j]!;
        if (k < limit) v[d * 16 + j] = v[n * 16 + k]!;
        else if (!tbx) v[d * 16 + j] = 0;
      }
      zeroAbove(s, d, bytes);
      return undefined;
    });
  }
  return simdInsn(name.toUpperCase(), text, (s) => {
    const v = s.v8;
    // Table and indices are copied out first: Vd may be one of them.
    for (let r = 0; r < regs; r++) {
      const t = ((n + r) % 32) * 16;
      for (let b = 0; b < 16; b++) table[r * 16 + b] = v[t + b]!;
    }
    for (let j = 0; j < bytes; j++) idx[j] = v[m * 16 + j]!;
    for (let j = 0; j < bytes; j++) {
      const k = idx[j]!;
      if (k < limit) v[d * 16 + j] = table[k]!;
      else if (!tbx) v[d * 16 + j] = 0;
    }
    zeroAbove(s, d, bytes);
    return undefined;
  });
}
