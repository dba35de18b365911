/**
 * cell_init and cell_exit (hypervisor/control.c): a struct cell's CPU set and its MMIO region
 * tables, for the root cell at setup and for every cell created. Apart from cell.ts (the
 * struct's accessors), which the MMIO dispatcher reads cells through: with cell_init there,
 * cell.ts and mmio.ts (mmio_cell_init) imported each other.
 */
import { CELL_DESC_SIZE, CELL_OFF } from '../../../shared/config/layout.js';
import { Errno } from '../../../shared/errno.js';
import type { Hv } from './hv.js';
import { CELL } from './layout.js';
import { mmioCellExit, mmioCellInit } from './mmio.js';
import { printk } from './printk.js';

/**
 * cell_init: CPU set (inline up to 64 CPUs, a pool page beyond), max_cpu_id, then the MMIO
 * region tables (mmio_cell_init).
 */
export function cellInit(hv: Hv, cell: number, cfg: number): number {
  const m = hv.c.mem;
  const cpuSetSize = m.read32(cfg + CELL_OFF.cpu_set_size);
  if (cpuSetSize > 4096) return -Errno.EINVAL;
  if (cpuSetSize === 0) {
    // Jailhouse computes max_cpu_id = 0 * 8 - 1 (all ones) and for_each_cpu then reads past the
    // 8-byte inline bitmap into the struct cell: refuse the config instead of walking garbage.
    printk(hv, 'jhsim: cell config with cpu_set_size 0 refused (Jailhouse would walk its CPU set past the bitmap)\n');
    return -Errno.EINVAL;
  }
  m.write64(cell + CELL.CONFIG, cfg);
  let set = cell + CELL.CPU_SET_INLINE;
  if (cpuSetSize > 8) {
    set = hv.memPool.alloc(1);
    if (!set) return -Errno.ENOMEM;
  }
  m.write64(cell + CELL.CPU_SET_PTR, set);
  m.write32(cell + CELL.CPU_SET_MAX, cpuSetSize * 8 - 1);
  m.copyIn(set, m.copyOut(cfg + CELL_DESC_SIZE, cpuSetSize));
  const err = mmioCellInit(hv, cell);
  if (err && set !== cell + CELL.CPU_SET_INLINE) hv.memPool.free(set, 1);
  return err;
}

/** cell_exit: the MMIO tables and a CPU set that did not fit inline go back to the pool. */
export function cellExit(hv: Hv, cell: number): void {
  mmioCellExit(hv, cell);
  const set = hv.c.mem.read64(cell + CELL.CPU_SET_PTR);
  if (set !== cell + CELL.CPU_SET_INLINE) hv.memPool.free(set, 1);
}
