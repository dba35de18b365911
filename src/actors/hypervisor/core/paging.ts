/**
 * Generic paging engine over real AArch64 VMSAv8-64 descriptors (4 KiB granule; the format is
 * the architecture's, shared/arm64/descriptor.ts, and so is reading tables,
 * shared/arm64/table-walk.ts). Page tables live in simulated physical memory; table pages come
 * from a PagePool (they are zero when handed out) and go back to it when they become empty.
 *
 * The lo half of a descriptor, which carries the valid bit, is written with Atomics.store after
 * the hi half (and read with Atomics.load before it), so a concurrent walker on another worker
 * never sees a torn valid descriptor.
 */
import { Errno } from '../../../shared/errno.js';
import type { PhysicalMemory } from '../../../shared/phys-mem.js';
import { HI_ADDR_MASK, HI_ATTR_MASK, LO_ATTR_MASK, PTE_TABLE, PTE_TABLE_FLAGS, PTE_VALID, TABLE_ADDR_LO_MASK } from '../../../shared/arm64/descriptor.js';
import type { PageTable, PagingFormat, PagingLevel } from '../../../shared/arm64/translation-format.js';
import {
  entryIndex,
  isTable,
  nextTable,
  readHi,
  readLo,
  tableView,
  terminalBase,
  type TableView,
} from '../../../shared/arm64/table-walk.js';
import { PAGE_SIZE } from './layout.js';
import type { PagePool } from './page-pool.js';
import type { AccessFlags, PagingOptions } from './paging-format.js';

export * from './paging-format.js';
export { PAGE_SIZE };
// The table types and the read-only walk are the architecture's; the paging API hands them on
// (as jailhouse/paging.h includes asm/paging.h).
export type { PageTable, PagingFormat, PagingLevel } from '../../../shared/arm64/translation-format.js';
import { pagingLookup } from '../../../shared/arm64/table-walk.js';
export { pagingLookup, type PagingLeaf } from '../../../shared/arm64/table-walk.js';

/** Returned by virt2phys for an unmapped address. */
export const INVALID_PHYS_ADDR = -1;

const TWO32 = 0x1_0000_0000;

// ---------------------------------------------------------------------------------------------
// Table writes (reads: shared/arm64/table-walk.ts)
// ---------------------------------------------------------------------------------------------

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

function setTable(t: TableView, idx: number, tablePa: number): void {
  writeEntry(t, idx, (tablePa & TABLE_ADDR_LO_MASK) | PTE_TABLE_FLAGS, Math.floor(tablePa / TWO32) & HI_ADDR_MASK);
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
      let idx = entryIndex(l, virt);
      const ps = l.pageSize;
      if (ps !== 0 && ps <= size && ((phys | virt) & (ps - 1)) === 0 && (huge || ps === PAGE_SIZE)) {
        // paging_create walks from the root again for every entry. Until this table ends (where
        // a larger block may start) or less than a block is left, that walk ends here again with
        // the same decision: the next entries are written in place, the same writes in the same order.
        for (;;) {
          if (ps > PAGE_SIZE && isTable(l, readLo(t, idx))) {
            // Release any finer-grained hierarchy under this entry (cannot fail: whole entry).
            destroyAt(mem, pool, levels, li, tpa, virt, ps, huge);
          }
          setTerminal(t, idx, l, phys, flo, fhi);
          if (size - ps < ps || idx + 1 >= l.entries || (Math.floor((virt + ps) / l.div) & l.indexMask) !== idx + 1) break;
          phys += ps;
          virt += ps;
          size -= ps;
          idx++;
        }
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

/** paging_virt2phys: physical address of virt or INVALID_PHYS_ADDR (valid bit checked only). */
export function pagingVirt2Phys(mem: PhysicalMemory, pt: PageTable, virt: number): number {
  return pagingLookup(mem, pt, virt)?.phys ?? INVALID_PHYS_ADDR;
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
