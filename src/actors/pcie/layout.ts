/**
 * The PCIe fabric's shared state, one SharedArrayBuffer seen by every CPU worker: a small
 * header (the fabric lock all config and memory transactions take, as Linux's pci_lock and the
 * hardware's ordering would serialise them), then one slot per function (bookkeeping words, the
 * register bytes, the writable and write-1-to-clear masks), then the memory behind the
 * functions' memory BARs. Hardware state only: what root Linux knows of the functions (BDFs,
 * resources, the driver's claims) is its pci_dev table (cpu/linux/pci-layout.ts).
 */
import { PCI_CFG_SPACE_EXP_SIZE } from './regs.js';

/** Header words. */
export const PcieWord = {
  /** The fabric lock (0 free, 1 held, 2 held with sleepers; shared/sync.ts spinLock). */
  LOCK: 0,
  /** Number of function slots. */
  NR_SLOTS: 1,
  /** Requests completed with Unsupported Request (a statistics counter). */
  UR_COUNT: 2,
  /** Words of the header. */
  SIZE: 8,
} as const;

/** Bookkeeping words of one slot. */
export const SlotWord = {
  /** Bus number captured from the last Type 0 configuration write (-1: none yet). */
  CAPTURED_BUS: 0,
  /** Byte offset (from the BAR memory base) of each memory BAR's backing store, 6 words. */
  BAR_MEM_OFF: 1,
  /** Bytes of backing store for each BAR (0: none; accesses beyond read 0), 6 words. */
  BAR_MEM_SIZE: 7,
  /** Words of a slot's bookkeeping. */
  SIZE: 13,
} as const;

/** Byte offsets inside a slot's register area. */
export const SlotBytes = {
  CONFIG: 0,
  WMASK: PCI_CFG_SPACE_EXP_SIZE,
  W1C: 2 * PCI_CFG_SPACE_EXP_SIZE,
  SIZE: 3 * PCI_CFG_SPACE_EXP_SIZE,
} as const;

/** Largest backing store a BAR gets (larger BARs decode fully; the rest reads as zero). */
export const BAR_BACKING_MAX = 0x100000;

export function slotWordBase(slot: number): number {
  return PcieWord.SIZE + slot * SlotWord.SIZE;
}

/** Byte offset of a slot's register area. */
export function slotBytesBase(nrSlots: number, slot: number): number {
  return (PcieWord.SIZE + nrSlots * SlotWord.SIZE) * 4 + slot * SlotBytes.SIZE;
}

export function barMemoryBase(nrSlots: number): number {
  return slotBytesBase(nrSlots, nrSlots);
}

export function pcieSabSize(nrSlots: number, barBytes: number): number {
  return barMemoryBase(nrSlots) + barBytes;
}
