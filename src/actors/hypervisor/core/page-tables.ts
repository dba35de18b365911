/**
 * Which page table: the hypervisor's own stage-1 tables of a CPU (Jailhouse's
 * per_cpu->pg_structs; the common ones, hv_paging_structs, are CPU 0's), a cell's stage-2
 * tables (cell->arch.mm) and the parking table the parked CPUs run on. Their roots are in
 * hypervisor memory; these are the handles the paging engine (paging.ts) takes. Apart from
 * setup.ts so that the device mappings, cell management and the CPU model can name a table
 * without importing the hypervisor's entry.
 */
import type { Hv } from './hv.js';
import { BSS, CELL, IMAGE, PERCPU } from './layout.js';
import { hvFormat, stage2Format, type PageTable } from './paging.js';

/** The hypervisor's own stage-1 tables of a CPU (the common tables are CPU 0's). */
export function hvPageTable(hv: Hv, cpu: number): PageTable {
  return { root: hv.percpu(cpu) + PERCPU.ROOT_TABLE_PAGE, format: hvFormat };
}

/** The cell's stage-2 tables (cell->arch.mm). */
export function cellPageTable(hv: Hv, cell: number): PageTable {
  return { root: hv.c.mem.read64(cell + CELL.MM_ROOT), format: stage2Format(hv.c.board.pa_bits) };
}

/** The parking table (parking_pt): the parking code at IPA 0 and nothing else. */
export function parkingPageTable(hv: Hv): PageTable {
  return { root: hv.c.mem.read64(hv.base + IMAGE.BSS + BSS.PARKING_PT), format: stage2Format(hv.c.board.pa_bits) };
}
