/**
 * ESR_ELx, the syndrome register of a synchronous exception: EC in bits 31:26, IL in bit 25,
 * ISS in bits 24:0 (Jailhouse's ESR_EC / ESR_IL / ESR_ISS), packed and unpacked here once for
 * the interpreter, the translator, the hypervisor's trap table and the root-Linux model. ESR
 * values are unsigned 32-bit numbers. The ISS of the classes with an immediate (SVC, HVC, SMC,
 * BRK) and of trapped WFI/WFE is here too; data-abort and sysreg-trap ISS have their own files.
 */
import { EC } from './exception-class.js';

/** Lowest bit of the exception class (ESR_EC_SHIFT) */
export const ESR_EC_SHIFT = 26;
/** IL: the trapped instruction is 32 bits long (always, for A64 code) */
export const ESR_IL = 1 << 25;
/** ISS, bits 24:0 */
export const ESR_ISS_MASK = 0x1ff_ffff;

/** The exception class of an ESR value (ESR_EC). */
export function esrEc(esr: number): number {
  return (esr >>> ESR_EC_SHIFT) & 0x3f;
}

/** The IL bit of an ESR value as 0 or 1 (ESR_IL). */
export function esrIl(esr: number): number {
  return (esr >>> 25) & 1;
}

/** The instruction-specific syndrome of an ESR value (ESR_ISS). */
export function esrIss(esr: number): number {
  return esr & ESR_ISS_MASK;
}

/** The ESR value of exception class `ec` with syndrome `iss` (IL set unless `il` is false). */
export function esrOf(ec: number, iss: number, il = true): number {
  return (((ec & 0x3f) << ESR_EC_SHIFT) | (il ? ESR_IL : 0) | (iss & ESR_ISS_MASK)) >>> 0;
}

// ---------------------------------------------------------------------------------------------
// ISS of SVC, HVC, SMC and BRK: the instruction's 16-bit immediate
// ---------------------------------------------------------------------------------------------

/** The imm16 an SVC/HVC/SMC/BRK syndrome carries (ISS bits 15:0). */
export function issImm16(iss: number): number {
  return iss & 0xffff;
}

/** ESR_EL2 of `hvc #imm16` as the trap table sees it. */
export function esrForHvc(imm16: number): number {
  return esrOf(EC.HVC64, imm16 & 0xffff);
}

/** ESR_EL2 of `smc #imm16` as the trap table sees it. */
export function esrForSmc(imm16: number): number {
  return esrOf(EC.SMC64, imm16 & 0xffff);
}

// ---------------------------------------------------------------------------------------------
// Condition fields of trapped WFx and FP accesses
// ---------------------------------------------------------------------------------------------

/** CV: the COND field is valid. */
export const ISS_CV = 1 << 24;
/** COND = AL (0b1110) in ISS bits 23:20: what A64 instructions, which are unconditional, report. */
export const ISS_COND_AL = 0xe << 20;

/** ISS of a trapped WFI or WFE (EC 0x01): CV = 1, COND = AL, TI = 1 for WFE. */
export function wfxIss(wfe: boolean): number {
  return ISS_CV | ISS_COND_AL | (wfe ? 1 : 0);
}

/** ISS of a trapped FP/Advanced SIMD access (EC 0x07), as QEMU's syn_fp_access_trap for A64. */
export const FP_ACCESS_ISS = ISS_CV | ISS_COND_AL;
