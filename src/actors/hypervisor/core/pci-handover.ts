/**
 * Root's MSI and MSI-X across the hypervisor's enable, commit and disable (hypervisor/pci.c):
 * pci_prepare_handover suppresses root's MSI-X functions until config_commit
 * (pci_config_commit) or the PCI unit's shutdown (pci_shutdown) gives root's MSI/MSI-X state
 * back from the shadows.
 */
import { PciType } from '../../../shared/config/layout.js';
import { PCI_CAP_ID_MSI, PCI_CAP_ID_MSIX, PCI_CMD_INTX_OFF } from '../../pcie/regs.js';
import type { Hv } from './hv.js';
import { PCIDEV } from './layout.js';
import { archPciUpdateMsi, pciWriteConfig } from './pci-config.js';
import { cellPciDevices, devCaps, pciDevInfo, type PciCap, type PciDevInfo } from './pci-device.js';
import { pciUpdateMsix } from './pci-msix.js';

/** MSI-X Message Control: function mask (bit 14) and enable (bit 15) in the upper half of the cap's first dword. */
const MSIX_CTRL_FMASK = 0x4000;

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
export function pciPrepareHandover(hv: Hv): void {
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
