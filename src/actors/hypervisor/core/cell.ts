/**
 * struct cell in hypervisor memory: CPU set membership, lookup by id, what a cell's config
 * permits. Reading a cell and its configuration (id, name, CPU set, memory regions, the cell
 * list) is HvView's (hv-view.ts, which Hv extends); setting a struct cell up and tearing it
 * down is cell-init.ts.
 */
import { CELL_DESC_SIZE, CELL_OFF, cellMemRegionsOffset } from '../../../shared/config/layout.js';
import type { Hv } from './hv.js';
import { CELL } from './layout.js';

export function cellConfigFlags(hv: Hv, cell: number): number {
  return hv.c.mem.read32(hv.cellConfig(cell) + CELL_OFF.flags) >>> 0;
}

/** Physical address of the cell config's first jailhouse_memory entry (an MMIO handler argument). */
export function cellMemRegionsAddr(hv: Hv, cell: number): number {
  const cfg = hv.cellConfig(cell);
  return cfg + cellMemRegionsOffset(hv.configView(cfg), 0);
}

export function cellOwnsCpu(hv: Hv, cell: number, cpu: number): boolean {
  const m = hv.c.mem;
  const max = m.read32(cell + CELL.CPU_SET_MAX);
  if (cpu > max) return false;
  const set = m.read64(cell + CELL.CPU_SET_PTR);
  return ((m.read8(set + (cpu >> 3)) >> (cpu & 7)) & 1) === 1;
}

export function cellSetCpu(hv: Hv, cell: number, cpu: number, on: boolean): void {
  const m = hv.c.mem;
  const a = m.read64(cell + CELL.CPU_SET_PTR) + (cpu >> 3);
  const b = m.read8(a);
  m.write8(a, on ? b | (1 << (cpu & 7)) : b & ~(1 << (cpu & 7)));
}

/** The cell whose config's (u32) id equals `id` (an unsigned long: larger values match none). */
export function findCellById(hv: Hv, id: number): number {
  for (const c of hv.cells()) if (hv.cellConfigId(c) >>> 0 === id) return c;
  return 0;
}

export function cpuIdValid(hv: Hv, cpu: number): boolean {
  // Against the *configured* root set in the system config, not the current root set.
  const rootCfg = hv.cellConfig(hv.rootCell);
  const m = hv.c.mem;
  const size = m.read32(rootCfg + CELL_OFF.cpu_set_size);
  if (cpu < 0 || cpu >= size * 8) return false;
  return ((m.read8(rootCfg + CELL_DESC_SIZE + (cpu >> 3)) >> (cpu & 7)) & 1) === 1;
}
