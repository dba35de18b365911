/**
 * GNU-objdump-like disassembly of decoded instructions (tests, user-facing
 * traces). Output is "mnemonic\toperands" using objdump's preferred aliases
 * (mov, cmp, tst, lsl, ubfx, cset, mul, ...), lower-case register and
 * sysreg names, hex immediates where objdump uses them, and branch/literal
 * targets as bare hex addresses. objdump's trailing "<symbol>" and "// ..."
 * comments are not produced. Not on any hot path (uses BigInt for addresses).
 */

import type {
  AddSubExt, AddSubImm, AddSubShift, Barrier, Bitfield, CondSelect, Dp3, Insn, LogicImm, LogicReg, MoveWide,
  Sys,
} from './insn.js';
import { BARRIER_OPTIONS, COND_NAMES, EXTEND_NAMES, HINT_NAMES, SHIFT_NAMES } from './insn-names.js';
import { hex, hex2, hex64, isWideConstant, pageTarget, reg, target, toPc, xr } from './insn-disasm-util.js';
import { disassembleLdSt } from './insn-disasm-ldst.js';

/**
 * Disassemble a decoded instruction located at `pc` (needed for PC-relative
 * targets; number or bigint, default 0).
 */
export function disassemble(insn: Insn, pc: number | bigint = 0): string {
  const p = toPc(pc);
  switch (insn.op) {
    case 'ADDSUB_IMM': return addSubImm(insn);
    case 'LOGIC_IMM': return logicImm(insn);
    case 'MOV_WIDE': return moveWide(insn);
    case 'ADR':
      return insn.page ? `adrp\t${xr(insn.rd)}, ${pageTarget(p, insn.imm)}` : `adr\t${xr(insn.rd)}, ${target(p, insn.imm)}`;
    case 'BITFIELD': return bitfield(insn);
    case 'EXTR': {
      const r = (n: number): string => reg(n, insn.sf);
      return insn.rn === insn.rm
        ? `ror\t${r(insn.rd)}, ${r(insn.rn)}, #${insn.lsb}`
        : `extr\t${r(insn.rd)}, ${r(insn.rn)}, ${r(insn.rm)}, #${insn.lsb}`;
    }
    case 'ADDSUB_SHIFT': return addSubShift(insn);
    case 'ADDSUB_EXT': return addSubExt(insn);
    case 'ADDSUB_CARRY': {
      const r = (n: number): string => reg(n, insn.sf);
      const s = insn.setFlags ? 's' : '';
      if (insn.sub && insn.rn === 31) return `ngc${s}\t${r(insn.rd)}, ${r(insn.rm)}`;
      return `${insn.sub ? 'sbc' : 'adc'}${s}\t${r(insn.rd)}, ${r(insn.rn)}, ${r(insn.rm)}`;
    }
    case 'LOGIC_REG': return logicReg(insn);
    case 'COND_CMP': {
      const r = (n: number): string => reg(n, insn.sf);
      const src = insn.useImm ? `#${hex(insn.imm)}` : r(insn.rm);
      return `${insn.sub ? 'ccmp' : 'ccmn'}\t${r(insn.rn)}, ${src}, #${hex(insn.nzcv)}, ${COND_NAMES[insn.cond]}`;
    }
    case 'COND_SEL': return condSelect(insn);
    case 'DP1': {
      const r = (n: number): string => reg(n, insn.sf);
      return `${insn.kind.toLowerCase()}\t${r(insn.rd)}, ${r(insn.rn)}`;
    }
    case 'DP2': {
      const r = (n: number): string => reg(n, insn.sf);
      const name = { UDIV: 'udiv', SDIV: 'sdiv', LSLV: 'lsl', LSRV: 'lsr', ASRV: 'asr', RORV: 'ror' }[insn.kind];
      return `${name}\t${r(insn.rd)}, ${r(insn.rn)}, ${r(insn.rm)}`;
    }
    case 'DP3': return dp3(insn);
    case 'B': return `${insn.link ? 'bl' : 'b'}\t${target(p, insn.offset)}`;
    case 'B_COND': return `b.${COND_NAMES[insn.cond]}\t${target(p, insn.offset)}`;
    case 'CB': return `${insn.nonZero ? 'cbnz' : 'cbz'}\t${reg(insn.rt, insn.sf)}, ${target(p, insn.offset)}`;
    case 'TB':
      return `${insn.nonZero ? 'tbnz' : 'tbz'}\t${reg(insn.rt, insn.bit >= 32)}, #${insn.bit}, ${target(p, insn.offset)}`;
    case 'BR_REG':
      if (insn.kind === 'RET') return insn.rn === 30 ? 'ret' : `ret\t${xr(insn.rn)}`;
      return `${insn.kind.toLowerCase()}\t${xr(insn.rn)}`;
    case 'ERET': return 'eret';
    case 'EXCEPTION': return `${insn.kind.toLowerCase()}\t#${hex(insn.imm16)}`;
    case 'HINT': return HINT_NAMES.get(insn.imm) ?? `hint\t#${hex(insn.imm)}`;
    case 'BARRIER': return barrier(insn);
    case 'MSR_IMM': return `msr\t${insn.field.toLowerCase()}, #${hex(insn.imm)}`;
    case 'MRS': return `mrs\t${xr(insn.rt)}, ${sysregText(insn)}`;
    case 'MSR_REG': return `msr\t${sysregText(insn)}, ${xr(insn.rt)}`;
    case 'SYS': return sys(insn);
    case 'SYSL': return `sysl\t${xr(insn.rt)}, #${insn.op1}, C${insn.crn}, C${insn.crm}, #${insn.op2}`;
    case 'SIMD': return insn.text;
    case 'UNDEFINED':
      return (insn.word >>> 16) === 0
        ? `udf\t#${insn.word & 0xffff}`
        : `.inst\t0x${(insn.word >>> 0).toString(16).padStart(8, '0')} ; undefined`;
    default:
      return disassembleLdSt(insn, p);
  }
}

function shiftSuffix(shift: number, amount: number): string {
  return shift === 0 && amount === 0 ? '' : `, ${SHIFT_NAMES[shift]} #${amount}`;
}

function addSubImm(i: AddSubImm): string {
  const rd = reg(i.rd, i.sf, !i.setFlags);
  const rn = reg(i.rn, i.sf, true);
  const imm = `#${hex(i.shift12 ? i.imm / 4096 : i.imm)}${i.shift12 ? ', lsl #12' : ''}`;
  if (!i.sub && !i.setFlags && i.imm === 0 && !i.shift12 && (i.rd === 31 || i.rn === 31)) return `mov\t${rd}, ${rn}`;
  if (i.setFlags && i.rd === 31) return `${i.sub ? 'cmp' : 'cmn'}\t${rn}, ${imm}`;
  return `${i.sub ? 'sub' : 'add'}${i.setFlags ? 's' : ''}\t${rd}, ${rn}, ${imm}`;
}

const LOGIC_NAMES = ['and', 'orr', 'eor', 'ands'];

function logicImm(i: LogicImm): string {
  const imm = `#${hex64(i.immLo, i.immHi)}`;
  const rn = reg(i.rn, i.sf);
  if (i.opc === 3 && i.rd === 31) return `tst\t${rn}, ${imm}`;
  const rd = reg(i.rd, i.sf, i.opc !== 3);
  if (i.opc === 1 && i.rn === 31) {
    const wide = isWideConstant(i.immLo, i.immHi, i.sf) || isWideConstant(~i.immLo, ~i.immHi, i.sf);
    if (i.rd === 31 || !wide) return `mov\t${rd}, ${imm}`;
  }
  return `${LOGIC_NAMES[i.opc]}\t${rd}, ${rn}, ${imm}`;
}

function moveWide(i: MoveWide): string {
  const rd = reg(i.rd, i.sf);
  const lsl = i.shift !== 0 ? `, lsl #${i.shift}` : '';
  if (i.kind === 'MOVK') return `movk\t${rd}, #${hex(i.imm16)}${lsl}`;
  const canAlias = !(i.imm16 === 0 && i.shift !== 0)
    && (i.kind === 'MOVZ' || !isWideConstant(i.valLo, i.valHi, i.sf));
  if (canAlias) return `mov\t${rd}, #${hex64(i.valLo, i.valHi)}`;
  return `${i.kind.toLowerCase()}\t${rd}, #${hex(i.imm16)}${lsl}`;
}

function bitfield(i: Bitfield): string {
  const width = i.sf ? 64 : 32;
  const r = (n: number): string => reg(n, i.sf);
  const { immr, imms } = i;
  const rd = r(i.rd);
  const rn = r(i.rn);
  const top = width - 1;
  // BFXPreferred(sf, uns, imms, immr)
  const bfx = (uns: boolean): boolean => {
    if (imms < immr || imms === top) return false;
    if (immr === 0) {
      if (!i.sf && (imms === 7 || imms === 15)) return false;
      if (i.sf && !uns && (imms === 7 || imms === 15 || imms === 31)) return false;
    }
    return true;
  };
  const iz = `#${(width - immr) % width}, #${imms + 1}`;
  const fx = `#${immr}, #${imms - immr + 1}`;
  switch (i.kind) {
    case 'SBFM':
      if (imms === top) return `asr\t${rd}, ${rn}, #${immr}`;
      if (imms < immr) return `sbfiz\t${rd}, ${rn}, ${iz}`;
      if (bfx(false)) return `sbfx\t${rd}, ${rn}, ${fx}`;
      if (immr === 0 && (imms === 7 || imms === 15 || imms === 31)) {
        return `${imms === 7 ? 'sxtb' : imms === 15 ? 'sxth' : 'sxtw'}\t${rd}, ${reg(i.rn, false)}`;
      }
      return `sbfm\t${rd}, ${rn}, #${immr}, #${imms}`;
    case 'UBFM':
      if (imms !== top && imms + 1 === immr) return `lsl\t${rd}, ${rn}, #${top - imms}`;
      if (imms === top) return `lsr\t${rd}, ${rn}, #${immr}`;
      if (imms < immr) return `ubfiz\t${rd}, ${rn}, ${iz}`;
      if (bfx(true)) return `ubfx\t${rd}, ${rn}, ${fx}`;
      if (!i.sf && immr === 0 && (imms === 7 || imms === 15)) return `${imms === 7 ? 'uxtb' : 'uxth'}\t${rd}, ${rn}`;
      return `ubfm\t${rd}, ${rn}, #${immr}, #${imms}`;
    default:
      if (imms < immr) return i.rn === 31 ? `bfc\t${rd}, ${iz}` : `bfi\t${rd}, ${rn}, ${iz}`;
      return `bfxil\t${rd}, ${rn}, ${fx}`;
  }
}

function addSubShift(i: AddSubShift): string {
  const r = (n: number): string => reg(n, i.sf);
  const sh = shiftSuffix(i.shift, i.amount);
  if (i.setFlags && i.rd === 31) return `${i.sub ? 'cmp' : 'cmn'}\t${r(i.rn)}, ${r(i.rm)}${sh}`;
  if (i.sub && i.rn === 31) return `${i.setFlags ? 'negs' : 'neg'}\t${r(i.rd)}, ${r(i.rm)}${sh}`;
  return `${i.sub ? 'sub' : 'add'}${i.setFlags ? 's' : ''}\t${r(i.rd)}, ${r(i.rn)}, ${r(i.rm)}${sh}`;
}

function addSubExt(i: AddSubExt): string {
  const rdIsSp = !i.setFlags && i.rd === 31;
  const rmX = i.sf && (i.extend & 3) === 3;
  let rm = reg(i.rm, rmX);
  const lslForm = (rdIsSp || i.rn === 31) && i.extend === (i.sf ? 3 : 2);
  if (lslForm) {
    if (i.amount !== 0) rm += `, lsl #${i.amount}`;
  } else {
    rm += `, ${EXTEND_NAMES[i.extend]}${i.amount !== 0 ? ` #${i.amount}` : ''}`;
  }
  const rn = reg(i.rn, i.sf, true);
  if (i.setFlags && i.rd === 31) return `${i.sub ? 'cmp' : 'cmn'}\t${rn}, ${rm}`;
  return `${i.sub ? 'sub' : 'add'}${i.setFlags ? 's' : ''}\t${reg(i.rd, i.sf, !i.setFlags)}, ${rn}, ${rm}`;
}

const LOGIC_REG_NAMES = [['and', 'bic'], ['orr', 'orn'], ['eor', 'eon'], ['ands', 'bics']] as const;

function logicReg(i: LogicReg): string {
  const r = (n: number): string => reg(n, i.sf);
  const sh = shiftSuffix(i.shift, i.amount);
  if (i.opc === 3 && !i.invert && i.rd === 31) return `tst\t${r(i.rn)}, ${r(i.rm)}${sh}`;
  if (i.opc === 1 && i.rn === 31) {
    if (i.invert) return `mvn\t${r(i.rd)}, ${r(i.rm)}${sh}`;
    if (sh === '') return `mov\t${r(i.rd)}, ${r(i.rm)}`;
  }
  return `${LOGIC_REG_NAMES[i.opc][i.invert ? 1 : 0]}\t${r(i.rd)}, ${r(i.rn)}, ${r(i.rm)}${sh}`;
}

function condSelect(i: CondSelect): string {
  const r = (n: number): string => reg(n, i.sf);
  const inv = COND_NAMES[i.cond ^ 1];
  const aliasable = i.cond < 14 && i.rn === i.rm;
  if (aliasable) {
    if (!i.invert && i.increment) return i.rn === 31 ? `cset\t${r(i.rd)}, ${inv}` : `cinc\t${r(i.rd)}, ${r(i.rn)}, ${inv}`;
    if (i.invert && !i.increment) return i.rn === 31 ? `csetm\t${r(i.rd)}, ${inv}` : `cinv\t${r(i.rd)}, ${r(i.rn)}, ${inv}`;
    if (i.invert && i.increment) return `cneg\t${r(i.rd)}, ${r(i.rn)}, ${inv}`;
  }
  const name = i.invert ? (i.increment ? 'csneg' : 'csinv') : (i.increment ? 'csinc' : 'csel');
  return `${name}\t${r(i.rd)}, ${r(i.rn)}, ${r(i.rm)}, ${COND_NAMES[i.cond]}`;
}

const DP3_ALIAS: Record<Dp3['kind'], string> = {
  MADD: 'mul', MSUB: 'mneg', SMADDL: 'smull', SMSUBL: 'smnegl', UMADDL: 'umull', UMSUBL: 'umnegl',
  SMULH: 'smulh', UMULH: 'umulh',
};

function dp3(i: Dp3): string {
  const long = i.kind !== 'MADD' && i.kind !== 'MSUB' && i.kind !== 'SMULH' && i.kind !== 'UMULH';
  const src = (n: number): string => reg(n, long ? false : i.sf);
  const rd = reg(i.rd, i.sf);
  if (i.ra === 31 || i.kind === 'SMULH' || i.kind === 'UMULH') {
    return `${DP3_ALIAS[i.kind]}\t${rd}, ${src(i.rn)}, ${src(i.rm)}`;
  }
  return `${i.kind.toLowerCase()}\t${rd}, ${src(i.rn)}, ${src(i.rm)}, ${reg(i.ra, i.sf)}`;
}

function barrier(i: Barrier): string {
  const o = i.option;
  switch (i.kind) {
    case 'DSB':
      if (o === 0) return 'ssbb';
      if (o === 4) return 'pssbb';
      return `dsb\t${BARRIER_OPTIONS[o] ?? '#' + hex2(o)}`;
    case 'DMB':
      return `dmb\t${BARRIER_OPTIONS[o] ?? '#' + hex2(o)}`;
    case 'ISB':
      return o === 15 ? 'isb' : `isb\t#${hex(o)}`;
    default:
      return o === 15 ? 'clrex' : `clrex\t#${hex(o)}`;
  }
}

function sysregText(i: { op0: number; op1: number; crn: number; crm: number; op2: number; name: string | null }): string {
  return i.name !== null ? i.name.toLowerCase() : `s${i.op0}_${i.op1}_c${i.crn}_c${i.crm}_${i.op2}`;
}

function sys(i: Sys): string {
  if (i.name !== null) {
    return `${i.kind.toLowerCase()}\t${i.name.toLowerCase()}${i.hasRt ? ', ' + xr(i.rt) : ''}`;
  }
  return `sys\t#${i.op1}, C${i.crn}, C${i.crm}, #${i.op2}${i.rt !== 31 ? ', ' + xr(i.rt) : ''}`;
}
