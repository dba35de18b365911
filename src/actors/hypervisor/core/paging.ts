/**
 * Generic paging engine over real AArch64 VMSAv8-64 descriptors (4 KiB granule). Page tables
 * live in simulated physical memory; table pages come from a PagePool (they are zero when
 * handed out) and go back to it when they become empty.
 *
 * A descriptor is handled as two 32-bit halves: lo = bits 31:0, hi = bits 63:32.
 *   bit 0       valid
 *   bit 1       table (levels 0-2) / page (level 3); 0 = block at levels 1-2
 *   bits 11:2   lower attributes (stage 2: MemAttr 5:2, S2AP 7:6, SH 9:8, AF 10;
 *               stage 1 EL2: AttrIndx 4:2, AP 7:6, SH 9:8, AF 10)
 *   bits 47:12  output address (lo bits 31:12, hi bits 15:0)
 *   bits 63:52  upper attributes (stage 1: XN bit 54 = hi bit 22)
 *
 * The lo half, which carries the valid bit, is written with Atomics.store after the hi half and
 * read with Atomics.load before it, so a concurrent walker on another worker never sees a torn
 * valid descriptor.
 */
import { Errno } from '../../../shared/errno.js';
import type { PhysicalMemory } from '../../../shared/phys-mem.js';
import { PAGE_SIZE } from './layout.js';
import type { PagePool } from './page-pool.js';
import {
  HI_ADDR_MASK,
  HI_ATTR_MASK,
  LO_ATTR_MASK,
  PTE_TABLE,
  PTE_TABLE_FLAGS,
  PTE_VALID,
  S1_AP_RO,
  S1_XN_HI,
  S2_AP_READ,
  S2_AP_WRITE,
  type AccessFlags,
  type PagingFormat,
  type PageTable,
  type PagingLevel,
  type PagingOptions,
} from './paging-format.js';

export * from './paging-format.js';
export { PAGE_SIZE };

/** Returned by virt2phys for an unmapped address. */
export const INVALID_PHYS_ADDR = -1;

const TWO32 = 0x1_0000_0000;

// ---------------------------------------------------------------------------------------------
// Table access
// ---------------------------------------------------------------------------------------------

/** An Int32Array over the bank holding a table, and the element index of the table's entry 0. */
interface TableView {
  v: Int32Array;
  b: number;
}

function tableView(mem: PhysicalMemory, pa: number, entries: number): TableView {
  const bank = mem.bankAt(pa, entries * 8);
  if (!bank) throw new RangeError(`page table 0x${pa.toString(16)} is outside RAM`);
  return { v: bank.i32, b: (pa - bank.base) / 4 };
}

function entryIndex(l: PagingLevel, virt: number): number {
  const idx = Math.floor(virt / l.div) & l.indexMask;
  if (idx >= l.entries) {
    throw new RangeError(`address 0x${virt.toString(16)} is beyond the concatenated root table`);
  }
  return idx;
}

function readLo(t: TableView, idx: number): number {
  return Atomics.load(t.v, t.b + idx * 2);
}

function readHi(t: TableView, idx: number): number {
  return t.v[t.b + idx * 2 + 1]!;
}

function writeEntry(t: TableView, idx: number, lo: number, hi: number): void {
  const i = t.b + idx * 2;
  const v = t.v;
  if (v[i + 1] !== (hi | 0)) {
    // Break before make when a valid entry changes its upper half.
    if ((Atomics.load(v, i) & PTE_VALID) !== 0) Atomics.store(v, i, 0);
    v[i + 1] = hi;
  }
  Atomics.store(v, i, lo);
}

function clearEntry(t: TableView, idx: number): void {
  const i = t.b + idx * 2;
  Atomics.store(t.v, i, 0);
  t.v[i + 1] = 0;
}

/** A valid entry at levels 0-2 with bit 1 set points to a table. */
function isTable(l: PagingLevel, lo: number): boolean {
  return !l.last && (lo & PTE_TABLE_FLAGS) === PTE_TABLE_FLAGS;
}

/** Output address of a terminal entry (the start of its page/block). */
function terminalBase(l: PagingLevel, lo: number, hi: number): number {
  return ((lo & l.loAddrMask) >>> 0) + (hi & HI_ADDR_MASK) * TWO32;
}

function nextTable(lo: number, hi: number): number {
  return ((lo & 0xfffff000) >>> 0) + (hi & HI_ADDR_MASK) * TWO32;
}

function setTable(t: TableView, idx: number, tablePa: number): void {
  writeEntry(t, idx, (tablePa & 0xfffff000) | PTE_TABLE_FLAGS, Math.floor(tablePa / TWO32) & HI_ADDR_MASK);
}

function setTerminal(t: TableView, idx: number, l: PagingLevel, phys: number, lo: number, hi: number): void {
  const alo = (phys & l.loAddrMask) | (lo & LO_ATTR_MASK) | (l.last ? PTE_TABLE : 0);
  const ahi = (Math.floor(phys / TWO32) & HI_ADDR_MASK) | (hi & HI_ATTR_MASK);
  writeEntry(t, idx, alo, ahi);
}

/**
 * True if no entry of the table is valid. The scan starts after `from` (the entry just cleared)
 * and wraps around: unmapping proceeds upwards, so a valid neighbour is usually found at once.
 */
function tableEmpty(t: TableView, entries: number, from: number): boolean {
  const v = t.v;
  const b = t.b;
  for (let e = from + 1; e < entries; e++) if ((v[b + e * 2]! & PTE_VALID) !== 0) return false;
  for (let e = 0; e <= from; e++) if ((v[b + e * 2]! & PTE_VALID) !== 0) return false;
  return true;
}

// ---------------------------------------------------------------------------------------------
// Engine
// ---------------------------------------------------------------------------------------------

const ENOMEM = -Errno.ENOMEM;

function truncPage(a: number): number {
  return a - (a % PAGE_SIZE);
}

function roundPage(s: number): number {
  return Math.ceil(s / PAGE_SIZE) * PAGE_SIZE;
}

/**
 * Replace the valid terminal entry idx of table t (at levels[li]) by a freshly allocated table
 * holding the equivalent mapping one level down (recursively, with the caller's huge flag).
 * Table entries are left alone. 0 or -ENOMEM.
 */
function splitHuge(
  mem: PhysicalMemory,
  pool: PagePool,
  levels: readonly PagingLevel[],
  li: number,
  t: TableView,
  idx: number,
  virt: number,
  huge: boolean,
): number {
  const l = levels[li]!;
  const lo = readLo(t, idx);
  if (isTable(l, lo) || l.pageSize === 0) return 0;
  const hi = readHi(t, idx);
  const phys = terminalBase(l, lo, hi);
  const vbase = virt - (virt % l.pageSize);
  const sub = pool.alloc(1);
  if (sub === 0) return ENOMEM;
  setTable(t, idx, sub);
  // The reference keeps only the lower 12 attribute bits; upper ones (XN) are kept here too.
  return createAt(
    mem, pool, levels, li + 1, sub, phys, l.pageSize, vbase,
    lo & LO_ATTR_MASK & ~PTE_TABLE, hi & HI_ATTR_MASK, huge,
  );
}

function createAt(
  mem: PhysicalMemory,
  pool: PagePool,
  levels: readonly PagingLevel[],
  rootLi: number,
  rootPa: number,
  phys: number,
  size: number,
  virt: number,
  flo: number,
  fhi: number,
  huge: boolean,
): number {
  phys = truncPage(phys);
  virt = truncPage(virt);
  size = roundPage(size);

  while (size > 0) {
    let li = rootLi;
    let l = levels[li]!;
    let tpa = rootPa;
    let t = tableView(mem, tpa, l.entries);
    for (;;) {
      const idx = entryIndex(l, virt);
      const ps = l.pageSize;
      if (ps !== 0 && ps <= size && ((phys | virt) & (ps - 1)) === 0 && (huge || ps === PAGE_SIZE)) {
        if (ps > PAGE_SIZE && isTable(l, readLo(t, idx))) {
          // Release any finer-grained hierarchy under this entry (cannot fail: whole entry).
          destroyAt(mem, pool, levels, li, tpa, virt, ps, huge);
        }
        setTerminal(t, idx, l, phys, flo, fhi);
        break;
      }
      const lo = readLo(t, idx);
      if ((lo & PTE_VALID) !== 0) {
        const err = splitHuge(mem, pool, levels, li, t, idx, virt, huge);
        if (err) return err;
        tpa = nextTable(readLo(t, idx), readHi(t, idx));
      } else {
        tpa = pool.alloc(1);
        if (tpa === 0) return ENOMEM;
        setTable(t, idx, tpa);
      }
      li++;
      l = levels[li]!;
      t = tableView(mem, tpa, l.entries);
    }
    phys += l.pageSize;
    virt += l.pageSize;
    size -= l.pageSize;
  }
  return 0;
}

function destroyAt(
  mem: PhysicalMemory,
  pool: PagePool,
  levels: readonly PagingLevel[],
  rootLi: number,
  rootPa: number,
  virt: number,
  size: number,
  huge: boolean,
): number {
  virt = truncPage(virt);
  size = roundPage(size);
  const tpas: number[] = [rootPa, 0, 0, 0];
  const tvs: TableView[] = [];

  while (size > 0) {
    let n = 0;
    let li = rootLi;
    let l = levels[li]!;
    tvs[0] = tableView(mem, rootPa, l.entries);
    let idx: number;
    // Walk down to the first non-present or terminal entry, splitting partially covered blocks.
    for (;;) {
      const t = tvs[n]!;
      idx = entryIndex(l, virt);
      let lo = readLo(t, idx);
      if ((lo & PTE_VALID) === 0) break;
      if (!isTable(l, lo)) {
        const ps = l.pageSize || PAGE_SIZE;
        const pageStart = virt - (virt % ps);
        if (virt <= pageStart && virt + (size - 1) >= pageStart + (ps - 1)) break;
        const err = splitHuge(mem, pool, levels, li, t, idx, virt, huge);
        if (err) return err;
        lo = readLo(t, idx);
      }
      const next = nextTable(lo, readHi(t, idx));
      n++;
      li++;
      l = levels[li]!;
      tpas[n] = next;
      tvs[n] = tableView(mem, next, l.entries);
    }
    // Advance by the page size of the level where the walk stopped (no blocks: 4 KiB).
    const pageSize = l.pageSize || PAGE_SIZE;

    // Walk up, clearing the entry and releasing tables that became empty (never the root).
    for (;;) {
      clearEntry(tvs[n]!, idx);
      if (n === 0 || !tableEmpty(tvs[n]!, l.entries, idx)) break;
      pool.free(tpas[n]!, 1);
      n--;
      li--;
      l = levels[li]!;
      idx = entryIndex(l, virt);
    }

    if (pageSize > size) break;
    virt += pageSize;
    size -= pageSize;
  }
  return 0;
}

// ---------------------------------------------------------------------------------------------
// Public API
// ---------------------------------------------------------------------------------------------

/**
 * paging_create: map [virt, virt+size) to phys with the given terminal attributes. phys/virt are
 * truncated to pages, size is rounded up. Returns 0 or -ENOMEM (parts already written stay).
 */
/** The first address beyond what the table's root level can translate (its input range). */
export function pagingInputLimit(pt: PageTable): number {
  const top = pt.format.levels[0]!;
  return top.div * top.entries;
}

export function pagingCreate(
  mem: PhysicalMemory,
  pool: PagePool,
  pt: PageTable,
  phys: number,
  size: number,
  virt: number,
  accessFlags: AccessFlags,
  opts: PagingOptions = {},
): number {
  return createAt(mem, pool, pt.format.levels, 0, pt.root, phys, size, virt, accessFlags.lo, accessFlags.hi, !!opts.huge);
}

/**
 * paging_create of `count` consecutive 4 KiB pages at `virt`, all onto the same physical page
 * (how Jailhouse backs its own range in the root cell with one empty page). The result is the
 * same as `count` single-page paging_create calls; the walk is done once per last-level table.
 */
export function pagingCreateRepeat(
  mem: PhysicalMemory,
  pool: PagePool,
  pt: PageTable,
  phys: number,
  count: number,
  virt: number,
  accessFlags: AccessFlags,
): number {
  const levels = pt.format.levels;
  const last = levels[levels.length - 1]!;
  let v = truncPage(virt);
  let left = count;
  while (left > 0) {
    const err = pagingCreate(mem, pool, pt, phys, PAGE_SIZE, v, accessFlags);
    if (err) return err;
    v += PAGE_SIZE;
    left--;
    // The rest of the pages covered by the same last-level table: write them directly.
    let t = tableView(mem, pt.root, levels[0]!.entries);
    for (let li = 0; li < levels.length - 1; li++) {
      const idx = entryIndex(levels[li]!, v - PAGE_SIZE);
      t = tableView(mem, nextTable(readLo(t, idx), readHi(t, idx)), levels[li + 1]!.entries);
    }
    for (let idx = entryIndex(last, v); left > 0 && idx !== 0 && idx < last.entries; idx = entryIndex(last, v)) {
      setTerminal(t, idx, last, phys, accessFlags.lo, accessFlags.hi);
      v += PAGE_SIZE;
      left--;
    }
  }
  return 0;
}

/**
 * paging_destroy: unmap [virt, virt+size). Partially covered blocks are split first (which may
 * fail with -ENOMEM); tables that become empty go back to the pool. 0 or -ENOMEM.
 */
export function pagingDestroy(
  mem: PhysicalMemory,
  pool: PagePool,
  pt: PageTable,
  virt: number,
  size: number,
  opts: PagingOptions = {},
): number {
  return destroyAt(mem, pool, pt.format.levels, 0, pt.root, virt, size, !!opts.huge);
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
      device = ((lo >>> 2) & 0xf) === 0x1;
    } else {
      read = true;
      write = (lo & S1_AP_RO) === 0;
      exec = (hi & S1_XN_HI) === 0;
      device = ((lo >>> 2) & 0x7) === 1;
    }
    return { phys: base + off, base, virtBase: virt - off, pageSize: ps, level: l.level, read, write, exec, device, lo: lo >>> 0, hi: hi >>> 0 };
  }
  return null;
}

/** paging_virt2phys: physical address of virt or INVALID_PHYS_ADDR (valid bit checked only). */
export function pagingVirt2Phys(mem: PhysicalMemory, pt: PageTable, virt: number): number {
  const levels = pt.format.levels;
  let tpa = pt.root;
  for (let li = 0; li < levels.length; li++) {
    const l = levels[li]!;
    const t = tableView(mem, tpa, l.entries);
    const idx = entryIndex(l, virt);
    const lo = readLo(t, idx);
    if ((lo & PTE_VALID) === 0) return INVALID_PHYS_ADDR;
    const hi = readHi(t, idx);
    if (isTable(l, lo)) {
      tpa = nextTable(lo, hi);
      continue;
    }
    if (l.pageSize === 0 || (l.last && (lo & PTE_TABLE) === 0)) return INVALID_PHYS_ADDR;
    return terminalBase(l, lo, hi) + (virt % l.pageSize);
  }
  return INVALID_PHYS_ADDR;
}

/** Number of table pages below the root (the root's own pages are not counted). */
export function pagingCountTables(mem: PhysicalMemory, pt: PageTable): number {
  const levels = pt.format.levels;
  const count = (tpa: number, li: number): number => {
    const l = levels[li]!;
    if (l.last) return 0;
    const t = tableView(mem, tpa, l.entries);
    let n = 0;
    for (let idx = 0; idx < l.entries; idx++) {
      const lo = readLo(t, idx);
      if ((lo & PTE_VALID) !== 0 && isTable(l, lo)) n += 1 + count(nextTable(lo, readHi(t, idx)), li + 1);
    }
    return n;
  };
  return count(pt.root, 0);
}

/** Allocate a zeroed root table (CELL_ROOT_PT_PAGES-aligned for stage 2); 0 on failure. */
export function pagingAllocRoot(pool: PagePool, format: PagingFormat): number {
  return pool.allocAligned(format.rootPages);
}

/** Return a root table to the pool (the tables below it must already be gone). */
export function pagingFreeRoot(pool: PagePool, pt: PageTable): void {
  pool.free(pt.root, pt.format.rootPages);
}

/** One terminal mapping found by pagingLeaves. */
export interface PagingRange {
  virt: number;
  phys: number;
  size: number;
}

/**
 * Every valid terminal entry of the tables, in ascending virtual order (an inspection helper:
 * invariant checks ask which physical pages a cell can reach).
 */
export function pagingLeaves(mem: PhysicalMemory, pt: PageTable): PagingRange[] {
  const levels = pt.format.levels;
  const out: PagingRange[] = [];
  const walk = (tpa: number, li: number, vbase: number): void => {
    const l = levels[li]!;
    const t = tableView(mem, tpa, l.entries);
    for (let idx = 0; idx < l.entries; idx++) {
      const lo = readLo(t, idx);
      if ((lo & PTE_VALID) === 0) continue;
      const hi = readHi(t, idx);
      const virt = vbase + idx * l.div;
      if (isTable(l, lo)) walk(nextTable(lo, hi), li + 1, virt);
      else if (l.pageSize > 0) out.push({ virt, phys: terminalBase(l, lo, hi), size: l.pageSize });
    }
  };
  walk(pt.root, 0, 0);
  return out;
}
