/**
 * DEFINE_UNIT(pci, "PCI") (hypervisor/pci.c): the PCI unit's hooks and the MMIO handlers of what
 * it manages, put together for the unit table: device ownership per cell (pci.ts), the ECAM
 * window (pci-config.ts), root's MSI/MSI-X handover (pci-handover.ts), the MSI-X tables of
 * physical devices (pci-msix.ts) and the two BARs of each ivshmem device (ivshmem.ts), which is
 * part of the PCI unit as in Jailhouse (pci_cell_init drives ivshmem_init per device, and
 * pci_mmio_count_regions counts its regions). A file of its own so that pci.ts and
 * pci-config.ts, which call into ivshmem.ts and pci-msix.ts, need not import their handlers back.
 */
import { CELL_OFF, PCI_DEVICE_SIZE, PCI_DEV_OFF, PciType, SYS_OFF, cellPciDevicesOffset } from '../../../shared/config/layout.js';
import { getU64 } from '../../../shared/phys-mem.js';
import type { Hv } from './hv.js';
import { IVSHMEM_MSIX_HANDLER, IVSHMEM_REGS_HANDLER, ivshmemMsixAccess, ivshmemRegisterAccess } from './ivshmem.js';
import { pciDevInfo } from './pci-device.js';
import { PCI_MSIX_HANDLER, pciMsixAccess } from './pci-msix.js';
import { PCI_MMCONFIG_HANDLER, pciMmconfigAccess } from './pci-config.js';
import { pciConfigCommit, pciShutdown } from './pci-handover.js';
import { pciCellExit, pciCellInit, pciCellReset } from './pci.js';
import type { Unit } from './unit.js';

/** Regions of an ivshmem device: its register BAR and its MSI-X BAR (PCI_IVSHMEM_NUM_MMIO_REGIONS). */
const PCI_IVSHMEM_NUM_MMIO_REGIONS = 2;

/**
 * pci_mmio_count_regions: the ECAM window when the system has one, two per ivshmem device, one
 * per physical device with an MSI-X table.
 */
function pciMmioCountRegions(hv: Hv, cell: number): number {
  let n = 0;
  if (hv.c.mem.read64(hv.systemConfig + SYS_OFF.pci_mmconfig_base) !== 0) n += 1;
  const dv = hv.configView(hv.cellConfig(cell));
  const first = cellPciDevicesOffset(dv, 0);
  const count = dv.getUint32(CELL_OFF.num_pci_devices, true);
  for (let i = 0; i < count; i++) {
    const o = first + i * PCI_DEVICE_SIZE;
    if (dv.getUint8(o + PCI_DEV_OFF.type) === PciType.IVSHMEM) n += PCI_IVSHMEM_NUM_MMIO_REGIONS;
    else if (getU64(dv, o + PCI_DEV_OFF.msix_address) !== 0) n += 1;
  }
  return n;
}

export const pciUnit: Unit = {
  name: 'PCI',
  /**
   * pci_init: the root cell's devices (pci_cell_init(&root_cell)). Upstream also maps the ECAM
   * window into the hypervisor here; jhsim reaches config space without that mapping.
   */
  init: (hv) => pciCellInit(hv, hv.rootCell),
  /** pci_shutdown, preceded by pci_prepare_handover (which upstream's shutdown() calls by name). */
  shutdown: (hv) => pciShutdown(hv, hv.cells()),
  mmioCountRegions: pciMmioCountRegions,
  cellInit: pciCellInit,
  cellExit: pciCellExit,
  cellReset: pciCellReset,
  configCommit: pciConfigCommit,
  mmioHandlers: [
    { id: PCI_MMCONFIG_HANDLER, name: 'pci_mmconfig_access_handler', handler: pciMmconfigAccess },
    { id: IVSHMEM_REGS_HANDLER, name: 'ivshmem_register_mmio', handler: (hv, access, dev) => ivshmemRegisterAccess(hv, dev, access) },
    { id: IVSHMEM_MSIX_HANDLER, name: 'ivshmem_msix_mmio', handler: (hv, access, dev) => ivshmemMsixAccess(hv, dev, access) },
    { id: PCI_MSIX_HANDLER, name: 'pci_msix_access_handler', handler: (hv, access, dev) => pciMsixAccess(hv, dev, access, pciDevInfo(hv, dev)) },
  ],
};
