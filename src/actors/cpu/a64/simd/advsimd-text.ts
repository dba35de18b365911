/**
 * Operand spelling for the Advanced SIMD disassembly (objdump/GNU as syntax): vector
 * arrangements (v0.4s), scalar registers (s0), elements (v1.s[2]) and immediates.
 */
import type { ESize } from './vregs.js';

/** Arrangement specifier of a 64-bit (q = 0) or 128-bit (q = 1) vector of esize lanes. */
export function arrangement(esize: ESize, q: number): string {
  const lanes = (q ? 128 : 64) / esize;
  return `${lanes}${sizeLetter(esize)}`;
}

/** B, H, S, D as the lower-case letter used in register and element names. */
export function sizeLetter(esize: ESize): string {
  return esize === 8 ? 'b' : esize === 16 ? 'h' : esize === 32 ? 's' : 'd';
}

/** Vn with an arrangement: `v3.8h`. */
export function vreg(n: number, esize: ESize, q: number): string {
  return `v${n}.${arrangement(esize, q)}`;
}

/** A scalar SIMD&FP register of esize bits: `h3`. */
export function sreg(n: number, esize: ESize): string {
  return `${sizeLetter(esize)}${n}`;
}

/** One element: `v3.s[1]`. */
export function velem(n: number, esize: ESize, index: number): string {
  return `v${n}.${sizeLetter(esize)}[${index}]`;
}

/** A general-purpose register: Xn/Wn, 31 = zero register. */
export function greg(n: number, x: boolean): string {
  if (n === 31) return x ? 'xzr' : 'wzr';
  return `${x ? 'x' : 'w'}${n}`;
}

/** `mnemonic\top1, op2, ...` */
export function asm(mnemonic: string, ...ops: string[]): string {
  return `${mnemonic}\t${ops.join(', ')}`;
}

/** Hex immediate as objdump prints it: `#0x1f`. */
export function hexImm(v: number | bigint): string {
  return `#0x${v.toString(16)}`;
}
