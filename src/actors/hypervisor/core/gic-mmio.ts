/**
 * The GIC's MMIO handlers every cell has (gic_handle_dist_access, gicv3_handle_irq_route,
 * gicv3_handle_redist_access): a cell's distributor accesses are filtered by its irq_bitmap
 * (set/clear registers poked with a mask, configuration registers read-modify-written under
 * dist_lock), IROUTER writes must name one of its CPUs exactly, and redistributor frames can be
 * probed by anyone but changed only for the cell's own CPUs. What passes is performed on the GIC
 * model (mmio_perform_access).
 */
import { spinLock, spinUnlock } from '../../../shared/sync.js';
import { sizeMask } from '../../gic/index.js';
import { cellCpus, cellOwnsCpu } from './cell.js';
import type { Hv } from './hv.js';
import { maintenanceIrq } from './irqchip.js';
import { irqchipIrqInCell } from './irqchip-cell.js';
import { BSS } from './layout.js';
import { MmioResult, type MmioAccess, type MmioResultCode } from './mmio.js';
import { printk } from './printk.js';

/** The access performed on the distributor as the guest issued it. */
function distPerform(hv: Hv, a: MmioAccess): void {
  if (a.isWrite) hv.c.gic.distAccess(a.address, a.size, true, a.value);
  else a.value = hv.c.gic.distAccess(a.address, a.size, false, 0n);
}

/**
 * restrict_bitmask_access: only the bits of the word's INTIDs the cell owns. The mask is built
 * for the aligned word and applied to the value unshifted (the byte-lane quirk).
 */
function restrictBitmask(hv: Hv, a: MmioAccess, regIndex: number, bitsPerIrq: number, isPoke: boolean): MmioResultCode {
  const cell = hv.thisCell();
  const perReg = 32 / bitsPerIrq;
  const first = regIndex * perReg;
  let mask = 0n;
  const field = (1n << BigInt(bitsPerIrq)) - 1n;
  for (let i = 0; i < perReg; i++) if (irqchipIrqInCell(hv, cell, first + i)) mask |= field << BigInt(i * bitsPerIrq);
  if (!a.isWrite) {
    distPerform(hv, a);
    a.value &= mask;
    return MmioResult.HANDLED;
  }
  if (isPoke) {
    a.value &= mask;
    distPerform(hv, a);
    return MmioResult.HANDLED;
  }
  const lock = hv.bss(BSS.DIST_LOCK);
  spinLock(hv.c.policy, lock, 'dist_lock');
  const cur = hv.c.gic.distAccess(a.address, a.size, false, 0n);
  a.value = (cur & ~mask) | (a.value & mask);
  distPerform(hv, a);
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
  for (const cpu of cellCpus(hv, cell)) {
    if (BigInt(hv.c.topo[cpu]!.mpidr) === (a.value & sizeMask(a.size))) {
      distPerform(hv, a);
      return MmioResult.HANDLED;
    }
  }
  printk(hv, `Attempt to route IRQ${irq} outside of cell\n`);
  return MmioResult.ERROR;
}

/** gic_handle_dist_access: dispatch by register range (of the access's start offset). */
export function gicHandleDistAccess(hv: Hv, a: MmioAccess): MmioResultCode {
  const off = a.address;
  if (off >= 0x6000 && off < 0x8000) return handleIrqRoute(hv, a, (off - 0x6000) >> 3);
  if (off >= 0x0800 && off < 0x0c00) {
    // ITARGETSR: affinity routing makes it RAZ/WI.
    if (!a.isWrite) a.value = 0n;
    return MmioResult.HANDLED;
  }
  if (off >= 0x0100 && off < 0x0400) return restrictBitmask(hv, a, (off & 0x7f) >> 2, 1, true);
  if (off >= 0x0080 && off < 0x0100) return restrictBitmask(hv, a, (off & 0x7f) >> 2, 1, false);
  if (off >= 0x0c00 && off < 0x0d00) return restrictBitmask(hv, a, (off & 0xff) >> 2, 2, false);
  if (off >= 0x0400 && off < 0x0800) return restrictBitmask(hv, a, (off & 0x3ff) >> 2, 8, false);
  const w = off & ~3;
  if (w === 0x0000 || w === 0x0004 || w === 0x0008 || (w >= 0xffd0 && w <= 0xfffc)) {
    if (!a.isWrite) distPerform(hv, a);
    return MmioResult.HANDLED;
  }
  if (!a.isWrite) a.value = 0n;
  return MmioResult.HANDLED;
}

/** gicv3_handle_redist_access: `frameCpu` is the CPU whose redistributor the region is. */
export function gicHandleRedistAccess(hv: Hv, a: MmioAccess, frameCpu: number): MmioResultCode {
  const gic = hv.c.gic;
  const own = cellOwnsCpu(hv, hv.thisCell(), frameCpu);
  const perform = (): void => {
    if (a.isWrite) gic.redistAccess(frameCpu, a.address, a.size, true, a.value);
    else a.value = gic.redistAccess(frameCpu, a.address, a.size, false, 0n);
  };
  const ignore = (): MmioResultCode => {
    if (!a.isWrite) a.value = 0n;
    return MmioResult.HANDLED;
  };
  const off = a.address;
  const w = off & ~3;
  switch (w) {
    case 0x0008:
      perform();
      // The frame of last_gicr reports Last, so probing stops at the last Jailhouse CPU.
      if (!a.isWrite && frameCpu === hv.load(hv.bss(BSS.LAST_GICR))) a.value |= 1n << 4n;
      return MmioResult.HANDLED;
    case 0x000c:
    case 0x0004:
      perform();
      return MmioResult.HANDLED;
    case 0x00c0:
      return ignore();
    case 0x10100: case 0x10180: case 0x10200: case 0x10280: case 0x10300: case 0x10380:
      if (a.isWrite) a.value &= ~BigInt((1 << 0) | (1 << 1) | (1 << maintenanceIrq(hv)));
      if (!own) return ignore();
      perform();
      return MmioResult.HANDLED;
    case 0x0000: case 0x0010: case 0x0014: case 0x10c00: case 0x10c04:
      if (!own) return ignore();
      perform();
      return MmioResult.HANDLED;
    default:
      if (w >= 0xffd0 && w <= 0xfffc) {
        perform();
        return MmioResult.HANDLED;
      }
      if (w >= 0x10400 && w < 0x10420) {
        if (!own) return ignore();
        perform();
        return MmioResult.HANDLED;
      }
      return ignore();
  }
}

/** Remember last_gicr (gicv3_init): the highest CPU of the root cell's configured set. */
export function setLastGicr(hv: Hv, cpu: number): void {
  hv.store(hv.bss(BSS.LAST_GICR), cpu);
}
