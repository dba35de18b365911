/**
 * Branches, exception generation and system instructions (op0 = 101x).
 */

import type { Barrier, Hint, Insn, MsrImm } from './insn.js';
import { sext, undef } from './decode-common.js';
import { SYS_OP_TABLE } from './insn-names.js';
import { packSysregKey, sysregName } from '../../../shared/arm64/sysregs.js';

export function decodeBranchSys(w: number): Insn {
  switch (w >>> 29) {
    case 0:
    case 4:
      // B / BL: op 00101 imm26
      return { op: 'B', link: (w >>> 31) !== 0, offset: sext(w & 0x3ffffff, 26) * 4 };
    case 1:
    case 5: {
      const rt = w & 31;
      const nonZero = ((w >>> 24) & 1) !== 0;
      if (((w >>> 25) & 1) === 0) {
        // CBZ/CBNZ: sf 011010 op imm19 Rt
        return { op: 'CB', sf: (w >>> 31) !== 0, nonZero, rt, offset: sext((w >>> 5) & 0x7ffff, 19) * 4 };
      }
      // TBZ/TBNZ: b5 011011 op b40 imm14 Rt
      return {
        op: 'TB', nonZero, rt, bit: ((w >>> 26) & 0x20) | ((w >>> 19) & 31),
        offset: sext((w >>> 5) & 0x3fff, 14) * 4,
      };
    }
    case 2:
      // B.cond: 0101010 o1 imm19 o0 cond (o1 = o0 = 0; o0 = 1 is BC.cond)
      if ((w & 0x03000010) !== 0) return undef(w);
      return { op: 'B_COND', cond: w & 15, offset: sext((w >>> 5) & 0x7ffff, 19) * 4 };
    case 6:
      if (((w >>> 25) & 1) !== 0) return branchReg(w);
      if (((w >>> 24) & 1) === 0) return exception(w);
      if (((w >>> 22) & 3) !== 0) return undef(w);
      return system(w);
    default:
      return undef(w);
  }
}

function branchReg(w: number): Insn {
  // 1101011 opc op2 op3 Rn op4 ; op2 = 11111, op3 = 0, op4 = 0 (others: PAC forms)
  if ((w & 0x001ffc1f) !== 0x001f0000) return undef(w);
  const rn = (w >>> 5) & 31;
  switch ((w >>> 21) & 15) {
    case 0: return { op: 'BR_REG', kind: 'BR', rn };
    case 1: return { op: 'BR_REG', kind: 'BLR', rn };
    case 2: return { op: 'BR_REG', kind: 'RET', rn };
    case 4: return rn === 31 ? { op: 'ERET' } : undef(w);
    default: return undef(w); // DRPS, PAC branches, unallocated
  }
}

function exception(w: number): Insn {
  // 11010100 opc imm16 op2 LL ; op2 = 000
  if (((w >>> 2) & 7) !== 0) return undef(w);
  const imm16 = (w >>> 5) & 0xffff;
  const ll = w & 3;
  switch ((w >>> 21) & 7) {
    case 0:
      if (ll === 1) return { op: 'EXCEPTION', kind: 'SVC', imm16 };
      if (ll === 2) return { op: 'EXCEPTION', kind: 'HVC', imm16 };
      if (ll === 3) return { op: 'EXCEPTION', kind: 'SMC', imm16 };
      return undef(w);
    case 1: return ll === 0 ? { op: 'EXCEPTION', kind: 'BRK', imm16 } : undef(w);
    case 2: return ll === 0 ? { op: 'EXCEPTION', kind: 'HLT', imm16 } : undef(w);
    default: return undef(w); // TCANCEL, DCPSn
  }
}

const HINT_KINDS: readonly Hint['kind'][] = ['NOP', 'YIELD', 'WFE', 'WFI', 'SEV', 'SEVL'];

function system(w: number): Insn {
  // 1101010100 L op0 op1 CRn CRm op2 Rt
  const l = (w >>> 21) & 1;
  const op0 = (w >>> 19) & 3;
  const op1 = (w >>> 16) & 7;
  const crn = (w >>> 12) & 15;
  const crm = (w >>> 8) & 15;
  const op2 = (w >>> 5) & 7;
  const rt = w & 31;
  if (op0 >= 2) {
    const sysreg = packSysregKey(op0, op1, crn, crm, op2);
    const name = sysregName(sysreg);
    return l !== 0
      ? { op: 'MRS', rt, op0, op1, crn, crm, op2, sysreg, name }
      : { op: 'MSR_REG', rt, op0, op1, crn, crm, op2, sysreg, name };
  }
  if (op0 === 1) {
    if (l !== 0) return { op: 'SYSL', op1, crn, crm, op2, rt };
    const info = SYS_OP_TABLE.get((op1 << 11) | (crn << 7) | (crm << 3) | op2);
    if (info === undefined) return { op: 'SYS', kind: 'SYS', name: null, hasRt: rt !== 31, op1, crn, crm, op2, rt };
    return { op: 'SYS', kind: info.kind, name: info.name, hasRt: info.hasRt, op1, crn, crm, op2, rt };
  }
  if (l !== 0 || rt !== 31) return undef(w);
  switch (crn) {
    case 2: {
      if (op1 !== 3) return undef(w);
      const imm = (crm << 3) | op2;
      return { op: 'HINT', kind: imm < 6 ? HINT_KINDS[imm]! : 'OTHER', imm };
    }
    case 3: {
      if (op1 !== 3) return undef(w);
      let kind: Barrier['kind'];
      switch (op2) {
        case 2: kind = 'CLREX'; break;
        case 4: kind = 'DSB'; break;
        case 5: kind = 'DMB'; break;
        case 6: kind = 'ISB'; break;
        default: return undef(w); // DSB nXS, TCOMMIT, SB, unallocated
      }
      return { op: 'BARRIER', kind, option: crm };
    }
    case 4: {
      let field: MsrImm['field'];
      switch ((op1 << 3) | op2) {
        case 0o03: field = 'UAO'; break;
        case 0o04: field = 'PAN'; break;
        case 0o05: field = 'SPSel'; break;
        case 0o31: field = 'SSBS'; break;
        case 0o32: field = 'DIT'; break;
        case 0o36: field = 'DAIFSet'; break;
        case 0o37: field = 'DAIFClr'; break;
        default: return undef(w); // CFINV/XAFLAG/AXFLAG, TCO, SVCR, ALLINT ...
      }
      // Single-bit fields are encoded with CRm = 000:imm (CRm<3:1> != 0 is unallocated).
      if (crm > 1 && field !== 'DAIFSet' && field !== 'DAIFClr') return undef(w);
      return { op: 'MSR_IMM', field, imm: crm };
    }
    default:
      return undef(w);
  }
}
