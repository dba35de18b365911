/**
 * The irqchip unit's cell side (arm-common/irqchip.c, gic-v3.c): each cell's irq_bitmap built
 * from its config's irqchips, root giving a new cell's SPIs away at create and getting back only
 * its own at destroy, the GICD and GICR MMIO regions every cell gets, masking a cell's SPIs at
 * start and exit, and re-targeting IROUTER at config_commit.
 */
import { CELL_OFF, IRQCHIP_OFF, IRQCHIP_PIN_WORDS, IRQCHIP_SIZE, SYS_OFF, cellIrqchipsOffset } from '../../../shared/config/layout.js';
import { Errno } from '../../../shared/errno.js';
import { GICD_ICACTIVER, GICD_ICENABLER, GICD_IROUTER, GICD_SIZE, GIC_V3_REDIST_SIZE, SGI_MASK } from '../../gic/index.js';
import { cpuIdValid } from './cell.js';
import type { Hv } from './hv.js';
import { maintenanceIrq } from './irqchip.js';
import { CELL } from './layout.js';
import { mmioRegionRegister } from './mmio.js';

const IRQ_WORDS = 32;

/** The MMIO handler ID of gic_handle_dist_access (gic-mmio.ts); arg unused. */
export const GICD_HANDLER = 2;
/** The MMIO handler ID of gicv3_handle_redist_access (gic-mmio.ts); arg = the CPU whose frame it is. */
export const GICR_HANDLER = 3;

function bitmapWord(cell: number, n: number): number {
  return cell + CELL.IRQ_BITMAP + n * 4;
}

/** irqchip_irq_in_cell. */
export function irqchipIrqInCell(hv: Hv, cell: number, irq: number): boolean {
  if (irq < 0 || irq >= IRQ_WORDS * 32) return false;
  return ((hv.c.mem.read32(bitmapWord(cell, irq >> 5)) >>> (irq & 31)) & 1) === 1;
}

/** The SPI bits the config at `cfg` lists for the system's GICD (irqchips[].pin_bitmap); null if invalid. */
export function configIrqBits(hv: Hv, cfg: number): Uint32Array | null {
  const dv = hv.configView(cfg);
  const gicd = hv.c.mem.read64(hv.systemConfig + SYS_OFF.arm_gicd_base);
  const bits = new Uint32Array(IRQ_WORDS);
  const n = dv.getUint32(CELL_OFF.num_irqchips, true);
  const first = cellIrqchipsOffset(dv, 0);
  for (let i = 0; i < n; i++) {
    const o = first + i * IRQCHIP_SIZE;
    if (Number(dv.getBigUint64(o + IRQCHIP_OFF.address, true)) !== gicd) continue;
    const pinBase = dv.getUint32(o + IRQCHIP_OFF.pin_base, true);
    if (pinBase % 32 !== 0 || pinBase / 32 + IRQCHIP_PIN_WORDS > IRQ_WORDS) return null;
    for (let w = 0; w < IRQCHIP_PIN_WORDS; w++) bits[pinBase / 32 + w]! |= dv.getUint32(o + IRQCHIP_OFF.pin_bitmap + w * 4, true);
  }
  return bits;
}

/**
 * irqchip_cell_init + gicv3_cell_init: the cell's bitmap (config bits; SGIs and PPIs except the
 * hypervisor's SGI 0/1 and maintenance PPI), root giving those SPIs up, and the GICD region plus
 * one GICR region per system CPU.
 */
export function irqchipCellInit(hv: Hv, cell: number): number {
  const m = hv.c.mem;
  const bits = configIrqBits(hv, hv.cellConfig(cell));
  if (!bits) return -Errno.EINVAL;
  bits[0] = ~(SGI_MASK | (1 << maintenanceIrq(hv))) >>> 0;
  for (let n = 0; n < IRQ_WORDS; n++) m.write32(bitmapWord(cell, n), bits[n]!);
  const root = hv.rootCell;
  if (cell !== root) for (let n = 1; n < IRQ_WORDS; n++) m.write32(bitmapWord(root, n), m.read32(bitmapWord(root, n)) & ~bits[n]!);
  const sys = hv.systemConfig;
  mmioRegionRegister(hv, cell, m.read64(sys + SYS_OFF.arm_gicd_base), GICD_SIZE, GICD_HANDLER, 0);
  const gicr = m.read64(sys + SYS_OFF.arm_gicr_base);
  for (let cpu = 0; cpu < hv.c.nr; cpu++) {
    if (cpuIdValid(hv, cpu)) mmioRegionRegister(hv, cell, gicr + cpu * GIC_V3_REDIST_SIZE, GIC_V3_REDIST_SIZE, GICR_HANDLER, cpu);
  }
  return 0;
}

/** irqchip_cell_reset: the cell's SPIs masked and deactivated (GICD_ICENABLER/ICACTIVER). */
export function irqchipCellReset(hv: Hv, cell: number): void {
  const gic = hv.c.gic;
  for (let n = 1; n < IRQ_WORDS; n++) {
    const w = hv.c.mem.read32(bitmapWord(cell, n));
    if (!w || n * 32 >= gic.nrIrqs) continue;
    gic.distAccess(GICD_ICENABLER + n * 4, 4, true, BigInt(w));
    gic.distAccess(GICD_ICACTIVER + n * 4, 4, true, BigInt(w));
  }
}

/** irqchip_cell_exit: reset the cell's SPIs; root gets back those it owned in its own config. */
export function irqchipCellExit(hv: Hv, cell: number): void {
  const m = hv.c.mem;
  irqchipCellReset(hv, cell);
  const root = hv.rootCell;
  const rootOwn = configIrqBits(hv, hv.cellConfig(root));
  const mine = configIrqBits(hv, hv.cellConfig(cell));
  if (!rootOwn || !mine) return;
  for (let n = 1; n < IRQ_WORDS; n++) m.write32(bitmapWord(root, n), (m.read32(bitmapWord(root, n)) | mine[n]!) & rootOwn[n]!);
}

/**
 * gicv3_adjust_irq_target: an SPI routed to a CPU outside the cell (`cpus`, its CPU set) is
 * re-routed to the cell's first CPU.
 */
function adjustIrqTarget(hv: Hv, cpus: readonly number[], irq: number): void {
  const gic = hv.c.gic;
  const target = gic.cpuOf(gic.irouterAffinity(irq));
  if (target !== undefined && cpus.includes(target)) return;
  const first = cpus[0];
  if (first === undefined) return;
  gic.distAccess(GICD_IROUTER + irq * 8, 8, true, BigInt(hv.c.topo[first]!.mpidr));
}

/** irqchip_config_commit: routing follows ownership after a cell was added or removed. */
export function irqchipConfigCommit(hv: Hv, cellAddedRemoved: number): void {
  const root = hv.rootCell;
  const nr = hv.c.gic.nrIrqs;
  const rootCpus = hv.cellCpus(root);
  const changedCpus = cellAddedRemoved ? hv.cellCpus(cellAddedRemoved) : [];
  // A bitmap word at a time: most words of a non-root cell are empty.
  for (let n = 1; n < IRQ_WORDS && n * 32 < nr; n++) {
    const mine = cellAddedRemoved ? hv.c.mem.read32(bitmapWord(cellAddedRemoved, n)) : 0;
    const roots = hv.c.mem.read32(bitmapWord(root, n));
    if (!mine && !roots) continue;
    for (let bit = 0; bit < 32 && n * 32 + bit < nr; bit++) {
      if ((mine >>> bit) & 1) adjustIrqTarget(hv, changedCpus, n * 32 + bit);
      if ((roots >>> bit) & 1) adjustIrqTarget(hv, rootCpus, n * 32 + bit);
    }
  }
}
