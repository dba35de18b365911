/**
 * The PCI unit (hypervisor/pci.c): device ownership. Every cell's device array and ECAM trap
 * are set up at pci_cell_init; root hands a device listed in a new cell's config over at create
 * and gets it back at pci_cell_exit; pci_reset_device at start and load. Config-space access
 * and moderation are pci-config.ts, root's MSI/MSI-X handover is pci-handover.ts, ivshmem
 * devices are ivshmem.ts, the MSI-X tables of physical devices pci-msix.ts; pci-unit.ts puts
 * the unit together.
 */
import { CELL_OFF, PCI_DEVICE_SIZE, PciType, cellPciDevicesOffset } from '../../../shared/config/layout.js';
import { Errno } from '../../../shared/errno.js';
import { PCI_CAP_ID_MSI, PCI_CAP_ID_MSIX, PCI_CMD_INTX_OFF, PCI_CMD_MEM, bdfString } from '../../pcie/regs.js';
import type { Hv } from './hv.js';
import { ivshmemExit, ivshmemInit, ivshmemReset } from './ivshmem.js';
import { CELL, PAGE_SIZE, PCIDEV, pages } from './layout.js';
import { mmioRegionRegister } from './mmio.js';
import { PCI_MMCONFIG_HANDLER, mmcfg, pciReadConfig, pciWriteConfig } from './pci-config.js';
import { cellPciDevices, devCaps, pciDevInfo, type PciDevInfo } from './pci-device.js';
import { pciPrepareHandover } from './pci-handover.js';
import { pciMsixAdd, pciMsixMaskHardware, pciMsixRemove, pciMsixResetShadow, pciSaveMsixVectors } from './pci-msix.js';
import { printk } from './printk.js';

/**
 * pci_reset_device: shadows cleared (MSI-X vectors masked); physical devices get command = MEM
 * (so the MSI-X table decodes), MSI/MSI-X off and every table vector masked, then INTx off.
 */
export function pciResetDevice(hv: Hv, dev: number): void {
  const m = hv.c.mem;
  const info = pciDevInfo(hv, dev);
  for (let i = 0; i < 4; i++) m.write32(dev + PCIDEV.MSI + 4 * i, 0);
  m.write32(dev + PCIDEV.MSIX_CTRL, 0);
  if (info.type === PciType.IVSHMEM) {
    ivshmemReset(hv, dev);
    return;
  }
  pciMsixResetShadow(hv, dev, info);
  pciWriteConfig(hv, info.bdf, 0x04, 2, PCI_CMD_MEM);
  for (const cap of devCaps(hv, m.read64(dev + PCIDEV.CELL), info)) {
    if (cap.id === PCI_CAP_ID_MSI || cap.id === PCI_CAP_ID_MSIX) pciWriteConfig(hv, info.bdf, cap.start + 2, 2, 0);
    if (cap.id === PCI_CAP_ID_MSIX) pciMsixMaskHardware(hv, dev, info);
  }
  pciWriteConfig(hv, info.bdf, 0x04, 2, PCI_CMD_INTX_OFF);
}

/**
 * pci_add_physical_device: the BARs from hardware into the shadow, the MSI-X table's shadow and
 * handler, then the device is the cell's (and reset unless the cell is root). 0 or -ENOMEM.
 */
function pciAddPhysicalDevice(hv: Hv, cell: number, dev: number): number {
  const m = hv.c.mem;
  const info = pciDevInfo(hv, dev);
  for (let i = 0; i < 6; i++) m.write32(dev + PCIDEV.BAR + 4 * i, pciReadConfig(hv, info.bdf, 0x10 + 4 * i, 4) >>> 0);
  printk(hv, `Adding PCI device ${bdfString(info.bdf)} to cell "${hv.cellName(cell)}"\n`);
  const err = pciMsixAdd(hv, cell, dev, info);
  if (err) return err;
  m.write64(dev + PCIDEV.CELL, cell);
  if (cell !== hv.rootCell) pciResetDevice(hv, dev);
  return 0;
}

function pciRemovePhysicalDevice(hv: Hv, dev: number): void {
  const m = hv.c.mem;
  const cell = m.read64(dev + PCIDEV.CELL);
  const info = pciDevInfo(hv, dev);
  printk(hv, `Removing PCI device ${bdfString(info.bdf)} from cell "${hv.cellName(cell)}"\n`);
  pciResetDevice(hv, dev);
  pciMsixRemove(hv, cell, dev, info);
  m.write64(dev + PCIDEV.CELL, 0);
}

/** The same device (domain and bdf) in another cell's array. */
function findDevice(hv: Hv, cell: number, info: PciDevInfo): number {
  for (const d of cellPciDevices(hv, cell)) {
    const o = pciDevInfo(hv, d);
    if (o.bdf === info.bdf && o.domain === info.domain) return d;
  }
  return 0;
}

/** pci_cell_init: the ECAM region, the device array, devices taken from root (or ivshmem endpoints). */
export function pciCellInit(hv: Hv, cell: number): number {
  const m = hv.c.mem;
  const w = mmcfg(hv);
  if (w.base) mmioRegionRegister(hv, cell, w.base, w.size, PCI_MMCONFIG_HANDLER, 0);
  const cfg = hv.cellConfig(cell);
  const dv = hv.configView(cfg);
  const n = dv.getUint32(CELL_OFF.num_pci_devices, true);
  m.write32(cell + CELL.NUM_PCI_DEVICES, 0);
  m.write64(cell + CELL.PCI_DEVICES, 0);
  if (n === 0) return 0;
  const np = pages(n * PCIDEV.SIZE);
  const arr = hv.memPool.alloc(np);
  if (!arr) return -Errno.ENOMEM;
  m.copyIn(arr, new Uint8Array(np * PAGE_SIZE));
  m.write64(cell + CELL.PCI_DEVICES, arr);
  m.write32(cell + CELL.NUM_PCI_DEVICES, n);
  const first = cfg + cellPciDevicesOffset(dv, 0);
  const root = hv.rootCell;
  for (let i = 0; i < n; i++) {
    const dev = arr + i * PCIDEV.SIZE;
    m.write64(dev + PCIDEV.INFO, first + i * PCI_DEVICE_SIZE);
    const info = pciDevInfo(hv, dev);
    if (info.type === PciType.IVSHMEM) {
      const err = ivshmemInit(hv, cell, dev);
      if (err) {
        pciCellExit(hv, cell);
        return err;
      }
      continue;
    }
    if (cell !== root) {
      const rootDev = findDevice(hv, root, info);
      if (rootDev && m.read64(rootDev + PCIDEV.CELL) === root) pciRemovePhysicalDevice(hv, rootDev);
    }
    const err = pciAddPhysicalDevice(hv, cell, dev);
    if (err) {
      pciCellExit(hv, cell);
      return err;
    }
    saveMsi(hv, dev, info);
  }
  if (cell === root) pciPrepareHandover(hv);
  return 0;
}

/** pci_save_msi / pci_save_msix: what the hardware holds becomes the initial shadow. */
function saveMsi(hv: Hv, dev: number, info: PciDevInfo): void {
  const m = hv.c.mem;
  for (const cap of devCaps(hv, m.read64(dev + PCIDEV.CELL), info)) {
    if (cap.id === PCI_CAP_ID_MSI) {
      for (let i = 0; i < (info.msi64 ? 4 : 3); i++) m.write32(dev + PCIDEV.MSI + 4 * i, pciReadConfig(hv, info.bdf, cap.start + 4 * i, 4) >>> 0);
    } else if (cap.id === PCI_CAP_ID_MSIX) {
      m.write32(dev + PCIDEV.MSIX_CTRL, pciReadConfig(hv, info.bdf, cap.start, 4) >>> 0);
      pciSaveMsixVectors(hv, dev, info);
    }
  }
}

/** pci_cell_exit: a non-root cell's devices go back to root (physical) or leave their link (ivshmem). */
export function pciCellExit(hv: Hv, cell: number): void {
  const m = hv.c.mem;
  const root = hv.rootCell;
  const devs = cellPciDevices(hv, cell);
  if (cell !== root) {
    for (const dev of devs) {
      const info = pciDevInfo(hv, dev);
      if (info.type === PciType.IVSHMEM) {
        if (m.read64(dev + PCIDEV.IVSHMEM)) ivshmemExit(hv, dev);
        continue;
      }
      if (m.read64(dev + PCIDEV.CELL) !== cell) continue;
      pciRemovePhysicalDevice(hv, dev);
      const rootDev = findDevice(hv, root, info);
      if (rootDev && pciAddPhysicalDevice(hv, root, rootDev)) printk(hv, `WARNING: Failed to re-assign PCI device to root cell\n`);
    }
  }
  const arr = m.read64(cell + CELL.PCI_DEVICES);
  if (arr) hv.memPool.free(arr, pages(devs.length * PCIDEV.SIZE));
  m.write64(cell + CELL.PCI_DEVICES, 0);
  m.write32(cell + CELL.NUM_PCI_DEVICES, 0);
}

/** pci_cell_reset: every device the cell owns (cell start and set_loadable). */
export function pciCellReset(hv: Hv, cell: number): void {
  for (const dev of cellPciDevices(hv, cell)) if (hv.c.mem.read64(dev + PCIDEV.CELL) === cell) pciResetDevice(hv, dev);
}
