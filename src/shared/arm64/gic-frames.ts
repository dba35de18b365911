/**
 * The GICv3 architecture's MMIO frame sizes, which configuration checks need as much as the GIC
 * model and the hypervisor (they are fixed by the architecture, not by a board): the register
 * names and fields live with the GIC model in actors/gic/regs.ts, which re-exports these.
 */

/** The distributor's register frame, 64 KiB (Jailhouse: gic-v3.c's `.gicd_size`). */
export const GICD_SIZE = 0x10000;
/** One CPU's redistributor: the RD_base frame and the SGI_base frame, 64 KiB each (Jailhouse: GIC_V3_REDIST_SIZE). */
export const GIC_V3_REDIST_SIZE = 0x20000;
