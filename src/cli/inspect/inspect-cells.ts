/**
 * The hypervisor's cells as a debugger would see them, read from hypervisor memory by the
 * main thread (no hypercall, nothing perturbed): the cell list, each cell's CPU set, comm-region
 * state, loadable flag, memory regions and the physical ranges its stage-2 tables map, and which
 * cell every CPU's per_cpu says it belongs to.
 */
import type { Machine } from '../../actors/cpu/supervisor.js';
import { pagingLeaves, stage2Format, type PagingRange } from '../../actors/hypervisor/core/paging.js';
import type { HvView, MemRegion } from '../../actors/hypervisor/core/hv-view.js';
import { hvView, type CpuView } from './inspect.js';

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

function cellView(m: Machine, hv: HvView, cell: number, withMappings: boolean): HvCellView {
  const root = hv.cellStage2Root(cell);
  return {
    addr: cell,
    id: hv.cellConfigId(cell),
    name: hv.cellName(cell),
    cpus: hv.cellCpus(cell).filter((cpu) => cpu < m.nr),
    state: hv.commState(cell),
    loadable: hv.cellLoadable(cell),
    regions: hv.cellMemRegions(cell),
    mapped: withMappings && root ? pagingLeaves(m.mem, { root, format: stage2Format(m.board.pa_bits) }) : [],
    spis: hv.cellSpis(cell),
  };
}

/** The hypervisor's cell list (root first, at most 512), or [] when it is not enabled. */
export function hvCells(m: Machine, withMappings = false): HvCellView[] {
  const hv = hvView(m);
  return hv ? hv.cells(512).map((c) => cellView(m, hv, c, withMappings)) : [];
}

/** Physical address of the struct cell each CPU's per_cpu points to (0 = none). */
export function hvCpuCells(m: Machine): number[] {
  const hv = hvView(m);
  return hv ? Array.from({ length: m.nr }, (_, cpu) => hv.cellOf(cpu)) : [];
}

/**
 * The name of the cell each CPU works for, as `cpus` and `top` show it: the cell its per_cpu
 * names while the hypervisor runs under the CPU or holds it parked or failed; '-' otherwise.
 */
export function cpuCellName(m: Machine): (v: CpuView) => string {
  const cells = hvCells(m);
  const owner = hvCpuCells(m).map((addr) => cells.find((c) => c.addr === addr)?.name ?? '-');
  return (v) => (v.hypervisor || v.state === 'parked' || v.state === 'failed' ? (owner[v.cpu] ?? '-') : '-');
}
