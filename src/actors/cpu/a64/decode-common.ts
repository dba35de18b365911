/**
 * Shared decoder helpers: UNDEFINED construction, sign extension and the
 * architectural DecodeBitMasks() computed on two unsigned 32-bit halves.
 */

import type { Undefined } from './insn.js';

export function undef(word: number): Undefined {
  return { op: 'UNDEFINED', word: word >>> 0 };
}

/** Sign-extend the low `bits` bits of v (bits <= 32). */
export function sext(v: number, bits: number): number {
  const s = 32 - bits;
  return (v << s) >> s;
}

/** Ones in the low n bits (0 <= n <= 32) as an unsigned 32-bit number. */
function ones32(n: number): number {
  return n >= 32 ? 0xffffffff : (2 ** n) - 1;
}

/**
 * Scratch output of decodeBitMasks: [wmaskLo, wmaskHi, tmaskLo, tmaskHi].
 * Read immediately after a successful call (not re-entrant, but decode is synchronous).
 */
export const BITMASK_OUT = new Uint32Array(4);

/**
 * DecodeBitMasks(immN, imms, immr, immediate) for a 64-bit datasize (callers
 * truncate to 32 bits when sf = 0). Returns false for reserved encodings
 * (len < 1, or all-ones S when `immediate`), in which case the instruction is
 * UNDEFINED. The caller must already have rejected sf = 0 with N = 1.
 */
export function decodeBitMasks(immN: number, imms: number, immr: number, immediate: boolean): boolean {
  const combined = (immN << 6) | (~imms & 0x3f);
  if (combined === 0) return false;
  const len = 31 - Math.clz32(combined);
  if (len < 1) return false;
  const levels = (1 << len) - 1;
  if (immediate && (imms & levels) === levels) return false;
  const s = imms & levels;
  const r = immr & levels;
  const d = (s - r) & levels;
  const esize = 1 << len;
  const out = BITMASK_OUT;
  if (esize === 64) {
    // welem = Ones(s+1) in 64 bits, rotated right by r.
    let lo = s + 1 >= 32 ? 0xffffffff : ones32(s + 1);
    let hi = s + 1 > 32 ? ones32(s + 1 - 32) : 0;
    let rr = r;
    if (rr >= 32) { const t = lo; lo = hi; hi = t; rr -= 32; }
    if (rr !== 0) {
      const nlo = ((lo >>> rr) | (hi << (32 - rr))) >>> 0;
      const nhi = ((hi >>> rr) | (lo << (32 - rr))) >>> 0;
      lo = nlo; hi = nhi;
    }
    out[0] = lo; out[1] = hi;
    out[2] = d + 1 >= 32 ? 0xffffffff : ones32(d + 1);
    out[3] = d + 1 > 32 ? ones32(d + 1 - 32) : 0;
    return true;
  }
  const emask = ones32(esize);
  let w = ones32(s + 1);
  if (r !== 0) w = ((w >>> r) | (w << (esize - r))) & emask;
  let t = ones32(d + 1);
  for (let e = esize; e < 32; e *= 2) {
    w = w | (w << e);
    t = t | (t << e);
  }
  out[0] = out[1] = w >>> 0;
  out[2] = out[3] = t >>> 0;
  return true;
}
