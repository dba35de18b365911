/**
 * MMIO dispatch (hypervisor/mmio.c): per-cell sorted region tables in hypervisor memory, the
 * seqcount-protected lock-free lookup, mmio_handle_access, and the sub-page handler.
 *
 * Handlers are code, which cannot live in shared memory; a table entry stores a handler ID and
 * its argument, and every CPU's worker resolves the ID through the handler registry
 * (mmio-handler.ts), like function pointers into the one hypervisor image all CPUs share. The
 * units' handlers come into the registry with the unit table (unit.ts); this file imports no
 * unit, and sizes a cell's tables by asking each unit of the table how many regions it needs.
 */
import { MEM_IO_WIDTH_SHIFT, MEM_OFF, MEMORY_SIZE, MemFlags } from '../../../shared/config/layout.js';
import { Errno } from '../../../shared/errno.js';
import { getU64 } from '../../../shared/phys-mem.js';
import { spinLock, spinUnlock } from '../../../shared/sync.js';
import { cellMemRegionsAddr } from './cell.js';
import type { Hv } from './hv.js';
import { CELL, PAGE_SIZE, pages } from './layout.js';
import { MmioResult, type MmioAccess, type MmioResultCode } from './mmio-access.js';
import { mmioHandlerDefine, mmioHandlerOf } from './mmio-handler.js';
import { printk } from './printk.js';
import { forEachUnit } from './unit.js';

export { MmioAccess, MmioResult, type MmioResultCode } from './mmio-access.js';

/**
 * The handler ID of mmio_handle_subpage; arg = physical address of the cell config's
 * jailhouse_memory entry. (The units' IDs are declared where they register their regions.)
 */
export const SUBPAGE_HANDLER = 1;

const LOC_SIZE = 16;
const HANDLER_SIZE = 16;

function lockOf(hv: Hv, cell: number): { view: Int32Array; index: number } {
  return hv.c.mem.atomicWord(cell + CELL.MMIO_LOCK);
}

function genOf(hv: Hv, cell: number): { view: Int32Array; index: number } {
  return hv.c.mem.atomicWord(cell + CELL.MMIO_GENERATION);
}

/** Sub-page regions: start or size not page aligned (never put in stage 2). */
export function isSubpage(r: { virt: number; size: number }): boolean {
  return r.virt % PAGE_SIZE !== 0 || r.size % PAGE_SIZE !== 0;
}

/**
 * mmio_cell_init: the locations and handlers arrays from the mem_pool, sized for what every
 * unit can register (unit.mmio_count_regions: the irqchip's GICD and GICRs, PCI's ECAM window,
 * ivshmem BARs and MSI-X tables) plus one region per sub-page memory region of the config.
 */
export function mmioCellInit(hv: Hv, cell: number): number {
  const m = hv.c.mem;
  let max = 0;
  for (const unit of forEachUnit()) max += unit.mmioCountRegions(hv, cell);
  for (const r of hv.cellMemRegions(cell)) if (isSubpage(r)) max += 1;
  const n = pages(max * (LOC_SIZE + HANDLER_SIZE));
  const base = n ? hv.memPool.alloc(n) : 0;
  if (!base) return -Errno.ENOMEM;
  m.write64(cell + CELL.MMIO_LOCATIONS, base);
  m.write64(cell + CELL.MMIO_HANDLERS, base + max * LOC_SIZE);
  m.write32(cell + CELL.MAX_MMIO_REGIONS, max);
  m.write32(cell + CELL.NUM_MMIO_REGIONS, 0);
  m.write32(cell + CELL.MMIO_GENERATION, 0);
  return 0;
}

export function mmioCellExit(hv: Hv, cell: number): void {
  const m = hv.c.mem;
  const max = m.read32(cell + CELL.MAX_MMIO_REGIONS);
  if (!max) return;
  hv.memPool.free(m.read64(cell + CELL.MMIO_LOCATIONS), pages(max * (LOC_SIZE + HANDLER_SIZE)));
  m.write32(cell + CELL.MAX_MMIO_REGIONS, 0);
  m.write32(cell + CELL.NUM_MMIO_REGIONS, 0);
}

/**
 * mmio_region_register: insert sorted by start (equal starts after existing ones),
 * seqcount-bracketed. `handler` is the ID of the handler function (mmio-handler.ts), `arg` its
 * handler_arg.
 */
export function mmioRegionRegister(hv: Hv, cell: number, start: number, size: number, handler: number, arg: number): void {
  const m = hv.c.mem;
  const lock = lockOf(hv, cell);
  spinLock(hv.c.policy, lock, 'mmio_region_lock');
  const num = m.read32(cell + CELL.NUM_MMIO_REGIONS);
  const max = m.read32(cell + CELL.MAX_MMIO_REGIONS);
  if (num >= max) {
    spinUnlock(lock);
    printk(hv, 'WARNING: Overflow during MMIO region registration!\n');
    return;
  }
  const locs = m.read64(cell + CELL.MMIO_LOCATIONS);
  const hnds = m.read64(cell + CELL.MMIO_HANDLERS);
  let index = 0;
  while (index < num && m.read64(locs + index * LOC_SIZE) <= start) index++;
  const gen = genOf(hv, cell);
  Atomics.add(gen.view, gen.index, 1);
  for (let i = num; i > index; i--) {
    m.copyIn(locs + i * LOC_SIZE, m.copyOut(locs + (i - 1) * LOC_SIZE, LOC_SIZE));
    m.copyIn(hnds + i * HANDLER_SIZE, m.copyOut(hnds + (i - 1) * HANDLER_SIZE, HANDLER_SIZE));
  }
  m.write64(locs + index * LOC_SIZE, start);
  m.write64(locs + index * LOC_SIZE + 8, size);
  m.write64(hnds + index * HANDLER_SIZE, handler);
  m.write64(hnds + index * HANDLER_SIZE + 8, arg);
  m.write32(cell + CELL.NUM_MMIO_REGIONS, num + 1);
  Atomics.add(gen.view, gen.index, 1);
  spinUnlock(lock);
}

/** mmio_region_unregister: drop the region containing `start` (no-op if none). */
export function mmioRegionUnregister(hv: Hv, cell: number, start: number): void {
  const m = hv.c.mem;
  const lock = lockOf(hv, cell);
  spinLock(hv.c.policy, lock, 'mmio_region_lock');
  const found = findRegion(hv, hv.offsetOf(cell, CELL.SIZE), start, 1);
  if (found) {
    const num = m.read32(cell + CELL.NUM_MMIO_REGIONS);
    const locs = m.read64(cell + CELL.MMIO_LOCATIONS);
    const hnds = m.read64(cell + CELL.MMIO_HANDLERS);
    const gen = genOf(hv, cell);
    Atomics.add(gen.view, gen.index, 1);
    for (let i = found.index; i < num - 1; i++) {
      m.copyIn(locs + i * LOC_SIZE, m.copyOut(locs + (i + 1) * LOC_SIZE, LOC_SIZE));
      m.copyIn(hnds + i * HANDLER_SIZE, m.copyOut(hnds + (i + 1) * HANDLER_SIZE, HANDLER_SIZE));
    }
    m.write32(cell + CELL.NUM_MMIO_REGIONS, num - 1);
    Atomics.add(gen.view, gen.index, 1);
  }
  spinUnlock(lock);
}

interface FoundRegion { index: number; start: number; handler: number; arg: number }

/** findRegion's answer (one lookup at a time per worker: filled in place, no allocation per trap). */
const foundRegion: FoundRegion = { index: 0, start: 0, handler: 0, arg: 0 };

/**
 * find_region in the cell at offset `c` of hypervisor memory (-1: none): binary search,
 * restarted whenever the generation moved (lock-free reader). Runs on every trapped access, so
 * it reads the cell and its tables through the hypervisor's own mapping of its memory (Hv.dv),
 * where both live (the tables come from the mem_pool); the cell goes by its offset there, a
 * small integer, where its address would be a boxed number on every call. A table a torn read
 * places outside that memory is not searched: the generation check then sends the reader
 * round again.
 */
function findRegion(hv: Hv, c: number, addr: number, size: number): FoundRegion | undefined {
  if (c < 0) return undefined;
  const dv = hv.dv;
  const i32 = hv.i32;
  const gi = (c + CELL.MMIO_GENERATION) >> 2;
  for (;;) {
    const g = Atomics.load(i32, gi);
    if (g & 1) continue;
    const num = dv.getUint32(c + CELL.NUM_MMIO_REGIONS, true);
    const lo0 = hv.offsetOf(getU64(dv, c + CELL.MMIO_LOCATIONS), num * LOC_SIZE);
    const ho0 = hv.offsetOf(getU64(dv, c + CELL.MMIO_HANDLERS), num * HANDLER_SIZE);
    let hit: FoundRegion | undefined;
    if (lo0 >= 0 && ho0 >= 0) {
      let lo = 0;
      let hi = num;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        const start = getU64(dv, lo0 + mid * LOC_SIZE);
        const rsize = getU64(dv, lo0 + mid * LOC_SIZE + 8);
        if (addr < start) hi = mid;
        else if (start + rsize < addr + size) lo = mid + 1;
        else {
          const ho = ho0 + mid * HANDLER_SIZE;
          foundRegion.index = mid;
          foundRegion.start = start;
          foundRegion.handler = getU64(dv, ho);
          foundRegion.arg = getU64(dv, ho + 8);
          hit = foundRegion;
          break;
        }
      }
    }
    if (Atomics.load(i32, gi) === g) return hit;
  }
}

/** mmio_handle_access on this CPU's cell; `access.address` becomes region-relative for the handler. */
export function mmioHandleAccess(hv: Hv, access: MmioAccess): MmioResultCode {
  access.handler = 0;
  const r = findRegion(hv, hv.offsetOf(hv.thisCell(), CELL.SIZE), access.address, access.size);
  if (!r) return MmioResult.UNHANDLED;
  access.address -= r.start;
  access.handler = r.handler;
  const handler = mmioHandlerOf(r.handler);
  // An ID nothing defined: the table is corrupt (jhsim's handler pointer to nowhere).
  if (!handler) return MmioResult.ERROR;
  return handler(hv, access, r.arg);
}

/** Registers every sub-page memory region of the cell's config (mmio_subpage_register). */
export function mmioRegisterSubpages(hv: Hv, cell: number): void {
  const first = cellMemRegionsAddr(hv, cell);
  hv.cellMemRegions(cell).forEach((r, i) => {
    if (isSubpage(r)) mmioRegionRegister(hv, cell, r.virt, r.size, SUBPAGE_HANDLER, first + i * MEMORY_SIZE);
  });
}

/**
 * mmio_handle_subpage: permission, width and alignment checks against the region's flags,
 * then the real access at phys_start + offset (the hypervisor's temporary mapping). `cfg` is
 * the offset in hypervisor memory of the cell config's jailhouse_memory entry (-1: outside it).
 */
function mmioHandleSubpage(hv: Hv, a: MmioAccess, cfg: number): MmioResultCode {
  const m = hv.c.mem;
  if (cfg < 0) return MmioResult.ERROR;
  const flags = getU64(hv.dv, cfg + MEM_OFF.flags);
  const phys = getU64(hv.dv, cfg + MEM_OFF.phys_start) + a.address;
  const perm = a.isWrite ? MemFlags.WRITE : MemFlags.READ;
  const widthOk = ((a.size << MEM_IO_WIDTH_SHIFT) & flags) !== 0;
  // size is a power of two: a mask, not `%`, which on a non-int32 address would be an fmod.
  const alignOk = (a.address & (a.size - 1)) === 0 || (flags & MemFlags.IO_UNALIGNED) !== 0;
  const ram = flags & perm && widthOk && alignOk ? m.ramAt(phys, a.size) : undefined;
  if (ram === undefined) {
    printk(hv, `FATAL: Invalid MMIO ${a.isWrite ? 'write' : 'read'} at 0x${(phys >>> 0).toString(16)} (size ${a.size})\n`);
    return MmioResult.ERROR;
  }
  // mmio_perform_access: one access of the trapped width (readb..readq / writeb..writeq); a
  // doubleword as its two little-endian words (DataView accesses are Unordered in ECMAScript's
  // memory model: a 64-bit one was not single-copy atomic either).
  const dv = ram.dv;
  const o = phys - ram.base;
  if (a.isWrite) {
    switch (a.size) {
      case 1: dv.setUint8(o, a.lo & 0xff); break;
      case 2: dv.setUint16(o, a.lo & 0xffff, true); break;
      case 4: dv.setUint32(o, a.lo, true); break;
      default: dv.setUint32(o, a.lo, true); dv.setUint32(o + 4, a.hi, true); break;
    }
  } else {
    a.hi = 0;
    switch (a.size) {
      case 1: a.lo = dv.getUint8(o); break;
      case 2: a.lo = dv.getUint16(o, true); break;
      case 4: a.lo = dv.getUint32(o, true); break;
      default: a.lo = dv.getUint32(o, true); a.hi = dv.getUint32(o + 4, true); break;
    }
  }
  return MmioResult.HANDLED;
}

mmioHandlerDefine({
  id: SUBPAGE_HANDLER,
  name: 'mmio_handle_subpage',
  handler: (hv, access, entry) => mmioHandleSubpage(hv, access, hv.offsetOf(entry, MEMORY_SIZE)),
});
