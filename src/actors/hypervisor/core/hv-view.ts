/**
 * Hypervisor memory decoded, read only: the header's sizes, per_cpu(cpu) and its public part
 * (the cell the CPU belongs to, its vmexit counters), the cell list, and each struct cell with
 * its config (id, name, CPU set, memory regions), comm-region state and stage-2 root. The one
 * place that knows how these structures hang together: the hypervisor's own Hv (hv.ts) builds
 * on it, and inspection (cli/inspect, tests) reads a running machine through it from outside,
 * which perturbs nothing.
 */
import { CELL_DESC_SIZE, CELL_OFF, MEM_OFF, MEMORY_SIZE, cellConfigSize, cellMemRegionsOffset } from '../../../shared/config/layout.js';
import { getU64, type PhysicalMemory } from '../../../shared/phys-mem.js';
import { decodeLatin1 } from '../../../shared/text.js';
import { BSS, CELL, COMM, HDR, IMAGE, NUM_CPU_STATS, PERCPU, PUB } from './layout.js';

/** A jailhouse_memory entry of a cell config. */
export interface MemRegion {
  phys: number;
  virt: number;
  size: number;
  flags: number;
}

export class HvView {
  /** Header fields: the core image's size (where the per_cpu array starts), one per_cpu's size, max_cpus. */
  readonly coreSize: number;
  readonly percpuSize: number;
  readonly maxCpus: number;

  constructor(
    readonly mem: PhysicalMemory,
    /** Physical start of the hypervisor memory region. */
    readonly base: number,
  ) {
    this.coreSize = mem.read64(base + HDR.CORE_SIZE);
    this.percpuSize = mem.read64(base + HDR.PERCPU_SIZE);
    this.maxCpus = mem.read32(base + HDR.MAX_CPUS);
  }

  get onlineCpus(): number {
    return this.mem.read32(this.base + HDR.ONLINE_CPUS);
  }

  /** Physical address of per_cpu(cpu). */
  percpu(cpu: number): number {
    return this.base + this.coreSize + cpu * this.percpuSize;
  }

  /** Physical address of the public part of per_cpu(cpu). */
  pub(cpu: number): number {
    return this.percpu(cpu) + PERCPU.PUBLIC;
  }

  /** Cell `cpu` belongs to (physical address of its struct cell; 0 before its cpu_init). */
  cellOf(cpu: number): number {
    return this.mem.read64(this.pub(cpu) + PUB.CELL);
  }

  /** One vmexit counter of `cpu` (Stat). */
  statOf(cpu: number, stat: number): number {
    return this.mem.read32(this.pub(cpu) + PUB.STATS + stat * 4);
  }

  /** All NUM_CPU_STATS vmexit counters of `cpu`, in Stat order. */
  stats(cpu: number): number[] {
    return Array.from({ length: NUM_CPU_STATS }, (_, i) => this.statOf(cpu, i));
  }

  /** Physical address of the system configuration copy. */
  get systemConfig(): number {
    return this.mem.read64(this.base + IMAGE.BSS + BSS.SYSTEM_CONFIG);
  }

  get rootCell(): number {
    return this.base + IMAGE.ROOT_CELL;
  }

  /** for_each_cell: root first, then the chain (at most `limit` cells). */
  cells(limit = Infinity): number[] {
    const out: number[] = [];
    for (let c = this.rootCell; c && out.length < limit; c = this.mem.read64(c + CELL.NEXT)) out.push(c);
    return out;
  }

  /** The cell's config address (root: inside the system config). */
  cellConfig(cell: number): number {
    return this.mem.read64(cell + CELL.CONFIG);
  }

  /** A DataView over the cell config at `cfg` (descriptor and its arrays). */
  configView(cfg: number): DataView {
    return this.mem.window(cfg, cellConfigSize(this.mem.window(cfg, CELL_DESC_SIZE), 0));
  }

  /** The id in the cell's config (signed, as Jailhouse's int compares it). */
  cellConfigId(cell: number): number {
    return this.mem.read32(this.cellConfig(cell) + CELL_OFF.id) | 0;
  }

  /** The name field of the cell's config (at most 31 characters). */
  cellName(cell: number): string {
    const bytes = this.mem.copyOut(this.cellConfig(cell) + CELL_OFF.name, 32);
    const end = bytes.indexOf(0);
    return decodeLatin1(bytes.subarray(0, end < 0 ? 31 : Math.min(end, 31)));
  }

  /** The memory regions of the cell's config. */
  cellMemRegions(cell: number): MemRegion[] {
    const dv = this.configView(this.cellConfig(cell));
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

  /** CPUs in the cell's CPU set, ascending (for_each_cpu). */
  cellCpus(cell: number): number[] {
    const m = this.mem;
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

  /** The cell state in its comm region (CellState). */
  commState(cell: number): number {
    return this.mem.read32(cell + CELL.COMM_PAGE + COMM.CELL_STATE) | 0;
  }

  cellLoadable(cell: number): boolean {
    return this.mem.read32(cell + CELL.LOADABLE) !== 0;
  }

  /** Physical address of the cell's stage-2 root table (0: none). */
  cellStage2Root(cell: number): number {
    return this.mem.read64(cell + CELL.MM_ROOT);
  }

  /** The SPIs (INTID >= 32) set in the cell's irq_bitmap. */
  cellSpis(cell: number): number[] {
    const out: number[] = [];
    for (let w = 1; w < 32; w++) {
      const bits = this.mem.read32(cell + CELL.IRQ_BITMAP + w * 4);
      for (let b = 0; b < 32; b++) if ((bits >>> b) & 1) out.push(w * 32 + b);
    }
    return out;
  }
}
