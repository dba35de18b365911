/**
 * A64 instruction decoder: decode(word) → Insn (see insn.ts).
 *
 * Pure and total: any 32-bit input (negative numbers and values above 2^32
 * are taken modulo 2^32) yields an Insn; unallocated, reserved, CONSTRAINED
 * UNPREDICTABLE and unsupported encodings yield { op: 'UNDEFINED', word }.
 * Dispatch is a switch on the major op0 field (bits 28:25) followed by bit
 * tests in the per-group decoders; no strings or regexes on the hot path.
 *
 * Coverage: the general-purpose integer A64 base instruction set as emitted by
 * freestanding GCC/Clang (-mgeneral-regs-only) and used by bare-metal code and
 * hypervisors, plus LSE atomics, plus FP and Advanced SIMD (simd/). Not covered (UNDEFINED): SVE/SME, crypto,
 * pointer authentication (except hint-space forms, which decode as HINT),
 * MTE, CRC32, RCPC (LDAPR*), LORegions, FEAT_FlagM, BC.cond, WFET/WFIT, MOPS,
 * CSSC, TME, LS64, DSB nXS, SB, debug-state instructions (DCPSn, DRPS).
 */

import type { Insn } from './insn.js';
import { undef } from './decode-common.js';
import { decodeDpImm } from './decode-dpimm.js';
import { decodeDpReg } from './decode-dpreg.js';
import { decodeLdSt } from './decode-ldst.js';
import { decodeBranchSys } from './decode-branch.js';
import { decodeSimdDp, decodeSimdMem } from './simd/decode.js';

export type { Insn } from './insn.js';

export function decode(word: number): Insn {
  const w = word >>> 0;
  switch ((w >>> 25) & 15) {
    case 8:
    case 9:
      return decodeDpImm(w);
    case 10:
    case 11:
      return decodeBranchSys(w);
    case 4:
    case 12:
      return decodeLdSt(w);
    case 6:
    case 14:
      return decodeSimdMem(w); // loads/stores of SIMD&FP registers (V = 1)
    case 7:
    case 15:
      return decodeSimdDp(w);
    case 5:
    case 13:
      return decodeDpReg(w);
    default:
      // 0000 reserved (UDF, SME), 0001/0011 unallocated, 0010 SVE
      return undef(w);
  }
}
