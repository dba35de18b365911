/**
 * What the PCI unit's files (pci.ts, pci-config.ts, pci-handover.ts) and the PCI device types
 * behind it (ivshmem.ts, pci-msix.ts) share about a struct pci_device: the fields of its config
 * entry (struct jailhouse_pci_device, read from the cell config in hypervisor memory), the
 * capabilities the config lists for it, a cell's device array, and the verdict of config-space
 * moderation (enum pci_access). Apart from the unit's files, which call ivshmem and MSI-X code,
 * so that they need not import them back.
 */
import { CELL_OFF, PCI_CAP_OFF, PCI_CAP_SIZE, PCI_DEV_OFF, PCI_MSI_64BITS, cellPciCapsOffset } from '../../../shared/config/layout.js';
import type { Hv } from './hv.js';
import { CELL, PCIDEV } from './layout.js';

/** enum pci_access: the result of a moderated config access. */
export const PciAccess = { REJECT: 0, PERFORM: 1, DONE: 2 } as const;
export type PciAccessValue = (typeof PciAccess)[keyof typeof PciAccess];

/** The config entry's fields the unit needs, read from hypervisor memory. */
export interface PciDevInfo {
  type: number;
  bdf: number;
  domain: number;
  barMask: number[];
  capsStart: number;
  numCaps: number;
  numMsiVectors: number;
  msi64: boolean;
  numMsixVectors: number;
  msixRegionSize: number;
  msixAddress: number;
  shmemRegionsStart: number;
  shmemDevId: number;
  shmemPeers: number;
  shmemProtocol: number;
}

/** device->info: the config entry of the struct pci_device at `dev`. */
export function pciDevInfo(hv: Hv, dev: number): PciDevInfo {
  const m = hv.c.mem;
  const e = m.read64(dev + PCIDEV.INFO);
  const b = (o: number): number => m.read8(e + o);
  const h = (o: number): number => m.read16(e + o);
  return {
    type: b(PCI_DEV_OFF.type), bdf: h(PCI_DEV_OFF.bdf), domain: h(PCI_DEV_OFF.domain),
    barMask: [0, 1, 2, 3, 4, 5].map((i) => m.read32(e + PCI_DEV_OFF.bar_mask + 4 * i)),
    capsStart: h(PCI_DEV_OFF.caps_start), numCaps: h(PCI_DEV_OFF.num_caps),
    numMsiVectors: b(PCI_DEV_OFF.num_msi_vectors), msi64: (b(PCI_DEV_OFF.msi_bits) & PCI_MSI_64BITS) !== 0,
    numMsixVectors: h(PCI_DEV_OFF.num_msix_vectors), msixRegionSize: h(PCI_DEV_OFF.msix_region_size), msixAddress: m.read64(e + PCI_DEV_OFF.msix_address),
    shmemRegionsStart: m.read32(e + PCI_DEV_OFF.shmem_regions_start), shmemDevId: b(PCI_DEV_OFF.shmem_dev_id), shmemPeers: b(PCI_DEV_OFF.shmem_peers),
    shmemProtocol: h(PCI_DEV_OFF.shmem_protocol),
  };
}

/** The cell's device array (cell->pci_devices). */
export function cellPciDevices(hv: Hv, cell: number): number[] {
  const m = hv.c.mem;
  const base = m.read64(cell + CELL.PCI_DEVICES);
  const n = m.read32(cell + CELL.NUM_PCI_DEVICES);
  return Array.from({ length: base ? n : 0 }, (_, i) => base + i * PCIDEV.SIZE);
}

/** A capability the cell config lists for a device (struct jailhouse_pci_capability). */
export interface PciCap { id: number; start: number; len: number; flags: number }

/** The capabilities the config lists for a device (pci_caps[caps_start .. + num_caps]). */
export function devCaps(hv: Hv, cell: number, info: PciDevInfo): PciCap[] {
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
