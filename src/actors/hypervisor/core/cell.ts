/**
 * struct cell in hypervisor memory: CPU sets, the cell list, reading a cell's configuration
 * (which lives in hypervisor memory too: the root's inside the system config copy). Setting a
 * struct cell up and tearing it down is cell-init.ts.
 */
import { CELL_DESC_SIZE, CELL_OFF, MEM_OFF, MEMORY_SIZE, cellConfigSize, cellMemRegionsOffset } from '../../../shared/config/layout.js';
import type { Hv } from './hv.js';
import { getU64, type PhysicalMemory } from '../../../shared/phys-mem.js';
import { CELL, COMM } from './layout.js';
import { decodeLatin1 } from '../../../shared/text.js';

export interface MemRegion {
  phys: number;
  virt: number;
  size: number;
  flags: number;
}

/** A DataView over a cell config (descriptor and its arrays) in hypervisor memory. */
export function cellConfigView(hv: Hv, cfg: number): DataView {
  return hv.c.mem.window(cfg, cellConfigSize(hv.c.mem.window(cfg, CELL_DESC_SIZE), 0));
}

export function cellConfigId(hv: Hv, cell: number): number {
  return hv.c.mem.read32(hv.cellConfig(cell) + CELL_OFF.id) | 0;
}

export function cellConfigFlags(hv: Hv, cell: number): number {
  return hv.c.mem.read32(hv.cellConfig(cell) + CELL_OFF.flags) >>> 0;
}

export function cellName(hv: Hv, cell: number): string {
  return configName(hv.c.mem, hv.cellConfig(cell));
}

/** The name field of the cell config at `cfg` (at most 31 characters). */
export function configName(mem: PhysicalMemory, cfg: number): string {
  const bytes = mem.copyOut(cfg + CELL_OFF.name, 32);
  const end = bytes.indexOf(0);
  return decodeLatin1(bytes.subarray(0, end < 0 ? 31 : Math.min(end, 31)));
}

export function cellMemRegions(hv: Hv, cell: number): MemRegion[] {
  return configMemRegions(hv.c.mem, hv.cellConfig(cell));
}

/** Physical address of the cell config's first jailhouse_memory entry (an MMIO handler argument). */
export function cellMemRegionsAddr(hv: Hv, cell: number): number {
  const cfg = hv.cellConfig(cell);
  return cfg + cellMemRegionsOffset(cellConfigView(hv, cfg), 0);
}

/** The memory regions of the cell config at `cfg`. */
export function configMemRegions(mem: PhysicalMemory, cfg: number): MemRegion[] {
  const dv = mem.window(cfg, cellConfigSize(mem.window(cfg, CELL_DESC_SIZE), 0));
  const n = dv.getUint32(CELL_OFF.num_memory_regions, true);
  const off = cellMemRegionsOffset(dv, 0);
  const out: MemRegion[] = [];
  for (let i = 0; i < n; i++) {
    const o = off + i * MEMORY_SIZE;
    out.push({
      phys: getU64(dv, o + MEM_OFF.phys_start), virt: getU64(dv, o + MEM_OFF.virt_start),
      size: getU64(dv, o + MEM_OFF.size), flags: getU64(dv, o + MEM_OFF.flags),
    });
  }
  return out;
}

export function cellOwnsCpu(hv: Hv, cell: number, cpu: number): boolean {
  const m = hv.c.mem;
  const max = m.read32(cell + CELL.CPU_SET_MAX);
  if (cpu > max) return false;
  const set = m.read64(cell + CELL.CPU_SET_PTR);
  return ((m.read8(set + (cpu >> 3)) >> (cpu & 7)) & 1) === 1;
}

/** CPUs of the cell, ascending (for_each_cpu). */
export function cellCpus(hv: Hv, cell: number): number[] {
  return cpuSetOf(hv.c.mem, cell);
}

/** The CPUs in the set of the struct cell at `cell`, ascending. */
export function cpuSetOf(m: PhysicalMemory, cell: number): number[] {
  const max = m.read32(cell + CELL.CPU_SET_MAX);
  const set = m.read64(cell + CELL.CPU_SET_PTR);
  const out: number[] = [];
  for (let byte = 0; byte * 8 <= max; byte++) {
    const b = m.read8(set + byte);
    if (!b) continue;
    for (let bit = 0; bit < 8; bit++) if ((b >> bit) & 1 && byte * 8 + bit <= max) out.push(byte * 8 + bit);
  }
  return out;
}

export function cellSetCpu(hv: Hv, cell: number, cpu: number, on: boolean): void {
  const m = hv.c.mem;
  const a = m.read64(cell + CELL.CPU_SET_PTR) + (cpu >> 3);
  const b = m.read8(a);
  m.write8(a, on ? b | (1 << (cpu & 7)) : b & ~(1 << (cpu & 7)));
}

/** for_each_cell: root first, then the chain. */
export function cells(hv: Hv): number[] {
  const out: number[] = [];
  for (let c = hv.rootCell; c; c = hv.c.mem.read64(c + CELL.NEXT)) out.push(c);
  return out;
}

/** The cell whose config's (u32) id equals `id` (an unsigned long: larger values match none). */
export function findCellById(hv: Hv, id: number): number {
  for (const c of cells(hv)) if (cellConfigId(hv, c) >>> 0 === id) return c;
  return 0;
}

export function commState(hv: Hv, cell: number): number {
  return hv.c.mem.read32(cell + CELL.COMM_PAGE + COMM.CELL_STATE) | 0;
}

export function cpuIdValid(hv: Hv, cpu: number): boolean {
  // Against the *configured* root set in the system config, not the current root set.
  const rootCfg = hv.cellConfig(hv.rootCell);
  const m = hv.c.mem;
  const size = m.read32(rootCfg + CELL_OFF.cpu_set_size);
  if (cpu < 0 || cpu >= size * 8) return false;
  return ((m.read8(rootCfg + CELL_DESC_SIZE + (cpu >> 3)) >> (cpu & 7)) & 1) === 1;
}
