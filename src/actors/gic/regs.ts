/**
 * GICv3 memory-mapped register offsets (Arm IHI 0069, chapter 12) and the access sizes each one
 * takes. Distributor offsets are relative to GICD_BASE; redistributor offsets to the CPU's
 * RD_base, with the SGI_base frame's registers already including GICR_SGI_BASE (0x10000).
 */

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
export const GICD_PIDR4 = 0xffd0;
export const GICD_PIDR0 = 0xffe0;
export const GICD_PIDR1 = 0xffe4;
export const GICD_PIDR2 = 0xffe8;
export const GICD_CIDR0 = 0xfff0;
/** Bytes of each one-bit-per-INTID bank (IGROUPR, IS/ICENABLER, IS/ICPENDR, IS/ICACTIVER). */
export const GICD_BITMAP_BANK = 0x80;

export const GICR_CTLR = 0x0000;
export const GICR_IIDR = 0x0004;
export const GICR_TYPER = 0x0008;
export const GICR_STATUSR = 0x0010;
export const GICR_WAKER = 0x0014;
export const GICR_PROPBASER = 0x0070;
export const GICR_PENDBASER = 0x0078;
export const GICR_SYNCR = 0x00c0;
export const GICR_PIDR2 = 0xffe8;
/** The second 64 KiB frame of a redistributor: SGIs and PPIs. */
export const GICR_SGI_BASE = 0x10000;
export const GICR_IGROUPR0 = GICR_SGI_BASE + 0x0080;
export const GICR_ISENABLER0 = GICR_SGI_BASE + 0x0100;
export const GICR_ICENABLER0 = GICR_SGI_BASE + 0x0180;
export const GICR_ISPENDR0 = GICR_SGI_BASE + 0x0200;
export const GICR_ICPENDR0 = GICR_SGI_BASE + 0x0280;
export const GICR_ISACTIVER0 = GICR_SGI_BASE + 0x0300;
export const GICR_ICACTIVER0 = GICR_SGI_BASE + 0x0380;
export const GICR_IPRIORITYR0 = GICR_SGI_BASE + 0x0400;
export const GICR_ICFGR0 = GICR_SGI_BASE + 0x0c00;
export const GICR_ICFGR1 = GICR_SGI_BASE + 0x0c04;
export const GICR_IGRPMODR0 = GICR_SGI_BASE + 0x0d00;
export const GICR_NSACR = GICR_SGI_BASE + 0x0e00;

/** GICD_IROUTER.Interrupt_Routing_Mode (1 of N). */
export const GICD_IROUTER_IRM = 0x8000_0000;
/** GICR_TYPER.Last. */
export const GICR_TYPER_LAST = 1 << 4;

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
    return (off >= GICD_IPRIORITYR && off < GICD_ITARGETSR + 0x400) || (off >= GICD_CPENDSGIR && off < GICD_SPENDSGIR + 0x10);
  }
  if (size === 8) return off >= GICD_IROUTER && off < GICD_IROUTER + 0x2000;
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
  if (size === 1) return off >= GICR_IPRIORITYR0 && off < GICR_IPRIORITYR0 + 0x20;
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
  [GICD_IGRPMODR, GICD_IGRPMODR + 0x80, 'GICD_IGRPMODR', 4],
  [GICD_NSACR, GICD_NSACR + 0x100, 'GICD_NSACR', 4],
  [GICD_IROUTER, GICD_IROUTER + 0x2000, 'GICD_IROUTER', 8],
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
  if (off >= GICR_IPRIORITYR0 && off < GICR_IPRIORITYR0 + 0x20) {
    const n = (off - GICR_IPRIORITYR0) >> 2;
    return `GICR_IPRIORITYR${n}${off & 3 ? `+${off & 3}` : ''}`;
  }
  return regName(off, GICR_SINGLE, 'GICR');
}
