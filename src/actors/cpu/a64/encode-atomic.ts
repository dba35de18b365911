/**
 * A64 exclusives (LDXR/STXR/LDAXR/STLXR and pairs, B/H variants), load-acquire/store-release
 * (LDAR/STLR) and ARMv8.1 LSE atomics (LDADD/LDCLR/LDEOR/LDSET/LD{S,U}{MAX,MIN}, SWP, CAS, CASP
 * and the ST* aliases).
 *
 * The address is a base register only ('x0' or 'sp', or mem(base, 0)); it is an SP slot.
 * Data and status registers are ZR slots. W/X size follows the data register; B/H variants take
 * w registers. LSE ordering: '' (none), 'a' (acquire), 'l' (release), 'al' (both).
 */
import { A64Error, fields, needW, needX, regInfo, rsp, rz, sameWidth, type Reg, type XReg } from './encode-core.js';
import type { MemImm } from './encode-ldst.js';

export type Order = '' | 'a' | 'l' | 'al';
export type SubSize = 'b' | 'h';
export type AtomicOp = 'add' | 'clr' | 'eor' | 'set' | 'smax' | 'smin' | 'umax' | 'umin' | 'swp';

function base(mn: string, b: XReg | MemImm): number {
  const a: MemImm = typeof b === 'string' ? { base: b } : b;
  if ((a.offset ?? 0) !== 0 || (a.mode ?? 'offset') !== 'offset') {
    throw new A64Error(`${mn}: address must be [xN] or [xN, #0]`);
  }
  needX(a.base, `${mn} base`);
  return rsp(a.base, `${mn} base`);
}

function sizeOf(mn: string, sub: SubSize | undefined, ...regs: Reg[]): number {
  if (sub === 'b' || sub === 'h') {
    for (const r of regs) needW(r, `${mn} register`);
    return sub === 'b' ? 0 : 1;
  }
  if (sub !== undefined) throw new A64Error(`${mn}: size must be 'b', 'h' or omitted`);
  return sameWidth(mn, ...regs) ? 3 : 2;
}

function excl(size: number, o2: number, l: number, o1: number, o0: number, rs: number, rt2: number, rn: number, rt: number): number {
  return fields(0x08000000, [size, 30], [o2, 23], [l, 22], [o1, 21], [rs, 16], [o0, 15], [rt2, 10], [rn, 5], [rt, 0]);
}

// Single-register exclusive / ordered. acq: o0 for loads; rel: o0 for stores.
function loadEx(mn: string, sub: SubSize | undefined, acquire: boolean, ordered: boolean, rt: Reg, b: XReg | MemImm): number {
  const size = sizeOf(mn, sub, rt);
  return excl(size, ordered ? 1 : 0, 1, 0, acquire ? 1 : 0, 31, 31, base(mn, b), rz(rt, `${mn} Rt`));
}
function storeEx(mn: string, sub: SubSize | undefined, release: boolean, ws: Reg, rt: Reg, b: XReg | MemImm): number {
  needW(ws, `${mn} status register`);
  const size = sizeOf(mn, sub, rt);
  return excl(size, 0, 0, 0, release ? 1 : 0, rz(ws, `${mn} Ws`), 31, base(mn, b), rz(rt, `${mn} Rt`));
}
function storeRel(mn: string, sub: SubSize | undefined, rt: Reg, b: XReg | MemImm): number {
  const size = sizeOf(mn, sub, rt);
  return excl(size, 1, 0, 0, 1, 31, 31, base(mn, b), rz(rt, `${mn} Rt`));
}

type Base = XReg | MemImm;
export function ldxr(rt: Reg, b: Base): number { return loadEx('ldxr', undefined, false, false, rt, b); }
export function ldxrb(rt: Reg, b: Base): number { return loadEx('ldxrb', 'b', false, false, rt, b); }
export function ldxrh(rt: Reg, b: Base): number { return loadEx('ldxrh', 'h', false, false, rt, b); }
export function ldaxr(rt: Reg, b: Base): number { return loadEx('ldaxr', undefined, true, false, rt, b); }
export function ldaxrb(rt: Reg, b: Base): number { return loadEx('ldaxrb', 'b', true, false, rt, b); }
export function ldaxrh(rt: Reg, b: Base): number { return loadEx('ldaxrh', 'h', true, false, rt, b); }
export function ldar(rt: Reg, b: Base): number { return loadEx('ldar', undefined, true, true, rt, b); }
export function ldarb(rt: Reg, b: Base): number { return loadEx('ldarb', 'b', true, true, rt, b); }
export function ldarh(rt: Reg, b: Base): number { return loadEx('ldarh', 'h', true, true, rt, b); }
/** STXR ws, rt, [xn]. */
export function stxr(ws: Reg, rt: Reg, b: Base): number { return storeEx('stxr', undefined, false, ws, rt, b); }
export function stxrb(ws: Reg, rt: Reg, b: Base): number { return storeEx('stxrb', 'b', false, ws, rt, b); }
export function stxrh(ws: Reg, rt: Reg, b: Base): number { return storeEx('stxrh', 'h', false, ws, rt, b); }
export function stlxr(ws: Reg, rt: Reg, b: Base): number { return storeEx('stlxr', undefined, true, ws, rt, b); }
export function stlxrb(ws: Reg, rt: Reg, b: Base): number { return storeEx('stlxrb', 'b', true, ws, rt, b); }
export function stlxrh(ws: Reg, rt: Reg, b: Base): number { return storeEx('stlxrh', 'h', true, ws, rt, b); }
export function stlr(rt: Reg, b: Base): number { return storeRel('stlr', undefined, rt, b); }
export function stlrb(rt: Reg, b: Base): number { return storeRel('stlrb', 'b', rt, b); }
export function stlrh(rt: Reg, b: Base): number { return storeRel('stlrh', 'h', rt, b); }

function loadExPair(mn: string, acquire: boolean, rt1: Reg, rt2: Reg, b: Base): number {
  const sf = sameWidth(mn, rt1, rt2);
  return excl(2 | sf, 0, 1, 1, acquire ? 1 : 0, 31, rz(rt2, `${mn} Rt2`), base(mn, b), rz(rt1, `${mn} Rt`));
}
function storeExPair(mn: string, release: boolean, ws: Reg, rt1: Reg, rt2: Reg, b: Base): number {
  needW(ws, `${mn} status register`);
  const sf = sameWidth(mn, rt1, rt2);
  return excl(2 | sf, 0, 0, 1, release ? 1 : 0, rz(ws, `${mn} Ws`), rz(rt2, `${mn} Rt2`), base(mn, b), rz(rt1, `${mn} Rt`));
}
export function ldxp(rt1: Reg, rt2: Reg, b: Base): number { return loadExPair('ldxp', false, rt1, rt2, b); }
export function ldaxp(rt1: Reg, rt2: Reg, b: Base): number { return loadExPair('ldaxp', true, rt1, rt2, b); }
export function stxp(ws: Reg, rt1: Reg, rt2: Reg, b: Base): number { return storeExPair('stxp', false, ws, rt1, rt2, b); }
export function stlxp(ws: Reg, rt1: Reg, rt2: Reg, b: Base): number { return storeExPair('stlxp', true, ws, rt1, rt2, b); }

// ---------------------------------------------------------------------------------------------
// LSE

function orderBits(mn: string, order: Order): [number, number] {
  switch (order) {
    case '': return [0, 0];
    case 'a': return [1, 0];
    case 'l': return [0, 1];
    case 'al': return [1, 1];
    default: throw new A64Error(`${mn}: ordering must be '', 'a', 'l' or 'al' (got '${String(order)}')`);
  }
}

const LSE_OPC: Readonly<Record<AtomicOp, [number, number]>> = {
  add: [0, 0], clr: [0, 1], eor: [0, 2], set: [0, 3], smax: [0, 4], smin: [0, 5], umax: [0, 6], umin: [0, 7],
  swp: [1, 0],
};

/**
 * Generic LSE memory atomic: LD<op>{a,l,al}{b,h} rs, rt, [xn] or SWP{a,l,al}{b,h} rs, rt, [xn].
 */
export function lse(op: AtomicOp, rs: Reg, rt: Reg, b: Base, order: Order = '', size?: SubSize): number {
  const code = LSE_OPC[op];
  const mn = `${op === 'swp' ? 'swp' : `ld${op}`}${order}${size ?? ''}`;
  if (!code) throw new A64Error(`unknown atomic operation '${op}'`);
  const [a, r] = orderBits(mn, order);
  const sz = sizeOf(mn, size, rs, rt);
  return fields(
    0x38200000, [sz, 30], [a, 23], [r, 22], [rz(rs, `${mn} Rs`), 16], [code[0], 15], [code[1], 12],
    [base(mn, b), 5], [rz(rt, `${mn} Rt`), 0],
  );
}
export function ldadd(rs: Reg, rt: Reg, b: Base, order: Order = '', size?: SubSize): number { return lse('add', rs, rt, b, order, size); }
export function ldclr(rs: Reg, rt: Reg, b: Base, order: Order = '', size?: SubSize): number { return lse('clr', rs, rt, b, order, size); }
export function ldeor(rs: Reg, rt: Reg, b: Base, order: Order = '', size?: SubSize): number { return lse('eor', rs, rt, b, order, size); }
export function ldset(rs: Reg, rt: Reg, b: Base, order: Order = '', size?: SubSize): number { return lse('set', rs, rt, b, order, size); }
export function ldsmax(rs: Reg, rt: Reg, b: Base, order: Order = '', size?: SubSize): number { return lse('smax', rs, rt, b, order, size); }
export function ldsmin(rs: Reg, rt: Reg, b: Base, order: Order = '', size?: SubSize): number { return lse('smin', rs, rt, b, order, size); }
export function ldumax(rs: Reg, rt: Reg, b: Base, order: Order = '', size?: SubSize): number { return lse('umax', rs, rt, b, order, size); }
export function ldumin(rs: Reg, rt: Reg, b: Base, order: Order = '', size?: SubSize): number { return lse('umin', rs, rt, b, order, size); }
export function swp(rs: Reg, rt: Reg, b: Base, order: Order = '', size?: SubSize): number { return lse('swp', rs, rt, b, order, size); }

/** ST<op>{l}{b,h} rs, [xn] = LD<op> rs, zr, [xn] (no acquire variants exist). */
export function stlse(op: Exclude<AtomicOp, 'swp'>, rs: Reg, b: Base, order: '' | 'l' = '', size?: SubSize): number {
  if (order !== '' && order !== 'l') throw new A64Error(`st${op}: ordering must be '' or 'l'`);
  return lse(op, rs, regInfo(rs).sf ? 'xzr' : 'wzr', b, order, size);
}

/** CAS{a,l,al}{b,h} rs, rt, [xn]: compare rs with memory, store rt if equal, rs <- old. */
export function cas(rs: Reg, rt: Reg, b: Base, order: Order = '', size?: SubSize): number {
  const mn = `cas${order}${size ?? ''}`;
  const [a, r] = orderBits(mn, order);
  const sz = sizeOf(mn, size, rs, rt);
  return fields(0x08a07c00, [sz, 30], [a, 22], [rz(rs, `${mn} Rs`), 16], [r, 15], [base(mn, b), 5], [rz(rt, `${mn} Rt`), 0]);
}

/** CASP{a,l,al} rs, rs+1, rt, rt+1, [xn]: rs and rt must be even-numbered. */
export function casp(rs: Reg, rs2: Reg, rt: Reg, rt2: Reg, b: Base, order: Order = ''): number {
  const sf = sameWidth('casp', rs, rs2, rt, rt2);
  const s = rz(rs, 'casp Rs');
  const t = rz(rt, 'casp Rt');
  if (s % 2 || t % 2) throw new A64Error('casp: first registers of each pair must be even-numbered');
  if (rz(rs2, 'casp Rs2') !== s + 1 || rz(rt2, 'casp Rt2') !== t + 1) {
    throw new A64Error('casp: second register of each pair must be the next register (e.g. x0, x1)');
  }
  const [a, r] = orderBits('casp', order);
  return fields(0x08207c00, [sf, 30], [a, 22], [s, 16], [r, 15], [base('casp', b), 5], [t, 0]);
}

export const ATOMIC_INSTRUCTIONS = {
  ldxr, ldxrb, ldxrh, ldaxr, ldaxrb, ldaxrh, ldar, ldarb, ldarh, stxr, stxrb, stxrh, stlxr, stlxrb,
  stlxrh, stlr, stlrb, stlrh, ldxp, ldaxp, stxp, stlxp, lse, ldadd, ldclr, ldeor, ldset, ldsmax,
  ldsmin, ldumax, ldumin, swp, stlse, cas, casp,
} as const;
