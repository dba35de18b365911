/**
 * Shared vocabulary of the guest MMU (mmu-stage1.ts, mmu-stage2.ts, mmu-tlb.ts): access kinds,
 * the permission bitmask the software TLB stores, fault records with their architectural fault
 * status codes (DFSC/IFSC in ESR_ELx.ISS[5:0], shared/arm64/fault-status.ts) and MAIR attribute
 * decoding.
 */
import { faultStatusCode, type FaultStatusKind } from '../../../shared/arm64/fault-status.js';

/** What the access does: a data read, a data write, or an instruction fetch. */
export type AccessKind = 'read' | 'write' | 'fetch';

/** Numeric access codes for the TLB hot path (SoftTlb.translateHL). */
export const ACC_READ = 0;
export const ACC_WRITE = 1;
export const ACC_FETCH = 2;
export type AccessCode = typeof ACC_READ | typeof ACC_WRITE | typeof ACC_FETCH;

export const ACCESS_NAMES: readonly AccessKind[] = Object.freeze(['read', 'write', 'fetch']);

export function accessCode(a: AccessKind): AccessCode {
  return a === 'read' ? ACC_READ : a === 'write' ? ACC_WRITE : ACC_FETCH;
}

/** Exception level of the access (the EL1&0 translation regime only). */
export type El = 0 | 1;

// Permission bits: bit (acc + 3 * (el === 0)), plus the device attribute of data accesses.
export const P_R1 = 1 << 0;
export const P_W1 = 1 << 1;
export const P_X1 = 1 << 2;
export const P_R0 = 1 << 3;
export const P_W0 = 1 << 4;
export const P_X0 = 1 << 5;
export const P_ALL = 0x3f;
/** The data-access memory type is Device (stage 1 or stage 2). */
export const P_DEVICE = 1 << 6;

/** The permission bit an access needs. */
export function permBit(acc: AccessCode, el: El): number {
  return 1 << (acc + (el === 0 ? 3 : 0));
}

// ---------------------------------------------------------------------------------------------
// Faults
// ---------------------------------------------------------------------------------------------

/**
 * translation, access (access flag), permission, address_size, and external (synchronous
 * external abort on a translation table walk: the descriptor's PA is not RAM).
 */
export type FaultKind = FaultStatusKind;

export interface MmuFault {
  readonly ok: false;
  kind: FaultKind;
  /** Lookup level the fault is reported at (0..3). */
  level: number;
  /** Translation stage that faulted. */
  stage: 1 | 2;
  /**
   * Stage-2 fault on a stage-1 descriptor fetch (ESR_EL2.ISS.S1PTW); ipa is then the
   * descriptor's IPA.
   */
  s1ptw: boolean;
  /** Stage-2 faults: the faulting IPA (HPFAR_EL2 = hpfarOf(ipa), shared/arm64/fault-regs.ts). */
  ipa?: number;
  /** Fault status code for ESR_ELx.ISS DFSC/IFSC. */
  fsc: number;
}

export function mmuFault(kind: FaultKind, level: number, stage: 1 | 2, ipa?: number): MmuFault {
  const f: MmuFault = { ok: false, kind, level, stage, s1ptw: false, fsc: faultStatusCode(kind, level) };
  if (ipa !== undefined) f.ipa = ipa;
  return f;
}

// ---------------------------------------------------------------------------------------------
// Registers and memory types
// ---------------------------------------------------------------------------------------------

/** The EL1 translation-control registers stage 1 depends on. */
export interface Stage1Regs {
  SCTLR_EL1: bigint;
  TCR_EL1: bigint;
  TTBR0_EL1: bigint;
  TTBR1_EL1: bigint;
  MAIR_EL1: bigint;
}

export type MemType = 'normal' | 'device-nGnRnE' | 'device-nGnRE' | 'device-nGRE' | 'device-GRE';

const DEVICE_TYPES: readonly MemType[] = ['device-nGnRnE', 'device-nGnRE', 'device-nGRE', 'device-GRE'];

/**
 * Memory type of a MAIR attribute byte: 0b0000dd00 is Device (dd = nGnRnE, nGnRE, nGRE, GRE),
 * anything with a non-zero high nibble Normal. The UNPREDICTABLE 0b0000ddxx (xx != 0) encodings
 * are taken as their Device type.
 */
export function mairMemType(attr: number): MemType {
  return (attr & 0xf0) === 0 ? DEVICE_TYPES[(attr >> 2) & 3]! : 'normal';
}
