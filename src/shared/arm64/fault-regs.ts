/**
 * The EL2 fault address registers and the syndrome an exit to EL2 leaves in them: ESR_EL2,
 * FAR_EL2, HPFAR_EL2 (FIPA = IPA[47:12] in bits 43:4) and ELR_EL2. The CPU writes them when it
 * takes a trap (the translator's stage-2 exit writes them in place), the hypervisor reads the
 * faulting IPA back from them as arch_handle_dabt does (HPFAR << 8 | FAR[11:0]).
 */

/** ESR_EL2, FAR_EL2 and HPFAR_EL2 as a stage-2 data abort sets them, and ELR_EL2. */
export interface El2FaultRegs {
  esr: number;
  far: number;
  hpfar: number;
  /** ELR_EL2: the faulting instruction. */
  elr: number;
}

/** HPFAR_EL2 value for a stage-2 fault at ipa: FIPA (IPA[47:12]) in bits [43:4]. */
export function hpfarOf(ipa: number): number {
  return Math.floor(ipa / 4096) * 16;
}

/** The faulting IPA from HPFAR_EL2 and the page offset in FAR_EL2. */
export function faultIpa(hpfar: number, far: number): number {
  return Math.floor(hpfar / 16) * 4096 + (far & 0xfff);
}
