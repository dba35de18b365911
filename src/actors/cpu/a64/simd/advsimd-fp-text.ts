/** Operand spelling for the Advanced SIMD FP disassembly (GNU objdump style). */
import type { FpEsize } from './advsimd-fp-lanes.js';

/** Arrangement specifier of a vector of `esize`-bit elements, 64-bit (q = 0) or 128-bit. */
export function arrangement(esize: 16 | 32 | 64, q: number): string {
  const lanes = (q ? 128 : 64) / esize;
  return `${lanes}${esize === 16 ? 'h' : esize === 32 ? 's' : 'd'}`;
}

/** `v3.4s` */
export function vreg(n: number, esize: 16 | 32 | 64, q: number): string {
  return `v${n}.${arrangement(esize, q)}`;
}

/** Scalar FP register name: `s3` / `d3` (`h3` for half). */
export function sreg(n: number, esize: 16 | FpEsize): string {
  return `${esize === 16 ? 'h' : esize === 32 ? 's' : 'd'}${n}`;
}

/** An element operand: `v2.s[1]`. */
export function velem(n: number, esize: FpEsize, index: number): string {
  return `v${n}.${esize === 32 ? 's' : 'd'}[${index}]`;
}

/** Mnemonic and operands as objdump separates them. */
export function asmText(mnemonic: string, ...operands: string[]): string {
  return `${mnemonic}\t${operands.join(', ')}`;
}

/** A float as objdump prints an FMOV immediate (printf's %.18e). */
export function fpImmText(value: number): string {
  const [mant, exp] = value.toExponential(18).split('e') as [string, string];
  const e = Number(exp);
  return `#${mant}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
}
