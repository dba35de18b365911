/**
 * Hypercalls (hypervisor/control.c): dispatch, DISABLE with its rendezvous, and the query
 * calls; the cell management calls are in cell-mgmt.ts.
 */
import { CellFlags } from '../../../shared/config/layout.js';
import { Errno } from '../../../shared/errno.js';
import { signal, spinLock, spinUnlock, waitUntil } from '../../../shared/sync.js';
import { cellConfigFlags, cellOwnsCpu, cpuIdValid, findCellById } from './cell.js';
import type { Hv } from './hv.js';
import { BSS, CPU_INFO_STAT_BASE, CPU_INFO_STATE, CpuInfoState, Hc, NUM_CPU_STATS, PUB, ShutdownState, Stat } from './layout.js';
import { printk } from './printk.js';
import { cellCreate, cellDestroy, cellSetLoadable, cellStart } from './cell-mgmt.js';
import { shutdown } from './setup.js';

/** hypercall(): every call counts as a hypercall exit first, also unknown codes. */
export function hypercall(hv: Hv, code: number, arg1: number, arg2: number): number {
  hv.count(Stat.HYPERCALL);
  switch (code) {
    case Hc.DISABLE:
      return hypervisorDisable(hv);
    case Hc.CELL_CREATE:
      return cellCreate(hv, arg1);
    case Hc.CELL_START:
      return cellStart(hv, arg1);
    case Hc.CELL_SET_LOADABLE:
      return cellSetLoadable(hv, arg1);
    case Hc.CELL_DESTROY:
      return cellDestroy(hv, arg1);
    case Hc.HYPERVISOR_GET_INFO:
      return hypervisorGetInfo(hv, arg1);
    case Hc.CELL_GET_STATE:
      return cellGetState(hv, arg1);
    case Hc.CPU_GET_INFO:
      return cpuGetInfo(hv, arg1, arg2);
    case Hc.DEBUG_CONSOLE_PUTC:
      return debugConsolePutc(hv, arg1);
    default:
      return -Errno.ENOSYS;
  }
}

/**
 * hypervisor_disable, issued by the driver on every root CPU: the first decides for all
 * (STARTED if only the root cell exists, else -EBUSY everywhere), then all rendezvous and the
 * first through runs the global shutdown.
 */
export function hypervisorDisable(hv: Hv): number {
  if (!hv.callerIsRoot()) return -Errno.EPERM;
  const c = hv.c;
  const lock = hv.bss(BSS.SHUTDOWN_LOCK);
  const waiting = hv.bss(BSS.WAITING_CPUS);
  const gen = hv.bss(BSS.SHUTDOWN_GEN);
  const myState = hv.pubWord(hv.cpu, PUB.SHUTDOWN_STATE);
  let ret = 0;
  spinLock(c.policy, lock, 'shutdown_lock');
  try {
    if (hv.load(myState) === ShutdownState.NONE) {
      const numCells = hv.load(hv.bss(BSS.NUM_CELLS));
      const state = numCells === 1 ? ShutdownState.STARTED : -Errno.EBUSY;
      for (const cpu of hv.cellCpus(hv.rootCell)) hv.store(hv.pubWord(cpu, PUB.SHUTDOWN_STATE), state);
    }
    if (hv.load(myState) === ShutdownState.STARTED) {
      hv.store(hv.bss(BSS.DO_COMMON_SHUTDOWN), 1);
      if (Atomics.add(waiting.view, waiting.index, 1) + 1 >= hv.onlineCpus) signal(gen);
    } else {
      ret = hv.load(myState);
      hv.store(myState, ShutdownState.NONE);
    }
  } finally {
    spinUnlock(lock);
  }
  if (ret < 0) return ret;
  c.schedulePoint();
  waitUntil(c.policy, gen, () => hv.load(waiting) >= hv.onlineCpus, 'disable barrier: waiting_cpus == online_cpus');

  spinLock(c.policy, lock, 'shutdown_lock');
  try {
    if (hv.load(hv.bss(BSS.DO_COMMON_SHUTDOWN))) {
      printk(hv, 'Shutting down hypervisor\n');
      shutdown(hv);
      hv.store(hv.bss(BSS.DO_COMMON_SHUTDOWN), 0);
    }
    printk(hv, ` Releasing CPU ${hv.cpu}\n`);
  } finally {
    spinUnlock(lock);
  }
  return 0;
}

export const GetInfo = { MEM_POOL_SIZE: 0, MEM_POOL_USED: 1, REMAP_POOL_SIZE: 2, REMAP_POOL_USED: 3, NUM_CELLS: 4 } as const;

export function hypervisorGetInfo(hv: Hv, type: number): number {
  switch (type) {
    case GetInfo.MEM_POOL_SIZE:
      return hv.memPool.pages;
    case GetInfo.MEM_POOL_USED:
      return hv.memPool.usedPages;
    case GetInfo.REMAP_POOL_SIZE:
      return hv.remapPool.pages;
    case GetInfo.REMAP_POOL_USED:
      return hv.remapPool.usedPages;
    case GetInfo.NUM_CELLS:
      return hv.load(hv.bss(BSS.NUM_CELLS));
    default:
      return -Errno.EINVAL;
  }
}

export function cellGetState(hv: Hv, id: number): number {
  if (!hv.callerIsRoot()) return -Errno.EPERM;
  const cell = findCellById(hv, id);
  if (!cell) return -Errno.ENOENT;
  const state = hv.commState(cell);
  return state >= 0 && state <= 4 ? state : -Errno.EINVAL;
}

export function cpuGetInfo(hv: Hv, cpu: number, type: number): number {
  if (!cpuIdValid(hv, cpu)) return -Errno.EINVAL;
  if (!hv.callerIsRoot() && !cellOwnsCpu(hv, hv.thisCell(), cpu)) return -Errno.EPERM;
  if (type === CPU_INFO_STATE) {
    return hv.load(hv.pubWord(cpu, PUB.FAILED)) ? CpuInfoState.FAILED : CpuInfoState.RUNNING;
  }
  if (type >= CPU_INFO_STAT_BASE && type < CPU_INFO_STAT_BASE + NUM_CPU_STATS) {
    return hv.statOf(cpu, type - CPU_INFO_STAT_BASE) & 0x7fffffff;
  }
  return -Errno.EINVAL;
}

function debugConsolePutc(hv: Hv, ch: number): number {
  if (!(cellConfigFlags(hv, hv.thisCell()) & CellFlags.VIRTUAL_CONSOLE_PERMITTED)) return -Errno.EPERM;
  printk(hv, String.fromCharCode(ch & 0xff));
  return 0;
}

