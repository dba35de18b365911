/**
 * Advanced SIMD structure loads/stores (bits 31 = 0, 29:28 = 00): LD1-LD4/ST1-ST4 multiple
 * structures, LD1-LD4/ST1-ST4 single structure (one lane) and LD1R-LD4R (load and replicate),
 * with no offset, or post-indexed by the transfer size (Rm = 31) or by Xm.
 *
 * Element order (Arm ARM, shared/functions "LD1 (multiple structures)" etc.): for rpt register
 * groups of selem registers, the e-th element of every register of a group comes from
 * consecutive memory (structure e), so LDn de-interleaves and LD1 with several registers fills
 * them one after another; registers number modulo 32 (V31 is followed by V0). Multiple-structure
 * and replicate loads with Q = 0 zero bits 127:64; a lane load keeps the other lanes.
 */
import type { SimdFp, SimdJit } from '../insn.js';
import type { AccessSize } from '../interp-types.js';
import { bit, bits, simdInsn } from './insn.js';
import { ZERO, type Xfer, xfer } from './ldst-access.js';
import { immExec, ldstJit, postRegExec } from './ldst-addr.js';
import { arrangement, immAddr, laneSuffix, postAddr, vList } from './ldst-text.js';

/** The executor and address text of the no-offset and post-index forms. */
function withAddr(w: number, x: Xfer, post: boolean): { exec: SimdFp['exec']; addr: string } {
  const rn = bits(w, 9, 5);
  const rm = bits(w, 20, 16);
  if (!post) return { exec: immExec(rn, 0, 'none', x), addr: immAddr(rn, 0, 'none') };
  if (rm === 31) return { exec: immExec(rn, x.total, 'post', x), addr: postAddr(rn, rm, x.total) };
  return { exec: postRegExec(rn, rm, x), addr: postAddr(rn, rm, x.total) };
}

/**
 * The translator's description of LD1/ST1 of whole registers or LD1R (`more`: replication,
 * alignment), in the same addressing form as withAddr.
 */
function structJit(
  w: number, load: boolean, bytes: number, regs: number[], post: boolean, more: Parameters<typeof ldstJit>[5],
): SimdJit {
  const rn = bits(w, 9, 5);
  const rm = bits(w, 20, 16);
  if (!post) return ldstJit(load, bytes, regs, 'imm', rn, more);
  if (rm === 31) return ldstJit(load, bytes, regs, 'imm', rn, { ...more, offset: bytes * regs.length, writeback: 'post' });
  return ldstJit(load, bytes, regs, 'postReg', rn, { ...more, rm });
}

/** Zeroes bits 127:64 of registers t .. t+count-1 (64-bit vector loads). */
function zeroUpper(pairs: [number, number][], t: number, count: number): void {
  for (let r = 0; r < count; r++) for (let b = 8; b < 16; b++) pairs.push([((t + r) % 32) * 16 + b, ZERO]);
}

/** [rpt, selem] by opcode (bits 15:12) of the multiple-structures forms. */
const MULTI: Readonly<Record<number, readonly [number, number]>> = {
  0b0000: [1, 4], 0b0010: [4, 1], 0b0100: [1, 3], 0b0110: [3, 1], 0b0111: [1, 1], 0b1000: [1, 2], 0b1010: [2, 1],
};

/** LD1-LD4/ST1-ST4 (multiple structures); post = bit 23 (then bit 21 must be 0, else 21:16). */
export function decodeMultiStruct(w: number): SimdFp | undefined {
  const post = bit(w, 23) === 1;
  if (post ? bit(w, 21) !== 0 : bits(w, 21, 16) !== 0) return undefined;
  const form = MULTI[bits(w, 15, 12)];
  if (form === undefined) return undefined;
  const [rpt, selem] = form;
  const q = bit(w, 30) === 1;
  const size = bits(w, 11, 10);
  if (size === 3 && !q && selem !== 1) return undefined; // .1d only for LD1/ST1
  const load = bit(w, 22) === 1;
  const t = bits(w, 4, 0);
  const ebytes = 1 << size;
  const elements = (q ? 16 : 8) / ebytes;
  const pairs: [number, number][] = [];
  let offs = 0;
  for (let r = 0; r < rpt; r++) {
    for (let e = 0; e < elements; e++) {
      for (let s = 0; s < selem; s++) {
        const tt = (t + r + s) % 32;
        for (let b = 0; b < ebytes; b++) pairs.push([tt * 16 + e * ebytes + b, offs + b]);
        offs += ebytes;
      }
    }
  }
  if (load && !q) zeroUpper(pairs, t, rpt * selem);
  const x = xfer(load, offs, ebytes as AccessSize, ebytes, pairs);
  const { exec, addr } = withAddr(w, x, post);
  const name = `${load ? 'LD' : 'ST'}${selem}`;
  // LD1/ST1 move whole registers (the elements in order); alignment is by element.
  const jit = selem === 1
    ? structJit(w, load, q ? 16 : 8, Array.from({ length: rpt }, (_, r) => (t + r) % 32), post, { align: ebytes })
    : undefined;
  return simdInsn(name, `${name.toLowerCase()}\t${vList(t, rpt * selem, arrangement(size, q))}, ${addr}`, exec, true, jit);
}

/**
 * LD1-LD4/ST1-ST4 (single structure) and LD1R-LD4R: opcode (bits 15:13) <2:1> gives the element
 * size (3: replicate, size from bits 11:10), selem = opcode<0>:R + 1, the lane index is Q:S:size
 * with the element size's low bits dropped.
 */
export function decodeSingleStruct(w: number): SimdFp | undefined {
  const post = bit(w, 23) === 1;
  if (!post && bits(w, 20, 16) !== 0) return undefined;
  const q = bit(w, 30);
  const load = bit(w, 22) === 1;
  const opcode = bits(w, 15, 13);
  const sBit = bit(w, 12);
  const size = bits(w, 11, 10);
  const selem = (((opcode & 1) << 1) | bit(w, 21)) + 1;
  const t = bits(w, 4, 0);
  let scale = opcode >> 1;
  let index = 0;
  switch (scale) {
    case 3:
      if (!load || sBit !== 0) return undefined;
      scale = size;
      break;
    case 0: index = (q << 3) | (sBit << 2) | size; break;
    case 1:
      if ((size & 1) !== 0) return undefined;
      index = (q << 2) | (sBit << 1) | (size >> 1);
      break;
    default:
      if ((size & 2) !== 0) return undefined;
      if ((size & 1) === 0) {
        index = (q << 1) | sBit;
      } else {
        if (sBit !== 0) return undefined;
        index = q;
        scale = 3;
      }
  }
  const replicate = (opcode >> 1) === 3;
  const ebytes = 1 << scale;
  const pairs: [number, number][] = [];
  for (let s = 0; s < selem; s++) {
    const tt = (t + s) % 32;
    const lanes = replicate ? (q ? 16 : 8) / ebytes : 1;
    for (let k = 0; k < lanes; k++) {
      const lane = replicate ? k : index;
      for (let b = 0; b < ebytes; b++) pairs.push([tt * 16 + lane * ebytes + b, s * ebytes + b]);
    }
  }
  if (replicate && q === 0) zeroUpper(pairs, t, selem);
  const x = xfer(load, selem * ebytes, ebytes as AccessSize, ebytes, pairs);
  const { exec, addr } = withAddr(w, x, post);
  const name = `${load ? 'LD' : 'ST'}${selem}${replicate ? 'R' : ''}`;
  const list = replicate ? vList(t, selem, arrangement(scale, q === 1)) : `${vList(t, selem, laneSuffix(scale))}[${index}]`;
  const jit = replicate && selem === 1 ? structJit(w, true, ebytes, [t], post, { replicate: q === 1 ? 16 : 8 }) : undefined;
  return simdInsn(name, `${name.toLowerCase()}\t${list}, ${addr}`, exec, true, jit);
}
