/**
 * A cell's stage 2 (arch/arm-common/mmu_cell.c): arm_paging_cell_init, which gives the cell its
 * VMID and root table, and arch_map_memory_region, which maps one of its memory regions. Used
 * at setup for the root cell and by cell management for the others.
 */
import { MemFlags } from '../../../shared/config/layout.js';
import { Errno } from '../../../shared/errno.js';
import type { Hv } from './hv.js';
import { CELL, PAGE_SIZE } from './layout.js';
import { cellRootPtPages, pagingCreate, pagingInputLimit, s2Flags, type PageTable } from './paging.js';
import { printk } from './printk.js';

/** arm_paging_cell_init: VMID = cell id (<= 255), stage-2 root from the pool. */
export function armPagingCellInit(hv: Hv, cell: number): number {
  if (hv.cellConfigId(cell) >>> 0 > 0xff) return -Errno.E2BIG;
  const root = hv.memPool.allocAligned(cellRootPtPages(hv.c.board.pa_bits));
  if (!root) return -Errno.ENOMEM;
  hv.c.mem.write64(cell + CELL.MM_ROOT, root);
  return 0;
}

/** arch_map_memory_region for stage 2 (sub-page regions are left to MMIO dispatch). */
export function archMapMemoryRegion(hv: Hv, cell: number, pt: PageTable, r: { phys: number; virt: number; size: number; flags: number }): number {
  if (r.virt % PAGE_SIZE || r.size % PAGE_SIZE) return 0;
  const limit = pagingInputLimit(pt);
  if (r.virt + r.size > limit) {
    // Jailhouse would index past its concatenated root table here; refuse the region instead.
    printk(hv, `jhsim: memory region at IPA 0x${r.virt.toString(16)} (size 0x${r.size.toString(16)}) is beyond the stage-2 input range (0x${limit.toString(16)})\n`);
    return -Errno.EINVAL;
  }
  const phys = r.flags & MemFlags.COMM_REGION ? cell + CELL.COMM_PAGE : r.phys;
  const flags = s2Flags({ read: !!(r.flags & MemFlags.READ), write: !!(r.flags & MemFlags.WRITE), device: !!(r.flags & MemFlags.IO) });
  return pagingCreate(hv.c.mem, hv.memPool, pt, phys, r.size, r.virt, flags, { huge: !(r.flags & MemFlags.NO_HUGEPAGES), coherent: true });
}
