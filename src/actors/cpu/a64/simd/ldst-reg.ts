/**
 * Loads and stores of whole SIMD&FP registers (B, H, S, D, Q): LDR/STR (unsigned immediate,
 * pre/post-index, register offset), LDUR/STUR, LDR (literal), and the pairs LDP/STP/LDNP/STNP
 * (S, D, Q). A load writes the whole 128-bit register: V[t] = ZeroExtend(data). The
 * non-temporal pairs are the ordinary pairs here (the hint only concerns caches).
 */
import type { ExtendType, SimdFp } from '../insn.js';
import type { AccessSize } from '../interp-types.js';
import { bit, bits, simdInsn } from './insn.js';
import { ZERO, type Xfer, xfer } from './ldst-access.js';
import { immExec, ldstJit, literalExec, regOffsetExec } from './ldst-addr.js';
import { fpReg, immAddr, literalTarget, regAddr } from './ldst-text.js';

/** The Xfer of registers `regs` (each `bytes` long) at consecutive block offsets. */
function wholeRegs(load: boolean, regs: number[], bytes: number): Xfer {
  const pairs: [number, number][] = [];
  regs.forEach((t, r) => {
    for (let b = 0; b < (load ? 16 : bytes); b++) pairs.push([t * 16 + b, b < bytes ? r * bytes + b : ZERO]);
  });
  return xfer(load, regs.length * bytes, Math.min(bytes, 8) as AccessSize, bytes, pairs);
}

const sext = (v: number, width: number): number => (v << (32 - width)) >> (32 - width);

/**
 * Load/store register, V = 1 (bits 29:28 = 11): size:opc selects B/H/S/D (opc<1> = 0) or Q
 * (size 00, opc 1x); opc<0> = L.
 */
export function decodeLdStReg(w: number): SimdFp | undefined {
  const size = bits(w, 31, 30);
  const opc = bits(w, 23, 22);
  if (opc >= 2 && size !== 0) return undefined;
  const scale = opc >= 2 ? 4 : size;
  const bytes = 1 << scale;
  const load = (opc & 1) === 1;
  const rt = bits(w, 4, 0);
  const rn = bits(w, 9, 5);
  const x = wholeRegs(load, [rt], bytes);
  const t = fpReg(rt, bytes);
  if (bit(w, 24) === 1) {
    const offset = bits(w, 21, 10) << scale;
    const name = load ? 'LDR' : 'STR';
    return simdInsn(name, `${name.toLowerCase()}\t${t}, ${immAddr(rn, offset, 'none')}`, immExec(rn, offset, 'none', x), true,
      ldstJit(load, bytes, [rt], 'imm', rn, { offset }));
  }
  const op4 = bits(w, 11, 10);
  if (bit(w, 21) === 1) {
    if (op4 !== 2) return undefined; // atomics and LDRAA/LDRAB: no V = 1 forms
    const option = bits(w, 15, 13);
    if ((option & 2) === 0) return undefined;
    const sBit = bit(w, 12) === 1;
    const amount = sBit ? scale : 0;
    const rm = bits(w, 20, 16);
    const name = load ? 'LDR' : 'STR';
    return simdInsn(name, `${name.toLowerCase()}\t${t}, ${regAddr(rn, rm, option, amount, sBit)}`,
      regOffsetExec(rn, rm, option as ExtendType, amount, x), true,
      ldstJit(load, bytes, [rt], 'reg', rn, { rm, extend: option as ExtendType, amount }));
  }
  const offset = sext(bits(w, 20, 12), 9);
  switch (op4) {
    case 0: {
      const name = load ? 'LDUR' : 'STUR';
      return simdInsn(name, `${name.toLowerCase()}\t${t}, ${immAddr(rn, offset, 'none')}`, immExec(rn, offset, 'none', x), true,
        ldstJit(load, bytes, [rt], 'imm', rn, { offset }));
    }
    case 1:
    case 3: {
      const wb = op4 === 1 ? 'post' : 'pre';
      const name = load ? 'LDR' : 'STR';
      return simdInsn(name, `${name.toLowerCase()}\t${t}, ${immAddr(rn, offset, wb)}`, immExec(rn, offset, wb, x), true,
        ldstJit(load, bytes, [rt], 'imm', rn, { offset, writeback: wb }));
    }
    default:
      return undefined; // LDTR/STTR have no SIMD&FP forms
  }
}

/** LDR (literal), V = 1: opc 00 S, 01 D, 10 Q. */
export function decodeLdrLiteral(w: number): SimdFp | undefined {
  const opc = bits(w, 31, 30);
  if (opc === 3) return undefined;
  const bytes = 4 << opc;
  const rt = bits(w, 4, 0);
  const offset = sext(bits(w, 23, 5), 19) * 4;
  return simdInsn('LDR', `ldr\t${fpReg(rt, bytes)}, ${literalTarget(offset)}`, literalExec(offset, wholeRegs(true, [rt], bytes)), true,
    ldstJit(true, bytes, [rt], 'lit', 31, { offset }));
}

/**
 * LDP/STP (signed offset, pre/post-index) and LDNP/STNP, V = 1 (bits 29:28 = 10): opc 00 S,
 * 01 D, 10 Q. LDP/LDNP with Rt = Rt2 is CONSTRAINED UNPREDICTABLE: UNDEFINED here, as for the
 * integer pairs (decode.ts).
 */
export function decodeLdStPair(w: number): SimdFp | undefined {
  const opc = bits(w, 31, 30);
  if (opc === 3) return undefined;
  const scale = 2 + opc;
  const bytes = 1 << scale;
  const load = bit(w, 22) === 1;
  const rt = bits(w, 4, 0);
  const rt2 = bits(w, 14, 10);
  const rn = bits(w, 9, 5);
  if (load && rt === rt2) return undefined;
  const offset = sext(bits(w, 21, 15), 7) * bytes;
  const mode = bits(w, 25, 23);
  const wb = mode === 1 ? 'post' : mode === 3 ? 'pre' : 'none';
  const name = (load ? 'LD' : 'ST') + (mode === 0 ? 'NP' : 'P');
  const text = `${name.toLowerCase()}\t${fpReg(rt, bytes)}, ${fpReg(rt2, bytes)}, ${immAddr(rn, offset, wb)}`;
  return simdInsn(name, text, immExec(rn, offset, wb, wholeRegs(load, [rt, rt2], bytes)), true,
    ldstJit(load, bytes, [rt, rt2], 'imm', rn, { offset, writeback: wb }));
}
