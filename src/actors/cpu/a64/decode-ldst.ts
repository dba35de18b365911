/**
 * Loads and stores (op0 = x1x0), general-purpose registers only. Every
 * SIMD/FP form (V = 1) is UNDEFINED. See insn.ts for the CONSTRAINED
 * UNPREDICTABLE choices (register overlaps decode as UNDEFINED).
 */

import type { Atomic, ExtendType, Insn, SizeLog2, Writeback } from './insn.js';
import { sext, undef } from './decode-common.js';

export function decodeLdSt(w: number): Insn {
  if (((w >>> 26) & 1) !== 0) return undef(w); // SIMD&FP registers
  switch ((w >>> 28) & 3) {
    case 0:
      // Exclusive / ordered / compare-and-swap: size 001000 o2 L o1 Rs o0 Rt2 Rn Rt
      return ((w >>> 24) & 1) !== 0 ? undef(w) : exclusive(w);
    case 1:
      // Literal (op2 = 0x); op2 = 1x holds RCPC2, MOPS, MTE tags: unsupported
      return ((w >>> 24) & 1) !== 0 ? undef(w) : literal(w);
    case 2:
      return pair(w);
    default:
      if (((w >>> 24) & 1) !== 0) return single(w, 'imm');
      if (((w >>> 21) & 1) === 0) {
        switch ((w >>> 10) & 3) {
          case 0: return single(w, 'unscaled');
          case 1: return single(w, 'post');
          case 2: return single(w, 'unpriv');
          default: return single(w, 'pre');
        }
      }
      switch ((w >>> 10) & 3) {
        case 0: return atomic(w);
        case 2: return single(w, 'reg');
        default: return undef(w); // LDRAA/LDRAB (pointer authentication)
      }
  }
}

function exclusive(w: number): Insn {
  const size = (w >>> 30) as SizeLog2;
  const o2 = (w >>> 23) & 1;
  const load = ((w >>> 22) & 1) !== 0;
  const o1 = (w >>> 21) & 1;
  const rs = (w >>> 16) & 31;
  const o0 = ((w >>> 15) & 1) !== 0;
  const rt2 = (w >>> 10) & 31;
  const rn = (w >>> 5) & 31;
  const rt = w & 31;
  if (o2 === 0 && o1 === 0) {
    // LDXR/LDAXR, STXR/STLXR (B/H/W/X)
    if (rt2 !== 31) return undef(w);
    if (load) {
      if (rs !== 31) return undef(w);
      return { op: 'LDXR', size, acquire: o0, pair: false, rt, rt2: 31, rn };
    }
    if (rs === rt || (rs === rn && rn !== 31)) return undef(w);
    return { op: 'STXR', size, release: o0, pair: false, rs, rt, rt2: 31, rn };
  }
  if (o2 === 0) {
    if (size >= 2) {
      // LDXP/LDAXP, STXP/STLXP
      const psize = (size === 3 ? 3 : 2) as 2 | 3;
      if (load) {
        if (rs !== 31 || rt === rt2) return undef(w);
        return { op: 'LDXR', size: psize, acquire: o0, pair: true, rt, rt2, rn };
      }
      if (rs === rt || rs === rt2 || (rs === rn && rn !== 31)) return undef(w);
      return { op: 'STXR', size: psize, release: o0, pair: true, rs, rt, rt2, rn };
    }
    // CASP{A}{L}: size<0> selects W/X pairs
    if (rt2 !== 31 || (rs & 1) !== 0 || (rt & 1) !== 0) return undef(w);
    return { op: 'CASP', size: size === 1 ? 3 : 2, acquire: load, release: o0, rs, rt, rn };
  }
  if (o1 === 0) {
    // LDAR/STLR (o0 = 1); o0 = 0 is LDLAR/STLLR (LORegions): unsupported
    if (!o0 || rs !== 31 || rt2 !== 31) return undef(w);
    return load ? { op: 'LDAR', size, rt, rn } : { op: 'STLR', size, rt, rn };
  }
  // CAS{A}{L}{B,H}
  if (rt2 !== 31) return undef(w);
  return { op: 'CAS', size, acquire: load, release: o0, rs, rt, rn };
}

function literal(w: number): Insn {
  // opc 011 0 00 imm19 Rt
  const opc = w >>> 30;
  const offset = sext((w >>> 5) & 0x7ffff, 19) * 4;
  const rt = w & 31;
  switch (opc) {
    case 0: return { op: 'LDR_LIT', size: 2, signed: false, sf: false, rt, offset };
    case 1: return { op: 'LDR_LIT', size: 3, signed: false, sf: true, rt, offset };
    case 2: return { op: 'LDR_LIT', size: 2, signed: true, sf: true, rt, offset };
    default:
      return { op: 'PRFM', mode: 'lit', prfop: rt, rn: 31, offset, rm: 31, extend: 3, amount: 0, sBit: false };
  }
}

function pair(w: number): Insn {
  // opc 101 0 mode L imm7 Rt2 Rn Rt
  const opc = w >>> 30;
  const mode = (w >>> 23) & 3;
  const load = ((w >>> 22) & 1) !== 0;
  if (opc === 3) return undef(w);
  let signed = false;
  if (opc === 1) {
    if (!load || mode === 0) return undef(w); // STGP (MTE) / no LDNPSW
    signed = true;
  }
  const size: 2 | 3 = opc === 2 ? 3 : 2;
  const rt = w & 31;
  const rn = (w >>> 5) & 31;
  const rt2 = (w >>> 10) & 31;
  const writeback: Writeback = mode === 1 ? 'post' : mode === 3 ? 'pre' : 'none';
  if (load && rt === rt2) return undef(w);
  if (writeback !== 'none' && rn !== 31 && (rn === rt || rn === rt2)) return undef(w);
  return {
    op: 'LDST_PAIR', size, load, signed, sf: size === 3 || signed, rt, rt2, rn,
    offset: sext((w >>> 15) & 0x7f, 7) * (1 << size), writeback, nonTemporal: mode === 0,
  };
}

type SingleForm = 'imm' | 'unscaled' | 'post' | 'pre' | 'unpriv' | 'reg';

function single(w: number, form: SingleForm): Insn {
  const size = (w >>> 30) as SizeLog2;
  const opc = (w >>> 22) & 3;
  const rt = w & 31;
  const rn = (w >>> 5) & 31;
  let load = true;
  let signed = false;
  let sf = size === 3;
  let prfm = false;
  switch (opc) {
    case 0: load = false; break;
    case 1: break;
    case 2:
      if (size === 3) prfm = true;
      else { signed = true; sf = true; }
      break;
    default:
      if (size >= 2) return undef(w);
      signed = true; sf = false;
      break;
  }
  if (form === 'reg') {
    const option = (w >>> 13) & 7;
    if ((option & 2) === 0) return undef(w);
    const sBit = ((w >>> 12) & 1) !== 0;
    const rm = (w >>> 16) & 31;
    const extend = option as ExtendType;
    const amount = sBit ? size : 0;
    if (prfm) return { op: 'PRFM', mode: 'reg', prfop: rt, rn, offset: 0, rm, extend, amount, sBit };
    return { op: 'LDST_REG', size, load, signed, sf, rt, rn, rm, extend, amount, sBit };
  }
  if (form === 'imm') {
    const offset = ((w >>> 10) & 0xfff) << size;
    if (prfm) return { op: 'PRFM', mode: 'imm', prfop: rt, rn, offset, rm: 31, extend: 3, amount: 0, sBit: false };
    return { op: 'LDST_IMM', size, load, signed, sf, rt, rn, offset, writeback: 'none', unscaled: false, unpriv: false };
  }
  const offset = sext((w >>> 12) & 0x1ff, 9);
  if (form === 'unscaled') {
    if (prfm) return { op: 'PRFM', mode: 'unscaled', prfop: rt, rn, offset, rm: 31, extend: 3, amount: 0, sBit: false };
    return { op: 'LDST_IMM', size, load, signed, sf, rt, rn, offset, writeback: 'none', unscaled: true, unpriv: false };
  }
  if (prfm) return undef(w);
  if (form === 'unpriv') {
    return { op: 'LDST_IMM', size, load, signed, sf, rt, rn, offset, writeback: 'none', unscaled: false, unpriv: true };
  }
  if (rn === rt && rn !== 31) return undef(w); // writeback overlap: CONSTRAINED UNPREDICTABLE
  return {
    op: 'LDST_IMM', size, load, signed, sf, rt, rn, offset, writeback: form, unscaled: false, unpriv: false,
  };
}

const ATOMIC_OPS: readonly Atomic['aop'][] = ['ADD', 'CLR', 'EOR', 'SET', 'SMAX', 'SMIN', 'UMAX', 'UMIN'];

function atomic(w: number): Insn {
  // size 111 0 00 A R 1 Rs o3 opc 00 Rn Rt
  const o3 = (w >>> 15) & 1;
  const opc = (w >>> 12) & 7;
  let aop: Atomic['aop'];
  if (o3 === 0) aop = ATOMIC_OPS[opc]!;
  else if (opc === 0) aop = 'SWP';
  else return undef(w); // LDAPR (RCPC), LD64B/ST64B...: unsupported
  return {
    op: 'ATOMIC', aop, size: (w >>> 30) as SizeLog2, acquire: ((w >>> 23) & 1) !== 0,
    release: ((w >>> 22) & 1) !== 0, rs: (w >>> 16) & 31, rt: w & 31, rn: (w >>> 5) & 31,
  };
}
