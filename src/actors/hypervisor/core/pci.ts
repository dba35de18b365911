/**
 * The PCI unit (hypervisor/pci.c): every cell's ECAM trap (pci_mmconfig_access_handler), device
 * ownership (root hands a device listed in a new cell's config over at create and gets it back
 * at destroy), the config-space moderation that hides what a cell does not own and shadows BARs
 * and MSI, device reset, and the commit-time MSI/MSI-X handover. ivshmem devices are virtual
 * functions handled by ivshmem.ts behind the same moderation; the MSI-X tables of physical
 * devices are pci-msix.ts.
 */
import { CELL_OFF, PCI_CAP_OFF, PCI_CAP_SIZE, PCI_DEVICE_SIZE, PCI_DEV_OFF, PciType, SYS_OFF, cellPciCapsOffset, cellPciDevicesOffset } from '../../../shared/config/layout.js';
import { Errno } from '../../../shared/errno.js';
import { bdfString } from '../../pcie/regs.js';
import type { Hv } from './hv.js';
import { ivshmemExit, ivshmemInit, ivshmemPciCfgRead, ivshmemPciCfgWrite, ivshmemReset } from './ivshmem.js';
import { CELL, PAGE_SIZE, PCIDEV, pages } from './layout.js';
import { MmioResult, type MmioAccess, type MmioResultCode } from './mmio-access.js';
import { mmioRegionRegister } from './mmio.js';
import { PciAccess, pciDevInfo, type PciAccessValue, type PciDevInfo } from './pci-device.js';
import { pciMsixAdd, pciMsixMaskHardware, pciMsixRemove, pciMsixResetShadow, pciSaveMsixVectors, pciUpdateMsix } from './pci-msix.js';
import { printk } from './printk.js';
import { checkPciWrite } from './isolation-monitor.js';

/** The MMIO handler ID of pci_mmconfig_access_handler (pciMmconfigAccess); arg unused. */
export const PCI_MMCONFIG_HANDLER = 4;

const PCI_CAP_ID_MSI = 0x05;
const PCI_CAP_ID_MSIX = 0x11;
/** Capability flags in the config (JAILHOUSE_PCICAPS_WRITE). */
const PCICAPS_WRITE = 0x0001;
const PCI_CMD_MEM = 0x0002;
const PCI_CMD_INTX_OFF = 0x0400;
/** MSI-X Message Control: function mask (bit 14) and enable (bit 15) in the upper half of the cap's first dword. */
const MSIX_CTRL_FMASK = 0x4000;

/** The header write permissions (pci.c endpoint_write_access / bridge_write_access). */
const enum Perm { DENY, RDONLY, ALLOW }
type Row = readonly [Perm, number];
const ENDPOINT_WRITE: readonly Row[] = [
  [Perm.DENY, 0], [Perm.ALLOW, 0xffffffff], [Perm.DENY, 0], [Perm.ALLOW, 0xffffffff],
  [Perm.DENY, 0], [Perm.DENY, 0], [Perm.DENY, 0], [Perm.DENY, 0], [Perm.DENY, 0], [Perm.DENY, 0],
  [Perm.DENY, 0], [Perm.DENY, 0], [Perm.RDONLY, 0xffffffff], [Perm.DENY, 0], [Perm.DENY, 0], [Perm.ALLOW, 0x000000ff],
];
const BRIDGE_WRITE: readonly Row[] = [
  [Perm.DENY, 0], [Perm.ALLOW, 0xffffffff], [Perm.DENY, 0], [Perm.ALLOW, 0xffffffff],
  [Perm.DENY, 0], [Perm.DENY, 0], [Perm.DENY, 0], [Perm.RDONLY, 0x0000ffff], [Perm.RDONLY, 0xffffffff], [Perm.RDONLY, 0xffffffff],
  [Perm.RDONLY, 0xffffffff], [Perm.RDONLY, 0xffffffff], [Perm.RDONLY, 0xffffffff], [Perm.DENY, 0], [Perm.DENY, 0], [Perm.ALLOW, 0xffff00ff],
];

interface PciCap { id: number; start: number; len: number; flags: number }

/** The capabilities the config lists for a device (pci_caps[caps_start .. + num_caps]). */
function devCaps(hv: Hv, cell: number, info: PciDevInfo): PciCap[] {
  const dv = hv.configView(hv.cellConfig(cell));
  const first = cellPciCapsOffset(dv, 0);
  const out: PciCap[] = [];
  // caps_start and num_caps are not checked against the config (upstream neither): read only
  // the config's own pci_caps array, so caps named past its end are left out, not read from beyond.
  const n = Math.max(0, Math.min(info.numCaps, dv.getUint32(CELL_OFF.num_pci_caps, true) - info.capsStart));
  for (let i = 0; i < n; i++) {
    const o = first + (info.capsStart + i) * PCI_CAP_SIZE;
    out.push({ id: dv.getUint16(o + PCI_CAP_OFF.id, true), start: dv.getUint16(o + PCI_CAP_OFF.start, true), len: dv.getUint16(o + PCI_CAP_OFF.len, true), flags: dv.getUint16(o + PCI_CAP_OFF.flags, true) });
  }
  return out;
}

/** The cell's device array. */
export function cellPciDevices(hv: Hv, cell: number): number[] {
  const m = hv.c.mem;
  const base = m.read64(cell + CELL.PCI_DEVICES);
  const n = m.read32(cell + CELL.NUM_PCI_DEVICES);
  return Array.from({ length: base ? n : 0 }, (_, i) => base + i * PCIDEV.SIZE);
}

/** pci_get_assigned_device: the cell's device at bdf, only while the cell actively owns it. */
export function pciGetAssignedDevice(hv: Hv, cell: number, bdf: number): number {
  const m = hv.c.mem;
  for (const dev of cellPciDevices(hv, cell)) {
    if (m.read16(m.read64(dev + PCIDEV.INFO) + PCI_DEV_OFF.bdf) === bdf) return m.read64(dev + PCIDEV.CELL) === cell ? dev : 0;
  }
  return 0;
}

/** The ECAM window the system config names: base, size in bytes, and whether hardware is behind it. */
function mmcfg(hv: Hv): { base: number; size: number; hardware: boolean } {
  const m = hv.c.mem;
  const sys = hv.systemConfig;
  const endBus = m.read8(sys + SYS_OFF.pci_mmconfig_end_bus);
  return { base: m.read64(sys + SYS_OFF.pci_mmconfig_base), size: (endBus + 1) * 256 * 4096, hardware: m.read8(sys + SYS_OFF.pci_is_virtual) === 0 };
}

/** pci_read_config: through the mapped ECAM window; without one (virtual PCI) all ones. */
export function pciReadConfig(hv: Hv, bdf: number, reg: number, size: 1 | 2 | 4): number {
  const w = mmcfg(hv);
  if (!w.base || !w.hardware || bdf * 4096 >= w.size) return size === 4 ? 0xffffffff : (1 << (8 * size)) - 1;
  const v = hv.c.mem.mmio?.read(w.base + bdf * 4096 + reg, size);
  return v === undefined ? 0xffffffff : Number(v);
}

/** pci_write_config: dropped without a hardware window. */
export function pciWriteConfig(hv: Hv, bdf: number, reg: number, size: 1 | 2 | 4, value: number): void {
  const w = mmcfg(hv);
  if (!w.base || !w.hardware || bdf * 4096 >= w.size) return;
  hv.c.mem.mmio?.write(w.base + bdf * 4096 + reg, size, BigInt(value >>> 0));
}

function findCap(hv: Hv, dev: number, info: PciDevInfo, reg: number): PciCap | undefined {
  const cell = hv.c.mem.read64(dev + PCIDEV.CELL);
  return devCaps(hv, cell, info).find((c) => reg >= c.start && reg < c.start + c.len);
}

/** pci_cfg_read_moderate: the value a cell sees instead of the hardware, or PERFORM. */
export function pciCfgReadModerate(hv: Hv, dev: number, reg: number, size: number): { r: PciAccessValue; value: number } {
  if (!dev) return { r: PciAccess.DONE, value: 0xffffffff };
  const m = hv.c.mem;
  const info = pciDevInfo(hv, dev);
  const shift = (reg % 4) * 8;
  if (info.type !== PciType.BRIDGE && reg >= 0x10 && reg < 0x28) {
    return { r: PciAccess.DONE, value: Math.floor(m.read32(dev + PCIDEV.BAR + (reg - 0x10 - (reg % 4))) / 2 ** shift) };
  }
  if (info.type !== PciType.BRIDGE && reg >= 0x30 && reg < 0x34) return { r: PciAccess.DONE, value: 0 };
  if (info.type === PciType.IVSHMEM) return { r: PciAccess.DONE, value: Math.floor(ivshmemPciCfgRead(hv, dev, reg >> 2) / 2 ** shift) };
  if (reg < 0x40) return { r: PciAccess.PERFORM, value: 0 };
  const cap = findCap(hv, dev, info, reg);
  if (!cap) return { r: PciAccess.PERFORM, value: 0 };
  const capOff = reg - cap.start;
  if (cap.id === PCI_CAP_ID_MSI && capOff >= 4 && (capOff < 10 || (info.msi64 && capOff < 14))) {
    return { r: PciAccess.DONE, value: Math.floor(m.read32(dev + PCIDEV.MSI + (capOff & ~3)) / 2 ** shift) };
  }
  void size;
  return { r: PciAccess.PERFORM, value: 0 };
}

/** pci_cfg_write_moderate. */
export function pciCfgWriteModerate(hv: Hv, dev: number, reg: number, size: number, value: number): PciAccessValue {
  if (!dev) return PciAccess.REJECT;
  const m = hv.c.mem;
  const info = pciDevInfo(hv, dev);
  const shift = (reg % 4) * 8;
  const mask = (((size === 4 ? 0xffffffff : (1 << (8 * size)) - 1) * 2 ** shift) >>> 0);
  const v = ((value * 2 ** shift) >>> 0) & mask;
  if (info.type !== PciType.BRIDGE && reg >= 0x10 && reg < 0x28) {
    const n = (reg - 0x10) >> 2;
    const m2 = (mask & info.barMask[n]!) >>> 0;
    const at = dev + PCIDEV.BAR + 4 * n;
    m.write32(at, ((m.read32(at) & ~m2) | (v & m2)) >>> 0);
    return PciAccess.DONE;
  }
  if (reg < 0x40) {
    const [perm, rowMask] = (info.type === PciType.BRIDGE ? BRIDGE_WRITE : ENDPOINT_WRITE)[reg >> 2]!;
    if (((rowMask & mask) >>> 0) !== mask) return PciAccess.REJECT;
    if (perm === Perm.ALLOW) return info.type === PciType.IVSHMEM ? ivshmemPciCfgWrite(hv, dev, reg >> 2, mask, v) : PciAccess.PERFORM;
    return perm === Perm.RDONLY ? PciAccess.DONE : PciAccess.REJECT;
  }
  if (info.type === PciType.IVSHMEM) return ivshmemPciCfgWrite(hv, dev, reg >> 2, mask, v);
  const cap = findCap(hv, dev, info, reg);
  if (!cap || !(cap.flags & PCICAPS_WRITE)) return PciAccess.REJECT;
  const capOff = reg - cap.start;
  if (cap.id === PCI_CAP_ID_MSI && (capOff < 10 || (info.msi64 && capOff < 14))) {
    const at = dev + PCIDEV.MSI + (capOff & ~3);
    m.write32(at, ((m.read32(at) & ~mask) | v) >>> 0);
    archPciUpdateMsi(hv, dev, info, cap);
    return capOff >= 4 ? PciAccess.DONE : PciAccess.PERFORM;
  }
  if (cap.id === PCI_CAP_ID_MSIX && capOff < 4) {
    const at = dev + PCIDEV.MSIX_CTRL;
    m.write32(at, ((m.read32(at) & ~mask) | v) >>> 0);
    return pciUpdateMsix(hv, dev, info) < 0 ? PciAccess.REJECT : PciAccess.PERFORM;
  }
  return PciAccess.PERFORM;
}

/** arm's arch_pci_update_msi: the shadow address and data go to the hardware unmodified (no remapping). */
function archPciUpdateMsi(hv: Hv, dev: number, info: PciDevInfo, cap: PciCap): void {
  const m = hv.c.mem;
  const words = info.msi64 ? 3 : 2;
  for (let i = 1; i <= words; i++) pciWriteConfig(hv, info.bdf, cap.start + 4 * i, 4, m.read32(dev + PCIDEV.MSI + 4 * i));
}

/** pci_mmconfig_access_handler (PCI_MMCONFIG_HANDLER): `a.address` is the offset in the window. */
export function pciMmconfigAccess(hv: Hv, a: MmioAccess): MmioResultCode {
  const reg = a.address & 0xfff;
  const bdf = Math.floor(a.address / 4096);
  if (a.size > 4) return MmioResult.ERROR;
  const size = a.size as 1 | 2 | 4;
  const dev = pciGetAssignedDevice(hv, hv.thisCell(), bdf);
  if (a.isWrite) {
    const r = pciCfgWriteModerate(hv, dev, reg, size, Number(a.value & 0xffffffffn));
    if (r === PciAccess.REJECT) {
      printk(hv, `FATAL: Invalid PCI MMCONFIG write, device ${bdfString(bdf)}, reg: 0x${reg.toString(16)}, size: ${size}\n`);
      return MmioResult.ERROR;
    }
    if (r === PciAccess.PERFORM) {
      checkPciWrite(hv, bdf, `config register 0x${reg.toString(16)} (${size} byte${size > 1 ? 's' : ''})`, 'pci_cfg_write_moderate (pci.c)');
      pciWriteConfig(hv, bdf, reg, size, Number(a.value & 0xffffffffn));
    }
    return MmioResult.HANDLED;
  }
  const { r, value } = pciCfgReadModerate(hv, dev, reg, size);
  const v = r === PciAccess.PERFORM ? pciReadConfig(hv, bdf, reg, size) : value;
  // An all-ones answer is not masked to the access size, as in Jailhouse (the trap truncates).
  a.value = BigInt(Math.floor(v) >>> 0) & ((1n << BigInt(8 * size)) - 1n);
  return MmioResult.HANDLED;
}

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

/** The physical devices root actively owns, with their config entries and capabilities. */
function rootPhysicalDevices(hv: Hv): { dev: number; info: PciDevInfo; caps: PciCap[] }[] {
  const root = hv.rootCell;
  return cellPciDevices(hv, root)
    .filter((dev) => hv.c.mem.read64(dev + PCIDEV.CELL) === root)
    .map((dev) => ({ dev, info: pciDevInfo(hv, dev) }))
    .filter(({ info }) => info.type !== PciType.IVSHMEM)
    .map(({ dev, info }) => ({ dev, info, caps: devCaps(hv, root, info) }));
}

/** pci_suppress_msix: the shadow Message Control to the hardware, with the function mask forced on or as shadowed. */
function pciSuppressMsix(hv: Hv, dev: number, info: PciDevInfo, cap: PciCap, suppressed: boolean): void {
  const ctrl = hv.c.mem.read32(dev + PCIDEV.MSIX_CTRL) >>> 16;
  pciWriteConfig(hv, info.bdf, cap.start + 2, 2, suppressed ? ctrl | MSIX_CTRL_FMASK : ctrl);
}

/**
 * pci_prepare_handover (at enable and at shutdown): root's MSI-X functions masked until
 * config_commit, or the PCI unit's shutdown, hands them back (MSI suppression is a no-op on arm).
 */
function pciPrepareHandover(hv: Hv): void {
  for (const { dev, info, caps } of rootPhysicalDevices(hv)) {
    for (const cap of caps) if (cap.id === PCI_CAP_ID_MSIX) pciSuppressMsix(hv, dev, info, cap, true);
  }
}

/**
 * shutdown() for PCI at disable or failed entry: pci_prepare_handover, then the unit's shutdown
 * gives root's devices their MSI and MSI-X state back from the shadows (vectors, then the
 * unsuppressed control word) and turns INTx off on physical devices other cells still own.
 */
export function pciShutdown(hv: Hv, cells: number[]): void {
  const m = hv.c.mem;
  pciPrepareHandover(hv);
  restoreRootMsi(hv);
  for (const cell of cells) {
    if (cell === hv.rootCell) continue;
    for (const dev of cellPciDevices(hv, cell)) {
      const info = pciDevInfo(hv, dev);
      if (info.type !== PciType.IVSHMEM && m.read64(dev + PCIDEV.CELL) === cell) pciWriteConfig(hv, info.bdf, 0x04, 2, PCI_CMD_INTX_OFF);
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

/** pci_config_commit: root's MSI/MSI-X state pushed to hardware again and unsuppressed. */
export function pciConfigCommit(hv: Hv, changed: number): void {
  if (changed) restoreRootMsi(hv);
}

/**
 * Root's MSI address/data and MSI-X vectors from the shadows to the hardware, then its MSI-X
 * control word unsuppressed (pci_config_commit's loop; pci_shutdown's pci_restore_msi/msix,
 * which on arm write the same values).
 */
function restoreRootMsi(hv: Hv): void {
  for (const { dev, info, caps } of rootPhysicalDevices(hv)) {
    for (const cap of caps) {
      if (cap.id === PCI_CAP_ID_MSI) archPciUpdateMsi(hv, dev, info, cap);
      if (cap.id !== PCI_CAP_ID_MSIX) continue;
      pciUpdateMsix(hv, dev, info);
      pciSuppressMsix(hv, dev, info, cap, false);
    }
  }
}

