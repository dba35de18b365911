/**
 * Reading translation tables in simulated RAM: the descriptor accessors and the walk to a
 * leaf, shared by the CPU's stage-2 MMU (the hardware walker) and the hypervisor's paging code
 * (which also writes tables, and answers paging_virt2phys). Descriptors are read as two 32-bit
 * halves; the lo half, which carries the valid bit, is read with Atomics.load before the hi
 * half, and the hypervisor writes it last, so a walker on another worker never sees a torn
 * valid descriptor.
 */
import type { PhysicalMemory } from '../phys-mem.js';
import {
  HI_ADDR_MASK,
  PTE_TABLE,
  PTE_TABLE_FLAGS,
  PTE_VALID,
  S1_AP_RO,
  S1_XN_HI,
  S2_AP_READ,
  S2_AP_WRITE,
  TABLE_ADDR_LO_MASK,
  s1AttrIndx,
  s2MemAttr,
} from './descriptor.js';
import type { PageTable, PagingLevel } from './translation-format.js';

const TWO32 = 0x1_0000_0000;

/** An Int32Array over the bank holding a table, and the element index of the table's entry 0. */
export interface TableView {
  v: Int32Array;
  b: number;
}

/** The table of `entries` descriptors at pa; throws if it is not inside one RAM bank. */
export function tableView(mem: PhysicalMemory, pa: number, entries: number): TableView {
  const bank = mem.bankAt(pa, entries * 8);
  if (!bank) throw new RangeError(`page table 0x${pa.toString(16)} is outside RAM`);
  return { v: bank.i32, b: (pa - bank.base) / 4 };
}

/** The index of virt's entry in a table of level l; throws beyond a concatenated root. */
export function entryIndex(l: PagingLevel, virt: number): number {
  const idx = Math.floor(virt / l.div) & l.indexMask;
  if (idx >= l.entries) {
    throw new RangeError(`address 0x${virt.toString(16)} is beyond the concatenated root table`);
  }
  return idx;
}

/** The lo half of entry idx (atomic: it carries the valid bit). */
export function readLo(t: TableView, idx: number): number {
  return Atomics.load(t.v, t.b + idx * 2);
}

/** The hi half of entry idx (read after the lo half). */
export function readHi(t: TableView, idx: number): number {
  return t.v[t.b + idx * 2 + 1]!;
}

/** A valid entry at levels 0-2 with bit 1 set points to a table. */
export function isTable(l: PagingLevel, lo: number): boolean {
  return !l.last && (lo & PTE_TABLE_FLAGS) === PTE_TABLE_FLAGS;
}

/** Output address of a terminal entry (the start of its page/block). */
export function terminalBase(l: PagingLevel, lo: number, hi: number): number {
  return ((lo & l.loAddrMask) >>> 0) + (hi & HI_ADDR_MASK) * TWO32;
}

/** The next-level table a table descriptor points to. */
export function nextTable(lo: number, hi: number): number {
  return ((lo & TABLE_ADDR_LO_MASK) >>> 0) + (hi & HI_ADDR_MASK) * TWO32;
}

/** Result of a successful walk: the leaf descriptor and what it grants. */
export interface PagingLeaf {
  /** Physical address virt translates to. */
  phys: number;
  /** Physical start of the leaf page/block. */
  base: number;
  /** Virtual start of the leaf page/block. */
  virtBase: number;
  /** Size of the leaf mapping (4 KiB, 2 MiB, 1 GiB). */
  pageSize: number;
  /** Architectural level of the leaf (1..3). */
  level: number;
  read: boolean;
  write: boolean;
  exec: boolean;
  /** Device memory attribute (stage 2 MemAttr 0x1 / stage 1 AttrIndx 1). */
  device: boolean;
  /** Raw descriptor halves. */
  lo: number;
  hi: number;
}

/** Walk to the leaf of virt; null if no valid terminal entry is found (valid bit only). */
export function pagingLookup(mem: PhysicalMemory, pt: PageTable, virt: number): PagingLeaf | null {
  const levels = pt.format.levels;
  let tpa = pt.root;
  for (let li = 0; li < levels.length; li++) {
    const l = levels[li]!;
    const t = tableView(mem, tpa, l.entries);
    const idx = entryIndex(l, virt);
    const lo = readLo(t, idx);
    if ((lo & PTE_VALID) === 0) return null;
    const hi = readHi(t, idx);
    if (isTable(l, lo)) {
      tpa = nextTable(lo, hi);
      continue;
    }
    if (l.pageSize === 0 || (l.last && (lo & PTE_TABLE) === 0)) return null;
    const ps = l.pageSize;
    const off = virt % ps;
    const base = terminalBase(l, lo, hi);
    let read: boolean, write: boolean, exec: boolean, device: boolean;
    if (pt.format.stage === 2) {
      read = (lo & S2_AP_READ) !== 0;
      write = (lo & S2_AP_WRITE) !== 0;
      exec = true;
      device = s2MemAttr(lo) === 0x1;
    } else {
      read = true;
      write = (lo & S1_AP_RO) === 0;
      exec = (hi & S1_XN_HI) === 0;
      device = s1AttrIndx(lo) === 1;
    }
    return { phys: base + off, base, virtBase: virt - off, pageSize: ps, level: l.level, read, write, exec, device, lo: lo >>> 0, hi: hi >>> 0 };
  }
  return null;
}
