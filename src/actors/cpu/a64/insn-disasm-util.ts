/**
 * Formatting helpers shared by the disassembler modules.
 */

const MASK64 = (1n << 64n) - 1n;

/** General-purpose register name: x/w by width, 31 → sp/wsp or xzr/wzr. */
export function reg(n: number, x: boolean, sp = false): string {
  if (n === 31) return sp ? (x ? 'sp' : 'wsp') : (x ? 'xzr' : 'wzr');
  return (x ? 'x' : 'w') + n;
}

export const xr = (n: number): string => reg(n, true);
export const xsp = (n: number): string => reg(n, true, true);

export function hex(n: number): string {
  return '0x' + (n >>> 0).toString(16);
}

/** Hex with at least two digits (objdump style for barrier/prfm immediates). */
export function hex2(n: number): string {
  return '0x' + n.toString(16).padStart(2, '0');
}

export function hex64(lo: number, hi: number): string {
  if (hi === 0) return '0x' + (lo >>> 0).toString(16);
  return '0x' + (hi >>> 0).toString(16) + (lo >>> 0).toString(16).padStart(8, '0');
}

/** Branch/literal target (pc + off, modulo 2^64) as bare hex, like objdump. */
export function target(pc: bigint, off: number): string {
  return ((pc + BigInt(off)) & MASK64).toString(16);
}

/** ADRP target: (pc & ~0xfff) + off, modulo 2^64. */
export function pageTarget(pc: bigint, off: number): string {
  return (((pc & ~0xfffn) + BigInt(off)) & MASK64).toString(16);
}

export function toPc(pc: number | bigint): bigint {
  return (typeof pc === 'bigint' ? pc : BigInt(Math.trunc(pc))) & MASK64;
}

/** True if (lo,hi) (truncated to 32 bits when !sf) is a single aligned 16-bit chunk (MOVZ-encodable). */
export function isWideConstant(lo: number, hi: number, sf: boolean): boolean {
  lo >>>= 0;
  hi >>>= 0;
  if (!sf) return (lo & 0xffff0000) === 0 || (lo & 0xffff) === 0;
  if (hi === 0) return (lo & 0xffff0000) === 0 || (lo & 0xffff) === 0;
  if (lo === 0) return (hi & 0xffff0000) === 0 || (hi & 0xffff) === 0;
  return false;
}
