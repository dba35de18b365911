/**
 * A64 branches. PC-relative offsets are in bytes, relative to the branch instruction itself, and
 * must be multiples of 4: B/BL ±128 MiB, B.cond/CBZ/CBNZ ±1 MiB, TBZ/TBNZ ±32 KiB.
 * Register operands are ZR slots.
 */
import { A64Error, condCode, fields, regInfo, rz, simmScaled, uimm, type Cond, type Imm, type Reg } from './encode-core.js';

/** B pc+offset. */
export function b(offset: Imm): number {
  return fields(0x14000000, [simmScaled(offset, 4, 26, 'b offset (±128 MiB)'), 0]);
}
/** BL pc+offset. */
export function bl(offset: Imm): number {
  return fields(0x94000000, [simmScaled(offset, 4, 26, 'bl offset (±128 MiB)'), 0]);
}
/** B.cond pc+offset. */
export function bcond(cond: Cond, offset: Imm): number {
  return fields(0x54000000, [simmScaled(offset, 4, 19, `b.${cond} offset (±1 MiB)`), 5], [condCode(cond), 0]);
}
/** CBZ rt, pc+offset. */
export function cbz(rt: Reg, offset: Imm): number {
  return fields(0x34000000, [regInfo(rt, 'cbz').sf, 31], [simmScaled(offset, 4, 19, 'cbz offset (±1 MiB)'), 5], [rz(rt, 'cbz Rt'), 0]);
}
/** CBNZ rt, pc+offset. */
export function cbnz(rt: Reg, offset: Imm): number {
  return fields(0x35000000, [regInfo(rt, 'cbnz').sf, 31], [simmScaled(offset, 4, 19, 'cbnz offset (±1 MiB)'), 5], [rz(rt, 'cbnz Rt'), 0]);
}

function testBranch(mn: string, op: number, rt: Reg, bit: number, offset: Imm): number {
  const sf = regInfo(rt, mn).sf;
  const bt = uimm(bit, sf ? 6 : 5, `${mn} bit number`);
  const imm = simmScaled(offset, 4, 14, `${mn} offset (±32 KiB)`);
  return fields(0x36000000 | (op << 24), [bt >> 5, 31], [bt & 31, 19], [imm, 5], [rz(rt, `${mn} Rt`), 0]);
}
/** TBZ rt, #bit, pc+offset (a w register allows bits 0..31, x 0..63). */
export function tbz(rt: Reg, bit: number, offset: Imm): number { return testBranch('tbz', 0, rt, bit, offset); }
/** TBNZ rt, #bit, pc+offset. */
export function tbnz(rt: Reg, bit: number, offset: Imm): number { return testBranch('tbnz', 1, rt, bit, offset); }

function branchReg(mn: string, base: number, rn: Reg): number {
  if (regInfo(rn, mn).sf !== 1) throw new A64Error(`${mn}: expected an x register, got '${rn}'`);
  return fields(base, [rz(rn, `${mn} Rn`), 5]);
}
export function br(rn: Reg): number { return branchReg('br', 0xd61f0000, rn); }
export function blr(rn: Reg): number { return branchReg('blr', 0xd63f0000, rn); }
/** RET {xn} (default x30). */
export function ret(rn: Reg = 'x30'): number { return branchReg('ret', 0xd65f0000, rn); }
export function eret(): number { return 0xd69f03e0; }

export const BRANCH_INSTRUCTIONS = { b, bl, bcond, cbz, cbnz, tbz, tbnz, br, blr, ret, eret } as const;
