/**
 * A64 data processing besides add/sub/logical: bitfield moves and their aliases, EXTR/ROR,
 * variable shifts, conditional select/compare, multiply/divide, one-source bit ops, ADR/ADRP.
 * All registers are ZR slots (sp is rejected) except where noted.
 */
import {
  A64Error, big, condCode, fields, invertedCondCode, needW, needX, regInfo, rz, sameWidth, simm,
  uimm, zr, withWidth, type Cond, type Imm, type Reg,
} from './encode-core.js';

// ---------------------------------------------------------------------------------------------
// Bitfield

function bitfield(mn: string, opc: number, rd: Reg, rn: Reg, immr: number, imms: number): number {
  const sf = sameWidth(mn, rd, rn);
  const bits = sf ? 6 : 5;
  const r = uimm(immr, bits, `${mn} immr`);
  const s = uimm(imms, bits, `${mn} imms`);
  return fields(0x13000000, [sf, 31], [opc, 29], [sf, 22], [r, 16], [s, 10], [rz(rn, `${mn} Rn`), 5], [rz(rd, `${mn} Rd`), 0]);
}
export function sbfm(rd: Reg, rn: Reg, immr: number, imms: number): number { return bitfield('sbfm', 0, rd, rn, immr, imms); }
export function bfm(rd: Reg, rn: Reg, immr: number, imms: number): number { return bitfield('bfm', 1, rd, rn, immr, imms); }
export function ubfm(rd: Reg, rn: Reg, immr: number, imms: number): number { return bitfield('ubfm', 2, rd, rn, immr, imms); }

function size(mn: string, ...regs: Reg[]): number {
  return sameWidth(mn, ...regs) ? 64 : 32;
}
function lsbWidth(mn: string, sz: number, lsb: number, width: number): void {
  uimm(lsb, sz === 64 ? 6 : 5, `${mn} lsb`);
  if (!Number.isInteger(width) || width < 1 || lsb + width > sz) {
    throw new A64Error(`${mn}: width ${width} out of range 1..${sz - lsb} for lsb ${lsb}`);
  }
}

function shiftAmount(mn: string, sz: number, amount: number): number {
  return uimm(amount, sz === 64 ? 6 : 5, `${mn} shift amount`);
}

/** LSL rd, rn, #imm (UBFM) or LSL rd, rn, rm (LSLV). */
export function lsl(rd: Reg, rn: Reg, amount: number | Reg): number {
  if (typeof amount === 'string') return lslv(rd, rn, amount);
  const sz = size('lsl', rd, rn);
  const s = shiftAmount('lsl', sz, amount);
  return ubfm(rd, rn, (sz - s) % sz, sz - 1 - s);
}
/** LSR rd, rn, #imm (UBFM) or LSR rd, rn, rm (LSRV). */
export function lsr(rd: Reg, rn: Reg, amount: number | Reg): number {
  if (typeof amount === 'string') return lsrv(rd, rn, amount);
  const sz = size('lsr', rd, rn);
  return ubfm(rd, rn, shiftAmount('lsr', sz, amount), sz - 1);
}
/** ASR rd, rn, #imm (SBFM) or ASR rd, rn, rm (ASRV). */
export function asr(rd: Reg, rn: Reg, amount: number | Reg): number {
  if (typeof amount === 'string') return asrv(rd, rn, amount);
  const sz = size('asr', rd, rn);
  return sbfm(rd, rn, shiftAmount('asr', sz, amount), sz - 1);
}
/** ROR rd, rs, #imm (EXTR rd, rs, rs) or ROR rd, rn, rm (RORV). */
export function ror(rd: Reg, rn: Reg, amount: number | Reg): number {
  if (typeof amount === 'string') return rorv(rd, rn, amount);
  return extr(rd, rn, rn, amount);
}

function extend(mn: string, signed: boolean, bits: number, rd: Reg, rn: Reg): number {
  needW(rn, `${mn} Rn`);
  if (!signed) {
    // UXTB/UXTH are 32-bit only; GNU as accepts an x destination and encodes the w form.
    const d = withWidth(rd, 0);
    return ubfm(d, rn, 0, bits - 1);
  }
  const sf = regInfo(rd, mn).sf;
  if (bits === 32 && !sf) throw new A64Error(`${mn}: destination must be an x register`);
  return sbfm(rd, withWidth(rn, sf), 0, bits - 1);
}
/** SXTB rd, wn. */
export function sxtb(rd: Reg, rn: Reg): number { return extend('sxtb', true, 8, rd, rn); }
/** SXTH rd, wn. */
export function sxth(rd: Reg, rn: Reg): number { return extend('sxth', true, 16, rd, rn); }
/** SXTW xd, wn. */
export function sxtw(rd: Reg, rn: Reg): number { return extend('sxtw', true, 32, rd, rn); }
/** UXTB wd, wn. */
export function uxtb(rd: Reg, rn: Reg): number { return extend('uxtb', false, 8, rd, rn); }
/** UXTH wd, wn. */
export function uxth(rd: Reg, rn: Reg): number { return extend('uxth', false, 16, rd, rn); }

/** UBFX rd, rn, #lsb, #width. */
export function ubfx(rd: Reg, rn: Reg, lsb: number, width: number): number {
  lsbWidth('ubfx', size('ubfx', rd, rn), lsb, width);
  return ubfm(rd, rn, lsb, lsb + width - 1);
}
/** SBFX rd, rn, #lsb, #width. */
export function sbfx(rd: Reg, rn: Reg, lsb: number, width: number): number {
  lsbWidth('sbfx', size('sbfx', rd, rn), lsb, width);
  return sbfm(rd, rn, lsb, lsb + width - 1);
}
/** BFXIL rd, rn, #lsb, #width. */
export function bfxil(rd: Reg, rn: Reg, lsb: number, width: number): number {
  lsbWidth('bfxil', size('bfxil', rd, rn), lsb, width);
  return bfm(rd, rn, lsb, lsb + width - 1);
}
/** BFI rd, rn, #lsb, #width. */
export function bfi(rd: Reg, rn: Reg, lsb: number, width: number): number {
  const sz = size('bfi', rd, rn);
  lsbWidth('bfi', sz, lsb, width);
  return bfm(rd, rn, (sz - lsb) % sz, width - 1);
}
/** BFC rd, #lsb, #width (BFM rd, zr, ...). */
export function bfc(rd: Reg, lsb: number, width: number): number {
  return bfi(rd, zr(regInfo(rd).sf), lsb, width);
}
/** UBFIZ rd, rn, #lsb, #width. */
export function ubfiz(rd: Reg, rn: Reg, lsb: number, width: number): number {
  const sz = size('ubfiz', rd, rn);
  lsbWidth('ubfiz', sz, lsb, width);
  return ubfm(rd, rn, (sz - lsb) % sz, width - 1);
}
/** SBFIZ rd, rn, #lsb, #width. */
export function sbfiz(rd: Reg, rn: Reg, lsb: number, width: number): number {
  const sz = size('sbfiz', rd, rn);
  lsbWidth('sbfiz', sz, lsb, width);
  return sbfm(rd, rn, (sz - lsb) % sz, width - 1);
}

/** EXTR rd, rn, rm, #lsb. */
export function extr(rd: Reg, rn: Reg, rm: Reg, lsb: number): number {
  const sf = sameWidth('extr', rd, rn, rm);
  const s = uimm(lsb, sf ? 6 : 5, 'extr lsb');
  return fields(0x13800000, [sf, 31], [sf, 22], [rz(rm, 'extr Rm'), 16], [s, 10], [rz(rn, 'extr Rn'), 5], [rz(rd, 'extr Rd'), 0]);
}

// ---------------------------------------------------------------------------------------------
// Two-source: divide and variable shifts

function dp2(mn: string, opcode: number, rd: Reg, rn: Reg, rm: Reg): number {
  const sf = sameWidth(mn, rd, rn, rm);
  return fields(0x1ac00000, [sf, 31], [rz(rm, `${mn} Rm`), 16], [opcode, 10], [rz(rn, `${mn} Rn`), 5], [rz(rd, `${mn} Rd`), 0]);
}
export function udiv(rd: Reg, rn: Reg, rm: Reg): number { return dp2('udiv', 2, rd, rn, rm); }
export function sdiv(rd: Reg, rn: Reg, rm: Reg): number { return dp2('sdiv', 3, rd, rn, rm); }
export function lslv(rd: Reg, rn: Reg, rm: Reg): number { return dp2('lslv', 8, rd, rn, rm); }
export function lsrv(rd: Reg, rn: Reg, rm: Reg): number { return dp2('lsrv', 9, rd, rn, rm); }
export function asrv(rd: Reg, rn: Reg, rm: Reg): number { return dp2('asrv', 10, rd, rn, rm); }
export function rorv(rd: Reg, rn: Reg, rm: Reg): number { return dp2('rorv', 11, rd, rn, rm); }

// ---------------------------------------------------------------------------------------------
// One-source

function dp1(mn: string, opcode: number, rd: Reg, rn: Reg): number {
  const sf = sameWidth(mn, rd, rn);
  return fields(0x5ac00000, [sf, 31], [opcode, 10], [rz(rn, `${mn} Rn`), 5], [rz(rd, `${mn} Rd`), 0]);
}
export function rbit(rd: Reg, rn: Reg): number { return dp1('rbit', 0, rd, rn); }
export function rev16(rd: Reg, rn: Reg): number { return dp1('rev16', 1, rd, rn); }
/** REV32 xd, xn (64-bit only). */
export function rev32(rd: Reg, rn: Reg): number {
  needX(rd, 'rev32 Rd');
  return dp1('rev32', 2, rd, rn);
}
/** REV: byte-reverse the whole register (w or x). */
export function rev(rd: Reg, rn: Reg): number { return dp1('rev', regInfo(rd).sf ? 3 : 2, rd, rn); }
/** REV64 xd, xn (= REV on x registers). */
export function rev64(rd: Reg, rn: Reg): number {
  needX(rd, 'rev64 Rd');
  return dp1('rev64', 3, rd, rn);
}
export function clz(rd: Reg, rn: Reg): number { return dp1('clz', 4, rd, rn); }
export function cls(rd: Reg, rn: Reg): number { return dp1('cls', 5, rd, rn); }

// ---------------------------------------------------------------------------------------------
// Conditional select and compare

function csel4(mn: string, op: number, op2: number, rd: Reg, rn: Reg, rm: Reg, cond: number): number {
  const sf = sameWidth(mn, rd, rn, rm);
  return fields(0x1a800000, [sf, 31], [op, 30], [rz(rm, `${mn} Rm`), 16], [cond, 12], [op2, 10], [rz(rn, `${mn} Rn`), 5], [rz(rd, `${mn} Rd`), 0]);
}
export function csel(rd: Reg, rn: Reg, rm: Reg, cond: Cond): number { return csel4('csel', 0, 0, rd, rn, rm, condCode(cond)); }
export function csinc(rd: Reg, rn: Reg, rm: Reg, cond: Cond): number { return csel4('csinc', 0, 1, rd, rn, rm, condCode(cond)); }
export function csinv(rd: Reg, rn: Reg, rm: Reg, cond: Cond): number { return csel4('csinv', 1, 0, rd, rn, rm, condCode(cond)); }
export function csneg(rd: Reg, rn: Reg, rm: Reg, cond: Cond): number { return csel4('csneg', 1, 1, rd, rn, rm, condCode(cond)); }
/** CSET rd, cond = CSINC rd, zr, zr, invert(cond). */
export function cset(rd: Reg, cond: Cond): number {
  const z = zr(regInfo(rd).sf);
  return csel4('cset', 0, 1, rd, z, z, invertedCondCode(cond, 'cset'));
}
/** CSETM rd, cond = CSINV rd, zr, zr, invert(cond). */
export function csetm(rd: Reg, cond: Cond): number {
  const z = zr(regInfo(rd).sf);
  return csel4('csetm', 1, 0, rd, z, z, invertedCondCode(cond, 'csetm'));
}
/** CINC rd, rn, cond = CSINC rd, rn, rn, invert(cond). */
export function cinc(rd: Reg, rn: Reg, cond: Cond): number { return csel4('cinc', 0, 1, rd, rn, rn, invertedCondCode(cond, 'cinc')); }
/** CINV rd, rn, cond = CSINV rd, rn, rn, invert(cond). */
export function cinv(rd: Reg, rn: Reg, cond: Cond): number { return csel4('cinv', 1, 0, rd, rn, rn, invertedCondCode(cond, 'cinv')); }
/** CNEG rd, rn, cond = CSNEG rd, rn, rn, invert(cond). */
export function cneg(rd: Reg, rn: Reg, cond: Cond): number { return csel4('cneg', 1, 1, rd, rn, rn, invertedCondCode(cond, 'cneg')); }

function condCompare(mn: string, op: number, rn: Reg, op2: Reg | Imm, nzcv: number, cond: Cond): number {
  const flags = uimm(nzcv, 4, `${mn} nzcv`);
  const c = condCode(cond);
  if (typeof op2 === 'string') {
    const sf = sameWidth(mn, rn, op2);
    return fields(0x3a400000, [sf, 31], [op, 30], [rz(op2, `${mn} Rm`), 16], [c, 12], [rz(rn, `${mn} Rn`), 5], [flags, 0]);
  }
  const sf = regInfo(rn, mn).sf;
  return fields(0x3a400800, [sf, 31], [op, 30], [uimm(op2, 5, `${mn} immediate`), 16], [c, 12], [rz(rn, `${mn} Rn`), 5], [flags, 0]);
}
/** CCMP rn, rm|#imm5, #nzcv, cond. */
export function ccmp(rn: Reg, op2: Reg | Imm, nzcv: number, cond: Cond): number { return condCompare('ccmp', 1, rn, op2, nzcv, cond); }
/** CCMN rn, rm|#imm5, #nzcv, cond. */
export function ccmn(rn: Reg, op2: Reg | Imm, nzcv: number, cond: Cond): number { return condCompare('ccmn', 0, rn, op2, nzcv, cond); }

// ---------------------------------------------------------------------------------------------
// Multiply

function dp3(mn: string, op31: number, o0: number, rd: Reg, rn: Reg, rm: Reg, ra: Reg, long: boolean): number {
  let sf: 0 | 1;
  if (long) {
    needX(rd, `${mn} Rd`);
    needX(ra, `${mn} Ra`);
    needW(rn, `${mn} Rn`);
    needW(rm, `${mn} Rm`);
    sf = 1;
  } else {
    sf = sameWidth(mn, rd, rn, rm, ra);
  }
  return fields(
    0x1b000000, [sf, 31], [op31, 21], [rz(rm, `${mn} Rm`), 16], [o0, 15], [rz(ra, `${mn} Ra`), 10],
    [rz(rn, `${mn} Rn`), 5], [rz(rd, `${mn} Rd`), 0],
  );
}
export function madd(rd: Reg, rn: Reg, rm: Reg, ra: Reg): number { return dp3('madd', 0, 0, rd, rn, rm, ra, false); }
export function msub(rd: Reg, rn: Reg, rm: Reg, ra: Reg): number { return dp3('msub', 0, 1, rd, rn, rm, ra, false); }
export function mul(rd: Reg, rn: Reg, rm: Reg): number { return dp3('mul', 0, 0, rd, rn, rm, zr(regInfo(rd).sf), false); }
export function mneg(rd: Reg, rn: Reg, rm: Reg): number { return dp3('mneg', 0, 1, rd, rn, rm, zr(regInfo(rd).sf), false); }
/** SMADDL xd, wn, wm, xa. */
export function smaddl(rd: Reg, rn: Reg, rm: Reg, ra: Reg): number { return dp3('smaddl', 1, 0, rd, rn, rm, ra, true); }
export function smsubl(rd: Reg, rn: Reg, rm: Reg, ra: Reg): number { return dp3('smsubl', 1, 1, rd, rn, rm, ra, true); }
export function umaddl(rd: Reg, rn: Reg, rm: Reg, ra: Reg): number { return dp3('umaddl', 5, 0, rd, rn, rm, ra, true); }
export function umsubl(rd: Reg, rn: Reg, rm: Reg, ra: Reg): number { return dp3('umsubl', 5, 1, rd, rn, rm, ra, true); }
/** SMULL xd, wn, wm. */
export function smull(rd: Reg, rn: Reg, rm: Reg): number { return dp3('smull', 1, 0, rd, rn, rm, 'xzr', true); }
export function umull(rd: Reg, rn: Reg, rm: Reg): number { return dp3('umull', 5, 0, rd, rn, rm, 'xzr', true); }
export function smnegl(rd: Reg, rn: Reg, rm: Reg): number { return dp3('smnegl', 1, 1, rd, rn, rm, 'xzr', true); }
export function umnegl(rd: Reg, rn: Reg, rm: Reg): number { return dp3('umnegl', 5, 1, rd, rn, rm, 'xzr', true); }
/** SMULH xd, xn, xm. */
export function smulh(rd: Reg, rn: Reg, rm: Reg): number {
  needX(rd, 'smulh Rd');
  return dp3('smulh', 2, 0, rd, rn, rm, 'xzr', false);
}
/** UMULH xd, xn, xm. */
export function umulh(rd: Reg, rn: Reg, rm: Reg): number {
  needX(rd, 'umulh Rd');
  return dp3('umulh', 6, 0, rd, rn, rm, 'xzr', false);
}

// ---------------------------------------------------------------------------------------------
// PC-relative addresses

/** ADR xd, pc+offset (offset in bytes, -1 MiB .. +1 MiB - 1). */
export function adr(rd: Reg, offset: Imm): number {
  needX(rd, 'adr Rd');
  const v = simm(offset, 21, 'adr offset (±1 MiB)');
  return fields(0x10000000, [v & 3, 29], [v >>> 2, 5], [rz(rd, 'adr Rd'), 0]);
}
/**
 * ADRP xd, page: `pageOffset` is target page minus this instruction's page, in bytes (a multiple
 * of 4096, within ±4 GiB).
 */
export function adrp(rd: Reg, pageOffset: Imm): number {
  needX(rd, 'adrp Rd');
  const b = big(pageOffset, 'adrp page offset');
  if (b % 4096n !== 0n) throw new A64Error(`adrp: page offset ${b} is not a multiple of 4096`);
  const v = simm(b / 4096n, 21, 'adrp page offset (±4 GiB)');
  return fields(0x90000000, [v & 3, 29], [v >>> 2, 5], [rz(rd, 'adrp Rd'), 0]);
}

export const DP_INSTRUCTIONS = {
  sbfm, bfm, ubfm, lsl, lsr, asr, ror, sxtb, sxth, sxtw, uxtb, uxth, ubfx, sbfx, bfxil, bfi, bfc,
  ubfiz, sbfiz, extr, udiv, sdiv, lslv, lsrv, asrv, rorv, rbit, rev16, rev32, rev, rev64, clz, cls,
  csel, csinc, csinv, csneg, cset, csetm, cinc, cinv, cneg, ccmp, ccmn, madd, msub, mul, mneg,
  smaddl, smsubl, umaddl, umsubl, smull, umull, smnegl, umnegl, smulh, umulh, adr, adrp,
} as const;
