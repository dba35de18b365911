/**
 * Data processing — register (op0 = x101): logical shifted, add/sub
 * shifted/extended, add/sub with carry, conditional compare, conditional
 * select, 1-, 2- and 3-source.
 */

import type { Dp1, Dp2, Dp3, ExtendType, Insn, LogicOpcType, ShiftType } from './insn.js';
import { undef } from './decode-common.js';

export function decodeDpReg(w: number): Insn {
  const op2 = (w >>> 21) & 15;
  if (((w >>> 28) & 1) === 0) {
    if ((op2 & 8) === 0) return logicShifted(w);
    return (op2 & 1) === 0 ? addSubShifted(w) : addSubExtended(w);
  }
  switch (op2) {
    case 0:
      // ADC/ADCS/SBC/SBCS: op3 (15:10) must be 0 (others: RMIF, SETF)
      if (((w >>> 10) & 63) !== 0) return undef(w);
      return {
        op: 'ADDSUB_CARRY', sf: (w >>> 31) !== 0, sub: ((w >>> 30) & 1) !== 0, setFlags: ((w >>> 29) & 1) !== 0,
        rd: w & 31, rn: (w >>> 5) & 31, rm: (w >>> 16) & 31,
      };
    case 2:
      return condCompare(w);
    case 4:
      return condSelect(w);
    case 6:
      return ((w >>> 30) & 1) !== 0 ? dp1(w) : dp2(w);
    case 8: case 9: case 10: case 11: case 12: case 13: case 14: case 15:
      return dp3(w);
    default:
      return undef(w);
  }
}

function logicShifted(w: number): Insn {
  // sf opc 01010 shift N Rm imm6 Rn Rd
  const sf = (w >>> 31) !== 0;
  const amount = (w >>> 10) & 63;
  if (!sf && amount >= 32) return undef(w);
  const opc = ((w >>> 29) & 3) as LogicOpcType;
  return {
    op: 'LOGIC_REG', sf, opc, invert: ((w >>> 21) & 1) !== 0, setFlags: opc === 3,
    rd: w & 31, rn: (w >>> 5) & 31, rm: (w >>> 16) & 31, shift: ((w >>> 22) & 3) as ShiftType, amount,
  };
}

function addSubShifted(w: number): Insn {
  // sf op S 01011 shift 0 Rm imm6 Rn Rd
  const sf = (w >>> 31) !== 0;
  const shift = (w >>> 22) & 3;
  const amount = (w >>> 10) & 63;
  if (shift === 3 || (!sf && amount >= 32)) return undef(w);
  return {
    op: 'ADDSUB_SHIFT', sf, sub: ((w >>> 30) & 1) !== 0, setFlags: ((w >>> 29) & 1) !== 0,
    rd: w & 31, rn: (w >>> 5) & 31, rm: (w >>> 16) & 31, shift: shift as ShiftType, amount,
  };
}

function addSubExtended(w: number): Insn {
  // sf op S 01011 opt 1 Rm option imm3 Rn Rd
  const amount = (w >>> 10) & 7;
  if (((w >>> 22) & 3) !== 0 || amount > 4) return undef(w);
  return {
    op: 'ADDSUB_EXT', sf: (w >>> 31) !== 0, sub: ((w >>> 30) & 1) !== 0, setFlags: ((w >>> 29) & 1) !== 0,
    rd: w & 31, rn: (w >>> 5) & 31, rm: (w >>> 16) & 31, extend: ((w >>> 13) & 7) as ExtendType, amount,
  };
}

function condCompare(w: number): Insn {
  // sf op S 11010010 Rm|imm5 cond imm o2 Rn o3 nzcv ; S = 1, o2 = o3 = 0
  if (((w >>> 29) & 1) === 0 || ((w >>> 10) & 1) !== 0 || ((w >>> 4) & 1) !== 0) return undef(w);
  const useImm = ((w >>> 11) & 1) !== 0;
  const field = (w >>> 16) & 31;
  return {
    op: 'COND_CMP', sf: (w >>> 31) !== 0, sub: ((w >>> 30) & 1) !== 0, rn: (w >>> 5) & 31,
    useImm, rm: useImm ? 0 : field, imm: useImm ? field : 0, nzcv: w & 15, cond: (w >>> 12) & 15,
  };
}

function condSelect(w: number): Insn {
  // sf op S 11010100 Rm cond op2 Rn Rd ; S = 0, op2<1> = 0
  if (((w >>> 29) & 1) !== 0 || ((w >>> 11) & 1) !== 0) return undef(w);
  return {
    op: 'COND_SEL', sf: (w >>> 31) !== 0, invert: ((w >>> 30) & 1) !== 0, increment: ((w >>> 10) & 1) !== 0,
    rd: w & 31, rn: (w >>> 5) & 31, rm: (w >>> 16) & 31, cond: (w >>> 12) & 15,
  };
}

const DP1_KINDS: readonly Dp1['kind'][] = ['RBIT', 'REV16', 'REV32', 'REV', 'CLZ', 'CLS'];

function dp1(w: number): Insn {
  // sf 1 S 11010110 opcode2 opcode Rn Rd ; S = 0, opcode2 = 0
  const sf = (w >>> 31) !== 0;
  const opcode = (w >>> 10) & 63;
  if (((w >>> 29) & 1) !== 0 || ((w >>> 16) & 31) !== 0 || opcode > 5) return undef(w);
  let kind = DP1_KINDS[opcode]!;
  if (opcode === 2 && !sf) kind = 'REV';
  else if (opcode === 3 && !sf) return undef(w);
  return { op: 'DP1', sf, kind, rd: w & 31, rn: (w >>> 5) & 31 };
}

function dp2(w: number): Insn {
  // sf 0 S 11010110 Rm opcode Rn Rd ; S = 0
  if (((w >>> 29) & 1) !== 0) return undef(w);
  let kind: Dp2['kind'];
  switch ((w >>> 10) & 63) {
    case 2: kind = 'UDIV'; break;
    case 3: kind = 'SDIV'; break;
    case 8: kind = 'LSLV'; break;
    case 9: kind = 'LSRV'; break;
    case 10: kind = 'ASRV'; break;
    case 11: kind = 'RORV'; break;
    default: return undef(w); // CRC32*, PAC, MTE, CSSC ...
  }
  return { op: 'DP2', sf: (w >>> 31) !== 0, kind, rd: w & 31, rn: (w >>> 5) & 31, rm: (w >>> 16) & 31 };
}

function dp3(w: number): Insn {
  // sf op54 11011 op31 Rm o0 Ra Rn Rd ; op54 = 00
  const sf = (w >>> 31) !== 0;
  if (((w >>> 29) & 3) !== 0) return undef(w);
  const o0 = (w >>> 15) & 1;
  const ra = (w >>> 10) & 31;
  let kind: Dp3['kind'];
  switch ((w >>> 21) & 7) {
    case 0: kind = o0 === 0 ? 'MADD' : 'MSUB'; break;
    case 1: if (!sf) return undef(w); kind = o0 === 0 ? 'SMADDL' : 'SMSUBL'; break;
    case 5: if (!sf) return undef(w); kind = o0 === 0 ? 'UMADDL' : 'UMSUBL'; break;
    case 2:
      if (!sf || o0 !== 0 || ra !== 31) return undef(w);
      kind = 'SMULH'; break;
    case 6:
      if (!sf || o0 !== 0 || ra !== 31) return undef(w);
      kind = 'UMULH'; break;
    default: return undef(w);
  }
  return { op: 'DP3', sf, kind, rd: w & 31, rn: (w >>> 5) & 31, rm: (w >>> 16) & 31, ra };
}
