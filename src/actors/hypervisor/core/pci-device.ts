/**
 * What the PCI unit and the PCI device types behind it (ivshmem.ts, pci-msix.ts) share about a
 * struct pci_device: the fields of its config entry (struct jailhouse_pci_device, read from the
 * cell config in hypervisor memory) and the verdict of config-space moderation (enum
 * pci_access). Apart from pci.ts, which calls ivshmem and MSI-X code, so that they need not
 * import it back.
 */
import { PCI_DEV_OFF, PCI_MSI_64BITS } from '../../../shared/config/layout.js';
import type { Hv } from './hv.js';
import { PCIDEV } from './layout.js';

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
