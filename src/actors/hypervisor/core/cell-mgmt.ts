/**
 * Cell management hypercalls (hypervisor/control.c): cell_create, cell_start,
 * cell_set_loadable and cell_destroy with the reference's validation order and errnos, root
 * suspension around every change, CPUs moved between cells parked, memory moved between the
 * root's and the cell's stage-2 tables, config_commit and the reconfiguration messages.
 */
import { CELL_DESC_SIZE, CELL_OFF, MEMORY_SIZE, MemFlags, cellConfigSize } from '../../../shared/config/layout.js';
import { Errno } from '../../../shared/errno.js';
import { cellMemRegionsAddr, cellOwnsCpu, cellSetCpu, findCellById } from './cell.js';
import type { MemRegion } from './hv-view.js';
import { cellExit, cellInit } from './cell-init.js';
import { cellReconfigCompleted, cellReconfigOk, cellShutdownOk, commRegionReset, setCellState } from './comm.js';
import { configCommit } from './config-commit.js';
import type { Hv } from './hv.js';
import { BSS, CELL, CellState, NUM_TEMPORARY_PAGES, PAGE_SIZE, PSCI_INVALID_ADDRESS, PUB, pages } from './layout.js';
import { now } from '../../cpu/layout.js';
import { MgmtPhase } from '../../cpu/exit-ring-layout.js';
import { SUBPAGE_HANDLER, isSubpage, mmioRegionRegister, mmioRegionUnregister } from './mmio.js';
import { archMapMemoryRegion, armPagingCellInit } from './mmu-cell.js';
import { cellPageTable } from './page-tables.js';
import { INVALID_PHYS_ADDR, pagingDestroy, pagingFreeRoot, pagingInputLimit, pagingVirt2Phys } from './paging.js';
import { poolStats } from './paging-stats.js';
import { pciCellReset } from './pci.js';
import { archParkCpu, archResetCpu, cellResume, cellSuspend } from './percpu-control.js';
import { printk } from './printk.js';
import { forEachUnit, forEachUnitBeforeReverse } from './unit.js';

/**
 * paging_get_guest_pages(NULL, ...) through the root cell's stage 2: the bytes of
 * [gphys, gphys+len) as the root sees them, or undefined if a page is not mapped.
 */
function readRootGuest(hv: Hv, gphys: number, len: number): Uint8Array | undefined {
  const pt = cellPageTable(hv, hv.rootCell);
  const out = new Uint8Array(len);
  let done = 0;
  while (done < len) {
    const a = gphys + done;
    if (a >= 2 ** pt.format.inputBits) return undefined;
    const phys = pagingVirt2Phys(hv.c.mem, pt, a);
    if (phys === INVALID_PHYS_ADDR) return undefined;
    const n = Math.min(len - done, PAGE_SIZE - (a % PAGE_SIZE));
    if (!hv.c.mem.contains(phys, n)) return undefined;
    out.set(hv.c.mem.copyOut(phys, n), done);
    done += n;
  }
  return out;
}

/** unmap_from_root_cell: the root is 1:1, so the region's physical range is its root address. */
function unmapFromRootCell(hv: Hv, mem: MemRegion): number {
  const tmp = { ...mem, virt: mem.phys };
  if (isSubpage(tmp)) {
    mmioRegionUnregister(hv, hv.rootCell, tmp.virt);
    return 0;
  }
  // Root maps nothing beyond its stage-2 input range: a physical range above it has nothing to unmap.
  const pt = cellPageTable(hv, hv.rootCell);
  const end = Math.min(tmp.virt + tmp.size, pagingInputLimit(pt));
  if (tmp.virt >= end) return 0;
  return pagingDestroy(hv.c.mem, hv.memPool, pt, tmp.virt, end - tmp.virt, { coherent: true });
}

/**
 * remap_to_root_cell: every root region intersecting `mem` physically gets the intersection
 * back at its own virtual offset and with its own flags. abort: stop at the first error (else
 * warn and go on).
 */
function remapToRootCell(hv: Hv, mem: MemRegion, abort: boolean): number {
  const root = hv.rootCell;
  const first = cellMemRegionsAddr(hv, root);
  const inRegion = (addr: number, r: MemRegion): boolean => addr >= r.phys && addr - r.phys < r.size;
  let err = 0;
  const regions = hv.cellMemRegions(root);
  for (let i = 0; i < regions.length; i++) {
    const rm = regions[i]!;
    let phys: number;
    let size: number;
    if (inRegion(mem.phys, rm)) {
      phys = mem.phys;
      size = Math.min(rm.size - (phys - rm.phys), mem.size);
    } else if (inRegion(rm.phys, mem)) {
      phys = rm.phys;
      size = Math.min(mem.size - (phys - mem.phys), rm.size);
    } else continue;
    const overlap: MemRegion = { phys, size, virt: rm.virt + phys - rm.phys, flags: rm.flags };
    if (isSubpage(overlap)) {
      // Jailhouse registers a stack temporary here; the root's own region entry is what it means.
      mmioRegionRegister(hv, root, overlap.virt, overlap.size, SUBPAGE_HANDLER, first + i * MEMORY_SIZE);
      err = 0;
    } else {
      err = archMapMemoryRegion(hv, root, cellPageTable(hv, root), overlap);
    }
    if (err) {
      if (abort) return err;
      printk(hv, `WARNING: Failed to re-assign memory region to root cell\n`);
    }
  }
  return err;
}

/** The cell's config copy and the struct cell pages from the pool, freed together. */
function freeCellPages(hv: Hv, cell: number): void {
  hv.memPool.free(cell, hv.c.mem.read32(cell + CELL.DATA_PAGES));
}

/**
 * cell_destroy_internal (also the rollback of a failed create): CPUs back to root parked with
 * their counters zeroed, memory unmapped from the cell and handed back where root's config has
 * it, the stage-2 root freed, caches flushed.
 */
function cellDestroyInternal(hv: Hv, cell: number): void {
  const t0 = hv.c.rec ? now() : 0;
  const m = hv.c.mem;
  const root = hv.rootCell;
  setCellState(hv, cell, CellState.SHUT_DOWN);
  const cpus = hv.cellCpus(cell);
  for (const cpu of cpus) {
    // failed = false before the park (upstream clears it after arch_park_cpu; no difference to
    // the hypervisor): the CPU parks as a healthy root CPU, not as the failed cell's.
    hv.store(hv.pubWord(cpu, PUB.FAILED), 0);
    archParkCpu(hv, cpu);
    cellSetCpu(hv, root, cpu, true);
    hv.setCellOf(cpu, root);
    hv.zeroStats(cpu);
  }
  const pt = cellPageTable(hv, cell);
  for (const r of hv.cellMemRegions(cell)) {
    // A region beyond the stage-2 input range was never mapped (archMapMemoryRegion refused it).
    if (!isSubpage(r) && r.virt + r.size <= pagingInputLimit(pt)) pagingDestroy(m, hv.memPool, pt, r.virt, r.size, { coherent: true });
    if (!(r.flags & (MemFlags.COMM_REGION | MemFlags.ROOTSHARED))) remapToRootCell(hv, r, false);
  }
  // unit.cell_exit: the irqchip masks the cell's SPIs and gives root back its own, then PCI
  // gives physical devices back to root and takes ivshmem endpoints out of their links. In link
  // order, as jhsim has always done it; Jailhouse walks them in reverse (for_each_unit_reverse).
  for (const unit of forEachUnit()) unit.cellExit(hv, cell);
  // arch_cell_destroy: no CPU of this cell may be started at an old entry; the stage-2 root goes.
  for (const cpu of cpus) m.write64(hv.pub(cpu) + PUB.CPU_ON_ENTRY, PSCI_INVALID_ADDRESS);
  pagingFreeRoot(hv.memPool, pt);
  m.write64(cell + CELL.MM_ROOT, 0);
  configCommit(hv, cell);
  cellExit(hv, cell);
  hv.c.rec?.phase(MgmtPhase.DESTROY, t0);
}

function appendCell(hv: Hv, cell: number): void {
  const list = hv.cells();
  hv.c.mem.write64(list[list.length - 1]! + CELL.NEXT, cell);
  hv.c.mem.write64(cell + CELL.NEXT, 0);
}

function unlinkCell(hv: Hv, cell: number): void {
  const m = hv.c.mem;
  for (const c of hv.cells()) {
    if (m.read64(c + CELL.NEXT) === cell) {
      m.write64(c + CELL.NEXT, m.read64(cell + CELL.NEXT));
      return;
    }
  }
}

/** cell_create(config_gphys), in the reference's order; every failure after step 2 resumes root. */
export function cellCreate(hv: Hv, cfgGphys: number): number {
  if (!hv.callerIsRoot()) return -Errno.EPERM;
  const root = hv.rootCell;
  cellSuspend(hv, root);
  try {
    return cellCreateSuspended(hv, cfgGphys);
  } finally {
    cellResume(hv, root);
  }
}

function cellCreateSuspended(hv: Hv, cfgGphys: number): number {
  const m = hv.c.mem;
  const root = hv.rootCell;
  if (!cellReconfigOk(hv, 0)) return -Errno.EPERM;
  const header = readRootGuest(hv, cfgGphys, CELL_DESC_SIZE);
  if (!header) return -Errno.ENOMEM;
  const hdv = new DataView(header.buffer);
  const newId = hdv.getUint32(CELL_OFF.id, true);
  const newName = header.subarray(CELL_OFF.name, CELL_OFF.name + 32);
  for (const c of hv.cells()) {
    const cfg = hv.cellConfig(c);
    const name = m.copyOut(cfg + CELL_OFF.name, 32);
    if (sameCString(name, newName) || m.read32(cfg + CELL_OFF.id) === newId) return -Errno.EEXIST;
  }
  const total = cellConfigSize(hdv, 0);
  if (pages((cfgGphys % PAGE_SIZE) + total) > NUM_TEMPORARY_PAGES) return -Errno.E2BIG;
  const config = readRootGuest(hv, cfgGphys, total);
  if (!config) return -Errno.ENOMEM;
  const dataPages = pages(CELL.SIZE + total);
  const cell = hv.memPool.alloc(dataPages);
  if (!cell) return -Errno.ENOMEM;
  m.write32(cell + CELL.DATA_PAGES, dataPages);
  m.copyIn(cell + CELL.SIZE, config);
  let err = cellInit(hv, cell, cell + CELL.SIZE);
  if (err) {
    hv.memPool.free(cell, dataPages);
    return err;
  }
  const fail = (e: number): number => {
    cellExit(hv, cell);
    hv.memPool.free(cell, dataPages);
    return e;
  };
  const newCpus = hv.cellCpus(cell);
  if (cellOwnsCpu(hv, cell, hv.cpu)) return fail(-Errno.EBUSY);
  if (newCpus.some((cpu) => !cellOwnsCpu(hv, root, cpu))) return fail(-Errno.EBUSY);
  err = armPagingCellInit(hv, cell);
  if (err) return fail(err);
  // Before anything is taken from root: every region must fit the cell's stage-2 input range
  // (Jailhouse does not check, and would index past its root table).
  const limit = pagingInputLimit(cellPageTable(hv, cell));
  const wild = hv.cellMemRegions(cell).find((r) => !isSubpage(r) && r.virt + r.size > limit);
  if (wild) {
    printk(hv, `jhsim: memory region at IPA 0x${wild.virt.toString(16)} (size 0x${wild.size.toString(16)}) is beyond the stage-2 input range (0x${limit.toString(16)})\n`);
    pagingFreeRoot(hv.memPool, cellPageTable(hv, cell));
    m.write64(cell + CELL.MM_ROOT, 0);
    return fail(-Errno.EINVAL);
  }
  // unit.cell_init in link order: the irqchip (ownership, GICD/GICR regions), then PCI (ECAM
  // region, devices taken from root, ivshmem endpoints). A unit that fails has undone its own
  // part; the units before it are exited, last first.
  const tInit = hv.c.rec ? now() : 0;
  for (const unit of forEachUnit()) {
    err = unit.cellInit(hv, cell);
    if (err) {
      for (const before of forEachUnitBeforeReverse(unit)) before.cellExit(hv, cell);
      break;
    }
  }
  hv.c.rec?.phase(MgmtPhase.UNIT_INIT, tInit);
  if (err) {
    pagingFreeRoot(hv.memPool, cellPageTable(hv, cell));
    m.write64(cell + CELL.MM_ROOT, 0);
    return fail(err);
  }

  // Shrink root: the CPUs are suspended root CPUs; they park and become the cell's.
  const tPark = hv.c.rec ? now() : 0;
  for (const cpu of newCpus) {
    archParkCpu(hv, cpu);
    cellSetCpu(hv, root, cpu, false);
    hv.setCellOf(cpu, cell);
    hv.zeroStats(cpu);
  }
  hv.c.rec?.phase(MgmtPhase.PARK, tPark);
  const tMap = hv.c.rec ? now() : 0;
  const pt = cellPageTable(hv, cell);
  const first = cellMemRegionsAddr(hv, cell);
  for (const [i, r] of hv.cellMemRegions(cell).entries()) {
    if (!(r.flags & (MemFlags.COMM_REGION | MemFlags.ROOTSHARED))) err = unmapFromRootCell(hv, r);
    if (!err) {
      if (isSubpage(r)) mmioRegionRegister(hv, cell, r.virt, r.size, SUBPAGE_HANDLER, first + i * MEMORY_SIZE);
      else err = archMapMemoryRegion(hv, cell, pt, r);
    }
    if (err) {
      // err_destroy_cell. The new cell's CPUs parked above and sit in the parking loop, not in
      // check_events: upstream's second arch_park_cpu (in cell_destroy_internal) leaves `park`
      // set on them, and the driver's PSCI CPU_ON that follows is swallowed by it (check_events
      // handles park before reset), so root Linux's cpu_up times out and the CPU stays offline.
      // jhsim suspends them first, as cell_destroy does, so the park is consumed at once
      // (--upstream-races keeps upstream's behaviour).
      if (!hv.c.upstreamRaces) cellSuspend(hv, cell);
      cellDestroyInternal(hv, cell);
      freeCellPages(hv, cell);
      return err;
    }
  }
  hv.c.rec?.phase(MgmtPhase.MAP, tMap);
  configCommit(hv, cell);
  setCellState(hv, cell, CellState.SHUT_DOWN);
  appendCell(hv, cell);
  hv.store(hv.bss(BSS.NUM_CELLS), hv.load(hv.bss(BSS.NUM_CELLS)) + 1);
  cellReconfigCompleted(hv);
  printk(hv, `Created cell "${hv.cellName(cell)}"\n`);
  poolStats(hv, 'cell creation');
  return 0;
}

function sameCString(a: Uint8Array, b: Uint8Array): boolean {
  for (let i = 0; i < 32; i++) {
    if (a[i] !== b[i]) return false;
    if (a[i] === 0) return true;
  }
  return true;
}

type Task = 'start' | 'set_loadable' | 'destroy';

/**
 * The common prologue of START, SET_LOADABLE and DESTROY; on success root and the target cell
 * are suspended (the caller resumes root). Returns the cell or a negative errno (root resumed).
 */
function managementPrologue(hv: Hv, task: Task, id: number): number {
  if (!hv.callerIsRoot()) return -Errno.EPERM;
  const root = hv.rootCell;
  cellSuspend(hv, root);
  const cell = findCellById(hv, id);
  let err = 0;
  if (!cell) err = -Errno.ENOENT;
  else if (cell === root) err = -Errno.EINVAL;
  else if (task === 'destroy' && !cellReconfigOk(hv, cell)) err = -Errno.EPERM;
  else if (!cellShutdownOk(hv, cell)) err = -Errno.EPERM;
  if (err) {
    cellResume(hv, root);
    return err;
  }
  cellSuspend(hv, cell);
  return cell;
}

export function cellStart(hv: Hv, id: number): number {
  const cell = managementPrologue(hv, 'start', id);
  if (cell < 0) return cell;
  const m = hv.c.mem;
  try {
    if (m.read32(cell + CELL.LOADABLE)) {
      for (const r of hv.cellMemRegions(cell)) {
        if (!(r.flags & MemFlags.LOADABLE)) continue;
        const err = unmapFromRootCell(hv, r);
        // Jailhouse leaves the cell's CPUs suspended on this path.
        if (err) return err;
      }
      configCommit(hv, 0);
      m.write32(cell + CELL.LOADABLE, 0);
    }
    commRegionReset(hv, cell);
    // unit.cellReset in link order: the irqchip masks the cell's SPIs, then PCI resets its
    // devices (jhsim's order; Jailhouse calls pci_cell_reset before arch_cell_reset, whose last
    // step is irqchip_cell_reset).
    for (const unit of forEachUnit()) unit.cellReset?.(hv, cell);
    // arch_cell_reset: the first CPU starts at cpu_reset_address, the others wait for CPU_ON.
    const cpus = hv.cellCpus(cell);
    const entry = m.read64(hv.cellConfig(cell) + CELL_OFF.cpu_reset_address);
    cpus.forEach((cpu, i) => m.write64(hv.pub(cpu) + PUB.CPU_ON_ENTRY, i === 0 ? entry : PSCI_INVALID_ADDRESS));
    for (const cpu of cpus) m.write64(hv.pub(cpu) + PUB.CPU_ON_CONTEXT, 0);
    for (const cpu of cpus) {
      hv.store(hv.pubWord(cpu, PUB.FAILED), 0);
      archResetCpu(hv, cpu);
    }
    printk(hv, `Started cell "${hv.cellName(cell)}"\n`);
    return 0;
  } finally {
    cellResume(hv, hv.rootCell);
  }
}

export function cellSetLoadable(hv: Hv, id: number): number {
  const cell = managementPrologue(hv, 'set_loadable', id);
  if (cell < 0) return cell;
  const m = hv.c.mem;
  try {
    for (const cpu of hv.cellCpus(cell)) {
      hv.store(hv.pubWord(cpu, PUB.FAILED), 0);
      archParkCpu(hv, cpu);
    }
    if (m.read32(cell + CELL.LOADABLE)) return 0;
    setCellState(hv, cell, CellState.SHUT_DOWN);
    m.write32(cell + CELL.LOADABLE, 1);
    // Only PCI resets here, called by name as in control.c's cell_set_loadable: the irqchip's
    // reset is cell_start's (a walk of unit.cellReset would mask the cell's SPIs here too).
    pciCellReset(hv, cell);
    for (const r of hv.cellMemRegions(cell)) {
      if (!(r.flags & MemFlags.LOADABLE)) continue;
      const err = remapToRootCell(hv, r, true);
      if (err) return err;
    }
    configCommit(hv, 0);
    printk(hv, `Cell "${hv.cellName(cell)}" can be loaded\n`);
    return 0;
  } finally {
    cellResume(hv, hv.rootCell);
  }
}

export function cellDestroy(hv: Hv, id: number): number {
  const cell = managementPrologue(hv, 'destroy', id);
  if (cell < 0) return cell;
  try {
    printk(hv, `Closing cell "${hv.cellName(cell)}"\n`);
    cellDestroyInternal(hv, cell);
    unlinkCell(hv, cell);
    hv.store(hv.bss(BSS.NUM_CELLS), hv.load(hv.bss(BSS.NUM_CELLS)) - 1);
    freeCellPages(hv, cell);
    poolStats(hv, 'cell destruction');
    cellReconfigCompleted(hv);
    return 0;
  } finally {
    cellResume(hv, hv.rootCell);
  }
}

