/** Disassembly (GNU objdump syntax) of the SIMD&FP loads/stores' operands. */
import { EXTEND_NAMES } from '../insn-names.js';
import { reg, xsp } from '../insn-disasm-util.js';

/** Scalar register name by size in bytes: b0, h0, s0, d0, q0. */
export function fpReg(n: number, bytes: number): string {
  return `${bytes === 1 ? 'b' : bytes === 2 ? 'h' : bytes === 4 ? 's' : bytes === 8 ? 'd' : 'q'}${n}`;
}

/** Vector arrangement for element size log2 and Q: 8b 16b 4h 8h 2s 4s 1d 2d. */
export function arrangement(size: number, q: boolean): string {
  return `${(q ? 16 : 8) >> size}${'bhsd'[size]}`;
}

/** Element suffix of a lane operand: b h s d. */
export const laneSuffix = (size: number): string => 'bhsd'[size]!;

/**
 * A register list with suffix `sfx` ("16b", "s"): objdump writes three or more consecutive
 * registers as a range unless the list wraps from V31 to V0.
 */
export function vList(t: number, count: number, sfx: string): string {
  if (count >= 3 && t + count <= 32) return `{v${t}.${sfx}-v${t + count - 1}.${sfx}}`;
  const regs: string[] = [];
  for (let i = 0; i < count; i++) regs.push(`v${(t + i) % 32}.${sfx}`);
  return `{${regs.join(', ')}}`;
}

/** [Xn|SP, #imm], [Xn|SP, #imm]! or [Xn|SP], #imm. */
export function immAddr(rn: number, offset: number, writeback: 'none' | 'pre' | 'post'): string {
  if (writeback === 'pre') return `[${xsp(rn)}, #${offset}]!`;
  if (writeback === 'post') return `[${xsp(rn)}], #${offset}`;
  return offset === 0 ? `[${xsp(rn)}]` : `[${xsp(rn)}, #${offset}]`;
}

/** [Xn|SP, Rm{, extend #amount}] of the register-offset forms (option = extend type, sBit = S). */
export function regAddr(rn: number, rm: number, option: number, amount: number, sBit: boolean): string {
  const m = reg(rm, (option & 1) !== 0);
  if (option === 3) return `[${xsp(rn)}, ${m}${sBit ? `, lsl #${amount}` : ''}]`;
  return `[${xsp(rn)}, ${m}, ${EXTEND_NAMES[option]}${sBit ? ` #${amount}` : ''}]`;
}

/** Post-index of the structure forms: #imm, or Xm. */
export function postAddr(rn: number, rm: number, imm: number): string {
  return `[${xsp(rn)}], ${rm === 31 ? `#${imm}` : reg(rm, true)}`;
}

/** A PC-relative literal target (decoded without the PC): .+off / .-off. */
export const literalTarget = (offset: number): string => (offset < 0 ? `.${offset}` : `.+${offset}`);
