/**
 * Data processing — immediate (op0 = 100x): PC-relative addressing,
 * add/subtract immediate, logical immediate, move wide, bitfield, extract.
 */

import type { Insn, LogicOpcType } from './insn.js';
import { BITMASK_OUT, decodeBitMasks, sext, undef } from './decode-common.js';

export function decodeDpImm(w: number): Insn {
  switch ((w >>> 23) & 7) {
    case 0:
    case 1: {
      // ADR / ADRP: op immlo 10000 immhi Rd
      const imm21 = (((w >>> 5) & 0x7ffff) << 2) | ((w >>> 29) & 3);
      const page = (w >>> 31) !== 0;
      const off = sext(imm21, 21);
      return { op: 'ADR', page, rd: w & 31, imm: page ? off * 4096 : off };
    }
    case 2: {
      // ADD/SUB (immediate): sf op S 100010 sh imm12 Rn Rd
      const shift12 = ((w >>> 22) & 1) !== 0;
      const imm12 = (w >>> 10) & 0xfff;
      return {
        op: 'ADDSUB_IMM', sf: (w >>> 31) !== 0, sub: ((w >>> 30) & 1) !== 0, setFlags: ((w >>> 29) & 1) !== 0,
        rd: w & 31, rn: (w >>> 5) & 31, imm: shift12 ? imm12 * 4096 : imm12, shift12,
      };
    }
    case 3:
      return undef(w); // ADDG/SUBG (MTE), unallocated
    case 4:
      return logicImm(w);
    case 5:
      return moveWide(w);
    case 6:
      return bitfield(w);
    default:
      return extract(w);
  }
}

function logicImm(w: number): Insn {
  const sf = (w >>> 31) !== 0;
  const n = (w >>> 22) & 1;
  if (!sf && n !== 0) return undef(w);
  if (!decodeBitMasks(n, (w >>> 10) & 63, (w >>> 16) & 63, true)) return undef(w);
  const opc = ((w >>> 29) & 3) as LogicOpcType;
  return {
    op: 'LOGIC_IMM', sf, opc, setFlags: opc === 3, rd: w & 31, rn: (w >>> 5) & 31,
    immLo: BITMASK_OUT[0]!, immHi: sf ? BITMASK_OUT[1]! : 0,
  };
}

function moveWide(w: number): Insn {
  const sf = (w >>> 31) !== 0;
  const opc = (w >>> 29) & 3;
  const hw = (w >>> 21) & 3;
  if (opc === 1 || (!sf && hw >= 2)) return undef(w);
  const imm16 = (w >>> 5) & 0xffff;
  const shift = hw * 16;
  let lo = 0;
  let hi = 0;
  if (shift === 0) lo = imm16;
  else if (shift === 16) lo = (imm16 << 16) >>> 0;
  else if (shift === 32) hi = imm16;
  else hi = (imm16 << 16) >>> 0;
  const kind = opc === 0 ? 'MOVN' : opc === 2 ? 'MOVZ' : 'MOVK';
  if (kind === 'MOVN') {
    lo = ~lo >>> 0;
    hi = sf ? ~hi >>> 0 : 0;
  }
  return { op: 'MOV_WIDE', sf, kind, rd: w & 31, imm16, shift, valLo: lo, valHi: hi };
}

function bitfield(w: number): Insn {
  const sf = (w >>> 31) !== 0;
  const opc = (w >>> 29) & 3;
  const n = (w >>> 22) & 1;
  const immr = (w >>> 16) & 63;
  const imms = (w >>> 10) & 63;
  if (opc === 3 || n !== (sf ? 1 : 0)) return undef(w);
  if (!sf && ((immr | imms) & 0x20) !== 0) return undef(w);
  if (!decodeBitMasks(n, imms, immr, false)) return undef(w);
  const o = BITMASK_OUT;
  return {
    op: 'BITFIELD', sf, kind: opc === 0 ? 'SBFM' : opc === 1 ? 'BFM' : 'UBFM',
    rd: w & 31, rn: (w >>> 5) & 31, immr, imms,
    wmaskLo: o[0]!, wmaskHi: sf ? o[1]! : 0, tmaskLo: o[2]!, tmaskHi: sf ? o[3]! : 0,
  };
}

function extract(w: number): Insn {
  // EXTR: sf op21 100111 N o0 Rm imms Rn Rd
  const sf = (w >>> 31) !== 0;
  const imms = (w >>> 10) & 63;
  if (((w >>> 29) & 3) !== 0 || ((w >>> 21) & 1) !== 0) return undef(w);
  if (((w >>> 22) & 1) !== (sf ? 1 : 0)) return undef(w);
  if (!sf && imms >= 32) return undef(w);
  return { op: 'EXTR', sf, rd: w & 31, rn: (w >>> 5) & 31, rm: (w >>> 16) & 31, lsb: imms };
}
