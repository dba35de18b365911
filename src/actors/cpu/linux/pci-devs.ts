/**
 * Root Linux's list of pci_dev on the board's ECAM host (the table of pci-layout.ts in the
 * kernel buffer): filled by the boot scan (pci_device_add), read by the sysfs files, and
 * shortened and restored by the jailhouse driver (pci_stop_and_remove_bus_device for a cell's
 * devices, the rescan after the cell is gone). Every CPU worker and the supervisor share it.
 */
import { PCI_DEV_MAX, PCI_NUM_RESOURCES, PciDevWord, PciResWord, PciWord, pciDevWord, pciResWord, pciWord } from './pci-layout.js';

/** A resource as Linux assigned it (size 0: none). */
export interface PciResource {
  start: number;
  size: number;
}

const TWO_32 = 0x1_0000_0000;

/** Entries the boot scan recorded. */
export function pciDevCount(k32: Int32Array): number {
  return Atomics.load(k32, pciWord(PciWord.NR_DEVS));
}

/** Empty the table (before the boot scan). */
export function pciDevsClear(k32: Int32Array): void {
  Atomics.store(k32, pciWord(PciWord.NR_DEVS), 0);
}

/** pci_device_add: append a function found by the scan, with its resources (index 0..5 BARs, 6 ROM). */
export function pciDevAdd(k32: Int32Array, bdf: number, res: readonly (PciResource & { bar: number })[]): void {
  const i = pciDevCount(k32);
  if (i >= PCI_DEV_MAX) throw new RangeError(`root Linux's PCI device table holds ${PCI_DEV_MAX} functions; 0000:${bdf.toString(16)} is one too many`);
  Atomics.store(k32, pciDevWord(i, PciDevWord.BDF), bdf);
  Atomics.store(k32, pciDevWord(i, PciDevWord.CLAIMED_BY), 0);
  for (let r = 0; r < PCI_NUM_RESOURCES; r++) for (let w = 0; w < PciResWord.SIZE; w++) Atomics.store(k32, pciResWord(i, r, w), 0);
  for (const r of res) {
    Atomics.store(k32, pciResWord(i, r.bar, PciResWord.START_LO), r.start >>> 0);
    Atomics.store(k32, pciResWord(i, r.bar, PciResWord.START_HI), Math.floor(r.start / TWO_32));
    Atomics.store(k32, pciResWord(i, r.bar, PciResWord.SIZE_LO), r.size >>> 0);
    Atomics.store(k32, pciResWord(i, r.bar, PciResWord.SIZE_HI), Math.floor(r.size / TWO_32));
  }
  Atomics.store(k32, pciWord(PciWord.NR_DEVS), i + 1);
}

/** The BDF of every entry, in scan order. */
export function pciDevBdfs(k32: Int32Array): number[] {
  return Array.from({ length: pciDevCount(k32) }, (_, i) => Atomics.load(k32, pciDevWord(i, PciDevWord.BDF)));
}

const claimedBy = (k32: Int32Array, i: number): number => Atomics.load(k32, pciDevWord(i, PciDevWord.CLAIMED_BY));

/** The functions on Linux's bus (not claimed for a cell), in scan order. */
export function pciDevOnBus(k32: Int32Array): number[] {
  return pciDevBdfs(k32).filter((_, i) => claimedBy(k32, i) === 0);
}

/** The entry of a BDF (-1: the scan did not find it). */
function pciDevFind(k32: Int32Array, bdf: number): number {
  return pciDevBdfs(k32).indexOf(bdf);
}

/** The resources of a function (PCI_NUM_RESOURCES; all zero for a BDF the scan did not find, or none). */
export function pciDevResources(k32: Int32Array, bdf: number | undefined): PciResource[] {
  const i = bdf === undefined ? -1 : pciDevFind(k32, bdf);
  const u = (r: number, w: number): number => Atomics.load(k32, pciResWord(i, r, w)) >>> 0;
  return Array.from({ length: PCI_NUM_RESOURCES }, (_, r) =>
    i < 0 ? { start: 0, size: 0 } : { start: u(r, PciResWord.START_LO) + u(r, PciResWord.START_HI) * TWO_32, size: u(r, PciResWord.SIZE_LO) + u(r, PciResWord.SIZE_HI) * TWO_32 },
  );
}

/** Take a function on Linux's bus off it for cell `id`; false if it is not on the bus. */
export function pciDevClaim(k32: Int32Array, bdf: number, id: number): boolean {
  const i = pciDevBdfs(k32).findIndex((b, j) => b === bdf && claimedBy(k32, j) === 0);
  if (i < 0) return false;
  Atomics.store(k32, pciDevWord(i, PciDevWord.CLAIMED_BY), id + 1);
  return true;
}

/** Put the functions claimed for cell `id` back on Linux's bus; their BDFs, in scan order. */
export function pciDevRelease(k32: Int32Array, id: number): number[] {
  const out: number[] = [];
  pciDevBdfs(k32).forEach((bdf, i) => {
    if (claimedBy(k32, i) !== id + 1) return;
    Atomics.store(k32, pciDevWord(i, PciDevWord.CLAIMED_BY), 0);
    out.push(bdf);
  });
  return out;
}
