/**
 * The hypervisor's cells as a debugger would see them, read from hypervisor memory by the
 * main thread (no hypercall, nothing perturbed): the cell list, each cell's CPU set, comm-region
 * state, loadable flag, memory regions and the physical ranges its stage-2 tables map, and which
 * cell every CPU's per_cpu says it belongs to.
 */
import type { Machine } from '../actors/cpu/supervisor.js';
import { CELL, COMM, HDR, IMAGE, PERCPU, PUB } from '../actors/hypervisor/core/layout.js';
import { pagingLeaves, stage2Format, type PagingRange } from '../actors/hypervisor/core/paging.js';
import { CELL_DESC_SIZE, CELL_OFF, MEMORY_SIZE, MEM_OFF, cellMemRegionsOffset } from '../shared/config/layout.js';
import { getU64 } from '../shared/phys-mem.js';
import { hvBase } from './inspect.js';

export interface HvMemRegion {
  phys: number;
  virt: number;
  size: number;
  flags: number;
}

export interface HvCellView {
  /** Physical address of the struct cell. */
  addr: number;
  id: number;
  name: string;
  cpus: number[];
  state: number;
  loadable: boolean;
  regions: HvMemRegion[];
  /** What the cell's stage 2 maps (physical ranges), or [] without tables. */
  mapped: PagingRange[];
}

function cellView(m: Machine, cell: number, withMappings: boolean): HvCellView {
  const mem = m.mem;
  const cfg = mem.read64(cell + CELL.CONFIG);
  const dv = mem.window(cfg, CELL_DESC_SIZE);
  const nameBytes = mem.copyOut(cfg + CELL_OFF.name, 32);
  const end = nameBytes.indexOf(0);
  const name = String.fromCharCode(...nameBytes.subarray(0, end < 0 ? 31 : end));
  const max = mem.read32(cell + CELL.CPU_SET_MAX);
  const set = mem.read64(cell + CELL.CPU_SET_PTR);
  const cpus: number[] = [];
  for (let cpu = 0; cpu <= max && cpu < m.nr; cpu++) if ((mem.read8(set + (cpu >> 3)) >> (cpu & 7)) & 1) cpus.push(cpu);
  const n = dv.getUint32(CELL_OFF.num_memory_regions, true);
  const first = cfg + cellMemRegionsOffset(dv, 0);
  const rv = mem.window(first, n * MEMORY_SIZE);
  const regions: HvMemRegion[] = [];
  for (let i = 0; i < n; i++) {
    const o = i * MEMORY_SIZE;
    regions.push({ phys: getU64(rv, o + MEM_OFF.phys_start), virt: getU64(rv, o + MEM_OFF.virt_start), size: getU64(rv, o + MEM_OFF.size), flags: getU64(rv, o + MEM_OFF.flags) });
  }
  const root = mem.read64(cell + CELL.MM_ROOT);
  return {
    addr: cell,
    id: mem.read32(cfg + CELL_OFF.id) | 0,
    name,
    cpus,
    state: mem.read32(cell + CELL.COMM_PAGE + COMM.CELL_STATE) | 0,
    loadable: mem.read32(cell + CELL.LOADABLE) !== 0,
    regions,
    mapped: withMappings && root ? pagingLeaves(mem, { root, format: stage2Format(m.board.pa_bits) }) : [],
  };
}

/** The hypervisor's cell list (root first), or [] when it is not enabled. */
export function hvCells(m: Machine, withMappings = false): HvCellView[] {
  const base = hvBase(m);
  if (!base) return [];
  const out: HvCellView[] = [];
  for (let c = base + IMAGE.ROOT_CELL, guard = 0; c && guard < 512; c = m.mem.read64(c + CELL.NEXT), guard++) out.push(cellView(m, c, withMappings));
  return out;
}

/** Physical address of the struct cell each CPU's per_cpu points to (0 = none). */
export function hvCpuCells(m: Machine): number[] {
  const base = hvBase(m);
  if (!base) return [];
  const core = m.mem.read64(base + HDR.CORE_SIZE);
  const size = m.mem.read64(base + HDR.PERCPU_SIZE);
  return Array.from({ length: m.nr }, (_, cpu) => m.mem.read64(base + core + cpu * size + PERCPU.PUBLIC + PUB.CELL));
}
