/**
 * The PCI unit's config-space access (hypervisor/pci.c): the ECAM window the system config names
 * (pci_read_config, pci_write_config), the moderation that hides what a cell does not own and
 * shadows BARs and MSI (pci_cfg_read_moderate, pci_cfg_write_moderate, arch_pci_update_msi), and
 * the trap handler of every cell's ECAM region (pci_mmconfig_access_handler). ivshmem devices
 * are answered by ivshmem.ts behind the same moderation; the MSI-X control word by pci-msix.ts.
 */
import { PciType, PCI_DEV_OFF, SYS_OFF } from '../../../shared/config/layout.js';
import { PCI_CAP_ID_MSI, PCI_CAP_ID_MSIX, bdfString } from '../../pcie/regs.js';
import type { Hv } from './hv.js';
import { ivshmemPciCfgRead, ivshmemPciCfgWrite } from './ivshmem.js';
import { PCIDEV } from './layout.js';
import { MmioResult, type MmioAccess, type MmioResultCode } from './mmio-access.js';
import { PciAccess, cellPciDevices, devCaps, pciDevInfo, type PciAccessValue, type PciCap, type PciDevInfo } from './pci-device.js';
import { pciUpdateMsix } from './pci-msix.js';
import { printk } from './printk.js';
import { checkPciWrite } from './isolation-monitor.js';

/** The MMIO handler ID of pci_mmconfig_access_handler (pciMmconfigAccess); arg unused. */
export const PCI_MMCONFIG_HANDLER = 4;

/** Capability flags in the config (JAILHOUSE_PCICAPS_WRITE). */
const PCICAPS_WRITE = 0x0001;

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

/** pci_get_assigned_device: the cell's device at bdf, only while the cell actively owns it. */
export function pciGetAssignedDevice(hv: Hv, cell: number, bdf: number): number {
  const m = hv.c.mem;
  for (const dev of cellPciDevices(hv, cell)) {
    if (m.read16(m.read64(dev + PCIDEV.INFO) + PCI_DEV_OFF.bdf) === bdf) return m.read64(dev + PCIDEV.CELL) === cell ? dev : 0;
  }
  return 0;
}

/** The ECAM window the system config names: base, size in bytes, and whether hardware is behind it. */
export function mmcfg(hv: Hv): { base: number; size: number; hardware: boolean } {
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
export function archPciUpdateMsi(hv: Hv, dev: number, info: PciDevInfo, cap: PciCap): void {
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
