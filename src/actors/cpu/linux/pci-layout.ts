/**
 * Root Linux's PCI device table (its list of struct pci_dev on the board's ECAM host, domain
 * 0000), inside the kernel SharedArrayBuffer's PCI region (layout.ts reserves it at
 * PCI_WORD_BASE): what the boot scan (pci-enumerate.ts) found, the resources it assigned, and
 * which functions the jailhouse driver has taken off Linux's bus for a cell. OS state, so it
 * lives with Linux, not in the PCIe fabric's hardware buffer. PciWord offsets are relative to
 * PCI_WORD_BASE, PciDevWord offsets to an entry, PciResWord offsets to one resource of an
 * entry; pciWord/pciDevWord/pciResWord give indices into the kernel Int32Array.
 */
import { PCI_WORD_BASE, PCI_WORDS } from './layout.js';

/** Resources of a pci_dev: BARs 0..5 and the expansion ROM (Linux's PCI_NUM_RESOURCES without the bridge windows). */
export const PCI_NUM_RESOURCES = 7;
/** The expansion ROM's resource (Linux's PCI_ROM_RESOURCE). */
export const PCI_ROM_RESOURCE = 6;

/** Words of the table's header. */
export const PciWord = {
  /** Entries the boot scan recorded: entries 0 .. NR_DEVS - 1 are valid, in scan order. */
  NR_DEVS: 0,
  /** The first entry (PciDevWord.SIZE words each, PCI_DEV_MAX of them). */
  DEVS: 8,
} as const;

/** Words of one resource (struct resource start and size, as 64-bit values in two halves). */
export const PciResWord = {
  /** Bus address the scan assigned (0: unassigned), low and high 32 bits. */
  START_LO: 0,
  START_HI: 1,
  /** Size in bytes (0: the BAR or ROM is not implemented), low and high 32 bits. */
  SIZE_LO: 2,
  SIZE_HI: 3,
  /** Words of a resource. */
  SIZE: 4,
} as const;

/** Words of one entry (a struct pci_dev). */
export const PciDevWord = {
  /** The function's bus << 8 | device << 3 | function, as the scan numbered the buses. */
  BDF: 0,
  /**
   * The jailhouse driver's claim (pci_stop_and_remove_bus_device for a cell): the cell id + 1
   * while the function is off Linux's bus; 0 while it is Linux's.
   */
  CLAIMED_BY: 1,
  /** The resources, PCI_NUM_RESOURCES of PciResWord.SIZE words (lspci -v reads them via sysfs). */
  RES: 2,
  /** Words of an entry. */
  SIZE: 2 + PCI_NUM_RESOURCES * PciResWord.SIZE,
} as const;

/** Entries the PCI region holds. */
export const PCI_DEV_MAX = Math.floor((PCI_WORDS - PciWord.DEVS) / PciDevWord.SIZE);

/** Index of a header word in the kernel Int32Array. */
export function pciWord(w: number): number {
  return PCI_WORD_BASE + w;
}

/** Index of word `w` of entry `dev`. */
export function pciDevWord(dev: number, w: number): number {
  return PCI_WORD_BASE + PciWord.DEVS + dev * PciDevWord.SIZE + w;
}

/** Index of word `w` of resource `res` of entry `dev`. */
export function pciResWord(dev: number, res: number, w: number): number {
  return pciDevWord(dev, PciDevWord.RES + res * PciResWord.SIZE + w);
}
