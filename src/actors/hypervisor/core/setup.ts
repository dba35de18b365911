/**
 * entry(): what every CPU runs when the driver calls into the hypervisor image, with
 * Jailhouse's rendezvous: entered_cpus barrier, the master's init_early, serialised cpu_init
 * under init_lock, initialized_cpus barrier, the master's init_late and activation. A single
 * shared `error` makes every CPU return the same code.
 */
import { CELL_DESC_SIZE, CONSOLE_OFF, ConsoleFlags, SYS_OFF, SysFlags, systemConfigSize } from '../../../shared/config/layout.js';
import { Errno } from '../../../shared/errno.js';
import { signal, spinLock, spinUnlock, waitUntil } from '../../../shared/sync.js';
import type { CpuContext } from '../../cpu/context.js';
import { CpuState, CpuTime, CpuWord, MachineWord, cpuTimeIndex, now } from '../../cpu/layout.js';
import { cpuIdValid } from './cell.js';
import { cellInit } from './cell-init.js';
import { configCommit } from './config-commit.js';
import { mmioRegisterSubpages } from './mmio.js';
import { archMapMemoryRegion, armPagingCellInit } from './mmu-cell.js';
import { Hv } from './hv.js';
import {
  BSS,
  DATA,
  ENTRY_MARKER,
  HDR,
  IMAGE,
  INVALID_CPU_ID,
  JAILHOUSE_BASE,
  LOCAL_CPU_BASE,
  NUM_REMAP_BITMAP_PAGES,
  NUM_TEMPORARY_PAGES,
  PAGE_SIZE,
  PERCPU,
  PUB,
  REMAP_BASE,
  TEMPORARY_MAPPING_BASE,
  UART_BASE,
  pages,
} from './layout.js';
import { PoolFlags } from './page-pool.js';
import { cellPageTable, hvPageTable, parkingPageTable } from './page-tables.js';
import { NONPRESENT_FLAGS, cellRootPtPages, hvFlags, hvFormat, pagingCreate, pagingCreateRepeat, s2Flags } from './paging.js';
import { poolStats } from './paging-stats.js';
import { hex, printk } from './printk.js';
import { irqchipGlobalInit } from './gic-init.js';
import { irqchipCpuInit, irqchipCpuShutdown } from './irqchip.js';
import { GicCpuWord, ICH_HCR_EN } from '../../gic/index.js';
import { forEachUnit, forEachUnitReverse } from './unit.js';
import { decodeLatin1 } from '../../../shared/text.js';
// The units linked into the hypervisor: the table is walked from init_early on (mmio_cell_init).
import './unit-list.js';

const BITS_PER_PAGE = PAGE_SIZE * 8;

/** arch_entry's sanity check of the image it is running from. */
function imageIsOurs(c: CpuContext, base: number): boolean {
  const m = c.mem;
  const entry = m.read64(base + HDR.ENTRY);
  if (entry + ENTRY_MARKER.length > m.read64(base + HDR.CORE_SIZE)) return false;
  const marker = decodeLatin1(m.copyOut(base + entry, ENTRY_MARKER.length));
  return (
    marker === ENTRY_MARKER && m.read64(base + HDR.CORE_SIZE) >= IMAGE.CORE_SIZE && m.read64(base + HDR.PERCPU_SIZE) >= PERCPU.SIZE
  );
}

/**
 * Called by the driver's enter_hypervisor on this CPU (x0 = cpu id). Returns 0 with the CPU
 * now running Linux as the root cell's guest (its context holds the EL2 handle, c.hv), or the
 * shared negative error with the CPU back in native EL1.
 */
export function hypervisorEntry(c: CpuContext, base: number, size: number): number {
  if (c.rec === undefined) return entry(c, base, size);
  const t0 = now();
  const ret = entry(c, base, size);
  const f64 = new Float64Array(c.cpus.buffer);
  c.rec.entry(t0, now() - t0, ret, f64[cpuTimeIndex(c.cpu, CpuTime.BARRIER_A_AT)]! - t0);
  return ret;
}

/** entry() of arm64/entry.S and setup.c: both barriers, init_early/cpu_init/init_late. */
function entry(c: CpuContext, base: number, size: number): number {
  if (!imageIsOurs(c, base)) {
    // A real CPU would branch into garbage; the simulation refuses to run a foreign image.
    return -Errno.EIO;
  }
  c.setState(CpuState.HYPERVISOR);
  const hv = new Hv(c, base, size);
  const f64 = new Float64Array(c.cpus.buffer);
  f64[cpuTimeIndex(c.cpu, CpuTime.ENTERED_AT)] = now();
  traceSeq(c, CpuWord.ENTERED_SEQ);

  const m = c.mem;
  m.write32(hv.myPub + PUB.CPU_ID, c.cpu);

  const initLock = hv.bss(BSS.INIT_LOCK);
  const gen = hv.bss(BSS.ENTRY_GEN);
  const entered = hv.bss(BSS.ENTERED_CPUS);
  const initialized = hv.bss(BSS.INITIALIZED_CPUS);
  const error = hv.bss(BSS.ERROR);
  const activate = hv.bss(BSS.ACTIVATE);
  const online = hv.onlineCpus;

  spinLock(c.policy, initLock, 'init_lock');
  const n = Atomics.add(entered.view, entered.index, 1) + 1;
  spinUnlock(initLock);
  if (n >= online) signal(gen);
  c.schedulePoint();

  waitUntil(c.policy, gen, () => hv.load(entered) >= online, 'entry barrier: entered_cpus == online_cpus');
  f64[cpuTimeIndex(c.cpu, CpuTime.BARRIER_A_AT)] = now();
  traceSeq(c, CpuWord.BARRIER_A_SEQ);
  c.schedulePoint();

  spinLock(c.policy, initLock, 'init_lock');
  let master = false;
  try {
    if (hv.masterCpu === INVALID_CPU_ID) {
      master = true;
      const err = initEarly(hv);
      if (err) hv.store(error, err);
    }
    if (!hv.load(error)) {
      const err = cpuInit(hv);
      if (err) hv.store(error, err);
      else Atomics.add(initialized.view, initialized.index, 1);
    }
  } finally {
    spinUnlock(initLock);
  }
  if (hv.load(error) || hv.load(initialized) >= online) signal(gen);
  c.schedulePoint();

  waitUntil(c.policy, gen, () => hv.load(error) !== 0 || hv.load(initialized) >= online, 'entry barrier: initialized_cpus == online_cpus');

  if (master) {
    if (!hv.load(error)) {
      const err = initLate(hv);
      if (err) hv.store(error, err);
      else hv.store(activate, 1);
    }
    signal(gen);
  } else {
    waitUntil(c.policy, gen, () => hv.load(error) !== 0 || hv.load(activate) !== 0, 'entry: waiting for activation by the master');
  }

  const err = hv.load(error);
  if (err) {
    if (master) shutdown(hv);
    archCpuRestore(hv);
    return err;
  }
  if (master) printk(hv, 'Activating hypervisor\n');
  // arch_cpu_activate_vmm: eret to Linux with x0 = 0, now as the root cell's guest.
  c.setHv(hv);
  c.setState(CpuState.GUEST);
  return 0;
}

/** Record the next machine-wide trace sequence number in one of this CPU's words. */
function traceSeq(c: CpuContext, w: number): void {
  Atomics.store(c.cpus, c.my(w), Atomics.add(c.cpus, c.machine(MachineWord.TRACE_SEQ), 1) + 1);
}

/**
 * arch_cpu_restore: undo this CPU's EL2 state and return to native EL1 Linux (the
 * arch_shutdown_self path: the GIC CPU interface back to native if cpu_init got that far).
 */
export function archCpuRestore(hv: Hv): void {
  const c = hv.c;
  if (c.gicc.load(GicCpuWord.ICH_HCR) & ICH_HCR_EN) irqchipCpuShutdown(hv);
  c.setCellId(c.cpu, 0);
  c.setHv(undefined);
  c.setState(CpuState.LINUX);
}

function initEarly(hv: Hv): number {
  const m = hv.c.mem;
  hv.store(hv.data(DATA.MASTER_CPU_ID), hv.cpu);
  const sys = hv.base + hv.coreSize + hv.percpuSize * hv.maxCpus;
  m.write64(hv.base + IMAGE.BSS + BSS.SYSTEM_CONFIG, sys);
  const sysFlags = m.read32(sys + SYS_OFF.flags);
  hv.store(hv.bss(BSS.VIRTUAL_CONSOLE), sysFlags & SysFlags.VIRTUAL_DEBUG_CONSOLE ? 1 : 0);
  printk(hv, `\nInitializing Jailhouse hypervisor v0.12 (jhsim) on CPU ${hv.cpu}\n`);
  printk(hv, `Code location: ${hex(JAILHOUSE_BASE + IMAGE.ARCH_ENTRY)}\n`);

  let err = pagingInit(hv, sys);
  if (err) {
    diag(hv, `paging_init failed with ${err}: hypervisor_memory too small for its page pool`);
    return err;
  }

  const root = hv.rootCell;
  err = cellInit(hv, root, sys + SYS_OFF.root_cell);
  if (err) return err;
  m.write32(hv.base + IMAGE.BSS + BSS.NUM_CELLS, 1);

  err = archInitEarly(hv);
  if (err) return err;

  // Back the hypervisor's own range in the root cell with a read-only empty page (and the real
  // console page when the root may read the virtual console), so Linux touching it never faults.
  const rootPt = cellPageTable(hv, root);
  const empty = hv.base + IMAGE.EMPTY_PAGE;
  const ro = s2Flags({ read: true });
  const con = hv.load(hv.bss(BSS.VIRTUAL_CONSOLE)) ? hv.base + IMAGE.CONSOLE_PAGE : 0;
  err = pagingCreateRepeat(m, hv.memPool, rootPt, empty, hv.size / PAGE_SIZE, hv.base, ro);
  if (!err && con) err = pagingCreate(m, hv.memPool, rootPt, con, PAGE_SIZE, con, ro, { coherent: true });
  if (err) return err;

  poolStats(hv, 'early setup');
  printk(hv, 'Initializing processors:\n');
  return 0;
}

function pagingInit(hv: Hv, sys: number): number {
  const m = hv.c.mem;
  const poolBase = hv.base + hv.coreSize;
  const poolPages = Math.floor((hv.size - hv.coreSize) / PAGE_SIZE);
  const perCpuPages = (hv.maxCpus * hv.percpuSize) / PAGE_SIZE;
  const cfgPages = pages(systemConfigSize(m.window(sys, CELL_DESC_SIZE + SYS_OFF.root_cell)));
  const bitmapPages = Math.ceil(poolPages / BITS_PER_PAGE);
  if (poolPages <= perCpuPages + cfgPages + bitmapPages) return -Errno.ENOMEM;

  const pool = hv.memPool;
  pool.init(poolBase, poolPages, poolBase + (perCpuPages + cfgPages) * PAGE_SIZE, PoolFlags.SCRUB_ON_FREE);
  pool.markUsed(perCpuPages + cfgPages + bitmapPages);

  const remapBitmap = pool.alloc(NUM_REMAP_BITMAP_PAGES);
  hv.remapPool.init(REMAP_BASE, NUM_REMAP_BITMAP_PAGES * BITS_PER_PAGE, remapBitmap, 0);

  // Common hypervisor tables: CPU 0's root table page.
  const common = hvPageTable(hv, 0);
  let err = pagingCreate(m, pool, common, hv.base, hv.size, JAILHOUSE_BASE, hvFlags({ write: true }), { huge: true });
  if (err) return err;
  // Pre-split the private per-CPU parts so later permission flips never allocate.
  for (let cpu = 0; cpu < hv.maxCpus; cpu++) {
    const pc = hv.percpu(cpu);
    err = pagingCreate(m, pool, common, pc, PERCPU.PUBLIC - PERCPU.STACK, JAILHOUSE_BASE + (pc - hv.base), hvFlags({ write: true }));
    if (err) return err;
  }
  const parking = pool.allocAligned(cellRootPtPages(hv.c.board.pa_bits));
  if (!parking) return -Errno.ENOMEM;
  m.write64(hv.base + IMAGE.BSS + BSS.PARKING_PT, parking);

  const conFlags = m.read16(sys + SYS_OFF.debug_console + CONSOLE_OFF.flags);
  const conAddr = m.read64(sys + SYS_OFF.debug_console + CONSOLE_OFF.address);
  if (conAddr && conFlags & ConsoleFlags.ACCESS_MMIO) {
    const va = UART_BASE + (conAddr % 0x200000);
    if (va >= REMAP_BASE && va < REMAP_BASE + hv.remapPool.pages * PAGE_SIZE) return -Errno.EINVAL;
    err = pagingCreate(m, pool, common, conAddr, PAGE_SIZE, va, hvFlags({ write: true, device: true }));
    if (err) return err;
  }
  return 0;
}

function archInitEarly(hv: Hv): number {
  const m = hv.c.mem;
  const err = pagingCreate(m, hv.memPool, parkingPageTable(hv), hv.base + IMAGE.PARKING_CODE, PAGE_SIZE, 0, s2Flags({ read: true }), {
    coherent: true,
  });
  if (err) return err;
  return armPagingCellInit(hv, hv.rootCell);
}

function cpuInit(hv: Hv): number {
  printk(hv, ` CPU ${hv.cpu}... `);
  const err = cpuInitInner(hv);
  printk(hv, err ? 'FAILED\n' : 'OK\n');
  if (err) diag(hv, `cpu_init on CPU ${hv.cpu} returned ${err}: ${cpuInitReason}`);
  return err;
}

/** Why the last cpu_init failed, for the simulator's diagnostic line. */
let cpuInitReason = '';

/**
 * A simulator diagnostic on the hypervisor console, marked "jhsim:" so it is never mistaken for
 * Jailhouse's own output (like a CONFIG_TRACE_ERROR build, but saying why).
 */
export function diag(hv: Hv, text: string): void {
  printk(hv, `jhsim: ${text}\n`);
}

function cpuInitInner(hv: Hv): number {
  const c = hv.c;
  const m = c.mem;
  cpuInitReason = '';
  if (!cpuIdValid(hv, hv.cpu)) {
    cpuInitReason = `CPU ${hv.cpu} is online but not in the root cell's CPU set`;
    return -Errno.EINVAL;
  }
  hv.setCellOf(hv.cpu, hv.rootCell);

  // Own stage-1 tables: link the top-level entry covering JAILHOUSE_BASE (and the UART) to the
  // common tables, then map the own per_cpu at LOCAL_CPU_BASE.
  const own = hvPageTable(hv, hv.cpu);
  const common = hvPageTable(hv, 0);
  const l0 = hvFormat.levels[0]!;
  const idx = Math.floor(JAILHOUSE_BASE / l0.div) % l0.entries;
  const src = common.root + idx * 8;
  if (!(m.read32(src) & 1) || !(m.read32(src) & 2)) return -Errno.EINVAL;
  m.write32(own.root + idx * 8, m.read32(src));
  m.write32(own.root + idx * 8 + 4, m.read32(src + 4));
  let err = pagingCreate(m, hv.memPool, own, hv.percpu(hv.cpu), hv.percpuSize, LOCAL_CPU_BASE, hvFlags({ write: true }), { huge: true });
  if (err) return err;

  // arch_cpu_init: MPIDR, the irqchip (global init on the first CPU, then this CPU's part:
  // GICv3 SGIs can only target Aff0 < 16; SGIs already pending become virtual ones).
  const mpidr = c.topo[hv.cpu]!.mpidr;
  m.write64(hv.myPub + PUB.MPIDR, mpidr);
  err = irqchipGlobalInit(hv);
  if (err) {
    cpuInitReason = err === -Errno.EINVAL ? 'platform_info.arm.gic_version is not 3' : 'no room in the page pools to map the GIC';
    return err;
  }
  if ((mpidr & 0xff) >= 16) {
    cpuInitReason = `MPIDR Aff0 ${mpidr & 0xff} cannot be addressed by an SGI target list`;
    return -Errno.EIO;
  }
  irqchipCpuInit(hv);
  const inject = c.machine(MachineWord.FAIL_CPU_INIT);
  if (Atomics.compareExchange(c.cpus, inject, hv.cpu + 1, 0) === hv.cpu + 1) {
    // Fault injection standing in for a firmware/irqchip failure on this CPU.
    cpuInitReason = 'injected failure (stress --fail-cpu-rate)';
    return -(Atomics.load(c.cpus, c.machine(MachineWord.FAIL_ERRNO)) || Errno.EIO);
  }

  // Pre-create the temporary mapping window as non-present 4K entries.
  err = pagingCreate(m, hv.memPool, own, 0, NUM_TEMPORARY_PAGES * PAGE_SIZE, TEMPORARY_MAPPING_BASE, NONPRESENT_FLAGS);
  return err;
}

function initLate(hv: Hv): number {
  const root = hv.rootCell;
  const n = hv.cellCpus(root).length;
  if (n !== hv.onlineCpus) {
    diag(hv, `the root cell's CPU set has ${n} CPUs but ${hv.onlineCpus} are online`);
    return -Errno.EINVAL;
  }
  // unit.init in link order, each the unit's root cell part: the irqchip (irq_bitmap, GICD/GICR
  // regions), then PCI (the ECAM region, root's devices, ivshmem endpoints). Jailhouse prints
  // "Initializing unit: <name>" before each; jhsim's console never did, and does not now.
  for (const unit of forEachUnit()) {
    const err = unit.init(hv);
    if (err) return err;
  }
  const pt = cellPageTable(hv, root);
  for (const r of hv.cellMemRegions(root)) {
    const err = archMapMemoryRegion(hv, root, pt, r);
    if (err) return err;
  }
  mmioRegisterSubpages(hv, root);
  configCommit(hv, root);
  poolStats(hv, 'late setup');
  return 0;
}

/**
 * shutdown (control.c): the global teardown after a failed entry or at disable, the units'
 * shutdown in reverse link order: PCI (pci_prepare_handover, which upstream's shutdown() calls
 * by name before the walk and which is PCI's first step here, then root's devices get their
 * MSI/MSI-X back), then the irqchip's stub (its part is per CPU, in archShutdownSelf).
 */
export function shutdown(hv: Hv): void {
  for (const unit of forEachUnitReverse()) unit.shutdown(hv);
}

