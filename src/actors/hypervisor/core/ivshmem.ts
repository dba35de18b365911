/**
 * ivshmem v2 (hypervisor/ivshmem.c): a virtual PCI function per cell config entry, linked to the
 * peers with the same bdf; its register BAR (ID, MAX_PEERS, INT_CONTROL, DOORBELL, STATE), its
 * MSI-X BAR, the state table in shared memory, and interrupts raised as SPIs on the target
 * peer's cell (arm: the vector's MSI-X data is the SPI; INTx: vpci_irq_base + pin).
 */
import { CELL_OFF, MEM_OFF, MEMORY_SIZE } from '../../../shared/config/layout.js';
import { Errno } from '../../../shared/errno.js';
import { spinLock, spinUnlock } from '../../../shared/sync.js';
import { cellMemRegionsAddr } from './cell.js';
import type { Hv } from './hv.js';
import { irqchipIrqInCell } from './irqchip-cell.js';
import { BSS, IVEP, IVLINK, PCIDEV } from './layout.js';
import { MmioResult, type MmioAccess, type MmioResultCode } from './mmio-access.js';
import { mmioRegionRegister, mmioRegionUnregister } from './mmio.js';
import { PciAccess, pciDevInfo, type PciAccessValue } from './pci-device.js';
import { printk } from './printk.js';
import { checkDoorbell } from './isolation-monitor.js';

export const IVSHMEM_MAX_PEERS = 12;
/** The MMIO handler ID of ivshmem_register_mmio (ivshmemRegisterAccess); arg = the struct pci_device. */
export const IVSHMEM_REGS_HANDLER = 5;
/** The MMIO handler ID of ivshmem_msix_mmio (ivshmemMsixAccess); arg = the struct pci_device. */
export const IVSHMEM_MSIX_HANDLER = 6;
const IVSHMEM_MAX_VECTORS = 16;
const IVSHMEM_CFG_WORDS = 0x80 / 4;
const MSIX_REGION_SIZE = 0x200;
const CMD_MEM = 1 << 1;
const CMD_MASTER = 1 << 2;
const CMD_INTX_OFF = 1 << 10;
/** cspace rows. */
const ROW_COMMAND = 0x04 >> 2;
const ROW_VNDR = 0x40 >> 2;
const ROW_MSIX = 0x60 >> 2;
const VNDR_ONESHOT = 1 << 24;
const MSIX_ENABLE = 1 << 31;
const MSIX_FMASK = 1 << 30;

const mem = (hv: Hv) => hv.c.mem;
const cs = (hv: Hv, ep: number, row: number): number => mem(hv).read32(ep + IVEP.CSPACE + 4 * row);
const setCs = (hv: Hv, ep: number, row: number, v: number): void => mem(hv).write32(ep + IVEP.CSPACE + 4 * row, v >>> 0);
const epOf = (hv: Hv, dev: number): number => mem(hv).read64(dev + PCIDEV.IVSHMEM);

/** Run `fn` under the endpoint's irq_lock (interrupt state: INT_CONTROL and the SPI cache). */
function withIrqLock<T>(hv: Hv, ep: number, fn: () => T): T {
  const lock = hv.c.mem.atomicWord(ep + IVEP.IRQ_LOCK);
  spinLock(hv.c.policy, lock, 'ivshmem irq_lock');
  try {
    return fn();
  } finally {
    spinUnlock(lock);
  }
}

function clearIrqCache(hv: Hv, ep: number): void {
  for (let v = 0; v < IVSHMEM_MAX_VECTORS; v++) mem(hv).write32(ep + IVEP.IRQ_CACHE + 4 * v, 0);
}

/** Shared-memory region i of the endpoint's set (0 state table, 1 R/W, 2.. output sections). */
function shmemRegion(hv: Hv, ep: number, i: number): { phys: number; virt: number; size: number } {
  const m = mem(hv);
  const r = m.read64(ep + IVEP.SHMEM) + i * MEMORY_SIZE;
  return { phys: m.read64(r + MEM_OFF.phys_start), virt: m.read64(r + MEM_OFF.virt_start), size: m.read64(r + MEM_OFF.size) };
}

/** ivshmem_init (from pci_cell_init). */
export function ivshmemInit(hv: Hv, cell: number, dev: number): number {
  const m = mem(hv);
  const info = pciDevInfo(hv, dev);
  const hex2 = (n: number): string => n.toString(16).padStart(2, '0');
  printk(hv, `Adding virtual PCI device ${hex2((info.bdf >> 8) & 0xff)}:${hex2((info.bdf >> 3) & 0x1f)}.${info.bdf & 7} to cell "${hv.cellName(cell)}"\n`);
  const dv = hv.configView(hv.cellConfig(cell));
  const numRegions = dv.getUint32(CELL_OFF.num_memory_regions, true);
  if (info.shmemRegionsStart + 2 + info.shmemPeers > numRegions || info.numMsixVectors > IVSHMEM_MAX_VECTORS) return -Errno.EINVAL;
  if (info.shmemDevId >= IVSHMEM_MAX_PEERS) return -Errno.EINVAL;
  let link = m.read64(hv.bssPhys(BSS.IVSHMEM_LINKS));
  while (link && m.read32(link + IVLINK.BDF) !== info.bdf) link = m.read64(link + IVLINK.NEXT);
  if (link && m.read64(link + IVLINK.EPS + 8 * info.shmemDevId)) {
    printk(hv, `ERROR: ivshmem device ${info.bdf.toString(16)}: peer ${info.shmemDevId} already connected\n`);
    return -Errno.EBUSY;
  }
  // The hypervisor itself writes the state table (region 0): it must be RAM, not whatever the config names.
  const stateTable = cellMemRegionsAddr(hv, cell) + info.shmemRegionsStart * MEMORY_SIZE;
  const statePhys = m.read64(stateTable + MEM_OFF.phys_start);
  if (!m.contains(statePhys, Math.max(1, 4 * info.shmemPeers))) {
    printk(hv, `ERROR: ivshmem device ${info.bdf.toString(16)}: state table at 0x${statePhys.toString(16)} is not RAM\n`);
    return -Errno.EINVAL;
  }
  const ep = hv.memPool.alloc(1);
  if (!ep) return -Errno.ENOMEM;
  m.copyIn(ep, new Uint8Array(IVEP.SIZE));
  if (!link) {
    link = hv.memPool.alloc(1);
    if (!link) {
      hv.memPool.free(ep, 1);
      return -Errno.ENOMEM;
    }
    m.copyIn(link, new Uint8Array(IVLINK.SIZE));
    m.write32(link + IVLINK.BDF, info.bdf);
    m.write64(link + IVLINK.NEXT, m.read64(hv.bssPhys(BSS.IVSHMEM_LINKS)));
    m.write64(hv.bssPhys(BSS.IVSHMEM_LINKS), link);
  }
  const peers = m.read32(link + IVLINK.PEERS) + 1;
  m.write32(link + IVLINK.PEERS, peers);
  m.write64(link + IVLINK.EPS + 8 * info.shmemDevId, ep);
  m.write64(ep + IVEP.DEVICE, dev);
  m.write64(ep + IVEP.LINK, link);
  m.write64(ep + IVEP.SHMEM, cellMemRegionsAddr(hv, cell) + info.shmemRegionsStart * MEMORY_SIZE);
  m.write64(dev + PCIDEV.IVSHMEM, ep);
  m.write64(dev + PCIDEV.MSIX_VECTORS, ep + IVEP.MSIX);
  if (peers === 1) m.copyIn(shmemRegion(hv, ep, 0).phys, new Uint8Array(4 * info.shmemPeers));
  m.write64(dev + PCIDEV.CELL, cell);
  ivshmemReset(hv, dev);
  return 0;
}

/** ivshmem_reset: interrupts off, BAR regions gone, the config space image reloaded, state 0. */
export function ivshmemReset(hv: Hv, dev: number): void {
  const m = mem(hv);
  const ep = epOf(hv, dev);
  const info = pciDevInfo(hv, dev);
  withIrqLock(hv, ep, () => {
    m.write32(ep + IVEP.INT_CTRL, 0);
    clearIrqCache(hv, ep);
  });
  if (cs(hv, ep, ROW_COMMAND) & CMD_MEM) unmapBars(hv, dev, ep);
  for (let i = 0; i < 6; i++) m.write32(dev + PCIDEV.BAR + 4 * i, 0);
  m.write32(dev + PCIDEV.MSIX_CTRL, 0);
  for (let row = 0; row < IVSHMEM_CFG_WORDS; row++) setCs(hv, ep, row, 0);
  setCs(hv, ep, 0x00 >> 2, 0x4106110a);
  setCs(hv, ep, 0x04 >> 2, 0x00100000);
  setCs(hv, ep, 0x08 >> 2, 0xff000000 | (info.shmemProtocol << 8));
  setCs(hv, ep, 0x2c >> 2, 0x4106110a);
  setCs(hv, ep, 0x34 >> 2, 0x40);
  const msix = info.numMsixVectors > 0;
  if (!msix) setCs(hv, ep, 0x3c >> 2, (((info.bdf >> 3) & 3) + 1) << 8);
  setCs(hv, ep, ROW_VNDR, (0x20 << 16) | ((msix ? 0x60 : 0) << 8) | 0x09);
  setCs(hv, ep, 0x44 >> 2, shmemRegion(hv, ep, 0).size);
  const rw = shmemRegion(hv, ep, 1).size;
  const out = shmemRegion(hv, ep, 2).size;
  setCs(hv, ep, 0x48 >> 2, rw % 0x1_0000_0000);
  setCs(hv, ep, 0x4c >> 2, Math.floor(rw / 0x1_0000_0000));
  setCs(hv, ep, 0x50 >> 2, out % 0x1_0000_0000);
  setCs(hv, ep, 0x54 >> 2, Math.floor(out / 0x1_0000_0000));
  const base = shmemRegion(hv, ep, 0).virt;
  setCs(hv, ep, 0x58 >> 2, base % 0x1_0000_0000);
  setCs(hv, ep, 0x5c >> 2, Math.floor(base / 0x1_0000_0000));
  if (msix) {
    setCs(hv, ep, ROW_MSIX, ((info.numMsixVectors - 1) << 16) | 0x11);
    setCs(hv, ep, 0x64 >> 2, 0x00000001);
    setCs(hv, ep, 0x68 >> 2, 0x00000101);
  }
  for (let v = 0; v < IVSHMEM_MAX_VECTORS; v++) {
    const e = ep + IVEP.MSIX + 16 * v;
    m.write32(e, 0);
    m.write32(e + 4, 0);
    m.write32(e + 8, 0);
    m.write32(e + 12, 1);
  }
  writeState(hv, ep, 0);
}

/** ivshmem_exit (from pci_cell_exit): the endpoint leaves its link; the last peer frees it. */
export function ivshmemExit(hv: Hv, dev: number): void {
  const m = mem(hv);
  const ep = epOf(hv, dev);
  const info = pciDevInfo(hv, dev);
  withIrqLock(hv, ep, () => clearIrqCache(hv, ep));
  if (cs(hv, ep, ROW_COMMAND) & CMD_MEM) unmapBars(hv, dev, ep);
  writeState(hv, ep, 0);
  const link = m.read64(ep + IVEP.LINK);
  m.write64(link + IVLINK.EPS + 8 * info.shmemDevId, 0);
  const peers = m.read32(link + IVLINK.PEERS) - 1;
  m.write32(link + IVLINK.PEERS, peers);
  if (peers === 0) {
    let prev = hv.bssPhys(BSS.IVSHMEM_LINKS);
    while (m.read64(prev) && m.read64(prev) !== link) prev = m.read64(prev) + IVLINK.NEXT;
    m.write64(prev, m.read64(link + IVLINK.NEXT));
    hv.memPool.free(link, 1);
  }
  m.write64(dev + PCIDEV.IVSHMEM, 0);
  m.write64(dev + PCIDEV.MSIX_VECTORS, 0);
  m.write64(dev + PCIDEV.CELL, 0);
  hv.memPool.free(ep, 1);
}

/** The dword of the virtual config space (all ones past 0x80). */
export function ivshmemPciCfgRead(hv: Hv, dev: number, row: number): number {
  return row < IVSHMEM_CFG_WORDS ? cs(hv, epOf(hv, dev), row) : 0xffffffff;
}

/** Config writes that passed the PCI core's header filter (and everything from 0x40). */
export function ivshmemPciCfgWrite(hv: Hv, dev: number, row: number, mask: number, value: number): PciAccessValue {
  if (row >= IVSHMEM_CFG_WORDS) return PciAccess.REJECT;
  const ep = epOf(hv, dev);
  const old = cs(hv, ep, row);
  const v = ((old & ~mask) | (value & mask)) >>> 0;
  if (row === ROW_COMMAND) {
    const changed = (old ^ v) & 0xffff;
    setCs(hv, ep, row, (old & 0xffff0000) | (v & (CMD_MEM | CMD_MASTER | CMD_INTX_OFF)));
    if (changed & CMD_MEM) {
      if (old & CMD_MEM) unmapBars(hv, dev, ep);
      if (v & CMD_MEM) mapBars(hv, dev, ep);
    }
    if (changed & (CMD_MASTER | CMD_INTX_OFF) && updateRouting(hv, dev, ep) < 0) return PciAccess.REJECT;
    return PciAccess.DONE;
  }
  if (row === ROW_MSIX && pciDevInfo(hv, dev).numMsixVectors > 0) {
    setCs(hv, ep, row, (old & ~(MSIX_ENABLE | MSIX_FMASK)) | (v & (MSIX_ENABLE | MSIX_FMASK)));
    return updateRouting(hv, dev, ep) < 0 ? PciAccess.REJECT : PciAccess.DONE;
  }
  if (row === ROW_VNDR) setCs(hv, ep, row, (old & ~VNDR_ONESHOT) | (v & VNDR_ONESHOT));
  return PciAccess.DONE;
}

function mapBars(hv: Hv, dev: number, ep: number): void {
  const m = mem(hv);
  const cell = m.read64(dev + PCIDEV.CELL);
  const info = pciDevInfo(hv, dev);
  const bar0 = m.read32(dev + PCIDEV.BAR) & ~0xf;
  const bar1 = m.read32(dev + PCIDEV.BAR + 4) & ~0xf;
  mmioRegionRegister(hv, cell, bar0 >>> 0, ((~info.barMask[0]! >>> 0) + 1) >>> 0, IVSHMEM_REGS_HANDLER, dev);
  mmioRegionRegister(hv, cell, bar1 >>> 0, MSIX_REGION_SIZE, IVSHMEM_MSIX_HANDLER, dev);
  m.write64(ep + IVEP.IOREGION, bar0 >>> 0);
  m.write64(ep + IVEP.IOREGION + 8, bar1 >>> 0);
}

function unmapBars(hv: Hv, dev: number, ep: number): void {
  const m = mem(hv);
  const cell = m.read64(dev + PCIDEV.CELL);
  mmioRegionUnregister(hv, cell, m.read64(ep + IVEP.IOREGION));
  mmioRegionUnregister(hv, cell, m.read64(ep + IVEP.IOREGION + 8));
}

/** Recompute the SPI of every vector (MSI-X) or of the INTx pin; -EPERM if an SPI is not the cell's. */
function updateRouting(hv: Hv, dev: number, ep: number): number {
  const m = mem(hv);
  const info = pciDevInfo(hv, dev);
  const cell = m.read64(dev + PCIDEV.CELL);
  const cmd = cs(hv, ep, ROW_COMMAND);
  const irqs: number[] = [];
  if (info.numMsixVectors > 0) {
    const ctl = cs(hv, ep, ROW_MSIX);
    for (let v = 0; v < info.numMsixVectors; v++) {
      const e = ep + IVEP.MSIX + 16 * v;
      const on = (ctl & MSIX_ENABLE) !== 0 && (ctl & MSIX_FMASK) === 0 && (m.read32(e + 12) & 1) === 0 && (cmd & CMD_MASTER) !== 0;
      const irq = on ? m.read32(e + 8) : 0;
      if (on && (irq < 32 || !irqchipIrqInCell(hv, cell, irq))) return -Errno.EPERM;
      irqs.push(irq);
    }
  } else {
    const pin = ((info.bdf >> 3) & 3) + 1;
    const base = hv.configView(hv.cellConfig(cell)).getUint32(CELL_OFF.vpci_irq_base, true);
    irqs.push(cmd & CMD_INTX_OFF ? 0 : 32 + base + pin - 1);
  }
  withIrqLock(hv, ep, () => irqs.forEach((irq, v) => m.write32(ep + IVEP.IRQ_CACHE + 4 * v, irq)));
  return 0;
}

/** ivshmem_trigger_interrupt on a peer's endpoint (absent peer: nothing). */
function trigger(hv: Hv, ep: number, vector: number): void {
  if (!ep) return;
  const m = mem(hv);
  withIrqLock(hv, ep, () => {
    if (!(m.read32(ep + IVEP.INT_CTRL) & 1)) return;
    if (cs(hv, ep, ROW_VNDR) & VNDR_ONESHOT) m.write32(ep + IVEP.INT_CTRL, 0);
    const irq = m.read32(ep + IVEP.IRQ_CACHE + 4 * vector);
    // The doorbell's data is already visible: Atomics-based SAB accesses are sequentially consistent.
    if (!irq) return;
    checkDoorbell(hv, m.read64(m.read64(ep + IVEP.DEVICE) + PCIDEV.CELL), irq);
    hv.c.gic.raiseSpi(irq);
  });
}

/** write_state: the state table slot, and vector 0 on every other peer when it changed. */
function writeState(hv: Hv, ep: number, value: number): void {
  const m = mem(hv);
  const dev = m.read64(ep + IVEP.DEVICE);
  const info = pciDevInfo(hv, dev);
  m.write32(shmemRegion(hv, ep, 0).phys + 4 * info.shmemDevId, value >>> 0);
  if (m.read32(ep + IVEP.STATE) === value >>> 0) return;
  m.write32(ep + IVEP.STATE, value >>> 0);
  const link = m.read64(ep + IVEP.LINK);
  for (let id = 0; id < info.shmemPeers; id++) {
    const peer = m.read64(link + IVLINK.EPS + 8 * id);
    if (peer && peer !== ep) trigger(hv, peer, 0);
  }
}

/** The register BAR (IVSHMEM_REGS_HANDLER). */
export function ivshmemRegisterAccess(hv: Hv, dev: number, a: MmioAccess): MmioResultCode {
  const m = mem(hv);
  const ep = epOf(hv, dev);
  const info = pciDevInfo(hv, dev);
  const v = Number(a.value & 0xffffffffn);
  switch (a.address) {
    case 0x00:
      if (!a.isWrite) a.value = BigInt(info.shmemDevId);
      break;
    case 0x04:
      if (!a.isWrite) a.value = BigInt(info.shmemPeers);
      break;
    case 0x08:
      if (a.isWrite) {
        withIrqLock(hv, ep, () => m.write32(ep + IVEP.INT_CTRL, v & 1));
        if (updateRouting(hv, dev, ep) < 0) return MmioResult.ERROR;
      } else a.value = BigInt(m.read32(ep + IVEP.INT_CTRL));
      break;
    case 0x0c:
      if (a.isWrite) {
        const vector = v & 0xffff;
        const target = v >>> 16;
        if (vector < (info.numMsixVectors || 1) && target < IVSHMEM_MAX_PEERS) trigger(hv, m.read64(m.read64(ep + IVEP.LINK) + IVLINK.EPS + 8 * target), vector);
      } else a.value = 0n;
      break;
    case 0x10:
      if (a.isWrite) writeState(hv, ep, v);
      else a.value = BigInt(m.read32(ep + IVEP.STATE));
      break;
    default:
      if (!a.isWrite) a.value = 0n;
  }
  return MmioResult.HANDLED;
}

/** The MSI-X BAR (IVSHMEM_MSIX_HANDLER): the table shadow; the PBA reads 0. */
export function ivshmemMsixAccess(hv: Hv, dev: number, a: MmioAccess): MmioResultCode {
  const m = mem(hv);
  const ep = epOf(hv, dev);
  if (a.address % 4 !== 0) return MmioResult.ERROR;
  if (a.address >= 0x100) {
    if (a.isWrite) return MmioResult.ERROR;
    a.value = 0n;
    return MmioResult.HANDLED;
  }
  if (a.address >> 4 >= pciDevInfo(hv, dev).numMsixVectors) return MmioResult.ERROR;
  const at = ep + IVEP.MSIX + a.address;
  if (a.isWrite) {
    m.write32(at, Number(a.value & 0xffffffffn));
    if (a.size === 8) m.write32(at + 4, Number((a.value >> 32n) & 0xffffffffn));
    if (updateRouting(hv, dev, ep) < 0) return MmioResult.ERROR;
  } else {
    a.value = BigInt(m.read32(at)) | (a.size === 8 ? BigInt(m.read32(at + 4)) << 32n : 0n);
  }
  return MmioResult.HANDLED;
}

