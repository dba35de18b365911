/**
 * GICv3 memory-mapped registers (Arm IHI 0069, chapter 12): the offsets, the size of each
 * register array, the fields this machine, the hypervisor, root Linux and the inmates use, and
 * the access sizes each register takes. Distributor offsets are relative to GICD_BASE;
 * redistributor offsets to the CPU's RD_base, with the SGI_base frame's registers already
 * including GICR_SGI_BASE (0x10000). Names follow the architecture and Linux's
 * include/linux/irqchip/arm-gic-v3.h; where Jailhouse (arm-common/include/asm/gic.h, gic_v3.h)
 * has a name of its own it is given in the comment. Hardware facts only: this file imports
 * nothing, so the GIC model, the hypervisor, the Linux model and the inmates' assembly can all
 * use it. The GIC's system registers (ICC_*, ICH_*) are in sysregs.ts.
 */

// --- frames ------------------------------------------------------------------------------------

/** GICD_SIZE (64 KiB) and GIC_V3_REDIST_SIZE (128 KiB): architecture facts, shared with config checks. */
export { GICD_SIZE, GIC_V3_REDIST_SIZE } from '../../shared/arm64/gic-frames.js';
/** The second 64 KiB frame of a redistributor: SGIs and PPIs (Jailhouse: GICR_SGI_BASE). */
export const GICR_SGI_BASE = 0x10000;

// --- distributor -------------------------------------------------------------------------------

export const GICD_CTLR = 0x0000;
export const GICD_TYPER = 0x0004;
export const GICD_IIDR = 0x0008;
export const GICD_STATUSR = 0x0010;
export const GICD_SETSPI_NSR = 0x0040;
export const GICD_CLRSPI_NSR = 0x0048;
export const GICD_SETSPI_SR = 0x0050;
export const GICD_CLRSPI_SR = 0x0058;
export const GICD_IGROUPR = 0x0080;
export const GICD_ISENABLER = 0x0100;
export const GICD_ICENABLER = 0x0180;
export const GICD_ISPENDR = 0x0200;
export const GICD_ICPENDR = 0x0280;
export const GICD_ISACTIVER = 0x0300;
export const GICD_ICACTIVER = 0x0380;
export const GICD_IPRIORITYR = 0x0400;
export const GICD_ITARGETSR = 0x0800;
export const GICD_ICFGR = 0x0c00;
export const GICD_IGRPMODR = 0x0d00;
export const GICD_NSACR = 0x0e00;
export const GICD_SGIR = 0x0f00;
export const GICD_CPENDSGIR = 0x0f10;
export const GICD_SPENDSGIR = 0x0f20;
export const GICD_IROUTER = 0x6000;
/** The ID registers at the top of the frame (Jailhouse: GICDv3_PIDR4 ... GICDv3_CIDR0). */
export const GICD_PIDR4 = 0xffd0;
export const GICD_PIDR0 = 0xffe0;
export const GICD_PIDR1 = 0xffe4;
export const GICD_PIDR2 = 0xffe8;
export const GICD_CIDR0 = 0xfff0;
export const GICD_CIDR3 = 0xfffc;

/** Bytes of each one-bit-per-INTID bank (IGROUPR, IS/ICENABLER, IS/ICPENDR, IS/ICACTIVER, IGRPMODR). */
export const GICD_BITMAP_BANK = 0x80;
/** Bytes of GICD_IPRIORITYR<n> and of GICD_ITARGETSR<n>: a byte per INTID. */
export const GICD_IPRIORITYR_SIZE = 0x400;
export const GICD_ITARGETSR_SIZE = 0x400;
/** Bytes of GICD_ICFGR<n> and of GICD_NSACR<n>: two bits per INTID. */
export const GICD_ICFGR_SIZE = 0x100;
export const GICD_NSACR_SIZE = 0x100;
/** Bytes of GICD_CPENDSGIR<n> and of GICD_SPENDSGIR<n> (four registers each). */
export const GICD_SGIR_BANK_SIZE = 0x10;
/** Bytes of GICD_IROUTER<n>: a 64-bit register per INTID. */
export const GICD_IROUTER_SIZE = 0x2000;

/** GICD_CTLR.EnableGrp1NS (Linux: GICD_CTLR_ENABLE_G1A). */
export const GICD_CTLR_ENABLE_G1NS = 1 << 1;
/** GICD_CTLR.ARE_NS: affinity routing for non-secure state (Jailhouse and Linux: GICD_CTLR_ARE_NS). */
export const GICD_CTLR_ARE_NS = 1 << 4;
/** GICD_TYPER.IDbits (bits 23:19): INTID bits implemented, minus one (Linux: GICD_TYPER_ID_BITS()). */
export const GICD_TYPER_ID_BITS_SHIFT = 19;
/** GICD_SETSPI_NSR/SR and GICD_CLRSPI_NSR/SR: the INTID field (bits 9:0). */
export const GICD_SETSPI_INTID = 0x3ff;
/**
 * The Int_config bit (bit 2x+1, 1 = edge-triggered) of all 16 fields of a GICD_ICFGR<n> or
 * GICR_ICFGR<n>; the even bits are RES0. SGIs read back this way: they are always edge.
 */
export const GICD_ICFGR_INT_CONFIG = 0xaaaa_aaaa;
/** GICD_IROUTER.Interrupt_Routing_Mode (1 of N; Linux: GICD_IROUTER_SPI_MODE_ANY). */
export const GICD_IROUTER_IRM = 0x8000_0000;
/** GICD_IROUTER's lower word: Aff2.Aff1.Aff0 (bits 23:0), laid out as in MPIDR_EL1. */
export const GICD_IROUTER_AFF_LO = 0x00ff_ffff;
/** GICD_IROUTER's upper word: Aff3 (bits 39:32 of the register, 7:0 of the word). */
export const GICD_IROUTER_AFF3 = 0xff;
/**
 * GICD_IROUTER's affinity without IRM, the same bits as MPIDR_EL1's affinity (Jailhouse:
 * MPIDR_CPUID_MASK; Linux: MPIDR_HWID_BITMASK).
 */
export const GICD_IROUTER_AFFINITY = 0xff_00ff_ffffn;
/** PIDR2.ArchRev (bits 7:4): 3 for GICv3, 4 for GICv4 (Jailhouse: GICD_PIDR2_ARCH(); Linux: GIC_PIDR2_ARCH_MASK). */
export const GIC_PIDR2_ARCH_SHIFT = 4;
export const GIC_PIDR2_ARCH_BITS = 4;

// --- redistributor -----------------------------------------------------------------------------

export const GICR_CTLR = 0x0000;
export const GICR_IIDR = 0x0004;
export const GICR_TYPER = 0x0008;
export const GICR_STATUSR = 0x0010;
export const GICR_WAKER = 0x0014;
export const GICR_PROPBASER = 0x0070;
export const GICR_PENDBASER = 0x0078;
export const GICR_SYNCR = 0x00c0;
/** The ID registers, at the same offsets as the distributor's. */
export const GICR_PIDR4 = GICD_PIDR4;
export const GICR_PIDR0 = GICD_PIDR0;
export const GICR_PIDR1 = GICD_PIDR1;
export const GICR_PIDR2 = GICD_PIDR2;
export const GICR_CIDR0 = GICD_CIDR0;
export const GICR_CIDR3 = GICD_CIDR3;
/** The SGI_base frame (Jailhouse: GICR_SGI_BASE + GICR_ISENABLER etc., its offsets within the frame). */
export const GICR_IGROUPR0 = GICR_SGI_BASE + GICD_IGROUPR;
export const GICR_ISENABLER0 = GICR_SGI_BASE + GICD_ISENABLER;
export const GICR_ICENABLER0 = GICR_SGI_BASE + GICD_ICENABLER;
export const GICR_ISPENDR0 = GICR_SGI_BASE + GICD_ISPENDR;
export const GICR_ICPENDR0 = GICR_SGI_BASE + GICD_ICPENDR;
export const GICR_ISACTIVER0 = GICR_SGI_BASE + GICD_ISACTIVER;
export const GICR_ICACTIVER0 = GICR_SGI_BASE + GICD_ICACTIVER;
export const GICR_IPRIORITYR0 = GICR_SGI_BASE + GICD_IPRIORITYR;
export const GICR_ICFGR0 = GICR_SGI_BASE + GICD_ICFGR;
export const GICR_ICFGR1 = GICR_SGI_BASE + GICD_ICFGR + 4;
export const GICR_IGRPMODR0 = GICR_SGI_BASE + GICD_IGRPMODR;
export const GICR_NSACR = GICR_SGI_BASE + GICD_NSACR;
/** Bytes of GICR_IPRIORITYR<n>: a byte per SGI/PPI. */
export const GICR_IPRIORITYR_SIZE = 0x20;

/** The SGIs' bits (INTIDs 0-15) of a GICR one-bit-per-INTID register (Linux: GICD_INT_EN_SET_SGI). */
export const GICR_SGI_BITS = 0x0000_ffff;
/** The PPIs' bits (INTIDs 16-31) of a GICR one-bit-per-INTID register (Linux: GICD_INT_EN_CLR_PPI). */
export const GICR_PPI_BITS = 0xffff_0000;

/** GICR_WAKER.ProcessorSleep (Linux: GICR_WAKER_ProcessorSleep). */
export const GICR_WAKER_PROCESSOR_SLEEP = 1 << 1;
/** GICR_WAKER.ChildrenAsleep (Linux: GICR_WAKER_ChildrenAsleep). */
export const GICR_WAKER_CHILDREN_ASLEEP = 1 << 2;
/** GICR_TYPER.Last: the highest redistributor frame (Jailhouse: GICR_TYPER_Last). */
export const GICR_TYPER_LAST_SHIFT = 4;
export const GICR_TYPER_LAST = 1 << GICR_TYPER_LAST_SHIFT;
/** GICR_TYPER.Processor_Number (bits 23:8). */
export const GICR_TYPER_PROCESSOR_NUMBER_SHIFT = 8;
export const GICR_TYPER_PROCESSOR_NUMBER = 0xffff;
/** GICR_TYPER.Affinity_Value (bits 63:32) as a word: Aff3 in bits 31:24, then Aff2.Aff1.Aff0. */
export const GICR_TYPER_AFF3_SHIFT = 24;

/**
 * GICR_TYPER[63:32] of the CPU whose MPIDR_EL1 is `mpidr`: its affinity, Aff3 moved down next to
 * Aff2 (the word Jailhouse's gicv3_cpu_init and the inmates compare to find their frame).
 */
export function gicrTyperAffinity(mpidr: number): number {
  const aff3 = Math.floor(mpidr / 2 ** 32) & GICD_IROUTER_AFF3;
  return (aff3 << GICR_TYPER_AFF3_SHIFT) | (mpidr & GICD_IROUTER_AFF_LO);
}

/**
 * Whether the GIC takes an access of `size` bytes at distributor offset `off` (IHI 0069 12.1.3,
 * "GIC memory-mapped register access"): byte accesses only to GICD_IPRIORITYR, GICD_ITARGETSR,
 * GICD_CPENDSGIR and GICD_SPENDSGIR; doubleword accesses only to GICD_IROUTER (whose 32-bit
 * halves may also be accessed); word accesses, naturally aligned, to everything else. Halfword
 * accesses are for the message-based SPI registers only, which this GIC does not implement
 * (GICD_TYPER.MBIS = 0). Any other access is CONSTRAINED UNPREDICTABLE; this model, like QEMU's
 * arm_gicv3_dist.c, makes it read as zero and ignores the write.
 */
export function gicdAccessOk(off: number, size: number): boolean {
  if (off % size !== 0) return false;
  if (size === 4) return true;
  if (size === 1) {
    return (off >= GICD_IPRIORITYR && off < GICD_ITARGETSR + GICD_ITARGETSR_SIZE) ||
      (off >= GICD_CPENDSGIR && off < GICD_SPENDSGIR + GICD_SGIR_BANK_SIZE);
  }
  if (size === 8) return off >= GICD_IROUTER && off < GICD_IROUTER + GICD_IROUTER_SIZE;
  return false;
}

/**
 * The same rule for a redistributor frame: byte accesses only to GICR_IPRIORITYR<n>, doubleword
 * accesses only to the 64-bit registers (GICR_TYPER, GICR_PROPBASER, GICR_PENDBASER), words
 * naturally aligned everywhere else.
 */
export function gicrAccessOk(off: number, size: number): boolean {
  if (off % size !== 0) return false;
  if (size === 4) return true;
  if (size === 1) return off >= GICR_IPRIORITYR0 && off < GICR_IPRIORITYR0 + GICR_IPRIORITYR_SIZE;
  if (size === 8) return off === GICR_TYPER || off === GICR_PROPBASER || off === GICR_PENDBASER;
  return false;
}

const GICD_BANKS: readonly [number, number, string, number][] = [
  // start, end (exclusive), name, bytes per register
  [GICD_IGROUPR, GICD_ISENABLER, 'GICD_IGROUPR', 4],
  [GICD_ISENABLER, GICD_ICENABLER, 'GICD_ISENABLER', 4],
  [GICD_ICENABLER, GICD_ISPENDR, 'GICD_ICENABLER', 4],
  [GICD_ISPENDR, GICD_ICPENDR, 'GICD_ISPENDR', 4],
  [GICD_ICPENDR, GICD_ISACTIVER, 'GICD_ICPENDR', 4],
  [GICD_ISACTIVER, GICD_ICACTIVER, 'GICD_ISACTIVER', 4],
  [GICD_ICACTIVER, GICD_IPRIORITYR, 'GICD_ICACTIVER', 4],
  [GICD_IPRIORITYR, GICD_ITARGETSR, 'GICD_IPRIORITYR', 4],
  [GICD_ITARGETSR, GICD_ICFGR, 'GICD_ITARGETSR', 4],
  [GICD_ICFGR, GICD_IGRPMODR, 'GICD_ICFGR', 4],
  [GICD_IGRPMODR, GICD_IGRPMODR + GICD_BITMAP_BANK, 'GICD_IGRPMODR', 4],
  [GICD_NSACR, GICD_NSACR + GICD_NSACR_SIZE, 'GICD_NSACR', 4],
  [GICD_IROUTER, GICD_IROUTER + GICD_IROUTER_SIZE, 'GICD_IROUTER', 8],
];

const GICD_SINGLE: Readonly<Record<number, string>> = {
  [GICD_CTLR]: 'GICD_CTLR', [GICD_TYPER]: 'GICD_TYPER', [GICD_IIDR]: 'GICD_IIDR', [GICD_STATUSR]: 'GICD_STATUSR',
  [GICD_SETSPI_NSR]: 'GICD_SETSPI_NSR', [GICD_CLRSPI_NSR]: 'GICD_CLRSPI_NSR', [GICD_SETSPI_SR]: 'GICD_SETSPI_SR',
  [GICD_CLRSPI_SR]: 'GICD_CLRSPI_SR', [GICD_SGIR]: 'GICD_SGIR', [GICD_PIDR2]: 'GICD_PIDR2',
};

const GICR_SINGLE: Readonly<Record<number, string>> = {
  [GICR_CTLR]: 'GICR_CTLR', [GICR_IIDR]: 'GICR_IIDR', [GICR_TYPER]: 'GICR_TYPER', [GICR_STATUSR]: 'GICR_STATUSR',
  [GICR_WAKER]: 'GICR_WAKER', [GICR_PROPBASER]: 'GICR_PROPBASER', [GICR_PENDBASER]: 'GICR_PENDBASER',
  [GICR_SYNCR]: 'GICR_SYNCR', [GICR_PIDR2]: 'GICR_PIDR2', [GICR_IGROUPR0]: 'GICR_IGROUPR0',
  [GICR_ISENABLER0]: 'GICR_ISENABLER0', [GICR_ICENABLER0]: 'GICR_ICENABLER0', [GICR_ISPENDR0]: 'GICR_ISPENDR0',
  [GICR_ICPENDR0]: 'GICR_ICPENDR0', [GICR_ISACTIVER0]: 'GICR_ISACTIVER0', [GICR_ICACTIVER0]: 'GICR_ICACTIVER0',
  [GICR_ICFGR0]: 'GICR_ICFGR0', [GICR_ICFGR1]: 'GICR_ICFGR1', [GICR_IGRPMODR0]: 'GICR_IGRPMODR0', [GICR_NSACR]: 'GICR_NSACR',
};

/** `name+byte` of the register holding an offset (`GICD_IPRIORITYR36+2`, `GICD_CTLR`, `GICD+0x0044`). */
function regName(off: number, single: Readonly<Record<number, string>>, prefix: string): string {
  const w = off & ~3;
  const plus = (base: number): string => (off !== base ? `+${off - base}` : '');
  if (single[w] !== undefined) return `${single[w]}${plus(w)}`;
  if (single[off & ~7] !== undefined && (off & 7) >= 4) return `${single[off & ~7]}+${off & 7}`;
  return `${prefix}+0x${off.toString(16).padStart(4, '0')}`;
}

/** The distributor register at an offset, for messages: `GICD_ICENABLER4+3`. */
export function gicdRegName(off: number): string {
  for (const [start, end, name, bytes] of GICD_BANKS) {
    if (off < start || off >= end) continue;
    const n = Math.floor((off - start) / bytes);
    const base = start + n * bytes;
    return `${name}${n}${off !== base ? `+${off - base}` : ''}`;
  }
  return regName(off, GICD_SINGLE, 'GICD');
}

/** The redistributor register at an offset within a CPU's frames: `GICR_IPRIORITYR3+1`. */
export function gicrRegName(off: number): string {
  if (off >= GICR_IPRIORITYR0 && off < GICR_IPRIORITYR0 + GICR_IPRIORITYR_SIZE) {
    const n = (off - GICR_IPRIORITYR0) >> 2;
    return `GICR_IPRIORITYR${n}${off & 3 ? `+${off & 3}` : ''}`;
  }
  return regName(off, GICR_SINGLE, 'GICR');
}
