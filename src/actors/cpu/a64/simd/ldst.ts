/**
 * Loads and stores of SIMD&FP registers: the load/store encodings with V (bit 26) = 1, by
 * bits 29:28 of op0 (Arm ARM C4.1.4 "Loads and Stores"):
 *
 *   00 (bit 31 = 0)  Advanced SIMD structures: multiple (bit 24 = 0), single (1)  ldst-struct.ts
 *   01 (bit 24 = 0)  LDR (literal)                                                ldst-reg.ts
 *   10               LDP/STP/LDNP/STNP                                            ldst-reg.ts
 *   11               LDR/STR/LDUR/STUR, all addressing forms                      ldst-reg.ts
 *
 * Everything else with V = 1 (exclusives, atomics, LDTR/STTR, bit 31 set in the structure
 * space) is unallocated in ARMv8.0: undefined. Memory access and fault rules: ldst-access.ts.
 */
import type { SimdFp } from '../insn.js';
import { bit, bits } from './insn.js';
import { decodeLdStPair, decodeLdStReg, decodeLdrLiteral } from './ldst-reg.js';
import { decodeMultiStruct, decodeSingleStruct } from './ldst-struct.js';

export function decodeSimdLdSt(w: number): SimdFp | undefined {
  switch (bits(w, 29, 28)) {
    case 0:
      if (bit(w, 31) !== 0) return undefined;
      return bit(w, 24) === 0 ? decodeMultiStruct(w) : decodeSingleStruct(w);
    case 1: return bit(w, 24) === 0 ? decodeLdrLiteral(w) : undefined;
    case 2: return decodeLdStPair(w);
    default: return decodeLdStReg(w);
  }
}
