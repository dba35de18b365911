/**
 * Lane functions of the Advanced SIMD "three same" integer opcodes (vector and scalar), by
 * opcode (bits 15:11) and U: the Arm ARM's per-element pseudocode on infinite-precision
 * integers, truncated or saturated to the element.
 */
import { clamp, clampBig, sRange, uMax, S64_MAX, S64_MIN, U64_MAX, type BigFn, type NumFn } from './advsimd-lanes.js';
import { pmul8, shiftAmount, shiftAmountBig, shiftByReg, shiftByRegBig } from './advsimd-arith.js';

/** A three-same integer operation: its lane functions (f64 absent: no 64-bit form). */
export interface SameOp {
  name: string;
  /** Operands are read as signed integers. */
  signed: boolean;
  f: NumFn;
  f64?: BigFn;
}

const B_TRUE = -1n;

function bool(c: boolean): number { return c ? -1 : 0; }
function boolBig(c: boolean): bigint { return c ? B_TRUE : 0n; }

/** Saturating add/sub (SQADD UQADD SQSUB UQSUB). */
function satAddSub(u: number, sub: boolean, esize: number): SameOp {
  const name = `${u ? 'uq' : 'sq'}${sub ? 'sub' : 'add'}`;
  if (u) {
    const hi = uMax(esize);
    return sub
      ? { name, signed: false, f: (a, b) => clamp(a - b, 0, hi), f64: (a, b) => clampBig(a - b, 0n, U64_MAX) }
      : { name, signed: false, f: (a, b) => clamp(a + b, 0, hi), f64: (a, b) => clampBig(a + b, 0n, U64_MAX) };
  }
  const [lo, hi] = sRange(esize);
  return sub
    ? { name, signed: true, f: (a, b) => clamp(a - b, lo, hi), f64: (a, b) => clampBig(a - b, S64_MIN, S64_MAX) }
    : { name, signed: true, f: (a, b) => clamp(a + b, lo, hi), f64: (a, b) => clampBig(a + b, S64_MIN, S64_MAX) };
}

/** SSHL USHL SQSHL UQSHL SRSHL URSHL SQRSHL UQRSHL: opcode 010 Q R. */
function shiftOp(u: number, saturating: boolean, round: boolean, esize: number): SameOp {
  const name = `${u ? 'u' : 's'}${saturating ? 'q' : ''}${round ? 'r' : ''}shl`;
  const signed = u === 0;
  if (!saturating) {
    return {
      name, signed,
      f: (a, b) => shiftByReg(a, shiftAmount(b), esize, round),
      f64: (a, b) => shiftByRegBig(a, shiftAmountBig(b), round),
    };
  }
  const [lo, hi] = signed ? sRange(esize) : [0, uMax(esize)];
  const [lo64, hi64] = signed ? [S64_MIN, S64_MAX] : [0n, U64_MAX];
  return {
    name, signed,
    f: (a, b) => clamp(shiftByReg(a, shiftAmount(b), esize, round), lo!, hi!),
    f64: (a, b) => clampBig(shiftByRegBig(a, shiftAmountBig(b), round), lo64, hi64),
  };
}

/** SQDMULH / SQRDMULH (16- and 32-bit elements): high half of 2 × a × b, saturated. */
function sqdmulh(round: boolean, esize: number): SameOp {
  const name = round ? 'sqrdmulh' : 'sqdmulh';
  if (esize === 16) {
    const rc = round ? 0x8000 : 0;
    return { name, signed: true, f: (a, b) => clamp(Math.floor((2 * a * b + rc) / 65536), -32768, 32767) };
  }
  const rc = round ? 1n << 31n : 0n;
  return {
    name, signed: true,
    f: (a, b) => Number(clampBig((2n * BigInt(a) * BigInt(b) + rc) >> 32n, -(1n << 31n), (1n << 31n) - 1n)),
  };
}

/**
 * The operation of `opcode` (bits 15:11) with `u`, or undefined for the opcodes handled
 * elsewhere (logical 00011, pairwise 101xx/10111) or unallocated ones. Size checks are the
 * caller's.
 */
export function sameOp(opcode: number, u: number, esize: number): SameOp | undefined {
  const s = u === 0;
  switch (opcode) {
    case 0x00:
      return { name: s ? 'shadd' : 'uhadd', signed: s, f: (a, b) => Math.floor((a + b) / 2) };
    case 0x01: return satAddSub(u, false, esize);
    case 0x02:
      return { name: s ? 'srhadd' : 'urhadd', signed: s, f: (a, b) => Math.floor((a + b + 1) / 2) };
    case 0x04:
      return { name: s ? 'shsub' : 'uhsub', signed: s, f: (a, b) => Math.floor((a - b) / 2) };
    case 0x05: return satAddSub(u, true, esize);
    case 0x06:
      return { name: s ? 'cmgt' : 'cmhi', signed: s, f: (a, b) => bool(a > b), f64: (a, b) => boolBig(a > b) };
    case 0x07:
      return { name: s ? 'cmge' : 'cmhs', signed: s, f: (a, b) => bool(a >= b), f64: (a, b) => boolBig(a >= b) };
    case 0x08: return shiftOp(u, false, false, esize);
    case 0x09: return shiftOp(u, true, false, esize);
    case 0x0a: return shiftOp(u, false, true, esize);
    case 0x0b: return shiftOp(u, true, true, esize);
    case 0x0c: return { name: s ? 'smax' : 'umax', signed: s, f: (a, b) => (a > b ? a : b) };
    case 0x0d: return { name: s ? 'smin' : 'umin', signed: s, f: (a, b) => (a < b ? a : b) };
    case 0x0e: return { name: s ? 'sabd' : 'uabd', signed: s, f: (a, b) => Math.abs(a - b) };
    case 0x0f: return { name: s ? 'saba' : 'uaba', signed: s, f: (a, b, acc) => acc + Math.abs(a - b) };
    case 0x10:
      return s
        ? { name: 'add', signed: false, f: (a, b) => a + b, f64: (a, b) => a + b }
        : { name: 'sub', signed: false, f: (a, b) => a - b, f64: (a, b) => a - b };
    case 0x11:
      return s
        ? { name: 'cmtst', signed: false, f: (a, b) => bool((a & b) !== 0), f64: (a, b) => boolBig((a & b) !== 0n) }
        : { name: 'cmeq', signed: false, f: (a, b) => bool(a === b), f64: (a, b) => boolBig(a === b) };
    case 0x12:
      return s
        ? { name: 'mla', signed: false, f: (a, b, acc) => acc + Math.imul(a, b) }
        : { name: 'mls', signed: false, f: (a, b, acc) => acc - Math.imul(a, b) };
    case 0x13:
      return s
        ? { name: 'mul', signed: false, f: (a, b) => Math.imul(a, b) }
        : { name: 'pmul', signed: false, f: (a, b) => pmul8(a, b) };
    case 0x16: return sqdmulh(u === 1, esize);
    default: return undefined;
  }
}
