/**
 * jhsim's isolation monitor: not part of Jailhouse. The hypervisor emulates a cell's accesses to
 * shared hardware (the GIC distributor and redistributors, PCI config space, MSI-X tables,
 * ivshmem doorbells) after filtering them by the cell's resources. The monitor checks the
 * outcome instead of the filter: every hardware write performed on behalf of a trapped guest
 * access reports what it changed (Gic.recordChanges), and each change must lie inside the
 * accessing cell's resources as its *config* gives them (SPIs of its irqchips, root keeping what
 * no other cell lists; its CPUs' redistributors, except the hypervisor's SGI 0/1 and maintenance
 * PPI; its PCI devices; for a doorbell, the peer's own interrupts). A change outside is a
 * violation: a `jhsim: isolation violation` line on the hypervisor console naming the cell, CPU,
 * register, INTID or device and the Jailhouse function whose filter let it through, and a count
 * in the CPU's public slot (CpuWord.ISO_VIOLATIONS) that `cpus`, debugfs and stress read.
 */
import { CpuWord, IsolationMode } from '../../cpu/layout.js';
import { GicField, SGI_EVENT, SGI_INJECT, gicdRegName, gicrRegName, type GicChange } from '../../gic/index.js';
import { CELL_OFF, PCI_DEVICE_SIZE, PCI_DEV_OFF, PciType, cellPciDevicesOffset } from '../../../shared/config/layout.js';
import { bdfString } from '../../pcie/regs.js';
import { cellOwnsCpu } from './cell.js';
import { CELL } from './layout.js';
import type { Hv } from './hv.js';
import { maintenanceIrq } from './irqchip.js';
import { configIrqBits } from './irqchip-cell.js';
import { printk } from './printk.js';

/** Whether the monitor is on (the default; `--isolation-monitor off` turns it off). */
export function monitorOn(hv: Hv): boolean {
  return (hv.c.isolation & IsolationMode.MONITOR_OFF) === 0;
}

/** Whether the hypervisor runs jhsim's corrected filters (`--filters fixed`) instead of upstream's. */
export function fixedFilters(hv: Hv): boolean {
  return (hv.c.isolation & IsolationMode.FIXED_FILTERS) !== 0;
}

/** SPI owners by the cells' configs, rebuilt when the cell list changes (create, destroy). */
interface SpiOwners {
  /** The cells (struct cell addresses, root first) the table was built from. */
  cells: number[];
  /** INTID -> owning struct cell (0: none). */
  owner: Float64Array;
}
const spiOwners = new WeakMap<Hv, SpiOwners>();

/** Whether the cell list is still `list` (walked without allocating: this runs on every GIC write). */
function sameCells(hv: Hv, list: number[]): boolean {
  let i = 0;
  for (let c = hv.rootCell; c; c = hv.c.mem.read64(c + CELL.NEXT), i++) if (list[i] !== c) return false;
  return i === list.length;
}

function ownersOf(hv: Hv): SpiOwners {
  const cached = spiOwners.get(hv);
  if (cached && sameCells(hv, cached.cells)) return cached;
  const list = hv.cells();
  const owner = new Float64Array(1024);
  // Root first, then the others: a non-root cell's SPIs are its own whatever root's config lists.
  for (const cell of list) {
    const bits = configIrqBits(hv, hv.cellConfig(cell));
    if (!bits) continue;
    for (let irq = 32; irq < 1024; irq++) if ((bits[irq >> 5]! >>> (irq & 31)) & 1) owner[irq] = cell;
  }
  const t = { cells: list, owner };
  spiOwners.set(hv, t);
  return t;
}

/** The cell whose config gives it SPI `irq`: the non-root cell listing it, else root if its config does, else 0. */
export function spiOwner(hv: Hv, irq: number): number {
  return irq >= 0 && irq < 1024 ? ownersOf(hv).owner[irq]! : 0;
}

/** The cell CPU `cpu` belongs to (0: none). */
export function cpuOwner(hv: Hv, cpu: number): number {
  for (const cell of hv.cells()) if (cellOwnsCpu(hv, cell, cpu)) return cell;
  return 0;
}

function ownerName(hv: Hv, cell: number): string {
  return cell ? `cell "${hv.cellName(cell)}"` : 'no cell';
}

/** Reports one violation: console line and the CPU's counter. */
export function reportViolation(hv: Hv, what: string, filter: string): void {
  const cell = hv.thisCell();
  Atomics.add(hv.c.cpus, hv.c.my(CpuWord.ISO_VIOLATIONS), 1);
  printk(hv, `jhsim: isolation violation: cell "${hv.cellName(cell)}" (CPU ${hv.cpu}) ${what}; let through by ${filter}\n`);
}

/** Why a change is outside the accessing cell, or undefined when it is inside. */
function foreignChange(hv: Hv, c: GicChange, cell: number): string | undefined {
  if (c.cpu < 0) {
    if (c.irq < 0) return `changed the distributor's ${c.field}, which belongs to no cell`;
    const owner = spiOwner(hv, c.irq);
    return owner === cell ? undefined : `changed the ${c.field} of SPI ${c.irq}, owned by ${ownerName(hv, owner)}`;
  }
  const owner = cpuOwner(hv, c.cpu);
  if (owner !== cell) {
    const of = c.irq < 0 ? '' : ` of INTID ${c.irq}`;
    return `changed the ${c.field}${of} in the redistributor of CPU ${c.cpu}, owned by ${ownerName(hv, owner)}`;
  }
  const own = c.field === GicField.ENABLE || c.field === GicField.PENDING || c.field === GicField.ACTIVE;
  if (own && (c.irq === SGI_INJECT || c.irq === SGI_EVENT || c.irq === maintenanceIrq(hv))) {
    return `changed the ${c.field} of the hypervisor's INTID ${c.irq} on CPU ${c.cpu}`;
  }
  return undefined;
}

/**
 * Performs a GIC register write on behalf of the trapped access (mmio_perform_access) and checks
 * what it changed. `frameCpu` < 0: a distributor register at `off`, else that CPU's
 * redistributor frame.
 */
export function monitoredGicWrite(hv: Hv, off: number, size: number, frameCpu: number, value: bigint, filter: string): void {
  const gic = hv.c.gic;
  const on = monitorOn(hv);
  if (on) gic.recordChanges();
  if (frameCpu < 0) gic.distAccess(off, size, true, value);
  else gic.redistAccess(frameCpu, off, size, true, value);
  if (!on) return;
  const changes = gic.takeChanges();
  if (!changes.length) return;
  const cell = hv.thisCell();
  const reg = frameCpu < 0 ? gicdRegName(off) : `${gicrRegName(off)} of CPU ${frameCpu}`;
  for (const c of changes) {
    const why = foreignChange(hv, c, cell);
    if (why) reportViolation(hv, `wrote ${reg} (${size} byte${size > 1 ? 's' : ''}): ${why}`, filter);
  }
}

/** The cell whose config lists physical PCI function `bdf` (non-root first, then root), or 0. */
export function pciOwner(hv: Hv, bdf: number): number {
  let rootOwns = false;
  for (const cell of hv.cells()) {
    const dv = hv.configView(hv.cellConfig(cell));
    const first = cellPciDevicesOffset(dv, 0);
    const n = dv.getUint32(CELL_OFF.num_pci_devices, true);
    for (let i = 0; i < n; i++) {
      const o = first + i * PCI_DEVICE_SIZE;
      if (dv.getUint8(o + PCI_DEV_OFF.type) === PciType.IVSHMEM || dv.getUint16(o + PCI_DEV_OFF.bdf, true) !== bdf) continue;
      if (!hv.isRootCell(cell)) return cell;
      rootOwns = true;
    }
  }
  return rootOwns ? hv.rootCell : 0;
}

/** A write reached physical PCI function `bdf` (config space or MSI-X table) for this CPU's cell. */
export function checkPciWrite(hv: Hv, bdf: number, what: string, filter: string): void {
  if (!monitorOn(hv)) return;
  const owner = pciOwner(hv, bdf);
  if (owner === hv.thisCell()) return;
  reportViolation(hv, `wrote ${what} of PCI device ${bdfString(bdf)}, owned by ${ownerName(hv, owner)}`, filter);
}

/** An ivshmem doorbell of this CPU's cell raises SPI `irq` for the peer cell `peer`: it must be the peer's own. */
export function checkDoorbell(hv: Hv, peer: number, irq: number): void {
  if (!monitorOn(hv)) return;
  const owner = spiOwner(hv, irq);
  if (owner === peer) return;
  reportViolation(hv, `rang an ivshmem doorbell that raised SPI ${irq}, owned by ${ownerName(hv, owner)}, not by the peer ${ownerName(hv, peer)}`, 'ivshmem_register_mmio (ivshmem.c)');
}
