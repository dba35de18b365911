/**
 * ISS of instruction and data aborts (EC 0x20/0x21, 0x24/0x25). The CPU side packs it (the
 * interpreter per access, the translator once per instruction at translation time, the
 * root-Linux model for its trapped device accesses) and the hypervisor's arch_handle_dabt
 * unpacks it; one field layout serves both, so an emulated MMIO access moves the register and
 * size the guest instruction named.
 *
 * Data abort ISS: ISV 24, SAS 23:22, SSE 21, SRT 20:16, SF 15, AR 14 (these six only when
 * ISV = 1: a single general-purpose register load or store without writeback), EA 9, CM 8,
 * S1PTW 7, WnR 6, DFSC 5:0. An instruction abort has IFSC 5:0, S1PTW and EA at the same places.
 */

/** ISV: the syndrome fields SAS..AR are valid. */
export const ISS_DABT_ISV = 1 << 24;
/** SAS (bits 23:22): access size log2. */
export const ISS_DABT_SAS_SHIFT = 22;
/** SSE: the load sign-extends. */
export const ISS_DABT_SSE = 1 << 21;
/** SRT (bits 20:16): the transfer register, 31 = XZR. */
export const ISS_DABT_SRT_SHIFT = 16;
/** SF: the transfer register is 64 bits wide. */
export const ISS_DABT_SF = 1 << 15;
/** AR: acquire/release semantics (LDAR/STLR). */
export const ISS_DABT_AR = 1 << 14;
/** EA: external abort (data and instruction aborts). */
export const ISS_ABORT_EA = 1 << 9;
/** CM: the abort came from a cache maintenance instruction. */
export const ISS_DABT_CM = 1 << 8;
/** S1PTW: a stage-2 fault on a stage-1 table walk (data and instruction aborts). */
export const ISS_ABORT_S1PTW = 1 << 7;
/** WnR: the access was a write. */
export const ISS_DABT_WNR = 1 << 6;
/** DFSC/IFSC (bits 5:0): the fault status code (fault-status.ts). */
export const ISS_ABORT_FSC_MASK = 0x3f;

/** ISS fields of a data abort (ESR_ELx.EC 0x24/0x25), see {@link encodeDataAbortIss}. */
export interface DataAbortIss {
  /** Syndrome valid: single GPR load/store without writeback (not pairs, exclusives, atomics). */
  isv: boolean;
  /** Access size log2 (valid when isv). */
  sas: 0 | 1 | 2 | 3;
  /** Sign-extending load (valid when isv). */
  sse: boolean;
  /** Transfer register Rt, 31 = XZR (valid when isv). */
  srt: number;
  /** Rt is a 64-bit register (valid when isv). */
  sf: boolean;
  /** Acquire/release semantics, LDAR/STLR (valid when isv). */
  ar: boolean;
  /** Write not read. */
  wnr: boolean;
  /** Cache maintenance. */
  cm: boolean;
  s1ptw: boolean;
  /** External abort. */
  ea: boolean;
  /** Data fault status code (6 bits). */
  dfsc: number;
}

/** Packs data-abort ISS fields into the 25-bit ISS (RES0 syndrome fields when !isv). */
export function encodeDataAbortIss(d: DataAbortIss): number {
  let iss = d.dfsc & ISS_ABORT_FSC_MASK;
  if (d.wnr) iss |= ISS_DABT_WNR;
  if (d.s1ptw) iss |= ISS_ABORT_S1PTW;
  if (d.cm) iss |= ISS_DABT_CM;
  if (d.ea) iss |= ISS_ABORT_EA;
  if (d.isv) {
    iss |= ISS_DABT_ISV | (d.sas << ISS_DABT_SAS_SHIFT) | ((d.srt & 31) << ISS_DABT_SRT_SHIFT);
    if (d.sse) iss |= ISS_DABT_SSE;
    if (d.sf) iss |= ISS_DABT_SF;
    if (d.ar) iss |= ISS_DABT_AR;
  }
  return iss >>> 0;
}

// Field readers, as arch_handle_dabt decodes the syndrome (each a shift and a mask, no object
// per trap).

/** ISV of a data-abort ISS. */
export function dabtIsv(iss: number): boolean {
  return ((iss >> 24) & 1) === 1;
}

/** SAS of a data-abort ISS: the access size log2 (valid when ISV). */
export function dabtSas(iss: number): 0 | 1 | 2 | 3 {
  return ((iss >> ISS_DABT_SAS_SHIFT) & 3) as 0 | 1 | 2 | 3;
}

/** SSE of a data-abort ISS (valid when ISV). */
export function dabtSse(iss: number): boolean {
  return ((iss >> 21) & 1) === 1;
}

/** SRT of a data-abort ISS: the transfer register, 31 = XZR (valid when ISV). */
export function dabtSrt(iss: number): number {
  return (iss >> ISS_DABT_SRT_SHIFT) & 31;
}

/** SF of a data-abort ISS (valid when ISV). */
export function dabtSf(iss: number): boolean {
  return ((iss >> 15) & 1) === 1;
}

/** AR of a data-abort ISS (valid when ISV). */
export function dabtAr(iss: number): boolean {
  return ((iss >> 14) & 1) === 1;
}

/** WnR of a data-abort ISS. */
export function dabtWnr(iss: number): boolean {
  return ((iss >> 6) & 1) === 1;
}

/** S1PTW of an abort ISS. */
export function abortS1ptw(iss: number): boolean {
  return ((iss >> 7) & 1) === 1;
}

/** CM of a data-abort ISS. */
export function dabtCm(iss: number): boolean {
  return ((iss >> 8) & 1) === 1;
}

/** EA of an abort ISS. */
export function abortEa(iss: number): boolean {
  return ((iss >> 9) & 1) === 1;
}

/** Every field of a data-abort ISS (for tools and tests; the trap path reads single fields). */
export function decodeDataAbortIss(iss: number): DataAbortIss {
  const isv = dabtIsv(iss);
  return {
    isv,
    sas: isv ? dabtSas(iss) : 0,
    sse: isv && dabtSse(iss),
    srt: isv ? dabtSrt(iss) : 0,
    sf: isv && dabtSf(iss),
    ar: isv && dabtAr(iss),
    wnr: dabtWnr(iss),
    cm: dabtCm(iss),
    s1ptw: abortS1ptw(iss),
    ea: abortEa(iss),
    dfsc: iss & ISS_ABORT_FSC_MASK,
  };
}

/** ISS of an instruction abort: IFSC, S1PTW, EA. */
export function instructionAbortIssOf(ifsc: number, s1ptw: boolean, ea: boolean): number {
  return ((ifsc & ISS_ABORT_FSC_MASK) | (s1ptw ? ISS_ABORT_S1PTW : 0) | (ea ? ISS_ABORT_EA : 0)) >>> 0;
}
