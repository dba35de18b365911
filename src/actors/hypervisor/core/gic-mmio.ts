/**
 * The GIC's MMIO handlers every cell has (gic_handle_dist_access, gicv3_handle_irq_route,
 * gicv3_handle_redist_access): a cell's distributor accesses are filtered by its irq_bitmap
 * (set/clear registers poked with a mask, configuration registers read-modify-written under
 * dist_lock), IROUTER writes must name one of its CPUs exactly, and redistributor frames can be
 * probed by anyone but changed only for the cell's own CPUs. What passes is performed on the GIC
 * model (mmio_perform_access), under the isolation monitor's eye.
 *
 * By default these are upstream's filters, flaws included: restrict_bitmask_access builds its
 * mask for the whole 32-bit register and applies it to the value unshifted, so a byte access
 * to another lane of GICD_IPRIORITYR reaches an interrupt of another cell (the GIC ignores
 * byte accesses to the bitmap registers, where the same mistake has no effect). With
 * `--filters fixed` the mask is shifted to the access's byte lanes and an access that spans two
 * registers is ignored.
 */
import { spinLock, spinUnlock } from '../../../shared/sync.js';
import {
  GICD_BITMAP_BANK, GICD_CIDR3, GICD_CTLR, GICD_ICFGR, GICD_ICFGR_SIZE, GICD_IGROUPR, GICD_IGRPMODR, GICD_IIDR,
  GICD_IPRIORITYR, GICD_IPRIORITYR_SIZE, GICD_IROUTER, GICD_IROUTER_SIZE, GICD_ISENABLER, GICD_ITARGETSR, GICD_PIDR4,
  GICD_TYPER, GICR_CIDR3, GICR_CTLR, GICR_ICACTIVER0, GICR_ICENABLER0, GICR_ICFGR0, GICR_ICFGR1, GICR_ICPENDR0,
  GICR_IIDR, GICR_IPRIORITYR0, GICR_IPRIORITYR_SIZE, GICR_ISACTIVER0, GICR_ISENABLER0, GICR_ISPENDR0, GICR_PIDR4,
  GICR_STATUSR, GICR_SYNCR, GICR_TYPER, GICR_TYPER_LAST, GICR_WAKER, SGI_MASK, sizeMask,
} from '../../gic/index.js';
import { cellOwnsCpu } from './cell.js';
import type { Hv } from './hv.js';
import { maintenanceIrq } from './irqchip.js';
import { irqchipIrqInCell } from './irqchip-cell.js';
import { fixedFilters, monitoredGicWrite } from './isolation-monitor.js';
import { BSS } from './layout.js';
import { MmioResult, type MmioAccess, type MmioResultCode } from './mmio-access.js';
import { printk } from './printk.js';

/** Which Jailhouse function's filter a distributor write passed. */
const RESTRICT = 'restrict_bitmask_access (arm-common/irqchip.c)';
const IRQ_ROUTE = 'gicv3_handle_irq_route (arm-common/gic-v3.c)';
const REDIST = 'gicv3_handle_redist_access (arm-common/gic-v3.c)';

/** The access performed on the distributor as the guest issued it (mmio_perform_access). */
function distPerform(hv: Hv, a: MmioAccess, filter: string): void {
  if (a.isWrite) monitoredGicWrite(hv, a.address, a.size, -1, a.value, filter);
  else a.value = hv.c.gic.distAccess(a.address, a.size, false, 0n);
}

/**
 * restrict_bitmask_access: only the bits of the register's INTIDs the cell owns. Upstream builds
 * the mask for the aligned 32-bit register and applies it to the value as it is; the corrected
 * filter moves the mask to the byte lanes the access covers.
 */
function restrictBitmask(hv: Hv, a: MmioAccess, regIndex: number, bitsPerIrq: number, isPoke: boolean): MmioResultCode {
  const cell = hv.thisCell();
  const perReg = 32 / bitsPerIrq;
  const first = regIndex * perReg;
  let mask = 0n;
  const field = (1n << BigInt(bitsPerIrq)) - 1n;
  for (let i = 0; i < perReg; i++) if (irqchipIrqInCell(hv, cell, first + i)) mask |= field << BigInt(i * bitsPerIrq);
  if (fixedFilters(hv)) {
    const lane = a.address & 3;
    if (lane + a.size > 4) {
      // Spans two registers: ownership of the second one was never checked.
      if (!a.isWrite) a.value = 0n;
      return MmioResult.HANDLED;
    }
    mask = (mask >> BigInt(lane * 8)) & sizeMask(a.size);
  }
  if (!a.isWrite) {
    distPerform(hv, a, RESTRICT);
    a.value &= mask;
    return MmioResult.HANDLED;
  }
  if (isPoke) {
    a.value &= mask;
    distPerform(hv, a, RESTRICT);
    return MmioResult.HANDLED;
  }
  const lock = hv.bss(BSS.DIST_LOCK);
  spinLock(hv.c.policy, lock, 'dist_lock');
  const cur = hv.c.gic.distAccess(a.address, a.size, false, 0n);
  a.value = (cur & ~mask) | (a.value & mask);
  distPerform(hv, a, RESTRICT);
  spinUnlock(lock);
  return MmioResult.HANDLED;
}

/** gicv3_handle_irq_route. */
function handleIrqRoute(hv: Hv, a: MmioAccess, irq: number): MmioResultCode {
  const cell = hv.thisCell();
  // The upper half (Aff3) of a 32-bit access, SGIs/PPIs and foreign SPIs: ignored.
  if ((a.address & 7) !== 0 || irq < 32 || !irqchipIrqInCell(hv, cell, irq)) {
    if (!a.isWrite) a.value = 0n;
    return MmioResult.HANDLED;
  }
  if (!a.isWrite) {
    // Quirk kept: even a 32-bit read returns the whole 64-bit register.
    a.value = hv.c.gic.distAccess(a.address, 8, false, 0n);
    return MmioResult.HANDLED;
  }
  for (const cpu of hv.cellCpus(cell)) {
    if (BigInt(hv.c.topo[cpu]!.mpidr) === (a.value & sizeMask(a.size))) {
      distPerform(hv, a, IRQ_ROUTE);
      return MmioResult.HANDLED;
    }
  }
  printk(hv, `Attempt to route IRQ${irq} outside of cell\n`);
  return MmioResult.ERROR;
}

/** gic_handle_dist_access: dispatch by register range (REG_RANGE matches any byte of a register). */
export function gicHandleDistAccess(hv: Hv, a: MmioAccess): MmioResultCode {
  const off = a.address;
  if (off >= GICD_IROUTER && off < GICD_IROUTER + GICD_IROUTER_SIZE) return handleIrqRoute(hv, a, (off - GICD_IROUTER) >> 3);
  if (off >= GICD_ITARGETSR && off < GICD_ICFGR) {
    // gicv3_handle_irq_target: affinity routing makes ITARGETSR RAZ/WI.
    if (!a.isWrite) a.value = 0n;
    return MmioResult.HANDLED;
  }
  // The register's index within its array: each array starts at a multiple of its size.
  if (off >= GICD_ISENABLER && off < GICD_IPRIORITYR) return restrictBitmask(hv, a, (off & (GICD_BITMAP_BANK - 1)) >> 2, 1, true);
  if (off >= GICD_IGROUPR && off < GICD_ISENABLER) return restrictBitmask(hv, a, (off & (GICD_BITMAP_BANK - 1)) >> 2, 1, false);
  if (off >= GICD_ICFGR && off < GICD_IGRPMODR) return restrictBitmask(hv, a, (off & (GICD_ICFGR_SIZE - 1)) >> 2, 2, false);
  if (off >= GICD_IPRIORITYR && off < GICD_ITARGETSR) return restrictBitmask(hv, a, (off & (GICD_IPRIORITYR_SIZE - 1)) >> 2, 8, false);
  // gicv3_handle_dist_access: CTLR, TYPER, IIDR and the ID registers (PIDR4 ... CIDR3) readable, writes ignored.
  if (off === GICD_CTLR || off === GICD_TYPER || off === GICD_IIDR || (off >= GICD_PIDR4 && off < GICD_CIDR3 + 4)) {
    if (!a.isWrite) distPerform(hv, a, RESTRICT);
    return MmioResult.HANDLED;
  }
  if (!a.isWrite) a.value = 0n;
  return MmioResult.HANDLED;
}

/**
 * gicv3_handle_redist_access: `frameCpu` is the CPU whose redistributor the region is. As
 * upstream, registers are matched at their exact offset (a range for IPRIORITYR and ICFGR);
 * anything else is ignored.
 */
export function gicHandleRedistAccess(hv: Hv, a: MmioAccess, frameCpu: number): MmioResultCode {
  const gic = hv.c.gic;
  const perform = (): MmioResultCode => {
    if (a.isWrite) monitoredGicWrite(hv, a.address, a.size, frameCpu, a.value, REDIST);
    else a.value = gic.redistAccess(frameCpu, a.address, a.size, false, 0n);
    return MmioResult.HANDLED;
  };
  const ignore = (): MmioResultCode => {
    if (!a.isWrite) a.value = 0n;
    return MmioResult.HANDLED;
  };
  const ownOnly = (): MmioResultCode => (cellOwnsCpu(hv, hv.thisCell(), frameCpu) ? perform() : ignore());
  const off = a.address;
  switch (off) {
    case GICR_TYPER:
      perform();
      // The frame of last_gicr reports Last, so probing stops at the last Jailhouse CPU.
      if (!a.isWrite && frameCpu === hv.load(hv.bss(BSS.LAST_GICR))) a.value |= BigInt(GICR_TYPER_LAST);
      return MmioResult.HANDLED;
    case GICR_TYPER + 4:
    case GICR_IIDR:
      return perform();
    case GICR_SYNCR:
      return ignore();
    case GICR_ISENABLER0: case GICR_ICENABLER0: case GICR_ISPENDR0: case GICR_ICPENDR0: case GICR_ISACTIVER0: case GICR_ICACTIVER0:
      a.value &= ~BigInt(SGI_MASK | (1 << maintenanceIrq(hv)));
      return ownOnly();
    case GICR_CTLR: case GICR_STATUSR: case GICR_WAKER:
      return ownOnly();
    default:
      if (off >= GICR_PIDR4 && off <= GICR_CIDR3) return perform(); // the ID registers
      if ((off >= GICR_IPRIORITYR0 && off < GICR_IPRIORITYR0 + GICR_IPRIORITYR_SIZE) || (off >= GICR_ICFGR0 && off < GICR_ICFGR1 + 4)) return ownOnly();
      return ignore();
  }
}

/** Remember last_gicr (gicv3_init): the highest CPU of the root cell's configured set. */
export function setLastGicr(hv: Hv, cpu: number): void {
  hv.store(hv.bss(BSS.LAST_GICR), cpu);
}
