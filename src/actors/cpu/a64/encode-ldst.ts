/**
 * A64 loads and stores: single register (unsigned offset, unscaled, pre/post-index, register
 * offset, PC literal), pairs and PRFM.
 *
 * Addresses ({@link Addr}):
 *   'x1'                                 [x1]
 *   mem('x1', 8)   {base, offset}        [x1, #8]      scaled unsigned offset; falls back to the
 *                                                      unscaled (LDUR) form for negative or
 *                                                      misaligned offsets in -256..255 as GNU as does
 *   pre('x1', -16)  {.., mode: 'pre'}    [x1, #-16]!
 *   post('x1', 16)  {.., mode: 'post'}   [x1], #16
 *   idx('x1', 'x2', 'lsl', 3)            [x1, x2, lsl #3]   (extend 'lsl'|'uxtw'|'sxtw'|'sxtx')
 * The base is an SP slot (use 'sp', never 'xzr'); Rt and the index are ZR slots. For register
 * offsets, `shift` undefined means no shift (S=0); the only other amounts are 0 and log2(size);
 * an explicit 0 sets S=1 for byte accesses (GNU `[x1, x2, lsl #0]`).
 */
import {
  A64Error, EXTEND_CODES, fields, needW, needX, regInfo, rsp, rz, sameWidth, simm, simmScaled,
  num, uimm, type Imm, type Reg, type XReg,
} from './encode-core.js';

export interface MemImm {
  readonly base: XReg;
  readonly offset?: number;
  readonly mode?: 'offset' | 'pre' | 'post';
}
export interface MemReg {
  readonly base: XReg;
  readonly index: Reg;
  readonly extend?: 'lsl' | 'uxtw' | 'sxtw' | 'sxtx';
  readonly shift?: number;
}
export type Addr = XReg | MemImm | MemReg;

/** [base, #offset] */
export function mem(base: XReg, offset = 0): MemImm { return { base, offset, mode: 'offset' }; }
/** [base, #offset]! */
export function pre(base: XReg, offset: number): MemImm { return { base, offset, mode: 'pre' }; }
/** [base], #offset */
export function post(base: XReg, offset: number): MemImm { return { base, offset, mode: 'post' }; }
/** [base, index{, extend {#shift}}] */
export function idx(base: XReg, index: Reg, extend: MemReg['extend'] = 'lsl', shift?: number): MemReg {
  return shift === undefined ? { base, index, extend } : { base, index, extend, shift };
}

function normAddr(a: Addr): MemImm | MemReg {
  return typeof a === 'string' ? { base: a, offset: 0, mode: 'offset' } : a;
}

function baseReg(mn: string, base: XReg): number {
  needX(base, `${mn} base`);
  return rsp(base, `${mn} base`);
}

/** Encodes any single-register load/store. `size` = log2(bytes), `opc` per the ARM ARM. */
function ldst(mn: string, size: number, opc: number, rt: number, addr: Addr, unscaled: boolean): number {
  const a = normAddr(addr);
  const n = baseReg(mn, a.base);
  if ('index' in a) {
    if (unscaled) throw new A64Error(`${mn}: register offset not allowed`);
    const ext = (a.extend ?? 'lsl').toLowerCase();
    let option: number;
    if (ext === 'lsl') option = 3;
    else if (ext === 'uxtw' || ext === 'sxtw' || ext === 'sxtx') option = EXTEND_CODES[ext];
    else throw new A64Error(`${mn}: extend '${ext}' not allowed (lsl, uxtw, sxtw, sxtx)`);
    if (option === 3 || option === 7) needX(a.index, `${mn} index (${ext})`);
    else needW(a.index, `${mn} index (${ext})`);
    let s: number;
    if (a.shift === undefined) s = 0;
    else if (a.shift === size && size !== 0) s = 1;
    else if (a.shift === 0) s = size === 0 ? 1 : 0;
    else throw new A64Error(`${mn}: index shift must be #0${size ? ` or #${size}` : ''}, got #${a.shift}`);
    return fields(0x38200800, [size, 30], [opc, 22], [rz(a.index, `${mn} index`), 16], [option, 13], [s, 12], [n, 5], [rt, 0]);
  }
  const off = num(a.offset ?? 0, `${mn} offset`);
  const mode = a.mode ?? 'offset';
  if (mode === 'pre' || mode === 'post') {
    if (unscaled) throw new A64Error(`${mn}: pre/post-index not allowed`);
    const imm9 = simm(off, 9, `${mn} ${mode}-index offset`);
    return fields(0x38000000, [size, 30], [opc, 22], [imm9, 12], [mode === 'pre' ? 3 : 1, 10], [n, 5], [rt, 0]);
  }
  const scale = 1 << size;
  if (!unscaled && off >= 0 && off % scale === 0 && off / scale < 4096) {
    return fields(0x39000000, [size, 30], [opc, 22], [off / scale, 10], [n, 5], [rt, 0]);
  }
  if (off >= -256 && off < 256) {
    return fields(0x38000000, [size, 30], [opc, 22], [simm(off, 9, mn), 12], [n, 5], [rt, 0]);
  }
  throw new A64Error(
    `${mn}: offset ${off} not encodable (unsigned multiple of ${scale} up to ${4095 * scale}, or -256..255 unscaled)`,
  );
}

interface Kind { size: number | 'rt'; opc: number | 'signed'; rt: 'x' | 'w' | 'any' }
const KINDS = {
  str: { size: 'rt', opc: 0, rt: 'any' },
  ldr: { size: 'rt', opc: 1, rt: 'any' },
  strb: { size: 0, opc: 0, rt: 'w' },
  ldrb: { size: 0, opc: 1, rt: 'w' },
  strh: { size: 1, opc: 0, rt: 'w' },
  ldrh: { size: 1, opc: 1, rt: 'w' },
  ldrsb: { size: 0, opc: 'signed', rt: 'any' },
  ldrsh: { size: 1, opc: 'signed', rt: 'any' },
  ldrsw: { size: 2, opc: 2, rt: 'x' },
} satisfies Record<string, Kind>;
/** Single-register load/store kinds (unscaled twins are ldur/stur/ldurb/...). */
export type LdStKind = keyof typeof KINDS;

/** Encodes `kind rt, addr` (LDUR-style forced unscaled when `unscaled`). */
export function loadStore(kind: LdStKind, rt: Reg, addr: Addr, unscaled = false): number {
  const k: Kind = KINDS[kind];
  const mn = unscaled ? kind.replace(/^(ld|st)r/, '$1ur') : kind;
  if (!k) throw new A64Error(`unknown load/store '${kind}'`);
  const sf = regInfo(rt, `${mn} Rt`).sf;
  if (k.rt === 'x') needX(rt, `${mn} Rt`);
  if (k.rt === 'w') needW(rt, `${mn} Rt`);
  const size = k.size === 'rt' ? (sf ? 3 : 2) : k.size;
  const opc = k.opc === 'signed' ? (sf ? 2 : 3) : k.opc;
  return ldst(mn, size, opc, rz(rt, `${mn} Rt`), addr, unscaled);
}

export function ldr(rt: Reg, addr: Addr): number { return loadStore('ldr', rt, addr); }
export function str(rt: Reg, addr: Addr): number { return loadStore('str', rt, addr); }
export function ldrb(rt: Reg, addr: Addr): number { return loadStore('ldrb', rt, addr); }
export function strb(rt: Reg, addr: Addr): number { return loadStore('strb', rt, addr); }
export function ldrh(rt: Reg, addr: Addr): number { return loadStore('ldrh', rt, addr); }
export function strh(rt: Reg, addr: Addr): number { return loadStore('strh', rt, addr); }
export function ldrsb(rt: Reg, addr: Addr): number { return loadStore('ldrsb', rt, addr); }
export function ldrsh(rt: Reg, addr: Addr): number { return loadStore('ldrsh', rt, addr); }
export function ldrsw(rt: Reg, addr: Addr): number { return loadStore('ldrsw', rt, addr); }
export function ldur(rt: Reg, addr: XReg | MemImm): number { return loadStore('ldr', rt, addr, true); }
export function stur(rt: Reg, addr: XReg | MemImm): number { return loadStore('str', rt, addr, true); }
export function ldurb(rt: Reg, addr: XReg | MemImm): number { return loadStore('ldrb', rt, addr, true); }
export function sturb(rt: Reg, addr: XReg | MemImm): number { return loadStore('strb', rt, addr, true); }
export function ldurh(rt: Reg, addr: XReg | MemImm): number { return loadStore('ldrh', rt, addr, true); }
export function sturh(rt: Reg, addr: XReg | MemImm): number { return loadStore('strh', rt, addr, true); }
export function ldursb(rt: Reg, addr: XReg | MemImm): number { return loadStore('ldrsb', rt, addr, true); }
export function ldursh(rt: Reg, addr: XReg | MemImm): number { return loadStore('ldrsh', rt, addr, true); }
export function ldursw(rt: Reg, addr: XReg | MemImm): number { return loadStore('ldrsw', rt, addr, true); }

/** PRFM prefetch operations (or a raw 5-bit number). */
export const PRFOPS: Readonly<Record<string, number>> = {
  pldl1keep: 0, pldl1strm: 1, pldl2keep: 2, pldl2strm: 3, pldl3keep: 4, pldl3strm: 5,
  plil1keep: 8, plil1strm: 9, plil2keep: 10, plil2strm: 11, plil3keep: 12, plil3strm: 13,
  pstl1keep: 16, pstl1strm: 17, pstl2keep: 18, pstl2strm: 19, pstl3keep: 20, pstl3strm: 21,
};
function prfop(op: string | number): number {
  if (typeof op === 'number') return uimm(op, 5, 'prfm operation');
  const v = PRFOPS[op.toLowerCase()];
  if (v === undefined) throw new A64Error(`prfm: unknown prefetch operation '${op}'`);
  return v;
}
/** PRFM op, addr (unsigned offset, unscaled or register offset). */
export function prfm(op: string | number, addr: Addr): number {
  const a = normAddr(addr);
  if (!('index' in a) && (a.mode ?? 'offset') !== 'offset') throw new A64Error('prfm: pre/post-index not allowed');
  return ldst('prfm', 3, 2, prfop(op), addr, false);
}

// ---------------------------------------------------------------------------------------------
// PC-relative literal loads

/** LDR wt|xt, pc+offset (offset a multiple of 4 within ±1 MiB). */
export function ldrLit(rt: Reg, offset: Imm): number {
  const sf = regInfo(rt, 'ldr Rt').sf;
  return fields(0x18000000, [sf, 30], [simmScaled(offset, 4, 19, 'ldr literal offset (±1 MiB)'), 5], [rz(rt, 'ldr Rt'), 0]);
}
/** LDRSW xt, pc+offset. */
export function ldrswLit(rt: Reg, offset: Imm): number {
  needX(rt, 'ldrsw Rt');
  return fields(0x98000000, [simmScaled(offset, 4, 19, 'ldrsw literal offset (±1 MiB)'), 5], [rz(rt, 'ldrsw Rt'), 0]);
}
/** PRFM op, pc+offset. */
export function prfmLit(op: string | number, offset: Imm): number {
  return fields(0xd8000000, [simmScaled(offset, 4, 19, 'prfm literal offset (±1 MiB)'), 5], [prfop(op), 0]);
}

// ---------------------------------------------------------------------------------------------
// Pairs

function pair(mn: string, opcSel: 'rt' | 'sw', load: boolean, nonTemporal: boolean, rt1: Reg, rt2: Reg, addr: XReg | MemImm): number {
  const a = normAddr(addr);
  if ('index' in a) throw new A64Error(`${mn}: register offset not allowed`);
  let opc: number;
  let scale: number;
  if (opcSel === 'sw') {
    needX(rt1, `${mn} Rt`);
    needX(rt2, `${mn} Rt2`);
    opc = 1;
    scale = 4;
  } else {
    const sf = sameWidth(mn, rt1, rt2);
    opc = sf ? 2 : 0;
    scale = sf ? 8 : 4;
  }
  const mode = a.mode ?? 'offset';
  if (nonTemporal && mode !== 'offset') throw new A64Error(`${mn}: pre/post-index not allowed`);
  const modeBits = nonTemporal ? 0 : mode === 'post' ? 1 : mode === 'pre' ? 3 : 2;
  const imm7 = simmScaled(a.offset ?? 0, scale, 7, `${mn} offset`);
  return fields(
    0x28000000, [opc, 30], [modeBits, 23], [load ? 1 : 0, 22], [imm7, 15], [rz(rt2, `${mn} Rt2`), 10],
    [baseReg(mn, a.base), 5], [rz(rt1, `${mn} Rt`), 0],
  );
}
/** LDP rt1, rt2, addr (signed offset / pre / post; offset a multiple of the register size). */
export function ldp(rt1: Reg, rt2: Reg, addr: XReg | MemImm): number { return pair('ldp', 'rt', true, false, rt1, rt2, addr); }
export function stp(rt1: Reg, rt2: Reg, addr: XReg | MemImm): number { return pair('stp', 'rt', false, false, rt1, rt2, addr); }
/** LDPSW xt1, xt2, addr. */
export function ldpsw(rt1: Reg, rt2: Reg, addr: XReg | MemImm): number { return pair('ldpsw', 'sw', true, false, rt1, rt2, addr); }
export function ldnp(rt1: Reg, rt2: Reg, addr: XReg | MemImm): number { return pair('ldnp', 'rt', true, true, rt1, rt2, addr); }
export function stnp(rt1: Reg, rt2: Reg, addr: XReg | MemImm): number { return pair('stnp', 'rt', false, true, rt1, rt2, addr); }

export const LDST_INSTRUCTIONS = {
  ldr, str, ldrb, strb, ldrh, strh, ldrsb, ldrsh, ldrsw, ldur, stur, ldurb, sturb, ldurh, sturh,
  ldursb, ldursh, ldursw, prfm, ldrLit, ldrswLit, prfmLit, ldp, stp, ldpsw, ldnp, stnp,
} as const;
