/**
 * What the scalar floating-point groups share: the ftype field, reading and writing an H/S/D
 * register as bits (a scalar write zeroes the rest of the V register), and objdump-style
 * operand spelling.
 */
import type { A64State } from '../state.js';
import { COND_NAMES } from '../insn-names.js';
import type { FpSize } from './softfloat.js';
import { vZeroFrom } from './vregs.js';

/**
 * The size ftype selects where the base architecture allows it: 00 single, 01 double;
 * 11 (half) only where the caller allows it (`half`), since half-precision arithmetic is
 * FEAT_FP16, which this CPU lacks; 10 is unallocated.
 */
export function ftypeSize(ftype: number, half = false): FpSize | undefined {
  switch (ftype) {
    case 0: return 32;
    case 1: return 64;
    case 3: return half ? 16 : undefined;
    default: return undefined;
  }
}

/** The low `size` bits of V[n]. */
export function readF(s: A64State, n: number, size: FpSize): bigint {
  switch (size) {
    case 64: return s.v64[n * 2]!;
    case 32: return BigInt(s.v32[n * 4]!);
    default: return BigInt(s.v16[n * 8]!);
  }
}

/** V[n] = ZeroExtend(value) (a scalar FP write clears bits 127:size). */
export function writeF(s: A64State, n: number, size: FpSize, value: bigint): void {
  switch (size) {
    case 64: s.v64[n * 2] = value; break;
    case 32: s.v32[n * 4] = Number(value); break;
    default: s.v16[n * 8] = Number(value); break;
  }
  vZeroFrom(s, n, size / 8);
}

/** `h3` / `s3` / `d3`. */
export function fpReg(size: FpSize, n: number): string {
  return `${size === 16 ? 'h' : size === 32 ? 's' : 'd'}${n}`;
}

/** `w3` / `x3` with 31 as the zero register. */
export function genReg(sf: boolean, n: number): string {
  if (n === 31) return sf ? 'xzr' : 'wzr';
  return `${sf ? 'x' : 'w'}${n}`;
}

export function condName(cond: number): string {
  return COND_NAMES[cond]!;
}

/** Mnemonic, tab, comma-separated operands. */
export function asm(mnemonic: string, ...operands: string[]): string {
  return `${mnemonic}\t${operands.join(', ')}`;
}
