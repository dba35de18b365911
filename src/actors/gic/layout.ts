/**
 * The GICv3's shared state, one SharedArrayBuffer seen by every CPU worker (and read by the main
 * thread's inspector): the distributor's registers, then one slot per CPU holding that CPU's
 * redistributor (SGI/PPI state), its physical CPU interface (ICC_*) and its virtual CPU interface
 * (ICH_*, the list registers). Registers that only the owning CPU touches (the CPU interfaces)
 * live here too, so a stuck interrupt can be inspected from outside like on a JTAG probe.
 *
 * All accesses go through Atomics (whole words) except the IPRIORITYR bytes, which are plain byte
 * loads/stores on a Uint8Array view (a byte is never torn).
 */

/** Interrupt IDs the distributor model can hold (architectural maximum for SPIs: 1019). */
export const GIC_MAX_IRQS = 1024;
/** Priority bits implemented (as QEMU's GICv3): priorities read back with the low 3 bits clear. */
export const GIC_PRI_BITS = 5;
/**
 * priority >> GIC_PRI_SHIFT is the priority's level: its bit in the active-priorities registers
 * (ICC_AP1R0_EL1, ICH_AP1R0_EL2), which have one bit per implemented level.
 */
export const GIC_PRI_SHIFT = 8 - GIC_PRI_BITS;
export const GIC_PRI_MASK = (0xff << GIC_PRI_SHIFT) & 0xff;
/** List registers per CPU interface (ICH_VTR_EL2.ListRegs + 1). */
export const GIC_NUM_LR = 4;
/** INTID read from IAR when nothing is pending. */
export const SPURIOUS_IRQ = 1023;

/** Distributor words (GICD_*), at the start of the buffer. */
export const GicdWord = {
  /** GICD_CTLR: EnableGrp1NS (bit 1), ARE_NS (bit 4); RWP reads 0 (writes take effect at once). */
  CTLR: 0,
  /** Bumped on every change that may make an SPI deliverable somewhere (CPUs re-scan). */
  SPI_GEN: 1,
  /** GICD_IGROUPR<n>: 1 bit per INTID (1 = group 1). Words for INTIDs 0..31 are unused (ARE). */
  GROUP: 32,
  /** GICD_ISENABLER/ICENABLER<n>: the enable bits. */
  ENABLE: 64,
  /** GICD_ISPENDR/ICPENDR<n>: the pending bits. */
  PENDING: 96,
  /** GICD_ISACTIVER/ICACTIVER<n>: the active bits. */
  ACTIVE: 128,
  /** GICD_ICFGR<n>: 2 bits per INTID (bit 1 of the pair: 1 = edge-triggered). */
  CFG: 160,
  /** GICD_IPRIORITYR: 1 byte per INTID (byte view), 256 words. */
  PRIORITY: 224,
  /** GICD_IROUTER<n>: 2 words per INTID (low: Aff2.Aff1.Aff0 + IRM bit 31; high: Aff3). */
  IROUTER: 480,
  /** Words of the distributor block. */
  SIZE: 480 + GIC_MAX_IRQS * 2,
} as const;

/** Words of one CPU's slot (after the distributor block). */
export const GicCpuWord = {
  /** GICR_CTLR (EnableLPIs stays 0: no ITS). */
  CTLR: 0,
  /** GICR_WAKER: ProcessorSleep (bit 1), ChildrenAsleep (bit 2, follows ProcessorSleep). */
  WAKER: 1,
  /** GICR_IGROUPR0 (SGIs and PPIs). */
  GROUP0: 2,
  /** GICR_ISENABLER0/ICENABLER0. */
  ENABLE0: 3,
  /** GICR_ISPENDR0/ICPENDR0. */
  PENDING0: 4,
  /** GICR_ISACTIVER0/ICACTIVER0. */
  ACTIVE0: 5,
  /** GICR_ICFGR0 (SGIs, always edge: reads 0xaaaaaaaa). */
  CFG0: 6,
  /** GICR_ICFGR1 (PPIs). */
  CFG1: 7,
  /** GICR_IPRIORITYR0..7: 1 byte per SGI/PPI (byte view), 8 words. */
  PRIORITY: 8,
  /** ICC_PMR_EL1 (physical priority mask). */
  ICC_PMR: 16,
  /** ICC_CTLR_EL1: EOImode (bit 1). */
  ICC_CTLR: 17,
  /** ICC_IGRPEN1_EL1 (bit 0). */
  ICC_IGRPEN1: 18,
  /** ICC_BPR1_EL1. */
  ICC_BPR1: 19,
  /** ICC_AP1R0_EL1: one bit per active priority level (priority >> GIC_PRI_SHIFT), the running priority's stack. */
  ICC_AP1R0: 20,
  /** ICH_HCR_EL2: En (bit 0), UIE (bit 1). */
  ICH_HCR: 21,
  /** ICH_VMCR_EL2: VENG1 (bit 1), VEOIM (bit 9), VBPR1 (20:18), VPMR (31:24). */
  ICH_VMCR: 22,
  /** ICH_AP1R0_EL2: the virtual interface's active priorities. */
  ICH_AP1R0: 23,
  /** ICH_LR<n>_EL2 as two words each: LR + 2n = bits 31:0 (vINTID), LR + 2n + 1 = bits 63:32. */
  LR: 24,
  /** Physical interrupts acknowledged through ICC_IAR1 on this CPU (profiles, tests). */
  ACKED: 24 + GIC_NUM_LR * 2,
  /** Virtual interrupts acknowledged through ICV_IAR1 on this CPU. */
  VACKED: 25 + GIC_NUM_LR * 2,
  /** Words per CPU slot. */
  SIZE: 40,
} as const;

export function gicSabSize(nrCpus: number): number {
  return (GicdWord.SIZE + nrCpus * GicCpuWord.SIZE) * 4;
}

/** Index of word `w` of CPU `cpu`'s slot. */
export function gicCpuWord(cpu: number, w: number): number {
  return GicdWord.SIZE + cpu * GicCpuWord.SIZE + w;
}

/** Byte index of the priority of `irq` (SPI in the distributor, SGI/PPI in `cpu`'s redistributor). */
export function priorityByte(cpu: number, irq: number): number {
  return irq < 32 ? gicCpuWord(cpu, GicCpuWord.PRIORITY) * 4 + irq : GicdWord.PRIORITY * 4 + irq;
}

/** Hypervisor-reserved physical SGIs (Jailhouse arm-common). */
export const SGI_INJECT = 0;
export const SGI_EVENT = 1;
/** Both of them, as bits of a one-bit-per-INTID register (Jailhouse: SGI_MASK). */
export const SGI_MASK = (1 << SGI_EVENT) | (1 << SGI_INJECT);

/** Linux arm64 IPI numbers (its SGIs). */
export const LinuxIpi = {
  RESCHEDULE: 0,
  CALL_FUNC: 1,
  CPU_STOP: 2,
} as const;

/** PPIs of the generic timer (QEMU virt): EL1 virtual 27, EL1 physical 30, EL2 26. */
export const PPI_VTIMER = 27;
export const PPI_PTIMER = 30;
