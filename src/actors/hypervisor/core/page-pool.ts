/**
 * Jailhouse page pools (mem_pool, remap_pool) with the whole pool state kept in simulated
 * physical memory, so every CPU worker that builds a PagePool over the same descriptor address
 * sees the same pool. Callers serialise access (the hypervisor holds its own locks); nothing
 * here is atomic.
 *
 * Descriptor layout (40 bytes, little endian, in the hypervisor's bss):
 *   base_address u64 @0   physical for mem_pool, virtual for remap_pool
 *   pages        u64 @8
 *   used_pages   u64 @16
 *   used_bitmap  u64 @24  physical address of the bitmap (1 bit per page, 1 = used,
 *                         bit i of the 64-bit word i/64)
 *   flags        u64 @32  bit0 = SCRUB_ON_FREE
 *
 * Semantics follow the reference: first fit in index order; num == 0 fails; only whole 64-bit
 * bitmap words are scanned, so the trailing pages of a pool whose size is not a multiple of 64
 * are never handed out; the aligned variant requires the absolute frame number
 * (base >> 12) + index to be a multiple of num; free of address 0 is a no-op, scrubs when
 * SCRUB_ON_FREE is set, and does not detect double frees.
 */
import type { PhysicalMemory } from '../../../shared/phys-mem.js';
import { PAGE_SIZE } from './layout.js';

export const POOL_DESC_SIZE = 40;

/** Pages whose bits fit in one bitmap page (BITS_PER_PAGE). */
export const BITS_PER_PAGE = PAGE_SIZE * 8;

export const PoolFlags = {
  SCRUB_ON_FREE: 0x1,
} as const;

const OFF_BASE = 0;
const OFF_PAGES = 8;
const OFF_USED = 16;
const OFF_BITMAP = 24;
const OFF_FLAGS = 32;

/** Index of the lowest set bit of a non-zero 32-bit value. */
function lowestSetBit(x: number): number {
  return 31 - Math.clz32(x & -x);
}

export class PagePool {
  constructor(
    private readonly mem: PhysicalMemory,
    /** Physical address of the 40-byte pool descriptor. */
    readonly descPhys: number,
  ) {}

  /**
   * Set up the descriptor. used_pages is zeroed; the bitmap is not cleared (the driver hands
   * over zeroed memory).
   */
  init(base: number, pages: number, bitmapPhys: number, flags: number): void {
    const m = this.mem;
    const d = this.descPhys;
    m.write64(d + OFF_BASE, base);
    m.write64(d + OFF_PAGES, pages);
    m.write64(d + OFF_USED, 0);
    m.write64(d + OFF_BITMAP, bitmapPhys);
    m.write64(d + OFF_FLAGS, flags);
  }

  get base(): number {
    return this.mem.read64(this.descPhys + OFF_BASE);
  }
  get pages(): number {
    return this.mem.read64(this.descPhys + OFF_PAGES);
  }
  get usedPages(): number {
    return this.mem.read64(this.descPhys + OFF_USED);
  }
  get bitmap(): number {
    return this.mem.read64(this.descPhys + OFF_BITMAP);
  }
  get flags(): number {
    return this.mem.read64(this.descPhys + OFF_FLAGS);
  }

  /** True if the page with this index is marked used in the bitmap. */
  isUsed(index: number): boolean {
    const w = this.mem.read32(this.bitmap + (index >>> 5) * 4);
    return ((w >>> (index & 31)) & 1) === 1;
  }

  /**
   * Pre-mark pages [0, count) used and add them to used_pages, as paging_init does for the
   * per-CPU area, the config copy and the bitmap itself.
   */
  markUsed(count: number): void {
    const m = this.mem;
    const bmp = this.bitmap;
    let i = 0;
    for (; i + 32 <= count; i += 32) m.write32(bmp + (i >>> 5) * 4, 0xffffffff);
    if (i < count) {
      const a = bmp + (i >>> 5) * 4;
      const bits = count - i;
      m.write32(a, m.read32(a) | (0xffffffff >>> (32 - bits)));
    }
    this.addUsed(count);
  }

  /** Allocate num consecutive pages; returns the address of the first or 0 on failure. */
  alloc(num: number): number {
    return this.allocInternal(num, 1);
  }

  /** Allocate num (a power of two) consecutive pages whose first frame number is a multiple of num. */
  allocAligned(num: number): number {
    return this.allocInternal(num, num);
  }

  /** Return num pages starting at addr (0 = no-op). */
  free(addr: number, num: number): void {
    if (addr === 0) return;
    const m = this.mem;
    const d = this.descPhys;
    const base = m.read64(d + OFF_BASE);
    const bmp = m.read64(d + OFF_BITMAP);
    const scrub = (m.read64(d + OFF_FLAGS) & PoolFlags.SCRUB_ON_FREE) !== 0;
    let used = m.read64(d + OFF_USED);
    let page = addr;
    for (let n = 0; n < num; n++, page += PAGE_SIZE) {
      if (scrub) m.fill(page, PAGE_SIZE, 0);
      const nr = Math.floor((page - base) / PAGE_SIZE);
      const a = bmp + (nr >>> 5) * 4;
      m.write32(a, m.read32(a) & ~(1 << (nr & 31)));
      used--;
    }
    m.write64(d + OFF_USED, used);
  }

  private addUsed(n: number): void {
    const a = this.descPhys + OFF_USED;
    this.mem.write64(a, this.mem.read64(a) + n);
  }

  /**
   * First index >= from (and < limit) whose bit is `want` (0 = free, 1 = used), or -1.
   * Scans 32 bits at a time, skipping words that cannot match.
   */
  private scan(bmp: number, from: number, limit: number, want: 0 | 1): number {
    const m = this.mem;
    let i = from;
    while (i < limit) {
      const wordIdx = i >>> 5;
      let w = m.read32(bmp + wordIdx * 4);
      if (want === 0) w = ~w;
      // Ignore bits below i in this word.
      w &= 0xffffffff << (i & 31);
      if (w !== 0) {
        const idx = (wordIdx << 5) + lowestSetBit(w);
        return idx < limit ? idx : -1;
      }
      i = (wordIdx + 1) << 5;
    }
    return -1;
  }

  private allocInternal(num: number, align: number): number {
    if (!(num > 0)) return 0;
    const m = this.mem;
    const d = this.descPhys;
    const base = m.read64(d + OFF_BASE);
    const pages = m.read64(d + OFF_PAGES);
    const bmp = m.read64(d + OFF_BITMAP);
    // Reference quirk: only whole 64-bit bitmap words are searched.
    const limit = Math.floor(pages / 64) * 64;
    const baseFrame = Math.floor(base / PAGE_SIZE);

    let i = 0;
    for (;;) {
      i = this.scan(bmp, i, limit, 0);
      if (i < 0) return 0;
      if (align > 1) {
        const r = (baseFrame + i) % align;
        if (r !== 0) {
          i += align - r;
          continue;
        }
      }
      if (i + num > limit) return 0;
      const used = num === 1 ? -1 : this.scan(bmp, i + 1, i + num, 1);
      if (used < 0) break;
      i = used + 1;
    }

    // Mark [i, i+num) used.
    let n = i;
    const end = i + num;
    while (n < end) {
      const a = bmp + (n >>> 5) * 4;
      const lo = n & 31;
      const cnt = Math.min(32 - lo, end - n);
      const mask = cnt === 32 ? 0xffffffff : ((1 << cnt) - 1) << lo;
      m.write32(a, m.read32(a) | mask);
      n += cnt;
    }
    m.write64(d + OFF_USED, m.read64(d + OFF_USED) + num);
    return base + i * PAGE_SIZE;
  }
}
