/**
 * MSI-X of physical devices (hypervisor/pci.c): the shadow vector table a cell programs, the
 * MMIO handler on the device's real table (config `msix_address`, `msix_region_size`), and
 * arm's arch_pci_update_msix_vector, which writes the shadow to the hardware unmodified (no
 * interrupt remapping on arm). A cell never reaches the table directly: its config, and root's,
 * leave the table pages out of their memory regions, so every access traps here.
 */
import { Errno } from '../../../shared/errno.js';
import { bdfString } from '../../pcie/regs.js';
import type { Hv } from './hv.js';
import { deviceMappingPhys, pagingMapDevice, pagingUnmapDevice } from './device-map.js';
import { PCIDEV, PCI_EMBEDDED_MSIX_VECTS, pages } from './layout.js';
import { MmioResult, type MmioAccess, type MmioResultCode } from './mmio-access.js';
import { mmioRegionRegister, mmioRegionUnregister } from './mmio.js';
import type { PciDevInfo } from './pci-device.js';
import { printk } from './printk.js';
import { checkPciWrite } from './isolation-monitor.js';

/** The MMIO handler ID of pci_msix_access_handler (pciMsixAccess); arg = the struct pci_device. */
export const PCI_MSIX_HANDLER = 7;

/** union pci_msix_vector: address (lo, hi), data, vector control; 16 bytes. */
const VECTOR_SIZE = 16;
const VEC_ADDR_LO = 0;
const VEC_ADDR_HI = 4;
const VEC_DATA = 8;
/** MSIX_VECTOR_CTRL_DWORD: the vector control dword, whose bit 0 masks the vector. */
const VEC_CTRL_DWORD = 3;
const VEC_CTRL = 4 * VEC_CTRL_DWORD;
const VEC_CTRL_MASKED = 1;

/** mmio_read32 on the hypervisor's mapping of the real table (all ones where nothing decodes). */
function tableRead(hv: Hv, dev: number, off: number): number {
  const pa = deviceMappingPhys(hv, hv.c.mem.read64(dev + PCIDEV.MSIX_TABLE) + off);
  const v = pa === undefined ? undefined : hv.c.mem.mmio?.read(pa, 4);
  return v === undefined ? 0xffffffff : Number(v & 0xffffffffn);
}

function tableWrite(hv: Hv, dev: number, off: number, value: number): void {
  const pa = deviceMappingPhys(hv, hv.c.mem.read64(dev + PCIDEV.MSIX_TABLE) + off);
  if (pa !== undefined) hv.c.mem.mmio?.write(pa, 4, BigInt(value >>> 0));
}

/** Extra shadow pages a device with more than the embedded vectors needs from the mem_pool. */
function extraPages(info: PciDevInfo): number {
  return info.numMsixVectors > PCI_EMBEDDED_MSIX_VECTS ? pages(info.numMsixVectors * VECTOR_SIZE) : 0;
}

/**
 * The MSI-X part of pci_add_physical_device: the real table mapped through the remap pool, the
 * shadow vectors (embedded, or mem_pool pages beyond 16 vectors) and the table's MMIO region in
 * `cell`. 0 or -ENOMEM.
 */
export function pciMsixAdd(hv: Hv, cell: number, dev: number, info: PciDevInfo): number {
  if (!info.msixAddress) return 0;
  const m = hv.c.mem;
  const table = pagingMapDevice(hv, info.msixAddress, info.msixRegionSize);
  if (!table) return -Errno.ENOMEM;
  const extra = extraPages(info);
  let vectors = dev + PCIDEV.MSIX_EMBEDDED;
  if (extra) {
    vectors = hv.memPool.alloc(extra);
    if (!vectors) {
      pagingUnmapDevice(hv, table, info.msixRegionSize);
      return -Errno.ENOMEM;
    }
  }
  m.write64(dev + PCIDEV.MSIX_TABLE, table);
  m.copyIn(vectors, new Uint8Array(Math.max(info.numMsixVectors, 1) * VECTOR_SIZE));
  m.write64(dev + PCIDEV.MSIX_VECTORS, vectors);
  mmioRegionRegister(hv, cell, info.msixAddress, info.msixRegionSize, PCI_MSIX_HANDLER, dev);
  return 0;
}

/** The MSI-X part of pci_remove_physical_device: the region unregistered, the table unmapped, extra shadow pages freed. */
export function pciMsixRemove(hv: Hv, cell: number, dev: number, info: PciDevInfo): void {
  const m = hv.c.mem;
  const vectors = m.read64(dev + PCIDEV.MSIX_VECTORS);
  if (!info.msixAddress || !vectors) return;
  mmioRegionUnregister(hv, cell, info.msixAddress);
  const extra = extraPages(info);
  if (extra) hv.memPool.free(vectors, extra);
  pagingUnmapDevice(hv, m.read64(dev + PCIDEV.MSIX_TABLE), info.msixRegionSize);
  m.write64(dev + PCIDEV.MSIX_TABLE, 0);
  m.write64(dev + PCIDEV.MSIX_VECTORS, 0);
}

/** pci_save_msix's table half: address and data of every vector from the hardware into the shadow. */
export function pciSaveMsixVectors(hv: Hv, dev: number, info: PciDevInfo): void {
  const m = hv.c.mem;
  const vectors = m.read64(dev + PCIDEV.MSIX_VECTORS);
  if (!vectors) return;
  for (let n = 0; n < info.numMsixVectors; n++) {
    for (const r of [VEC_ADDR_LO, VEC_ADDR_HI, VEC_DATA]) m.write32(vectors + n * VECTOR_SIZE + r, tableRead(hv, dev, n * VECTOR_SIZE + r) >>> 0);
  }
}

/** arm's arch_pci_update_msix_vector: the shadow address (as two 32-bit halves) and data to the hardware. */
function archPciUpdateMsixVector(hv: Hv, dev: number, vectors: number, n: number): void {
  const m = hv.c.mem;
  const at = vectors + n * VECTOR_SIZE;
  for (const r of [VEC_ADDR_LO, VEC_ADDR_HI, VEC_DATA]) tableWrite(hv, dev, n * VECTOR_SIZE + r, m.read32(at + r));
}

/** pci_update_msix: every vector pushed to the hardware (arm cannot refuse one, so never < 0). */
export function pciUpdateMsix(hv: Hv, dev: number, info: PciDevInfo): number {
  const vectors = hv.c.mem.read64(dev + PCIDEV.MSIX_VECTORS);
  if (!vectors || !info.msixAddress) return 0;
  for (let n = 0; n < info.numMsixVectors; n++) archPciUpdateMsixVector(hv, dev, vectors, n);
  return 0;
}

/** pci_reset_device's MSI-X shadow step: every vector address 0, data 0, masked. */
export function pciMsixResetShadow(hv: Hv, dev: number, info: PciDevInfo): void {
  const m = hv.c.mem;
  const vectors = m.read64(dev + PCIDEV.MSIX_VECTORS);
  if (!vectors) return;
  for (let n = 0; n < info.numMsixVectors; n++) {
    const at = vectors + n * VECTOR_SIZE;
    m.write32(at + VEC_ADDR_LO, 0);
    m.write32(at + VEC_ADDR_HI, 0);
    m.write32(at + VEC_DATA, 0);
    m.write32(at + VEC_CTRL, m.read32(at + VEC_CTRL) | VEC_CTRL_MASKED);
  }
}

/** pci_reset_device's hardware step for the table: each vector's (masked) control dword written. */
export function pciMsixMaskHardware(hv: Hv, dev: number, info: PciDevInfo): void {
  const m = hv.c.mem;
  const vectors = m.read64(dev + PCIDEV.MSIX_VECTORS);
  if (!vectors || !info.msixAddress) return;
  for (let n = 0; n < info.numMsixVectors; n++) tableWrite(hv, dev, n * VECTOR_SIZE + VEC_CTRL, m.read32(vectors + n * VECTOR_SIZE + VEC_CTRL));
}

/**
 * pci_msix_access_handler (PCI_MSIX_HANDLER; arg = the struct pci_device): dword accesses
 * only. Writes beyond the vectors (the PBA may share the page) are invalid; a write goes into
 * the shadow and through the arch update, and the vector control dword also straight to the
 * table. Reads of a vector's address or data come from the shadow, everything else (vector
 * control, PBA) from the hardware. The access size is not checked: the value is 32 bits.
 */
export function pciMsixAccess(hv: Hv, dev: number, a: MmioAccess, info: PciDevInfo): MmioResultCode {
  const m = hv.c.mem;
  const vectors = m.read64(dev + PCIDEV.MSIX_VECTORS);
  const index = Math.floor(a.address / VECTOR_SIZE);
  const dword = (a.address % VECTOR_SIZE) >> 2;
  if (a.address % 4 !== 0 || !vectors) return invalid(hv, info);
  if (a.isWrite) {
    if (index >= info.numMsixVectors) return invalid(hv, info);
    checkPciWrite(hv, info.bdf, `MSI-X vector ${index}`, 'pci_msix_access_handler (pci.c)');
    const value = a.lo >>> 0;
    m.write32(vectors + index * VECTOR_SIZE + 4 * dword, value);
    archPciUpdateMsixVector(hv, dev, vectors, index);
    if (dword === VEC_CTRL_DWORD) tableWrite(hv, dev, index * VECTOR_SIZE + VEC_CTRL, value);
    return MmioResult.HANDLED;
  }
  a.lo = index >= info.numMsixVectors || dword === VEC_CTRL_DWORD ? tableRead(hv, dev, a.address) : m.read32(vectors + a.address) >>> 0;
  a.hi = 0;
  return MmioResult.HANDLED;
}

function invalid(hv: Hv, info: PciDevInfo): MmioResultCode {
  printk(hv, `FATAL: Invalid PCI MSI-X table/PBA access, device ${bdfString(info.bdf)}\n`);
  return MmioResult.ERROR;
}
