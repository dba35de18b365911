/**
 * The driver's PCI side (driver/pci.c, jailhouse_pci_do_all_devices): before a cell is created,
 * every physical device its config lists is removed from root Linux (pci_stop_and_remove_bus_
 * device, so no root driver touches it while the cell owns it); after the cell is destroyed the
 * devices are given back (a bus rescan finds them again).
 */
import { CELL_OFF, PCI_DEVICE_SIZE, PCI_DEV_OFF, PciType, cellPciDevicesOffset } from '../../../shared/config/layout.js';
import { bdfString } from '../../pcie/regs.js';
import type { Kernel } from '../../cpu/linux/kernel.js';
import { pciDevClaim, pciDevRelease } from '../../cpu/linux/pci-devs.js';

/** The physical (domain 0) devices a cell config lists. */
function configDevices(cfg: Uint8Array): number[] {
  const v = new DataView(cfg.buffer, cfg.byteOffset, cfg.byteLength);
  const n = v.getUint32(CELL_OFF.num_pci_devices, true);
  const first = cellPciDevicesOffset(v, 0);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const o = first + i * PCI_DEVICE_SIZE;
    if (v.getUint8(o + PCI_DEV_OFF.type) === PciType.DEVICE && v.getUint16(o + PCI_DEV_OFF.domain, true) === 0) out.push(v.getUint16(o + PCI_DEV_OFF.bdf, true));
  }
  return out;
}

/** JAILHOUSE_PCI_ACTION_CLAIM for the new cell `id`. */
export function pciClaimDevices(k: Kernel, cfg: Uint8Array, id: number, name: string): void {
  for (const bdf of configDevices(cfg)) {
    if (!pciDevClaim(k.c.k32, bdf, id)) continue;
    k.printk(`pci 0000:${bdfString(bdf)}: removed from root Linux for cell "${name}"`);
  }
}

/** JAILHOUSE_PCI_ACTION_RELEASE after cell `id` is gone (or its creation failed). */
export function pciReleaseDevices(k: Kernel, id: number): void {
  for (const bdf of pciDevRelease(k.c.k32, id)) k.printk(`pci 0000:${bdfString(bdf)}: back in root Linux`);
}
