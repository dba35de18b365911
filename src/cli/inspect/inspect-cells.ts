/**
 * The hypervisor's cells as a debugger would see them, read from hypervisor memory by the
 * main thread (no hypercall, nothing perturbed): the cell list, each cell's CPU set, comm-region
 * state, loadable flag, memory regions and the physical ranges its stage-2 tables map, and which
 * cell every CPU's per_cpu says it belongs to.
 */
import type { Machine } from '../../actors/cpu/supervisor.js';
import { CELL, COMM, IMAGE, PUB } from '../../actors/hypervisor/core/layout.js';
import { pagingLeaves, stage2Format, type PagingRange } from '../../actors/hypervisor/core/paging.js';
import { configMemRegions, configName, cpuSetOf, type MemRegion } from '../../actors/hypervisor/core/cell.js';
import { CELL_OFF } from '../../shared/config/layout.js';
import { hvBase, percpuPublic } from './inspect.js';

export interface HvCellView {
  /** Physical address of the struct cell. */
  addr: number;
  id: number;
  name: string;
  cpus: number[];
  state: number;
  loadable: boolean;
  regions: MemRegion[];
  /** What the cell's stage 2 maps (physical ranges), or [] without tables. */
  mapped: PagingRange[];
  /** The SPIs (INTID >= 32) of the cell's irq_bitmap. */
  spis: number[];
}

function bitmapSpis(m: Machine, cell: number): number[] {
  const out: number[] = [];
  for (let w = 1; w < 32; w++) {
    const bits = m.mem.read32(cell + CELL.IRQ_BITMAP + w * 4);
    for (let b = 0; b < 32; b++) if ((bits >>> b) & 1) out.push(w * 32 + b);
  }
  return out;
}

function cellView(m: Machine, cell: number, withMappings: boolean): HvCellView {
  const mem = m.mem;
  const cfg = mem.read64(cell + CELL.CONFIG);
  const root = mem.read64(cell + CELL.MM_ROOT);
  return {
    addr: cell,
    id: mem.read32(cfg + CELL_OFF.id) | 0,
    name: configName(mem, cfg),
    cpus: cpuSetOf(mem, cell).filter((cpu) => cpu < m.nr),
    state: mem.read32(cell + CELL.COMM_PAGE + COMM.CELL_STATE) | 0,
    loadable: mem.read32(cell + CELL.LOADABLE) !== 0,
    regions: configMemRegions(mem, cfg),
    mapped: withMappings && root ? pagingLeaves(mem, { root, format: stage2Format(m.board.pa_bits) }) : [],
    spis: bitmapSpis(m, cell),
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
  if (!hvBase(m)) return [];
  return Array.from({ length: m.nr }, (_, cpu) => m.mem.read64(percpuPublic(m, cpu) + PUB.CELL));
}
