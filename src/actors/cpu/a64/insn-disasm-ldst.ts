/**
 * Disassembly of load/store instructions (GNU objdump syntax).
 */

import type { ExtendType, Insn, SizeLog2 } from './insn.js';
import { EXTEND_NAMES, prfopName } from './insn-names.js';
import { hex2, reg, target, xsp } from './insn-disasm-util.js';

const BH = ['b', 'h', '', ''];

function regOffset(rn: number, rm: number, extend: ExtendType, amount: number, sBit: boolean): string {
  const m = reg(rm, (extend & 1) !== 0);
  if (extend === 3) return `[${xsp(rn)}, ${m}${sBit ? `, lsl #${amount}` : ''}]`;
  return `[${xsp(rn)}, ${m}, ${EXTEND_NAMES[extend]}${sBit ? ` #${amount}` : ''}]`;
}

function immAddr(rn: number, offset: number, writeback: 'none' | 'pre' | 'post'): string {
  if (writeback === 'pre') return `[${xsp(rn)}, #${offset}]!`;
  if (writeback === 'post') return `[${xsp(rn)}], #${offset}`;
  return offset === 0 ? `[${xsp(rn)}]` : `[${xsp(rn)}, #${offset}]`;
}

function sizedName(base: string, size: SizeLog2, signed: boolean): string {
  if (signed) return `${base}s${size === 0 ? 'b' : size === 1 ? 'h' : 'w'}`;
  return base + BH[size];
}

/** Register for a non-pair exclusive/atomic data operand of the given access size. */
const sreg = (n: number, size: SizeLog2): string => reg(n, size === 3);

export function disassembleLdSt(insn: Insn, pc: bigint): string {
  switch (insn.op) {
    case 'LDST_IMM': {
      const base = insn.load
        ? (insn.unscaled ? 'ldur' : insn.unpriv ? 'ldtr' : 'ldr')
        : (insn.unscaled ? 'stur' : insn.unpriv ? 'sttr' : 'str');
      return `${sizedName(base, insn.size, insn.signed)}\t${reg(insn.rt, insn.sf)}, ${immAddr(insn.rn, insn.offset, insn.writeback)}`;
    }
    case 'LDST_REG':
      return `${sizedName(insn.load ? 'ldr' : 'str', insn.size, insn.signed)}\t${reg(insn.rt, insn.sf)}, `
        + regOffset(insn.rn, insn.rm, insn.extend, insn.amount, insn.sBit);
    case 'LDR_LIT':
      return `${insn.signed ? 'ldrsw' : 'ldr'}\t${reg(insn.rt, insn.sf)}, ${target(pc, insn.offset)}`;
    case 'PRFM': {
      const op = prfopName(insn.prfop) ?? `#${hex2(insn.prfop)}`;
      switch (insn.mode) {
        case 'lit': return `prfm\t${op}, ${target(pc, insn.offset)}`;
        case 'reg': return `prfm\t${op}, ${regOffset(insn.rn, insn.rm, insn.extend, insn.amount, insn.sBit)}`;
        case 'unscaled': return `prfum\t${op}, ${immAddr(insn.rn, insn.offset, 'none')}`;
        default: return `prfm\t${op}, ${immAddr(insn.rn, insn.offset, 'none')}`;
      }
    }
    case 'LDST_PAIR': {
      const name = insn.nonTemporal ? (insn.load ? 'ldnp' : 'stnp') : insn.signed ? 'ldpsw' : insn.load ? 'ldp' : 'stp';
      return `${name}\t${reg(insn.rt, insn.sf)}, ${reg(insn.rt2, insn.sf)}, ${immAddr(insn.rn, insn.offset, insn.writeback)}`;
    }
    case 'LDXR': {
      const a = insn.acquire ? 'a' : '';
      if (insn.pair) return `ld${a}xp\t${sreg(insn.rt, insn.size)}, ${sreg(insn.rt2, insn.size)}, [${xsp(insn.rn)}]`;
      return `ld${a}xr${BH[insn.size]}\t${sreg(insn.rt, insn.size)}, [${xsp(insn.rn)}]`;
    }
    case 'STXR': {
      const l = insn.release ? 'l' : '';
      const rs = reg(insn.rs, false);
      if (insn.pair) {
        return `st${l}xp\t${rs}, ${sreg(insn.rt, insn.size)}, ${sreg(insn.rt2, insn.size)}, [${xsp(insn.rn)}]`;
      }
      return `st${l}xr${BH[insn.size]}\t${rs}, ${sreg(insn.rt, insn.size)}, [${xsp(insn.rn)}]`;
    }
    case 'LDAR': return `ldar${BH[insn.size]}\t${sreg(insn.rt, insn.size)}, [${xsp(insn.rn)}]`;
    case 'STLR': return `stlr${BH[insn.size]}\t${sreg(insn.rt, insn.size)}, [${xsp(insn.rn)}]`;
    case 'ATOMIC': {
      const sfx = BH[insn.size];
      const rs = sreg(insn.rs, insn.size);
      const l = insn.release ? 'l' : '';
      if (insn.aop === 'SWP') {
        return `swp${insn.acquire ? 'a' : ''}${l}${sfx}\t${rs}, ${sreg(insn.rt, insn.size)}, [${xsp(insn.rn)}]`;
      }
      const op = insn.aop.toLowerCase();
      if (insn.rt === 31 && !insn.acquire) return `st${op}${l}${sfx}\t${rs}, [${xsp(insn.rn)}]`;
      return `ld${op}${insn.acquire ? 'a' : ''}${l}${sfx}\t${rs}, ${sreg(insn.rt, insn.size)}, [${xsp(insn.rn)}]`;
    }
    case 'CAS':
      return `cas${insn.acquire ? 'a' : ''}${insn.release ? 'l' : ''}${BH[insn.size]}\t`
        + `${sreg(insn.rs, insn.size)}, ${sreg(insn.rt, insn.size)}, [${xsp(insn.rn)}]`;
    case 'CASP': {
      const r = (n: number): string => reg(n, insn.size === 3);
      return `casp${insn.acquire ? 'a' : ''}${insn.release ? 'l' : ''}\t`
        + `${r(insn.rs)}, ${r(insn.rs + 1)}, ${r(insn.rt)}, ${r(insn.rt + 1)}, [${xsp(insn.rn)}]`;
    }
    default:
      return `.inst\t?? ; ${insn.op}`;
  }
}
