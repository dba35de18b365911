/**
 * The GICv3's system registers (Arm IHI 0069, chapter 12.2-12.7): the encoding of those that are
 * trapped or built by hand, and the fields of the physical CPU interface (ICC_*_EL1) and of the
 * hypervisor's virtual-interface control (ICH_*_EL2) this machine, the hypervisor, root Linux and
 * the inmates use. Names follow Jailhouse's arm-common/include/asm/gic_v3.h where it has one
 * (given in the comment when the spelling differs), else Linux's
 * include/linux/irqchip/arm-gic-v3.h. Hardware facts only, like regs.ts. The register names and
 * encodings themselves (ICC_IAR1_EL1 ...) are the architecture's sysreg table's (shared/arm64/sysregs.ts).
 */

import { SYSREGS, type SysRegFieldsSpec } from '../../shared/arm64/sysregs.js';

/** A system register's encoding: what MRS/MSR name and what ESR_EL2's ISS reports for a trapped access. */
export type SysregEncoding = Readonly<SysRegFieldsSpec>;

/**
 * ICC_SGI1R_EL1, S3_0_C12_C11_5: the SGI generation register Jailhouse traps (Jailhouse:
 * SYSREG_64(0, c12, c11, 5)); its encoding is the architecture's system-register table's.
 */
export const ICC_SGI1R_EL1: SysregEncoding = SYSREGS.ICC_SGI1R_EL1!;

// --- physical CPU interface --------------------------------------------------------------------

/** ICC_CTLR_EL1.EOImode: EOIR only drops the priority, DIR deactivates (Jailhouse: ICC_CTLR_EOImode). */
export const ICC_CTLR_EOIMODE = 1 << 1;
/** ICC_CTLR_EL1.PRIbits (bits 10:8): priority bits implemented, minus one (Linux: ICC_CTLR_EL1_PRI_BITS_SHIFT). */
export const ICC_CTLR_EL1_PRI_BITS_SHIFT = 8;
/** ICC_PMR_EL1.Priority (bits 7:0) (Jailhouse: ICC_PMR_MASK). */
export const ICC_PMR_MASK = 0xff;
/**
 * The priority mask Jailhouse programs while it runs (Jailhouse: ICC_PMR_DEFAULT) and its inmate
 * library and root Linux (Linux: DEFAULT_PMR_VALUE) program too: every priority above the lowest
 * group of 16 passes.
 */
export const ICC_PMR_DEFAULT = 0xf0;
/** ICC_RPR_EL1.Priority (bits 7:0). */
export const ICC_RPR_MASK = 0xff;
/** ICC_IGRPEN1_EL1.Enable (Jailhouse: ICC_IGRPEN1_EN). */
export const ICC_IGRPEN1_EN = 1;
/** ICC_BPR1_EL1.BinaryPoint (bits 2:0) (Linux: ICC_BPR1_EL1_MASK). */
export const ICC_BPR1_EL1_MASK = 7;
/** ICC_SRE_EL1.SRE, .DFB, .DIB: system-register interface on, FIQ and IRQ bypass disabled (Linux: ICC_SRE_EL1_*). */
export const ICC_SRE_EL1_SRE = 1 << 0;
export const ICC_SRE_EL1_DFB = 1 << 1;
export const ICC_SRE_EL1_DIB = 1 << 2;
/** The INTID field (bits 23:0) of ICC_EOIR1_EL1 and ICC_DIR_EL1 (Jailhouse masks ICC_IAR1_EL1 the same way). */
export const ICC_INTID_MASK = 0xff_ffff;

// --- ICC_SGI1R_EL1 ---------------------------------------------------------------------------

/** TargetList (bits 15:0): one bit per Aff0 of the addressed cluster (Jailhouse: ICC_SGIR_TARGET_MASK). */
export const ICC_SGIR_TARGET_MASK = 0xffff;
/** Aff1 (bits 23:16) (Jailhouse: ICC_SGIR_AFF1_SHIFT). */
export const ICC_SGIR_AFF1_SHIFT = 16;
/** INTID (bits 27:24), the SGI (Jailhouse: ICC_SGIR_IRQN_SHIFT; the 0xf mask is bare there). */
export const ICC_SGIR_IRQN_SHIFT = 24;
export const ICC_SGIR_IRQN_MASK = 0xf;
/** Aff2 (bits 39:32) (Jailhouse: ICC_SGIR_AFF2_SHIFT). */
export const ICC_SGIR_AFF2_SHIFT = 32;
/** IRM (bit 40): to every PE but the sender (Jailhouse: ICC_SGIR_ROUTING_BIT, as a bit number). */
export const ICC_SGIR_ROUTING_SHIFT = 40;
/** RS (bits 47:44): which group of 16 Aff0 values TargetList covers (Linux: ICC_SGI1R_RS_SHIFT). */
export const ICC_SGIR_RS_SHIFT = 44;
/** Aff3 (bits 55:48) (Jailhouse: ICC_SGIR_AFF3_SHIFT). */
export const ICC_SGIR_AFF3_SHIFT = 48;
/** Each affinity field is a byte. */
export const ICC_SGIR_AFF_MASK = 0xff;

/** The fields of an ICC_SGI1R_EL1 value (RS is not decoded: Jailhouse ignores it, Aff0 < 16). */
export interface IccSgi1r {
  targetList: number;
  aff1: number;
  intid: number;
  aff2: number;
  /** IRM: 1 = every PE but the sender, the affinity fields ignored. */
  irm: number;
  aff3: number;
}

/** Field `mask` of `value` at bit `shift`. */
function field(value: bigint, shift: number, mask: number): number {
  return Number((value >> BigInt(shift)) & BigInt(mask));
}

/** The fields of an ICC_SGI1R_EL1 write (as gicv3_handle_sgir_write takes it apart). */
export function decodeIccSgi1r(value: bigint): IccSgi1r {
  return {
    targetList: field(value, 0, ICC_SGIR_TARGET_MASK),
    aff1: field(value, ICC_SGIR_AFF1_SHIFT, ICC_SGIR_AFF_MASK),
    intid: field(value, ICC_SGIR_IRQN_SHIFT, ICC_SGIR_IRQN_MASK),
    aff2: field(value, ICC_SGIR_AFF2_SHIFT, ICC_SGIR_AFF_MASK),
    irm: field(value, ICC_SGIR_ROUTING_SHIFT, 1),
    aff3: field(value, ICC_SGIR_AFF3_SHIFT, ICC_SGIR_AFF_MASK),
  };
}

/**
 * An ICC_SGI1R_EL1 value for `intid` to the CPUs of `targetList` in cluster Aff3.Aff2.Aff1 (IRM
 * 0). The fields are placed, not masked: callers pass values that fit.
 */
export function encodeIccSgi1r(f: Omit<IccSgi1r, 'irm'>): bigint {
  return (BigInt(f.aff3) << BigInt(ICC_SGIR_AFF3_SHIFT)) | (BigInt(f.aff2) << BigInt(ICC_SGIR_AFF2_SHIFT)) |
    (BigInt(f.intid) << BigInt(ICC_SGIR_IRQN_SHIFT)) | (BigInt(f.aff1) << BigInt(ICC_SGIR_AFF1_SHIFT)) | BigInt(f.targetList);
}

// --- virtual interface control (EL2) -----------------------------------------------------------

/** ICH_HCR_EL2.En: the virtual CPU interface on, EL1's ICC_* accesses go to ICV_*. */
export const ICH_HCR_EN = 1 << 0;
/** ICH_HCR_EL2.UIE: the maintenance interrupt when at most one list register holds an interrupt. */
export const ICH_HCR_UIE = 1 << 1;
/** ICH_VMCR_EL2.VENG1: virtual group 1 enabled (EL1's ICC_IGRPEN1_EL1). */
export const ICH_VMCR_VENG1 = 1 << 1;
/** ICH_VMCR_EL2.VEOIM: EL1's ICC_CTLR_EL1.EOImode. */
export const ICH_VMCR_VEOIM = 1 << 9;
/** ICH_VMCR_EL2.VBPR1 (bits 20:18): EL1's ICC_BPR1_EL1 (Linux: ICH_VMCR_BPR1_MASK). */
export const ICH_VMCR_VBPR1_SHIFT = 18;
export const ICH_VMCR_VBPR1_MASK = ICC_BPR1_EL1_MASK << ICH_VMCR_VBPR1_SHIFT;
/** ICH_VMCR_EL2.VPMR (bits 31:24): EL1's ICC_PMR_EL1 (Linux: ICH_VMCR_PMR_MASK). */
export const ICH_VMCR_VPMR_SHIFT = 24;
export const ICH_VMCR_VPMR_MASK = ICC_PMR_MASK << ICH_VMCR_VPMR_SHIFT;

/**
 * Fields of a list register's upper word (ICH_LR<n>_EL2 bits 63:32, kept as a word of its own:
 * each position here is the architectural bit minus 32).
 */
export const LrHi = {
  /** pINTID (bits 41:32): the physical interrupt deactivated with the virtual one when HW is set (Jailhouse: ICH_LR_PHYS_ID_SHIFT). */
  PINTID_MASK: 0x3ff,
  /** Priority (bits 55:48) (Jailhouse: ICH_LR_PRIORITY_SHIFT). */
  PRIORITY_SHIFT: 16,
  PRIORITY_MASK: 0xff,
  /** Group (bit 60): group 1 (Jailhouse: ICH_LR_GROUP_BIT). */
  GROUP: 1 << 28,
  /** HW (bit 61): a hardware interrupt, deactivated physically with the virtual one (Jailhouse: ICH_LR_HW_BIT). */
  HW: 1 << 29,
  /** State (bits 63:62), one of LrState (Jailhouse: ICH_LR_PENDING etc., in place). */
  STATE_SHIFT: 30,
  STATE_MASK: 3 << 30,
} as const;

/** LR State field values (Jailhouse: ICH_LR_INVALID, ICH_LR_PENDING, ICH_LR_ACTIVE, ICH_LR_PENDACTIVE). */
export const LrState = { INVALID: 0, PENDING: 1, ACTIVE: 2, PENDING_ACTIVE: 3 } as const;
