/**
 * DEFINE_UNIT(irqchip, "irqchip") (arm-common/irqchip.c): the irqchip's unit hooks and the GIC's
 * MMIO handlers, put together for the unit table. Jailhouse defines the unit at the end of
 * irqchip.c; jhsim's irqchip is split between the cell side (irqchip-cell.ts, which registers
 * the GICD/GICR regions under the handler IDs) and the handlers (gic-mmio.ts, which read the
 * cell side's irq_bitmap), so the definition that binds the IDs to the handlers is a file of its
 * own, and neither half imports the other's.
 */
import { gicHandleDistAccess, gicHandleRedistAccess } from './gic-mmio.js';
import type { Hv } from './hv.js';
import { GICD_HANDLER, GICR_HANDLER, irqchipCellExit, irqchipCellInit, irqchipCellReset, irqchipConfigCommit } from './irqchip-cell.js';
import type { Unit } from './unit.js';

/**
 * irqchip_mmio_count_regions: the GICD and one GICR per online CPU. Not conditional on the GIC
 * version as upstream's is: the root cell's tables are sized before cpu_init checks the version
 * (jhsim's entry refuses anything but GICv3), and have always been sized so.
 */
function irqchipMmioCountRegions(hv: Hv): number {
  return 1 + hv.onlineCpus;
}

export const irqchipUnit: Unit = {
  name: 'irqchip',
  /** irqchip_init: the root cell's irq_bitmap and GIC regions (irqchip_cell_init(&root_cell)). */
  init: (hv) => irqchipCellInit(hv, hv.rootCell),
  /** DEFINE_UNIT_SHUTDOWN_STUB(irqchip): the GIC goes back to Linux per CPU (arch_shutdown_self). */
  shutdown: () => {},
  mmioCountRegions: irqchipMmioCountRegions,
  cellInit: irqchipCellInit,
  cellExit: irqchipCellExit,
  cellReset: irqchipCellReset,
  configCommit: irqchipConfigCommit,
  mmioHandlers: [
    { id: GICD_HANDLER, name: 'gic_handle_dist_access', handler: gicHandleDistAccess },
    { id: GICR_HANDLER, name: 'gicv3_handle_redist_access', handler: gicHandleRedistAccess },
  ],
};
