import { describe, expect, it } from 'vitest';
import { PhysicalMemory } from '../src/shared/phys-mem.js';
import { PagePool, PoolFlags, POOL_DESC_SIZE } from '../src/actors/hypervisor/core/page-pool.js';
import {
  INVALID_PHYS_ADDR,
  cellRootPtPages,
  hvFlags,
  hvFormat,
  pagingAllocRoot,
  pagingCountTables,
  pagingCreate,
  pagingDestroy,
  pagingFreeRoot,
  pagingLookup,
  pagingVirt2Phys,
  s2Flags,
  stage2Format,
  vtcrCell,
  type PageTable,
  type PagingFormat,
  pagingCreateRepeat,
} from '../src/actors/hypervisor/core/paging.js';
import { Errno } from '../src/shared/errno.js';

const BANK = 0x40000000;
const BANK_SIZE = 8 * 1024 * 1024;
const PAGE = 4096;
const MiB = 1024 * 1024;
const GiB = 1024 * MiB;
const JAILHOUSE_BASE = 0xffffc0200000;

const RW = s2Flags({ read: true, write: true });
const HUGE = { huge: true, coherent: true };
const NO_HUGE = { huge: false, coherent: true };

/** A fresh 8 MiB bank; pool descriptors live in the first page ("bss"). */
function bank(): PhysicalMemory {
  return new PhysicalMemory([{ base: BANK, size: BANK_SIZE, sab: new SharedArrayBuffer(BANK_SIZE) }]);
}

/**
 * mem_pool as paging_init sets it up: pool = every page from BANK+64 KiB to the end, bitmap in
 * the pool's first page, pre-marked used.
 */
function memPool(mem: PhysicalMemory): PagePool {
  const base = BANK + 0x10000;
  const pages = (BANK_SIZE - 0x10000) / PAGE; // 2032: trailing 48 pages never handed out
  const pool = new PagePool(mem, BANK + 0x100);
  pool.init(base, pages, base, PoolFlags.SCRUB_ON_FREE);
  pool.markUsed(1);
  return pool;
}

function table(mem: PhysicalMemory, pool: PagePool, format: PagingFormat): PageTable {
  const root = pagingAllocRoot(pool, format);
  expect(root).not.toBe(0);
  return { root, format };
}

describe('page pool', () => {
  it('stores its state in simulated memory', () => {
    const mem = bank();
    const pool = memPool(mem);
    expect(POOL_DESC_SIZE).toBe(40);
    expect(mem.read64(BANK + 0x100)).toBe(BANK + 0x10000);
    expect(mem.read64(BANK + 0x108)).toBe(2032);
    expect(mem.read64(BANK + 0x110)).toBe(1);
    expect(mem.read64(BANK + 0x118)).toBe(BANK + 0x10000);
    expect(mem.read64(BANK + 0x120)).toBe(1);
    // A second view over the same descriptor (another CPU worker) sees the same pool.
    const other = new PagePool(new PhysicalMemory(mem.banks), BANK + 0x100);
    const a = pool.alloc(1);
    expect(other.usedPages).toBe(2);
    expect(other.alloc(1)).toBe(a + PAGE);
    expect(pool.usedPages).toBe(3);
  });

  it('allocates first fit, counts, frees', () => {
    const mem = bank();
    const pool = memPool(mem);
    const base = pool.base;
    expect(pool.alloc(0)).toBe(0);
    expect(pool.allocAligned(0)).toBe(0);
    const a = pool.alloc(1);
    expect(a).toBe(base + PAGE);
    const b = pool.alloc(3);
    expect(b).toBe(base + 2 * PAGE);
    const c = pool.alloc(1);
    expect(c).toBe(base + 5 * PAGE);
    expect(pool.usedPages).toBe(6);
    pool.free(b, 3);
    expect(pool.usedPages).toBe(3);
    // First fit: a 2-page request reuses the hole, a 4-page one does not fit there.
    expect(pool.alloc(4)).toBe(base + 6 * PAGE);
    expect(pool.alloc(2)).toBe(base + 2 * PAGE);
    expect(pool.alloc(1)).toBe(base + 4 * PAGE);
    pool.free(0, 5); // no-op
    expect(pool.usedPages).toBe(10);
    // Runs crossing 32/64-bit bitmap word boundaries.
    const big = pool.alloc(100);
    expect(big).toBe(base + 10 * PAGE);
    expect(pool.isUsed(109)).toBe(true);
    expect(pool.isUsed(110)).toBe(false);
    pool.free(big, 100);
    expect(pool.isUsed(10)).toBe(false);
    expect(pool.usedPages).toBe(10);
  });

  it('never hands out the pages of a trailing partial bitmap word', () => {
    const mem = bank();
    const pool = new PagePool(mem, BANK + 0x200);
    pool.init(BANK + 0x100000, 100, BANK + 0x1000, 0);
    const got: number[] = [];
    for (;;) {
      const p = pool.alloc(1);
      if (p === 0) break;
      got.push(p);
    }
    expect(got.length).toBe(64);
    expect(got[63]).toBe(BANK + 0x100000 + 63 * PAGE);
    expect(pool.usedPages).toBe(64);
    // A pool smaller than one word has no usable page at all.
    const tiny = new PagePool(mem, BANK + 0x300);
    tiny.init(BANK + 0x200000, 63, BANK + 0x2000, 0);
    expect(tiny.alloc(1)).toBe(0);
    expect(tiny.usedPages).toBe(0);
    // A run may not extend into the unscanned tail either.
    const p = new PagePool(mem, BANK + 0x400);
    p.init(BANK + 0x300000, 70, BANK + 0x3000, 0);
    p.markUsed(60);
    expect(p.alloc(5)).toBe(0);
    expect(p.alloc(4)).toBe(BANK + 0x300000 + 60 * PAGE);
  });

  it('aligns on the absolute frame number', () => {
    const mem = bank();
    const pool = new PagePool(mem, BANK + 0x200);
    const base = BANK + 0x101000; // frame 0x40101: index 0 is not even 2-aligned
    pool.init(base, 128, BANK + 0x1000, 0);
    expect(pool.allocAligned(2)).toBe(BANK + 0x102000); // index 1
    expect(pool.allocAligned(4)).toBe(BANK + 0x104000); // index 3
    expect(pool.allocAligned(8)).toBe(BANK + 0x108000); // index 7
    expect(pool.allocAligned(1)).toBe(base); // index 0
    expect(pool.usedPages).toBe(15);
    // Index 15 (frame 0x40110) is the first 16-aligned start with 16 free pages.
    expect(pool.allocAligned(16)).toBe(BANK + 0x110000);
    for (const a of [0x102000, 0x104000, 0x108000, 0x110000]) expect((BANK + a) / PAGE % 2).toBe(0);
  });

  it('scrubs freed pages only with SCRUB_ON_FREE', () => {
    const mem = bank();
    const scrub = memPool(mem);
    const p = scrub.alloc(2);
    mem.fill(p, 2 * PAGE, 0xaa);
    scrub.free(p, 2);
    expect(mem.copyOut(p, 2 * PAGE).every((x) => x === 0)).toBe(true);

    const remap = new PagePool(mem, BANK + 0x200);
    remap.init(0x200000, 64, BANK + 0x1000, 0); // remap pool: base needn't be RAM
    const v = remap.alloc(4);
    expect(v).toBe(0x200000);
    remap.free(v, 4);
    expect(remap.usedPages).toBe(0);

    const q = scrub.alloc(1);
    mem.write32(q, 0x12345678);
    const noScrub = new PagePool(mem, BANK + 0x300);
    noScrub.init(scrub.base, scrub.pages, scrub.bitmap, 0);
    noScrub.free(q, 1);
    expect(mem.read32(q)).toBe(0x12345678);
  });

  it('does not detect double frees', () => {
    const mem = bank();
    const pool = memPool(mem);
    const p = pool.alloc(1);
    pool.free(p, 1);
    pool.free(p, 1);
    expect(pool.usedPages).toBe(0);
  });
});

describe('formats', () => {
  it('derives root size and VTCR from PARange', () => {
    expect(cellRootPtPages(44)).toBe(1);
    expect(cellRootPtPages(40)).toBe(2);
    expect(cellRootPtPages(42)).toBe(8);
    expect(cellRootPtPages(36)).toBe(1);
    expect(stage2Format(44).levels.length).toBe(4);
    expect(stage2Format(48).levels.map((l) => l.pageSize)).toEqual([0, GiB, 2 * MiB, PAGE]);
    expect(stage2Format(40).levels.map((l) => l.pageSize)).toEqual([0, 2 * MiB, PAGE]);
    expect(stage2Format(40).rootPages).toBe(2);
    expect(stage2Format(40)).toBe(stage2Format(40));
    expect(hvFormat.levels.map((l) => l.level)).toEqual([0, 1, 2, 3]);
    expect(vtcrCell(44)).toBe(0x80043594);
  });

  it('encodes stage-2 and EL2 stage-1 attributes', () => {
    expect(s2Flags({ read: true, write: true })).toEqual({ lo: 0x4fd, hi: 0 });
    expect(s2Flags({ read: true, device: true })).toEqual({ lo: 0x445, hi: 0 });
    expect(s2Flags({})).toEqual({ lo: 0x43d, hi: 0 });
    expect(hvFlags({})).toEqual({ lo: 0x741, hi: 0 });
    expect(hvFlags({ write: false, device: true, exec: false })).toEqual({ lo: 0x7c5, hi: 1 << 22 });
  });
});

describe('paging engine', () => {
  it('maps a 1 GiB-aligned region with a block, or with L3 tables without huge pages', () => {
    for (const huge of [true, false]) {
      const mem = bank();
      const pool = memPool(mem);
      const pt = table(mem, pool, stage2Format(44));
      const before = pool.usedPages;
      expect(pagingCreate(mem, pool, pt, 0x80000000, GiB, 0x80000000, RW, { huge, coherent: true })).toBe(0);
      const tables = pagingCountTables(mem, pt);
      expect(tables).toBe(huge ? 1 : 1 + 1 + 512);
      expect(pool.usedPages - before).toBe(tables);
      const leaf = pagingLookup(mem, pt, 0x80123456)!;
      expect(leaf.phys).toBe(0x80123456);
      expect(leaf.pageSize).toBe(huge ? GiB : PAGE);
      expect(leaf.level).toBe(huge ? 1 : 3);
      expect(leaf.read && leaf.write && !leaf.device).toBe(true);
      expect(pagingVirt2Phys(mem, pt, 0xbfffffff)).toBe(0xbfffffff);
      expect(pagingVirt2Phys(mem, pt, 0xc0000000)).toBe(INVALID_PHYS_ADDR);
      expect(pagingVirt2Phys(mem, pt, 0x7ffff000)).toBe(INVALID_PHYS_ADDR);
      expect(pagingDestroy(mem, pool, pt, 0x80000000, GiB, NO_HUGE)).toBe(0);
      expect(pool.usedPages).toBe(before);
      expect(pagingCountTables(mem, pt)).toBe(0);
    }
  });

  it('maps the qemu-arm64 root RAM region in 3-level stage 2 (PARange 40)', () => {
    const mem = bank();
    const pool = memPool(mem);
    const fmt = stage2Format(40);
    const pt = table(mem, pool, fmt);
    expect((pt.root / PAGE) % 2).toBe(0); // concatenated root aligned to its size
    const before = pool.usedPages;
    expect(before).toBe(3);

    expect(pagingCreate(mem, pool, pt, 0x40000000, 0x3fa10000, 0x40000000, RW, HUGE)).toBe(0);
    // One L2 table (509 blocks of 2 MiB) plus one L3 table for the 64 KiB tail.
    expect(pagingCountTables(mem, pt)).toBe(2);
    expect(pool.usedPages).toBe(before + 2);

    // Raw descriptors: root entry 1 is a table, L2 entry 0 a 2 MiB block.
    const rootLo = mem.read32(pt.root + 8);
    expect(rootLo & 3).toBe(3);
    const l2 = rootLo & 0xfffff000;
    expect(mem.read32(l2)).toBe(0x400004fd);
    expect(mem.read32(l2 + 4)).toBe(0);
    expect(mem.read32(l2 + 509 * 8) & 3).toBe(3); // 0x7fa00000: table
    const l3 = mem.read32(l2 + 509 * 8) & 0xfffff000;
    expect(mem.read32(l3 + 15 * 8)).toBe((0x7fa0f000 | 0x4ff) >>> 0); // page: bit 1 set
    expect(mem.read32(l3 + 16 * 8)).toBe(0);

    expect(pagingLookup(mem, pt, 0x40000000)).toMatchObject({ level: 2, pageSize: 2 * MiB, phys: 0x40000000 });
    expect(pagingLookup(mem, pt, 0x7f9fffff)).toMatchObject({ level: 2, phys: 0x7f9fffff });
    expect(pagingLookup(mem, pt, 0x7fa0f123)).toMatchObject({ level: 3, pageSize: PAGE, phys: 0x7fa0f123 });
    expect(pagingVirt2Phys(mem, pt, 0x7fa10000)).toBe(INVALID_PHYS_ADDR);
    expect(pagingVirt2Phys(mem, pt, 0x3ffff000)).toBe(INVALID_PHYS_ADDR);

    // Punch a 64 KiB hole (an inmate's RAM) out of a 2 MiB block: split into one L3 table.
    expect(pagingDestroy(mem, pool, pt, 0x60010000, 0x10000, { coherent: true })).toBe(0);
    expect(pagingCountTables(mem, pt)).toBe(3);
    expect(pool.usedPages).toBe(before + 3);
    expect(pagingVirt2Phys(mem, pt, 0x6000ffff)).toBe(0x6000ffff);
    expect(pagingVirt2Phys(mem, pt, 0x60010000)).toBe(INVALID_PHYS_ADDR);
    expect(pagingVirt2Phys(mem, pt, 0x6001f000)).toBe(INVALID_PHYS_ADDR);
    expect(pagingVirt2Phys(mem, pt, 0x60020000)).toBe(0x60020000);
    expect(pagingLookup(mem, pt, 0x601ff000)).toMatchObject({ level: 3, read: true, write: true });
    expect(pagingLookup(mem, pt, 0x60200000)).toMatchObject({ level: 2 });

    // Put it back (remap_to_root_cell): no new table, the L3 one is reused.
    expect(pagingCreate(mem, pool, pt, 0x60010000, 0x10000, 0x60010000, RW, HUGE)).toBe(0);
    expect(pagingCountTables(mem, pt)).toBe(3);
    expect(pagingVirt2Phys(mem, pt, 0x60018000)).toBe(0x60018000);

    // Destroying everything returns the pool exactly to its state before mapping.
    expect(pagingDestroy(mem, pool, pt, 0x40000000, 0x3fa10000, { coherent: true })).toBe(0);
    expect(pool.usedPages).toBe(before);
    expect(pagingCountTables(mem, pt)).toBe(0);
    expect(mem.copyOut(pt.root, 2 * PAGE).every((x) => x === 0)).toBe(true);
    pagingFreeRoot(pool, pt);
    expect(pool.usedPages).toBe(1);
  });

  it('rejects addresses beyond the concatenated root', () => {
    const mem = bank();
    const pool = memPool(mem);
    const pt = table(mem, pool, stage2Format(40));
    expect(() => pagingCreate(mem, pool, pt, 0, PAGE, 2 ** 40, RW, HUGE)).toThrow(RangeError);
    // PCI ECAM of qemu virt (0x4010000000) is still inside 40 bits.
    expect(pagingCreate(mem, pool, pt, 0x4010000000, 0x10000000, 0x4010000000, s2Flags({ device: true }), HUGE)).toBe(0);
    expect(pagingLookup(mem, pt, 0x4010001000)).toMatchObject({ phys: 0x4010001000, device: true, read: false });
    expect(mem.read32(pt.root + Math.floor(0x4010000000 / GiB) * 8) & 3).toBe(3);
  });

  it('replaces a fine-grained hierarchy by a block, and splits blocks on partial remaps', () => {
    const mem = bank();
    const pool = memPool(mem);
    const pt = table(mem, pool, stage2Format(44));
    const before = pool.usedPages;
    expect(pagingCreate(mem, pool, pt, 0x80000000, 4 * MiB, 0x80000000, RW, NO_HUGE)).toBe(0);
    expect(pagingCountTables(mem, pt)).toBe(4); // L1, L2, 2 × L3
    expect(pagingCreate(mem, pool, pt, 0x90000000, 4 * MiB, 0x80000000, RW, HUGE)).toBe(0);
    expect(pagingCountTables(mem, pt)).toBe(2); // L3 tables went back to the pool
    expect(pool.usedPages).toBe(before + 2);
    expect(pagingVirt2Phys(mem, pt, 0x80001000)).toBe(0x90001000);

    // Remap one page read-only inside a 1 GiB block: 1 GiB -> L2 table -> L3 table.
    expect(pagingCreate(mem, pool, pt, 0xc0000000, GiB, 0xc0000000, RW, HUGE)).toBe(0);
    expect(pagingCountTables(mem, pt)).toBe(2);
    const ro = s2Flags({ read: true });
    expect(pagingCreate(mem, pool, pt, 0xc0345000, PAGE, 0xc0345000, ro, HUGE)).toBe(0);
    expect(pagingCountTables(mem, pt)).toBe(4);
    expect(pagingLookup(mem, pt, 0xc0345000)).toMatchObject({ write: false, read: true, level: 3 });
    expect(pagingLookup(mem, pt, 0xc0344000)).toMatchObject({ write: true, level: 3, phys: 0xc0344000 });
    expect(pagingLookup(mem, pt, 0xc0400000)).toMatchObject({ write: true, level: 2, phys: 0xc0400000 });
    expect(pagingLookup(mem, pt, 0xffe00000)).toMatchObject({ level: 2, phys: 0xffe00000 });

    // Reference quirk: after the walk stops at an empty 1 GiB slot from a non-aligned address,
    // it advances by 1 GiB from there, so [0xc0000000, 0xc0400000) survives this unmap.
    expect(pagingDestroy(mem, pool, pt, 0x80000000, 2 * GiB, NO_HUGE)).toBe(0);
    expect(pagingVirt2Phys(mem, pt, 0x80000000)).toBe(INVALID_PHYS_ADDR);
    expect(pagingVirt2Phys(mem, pt, 0xc0000000)).toBe(0xc0000000);
    expect(pagingVirt2Phys(mem, pt, 0xc03ff000)).toBe(0xc03ff000);
    expect(pagingVirt2Phys(mem, pt, 0xc0400000)).toBe(INVALID_PHYS_ADDR);
    expect(pagingDestroy(mem, pool, pt, 0xc0000000, GiB, NO_HUGE)).toBe(0);
    expect(pool.usedPages).toBe(before);
    expect(pagingCountTables(mem, pt)).toBe(0);
  });

  it('treats unmapping of never-mapped ranges as a no-op success', () => {
    const mem = bank();
    const pool = memPool(mem);
    const pt = table(mem, pool, stage2Format(44));
    const before = pool.usedPages;
    expect(pagingDestroy(mem, pool, pt, 0x12340000, 0x100000, NO_HUGE)).toBe(0);
    expect(pagingDestroy(mem, pool, pt, 0, 16 * GiB, NO_HUGE)).toBe(0);
    expect(pool.usedPages).toBe(before);
  });

  it('fails with -ENOMEM on a tiny pool and keeps the used count consistent', () => {
    const mem = bank();
    const pool = new PagePool(mem, BANK + 0x200);
    pool.init(BANK + 0x100000, 64, BANK + 0x1000, PoolFlags.SCRUB_ON_FREE);
    pool.markUsed(58);
    const pt = table(mem, pool, stage2Format(44));
    expect(pool.usedPages).toBe(59);

    // Needs L1 + L2 + 512 L3 tables; 5 pages are left.
    expect(pagingCreate(mem, pool, pt, 0x80000000, GiB, 0x80000000, RW, NO_HUGE)).toBe(-Errno.ENOMEM);
    expect(pool.usedPages).toBe(64);
    expect(pagingCountTables(mem, pt)).toBe(5);
    expect(pagingVirt2Phys(mem, pt, 0x80000000 + 6 * MiB - PAGE)).toBe(0x80000000 + 6 * MiB - PAGE);
    expect(pagingVirt2Phys(mem, pt, 0x80000000 + 6 * MiB)).toBe(INVALID_PHYS_ADDR);

    expect(pagingDestroy(mem, pool, pt, 0x80000000, GiB, NO_HUGE)).toBe(0);
    expect(pool.usedPages).toBe(59);
    expect(pagingCountTables(mem, pt)).toBe(0);

    // A hole in a block needs a page for the split: with the pool exhausted it fails, unchanged.
    expect(pagingCreate(mem, pool, pt, 0x80000000, 2 * MiB, 0x80000000, RW, HUGE)).toBe(0);
    expect(pool.usedPages).toBe(61);
    while (pool.alloc(1) !== 0);
    expect(pool.usedPages).toBe(64);
    expect(pagingDestroy(mem, pool, pt, 0x80010000, PAGE, NO_HUGE)).toBe(-Errno.ENOMEM);
    expect(pool.usedPages).toBe(64);
    expect(pagingVirt2Phys(mem, pt, 0x80010000)).toBe(0x80010000);
    // Unmapping the whole block never needs memory.
    expect(pagingDestroy(mem, pool, pt, 0x80000000, 2 * MiB, NO_HUGE)).toBe(0);
    expect(pool.usedPages).toBe(62);
  });

  it('maps the hypervisor at JAILHOUSE_BASE in EL2 stage 1', () => {
    const mem = bank();
    const pool = memPool(mem);
    const pt = table(mem, pool, hvFormat);
    const hvPhys = 0x40600000;
    const before = pool.usedPages;
    expect(pagingCreate(mem, pool, pt, hvPhys, 6 * MiB, JAILHOUSE_BASE, hvFlags({ exec: false }), { huge: true })).toBe(0);
    expect(pagingCountTables(mem, pt)).toBe(2); // L1 + L2 with three 2 MiB blocks
    expect(pagingVirt2Phys(mem, pt, JAILHOUSE_BASE + 0x1234)).toBe(hvPhys + 0x1234);
    expect(pagingVirt2Phys(mem, pt, JAILHOUSE_BASE + 6 * MiB - 1)).toBe(hvPhys + 6 * MiB - 1);
    expect(pagingVirt2Phys(mem, pt, JAILHOUSE_BASE + 6 * MiB)).toBe(INVALID_PHYS_ADDR);
    expect(pagingVirt2Phys(mem, pt, JAILHOUSE_BASE - PAGE)).toBe(INVALID_PHYS_ADDR);
    expect(pagingLookup(mem, pt, JAILHOUSE_BASE)).toMatchObject({ level: 2, write: true, exec: false, device: false });

    // Re-map a per-CPU part: the block is split, the translation stays the same.
    const percpu = JAILHOUSE_BASE + 0x10000;
    expect(pagingCreate(mem, pool, pt, hvPhys + 0x10000, 0x3000, percpu, hvFlags({ exec: false }), { huge: true })).toBe(0);
    expect(pagingCountTables(mem, pt)).toBe(3);
    expect(pool.usedPages - before).toBe(3);
    for (const off of [0, 0x10000, 0x12fff, 0x1ff000]) {
      expect(pagingLookup(mem, pt, JAILHOUSE_BASE + off)).toMatchObject({
        phys: hvPhys + off,
        level: 3,
        exec: false,
        write: true,
      });
    }
    // Read-only flip of one page, then a debug UART device mapping.
    expect(pagingCreate(mem, pool, pt, hvPhys + 0x11000, PAGE, percpu + 0x1000, hvFlags({ write: false }), { huge: true })).toBe(0);
    expect(pagingLookup(mem, pt, percpu + 0x1000)).toMatchObject({ write: false, exec: true });
    expect(pool.usedPages - before).toBe(3);
    expect(pagingCreate(mem, pool, pt, 0x09000000, PAGE, 0xffffc0000000, hvFlags({ device: true }), { huge: true })).toBe(0);
    expect(pagingLookup(mem, pt, 0xffffc0000010)).toMatchObject({ phys: 0x09000010, device: true });

    expect(pagingDestroy(mem, pool, pt, 0xffffc0000000, PAGE, {})).toBe(0);
    expect(pagingDestroy(mem, pool, pt, JAILHOUSE_BASE, 6 * MiB, {})).toBe(0);
    expect(pool.usedPages).toBe(before);
  });

  it('maps 1 GiB of 4 KiB pages with 512 L3 tables and returns every table on unmap', () => {
    const mem = bank();
    const pool = memPool(mem);
    const pt = table(mem, pool, stage2Format(40));
    expect(pagingCreate(mem, pool, pt, 0x40000000, GiB, 0x40000000, RW, NO_HUGE)).toBe(0);
    expect(pagingCountTables(mem, pt)).toBe(513);
    expect(pagingDestroy(mem, pool, pt, 0x40000000, GiB, NO_HUGE)).toBe(0);
    expect(pool.usedPages).toBe(3);
  });
});

describe('pagingCreateRepeat', () => {
  it('builds exactly the tables of one paging_create per page, across table boundaries', () => {
    for (const [start, count] of [
      [0x7fc00000, 1024],
      [0x40001000, 1030],
    ] as const) {
      const memA = bank();
      const poolA = memPool(memA);
      const ptA = table(memA, poolA, stage2Format(40));
      const memB = bank();
      const poolB = memPool(memB);
      const ptB = table(memB, poolB, stage2Format(40));
      const ro = s2Flags({ read: true });
      const target = BANK + 0x5000;
      for (let i = 0; i < count; i++) expect(pagingCreate(memA, poolA, ptA, target, PAGE, start + i * PAGE, ro, {})).toBe(0);
      expect(pagingCreateRepeat(memB, poolB, ptB, target, count, start, ro)).toBe(0);
      expect(poolB.usedPages).toBe(poolA.usedPages);
      expect(pagingCountTables(memB, ptB)).toBe(pagingCountTables(memA, ptA));
      for (let i = -1; i <= count; i++) {
        const va = start + i * PAGE;
        const a = pagingLookup(memA, ptA, va);
        const b = pagingLookup(memB, ptB, va);
        expect(b, `page ${i} at 0x${va.toString(16)}`).toEqual(a);
      }
      expect(pagingVirt2Phys(memB, ptB, start + (count - 1) * PAGE + 0x123)).toBe(target + 0x123);
      expect(pagingVirt2Phys(memB, ptB, start + count * PAGE)).toBe(INVALID_PHYS_ADDR);
    }
  });
});
