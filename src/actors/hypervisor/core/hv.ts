/**
 * The hypervisor as seen from one CPU at EL2: typed access to the hypervisor memory region
 * (header, globals, per_cpu structures) of the running instance. Created when a CPU enters
 * (arch_entry) and dropped when it leaves; all state it touches is in simulated RAM.
 */
import type { CpuContext } from '../../cpu/context.js';
import { getU64 } from '../../../shared/phys-mem.js';
import { word, type Word } from '../../../shared/sync.js';
import { PagePool } from './page-pool.js';
import { CELL_OFF } from '../../../shared/config/layout.js';
import { BSS, CELL, DATA, HDR, IMAGE, PAGE_SIZE, PERCPU, PUB } from './layout.js';

export class Hv {
  readonly coreSize: number;
  readonly percpuSize: number;
  readonly maxCpus: number;
  readonly memPool: PagePool;
  readonly remapPool: PagePool;
  private readonly words = new Map<number, Word>();
  /** Own per_cpu public part. */
  readonly myPub: number;
  /**
   * The hypervisor memory region [base, base + size) as the hypervisor's own linear mapping:
   * byte offset = pa - base, a small integer (see offsetOf). Its structures (per_cpu, cells,
   * the mem_pool's MMIO tables, the config copies) are read here on every trap (this_cell(),
   * the vmexit counters, the MMIO region lookup) without a RAM bank lookup per access.
   */
  readonly dv: DataView;
  readonly i32: Int32Array;
  /** Byte offset of the own per_cpu public part in `dv`. */
  private readonly pubOff: number;

  constructor(
    readonly c: CpuContext,
    /** Physical start of the hypervisor memory region. */
    readonly base: number,
    /** Size of the region (from the system config). */
    readonly size: number,
  ) {
    const m = c.mem;
    this.coreSize = m.read64(base + HDR.CORE_SIZE);
    this.percpuSize = m.read64(base + HDR.PERCPU_SIZE);
    this.maxCpus = m.read32(base + HDR.MAX_CPUS);
    this.memPool = new PagePool(m, base + IMAGE.BSS + BSS.MEM_POOL);
    this.remapPool = new PagePool(m, base + IMAGE.BSS + BSS.REMAP_POOL);
    this.myPub = this.pub(c.cpu);
    const ram = m.ramAt(base, size);
    if (ram === undefined || size >= 2 ** 31) {
      throw new RangeError(`hypervisor memory 0x${base.toString(16)}+0x${size.toString(16)} is not inside one RAM bank (or not below 2 GiB)`);
    }
    this.dv = new DataView(ram.dv.buffer, base - ram.base, size);
    this.i32 = new Int32Array(ram.i32.buffer, base - ram.base, size >>> 2);
    this.pubOff = this.offsetOf(this.myPub, PAGE_SIZE);
  }

  /**
   * Byte offset of [pa, pa + len) in the hypervisor memory region (dv, i32), or -1 when it is
   * not inside it. An integer: the region is below 2 GiB.
   */
  offsetOf(pa: number, len: number): number {
    const o = pa - this.base;
    return o >= 0 && o + len <= this.size ? o | 0 : -1;
  }

  get cpu(): number {
    return this.c.cpu;
  }

  get onlineCpus(): number {
    return this.c.mem.read32(this.base + HDR.ONLINE_CPUS);
  }

  /** An Atomics word at a byte offset from the region start (cached). */
  word(off: number): Word {
    let w = this.words.get(off);
    if (!w) {
      const a = this.c.mem.atomicWord(this.base + off);
      w = word(a.view, a.index);
      this.words.set(off, w);
    }
    return w;
  }

  /** Physical address of a BSS field (for 64-bit fields read with mem.read64). */
  bssPhys(field: number): number {
    return this.base + IMAGE.BSS + field;
  }

  bss(field: number): Word {
    return this.word(IMAGE.BSS + field);
  }

  data(field: number): Word {
    return this.word(IMAGE.DATA + field);
  }

  load(w: Word): number {
    return Atomics.load(w.view, w.index);
  }

  store(w: Word, v: number): void {
    Atomics.store(w.view, w.index, v);
  }

  /** Physical address of per_cpu(cpu). */
  percpu(cpu: number): number {
    return this.base + this.coreSize + cpu * this.percpuSize;
  }

  /** Physical address of the public part of per_cpu(cpu). */
  pub(cpu: number): number {
    return this.percpu(cpu) + PERCPU.PUBLIC;
  }

  /** Atomics word of a public per-CPU field. */
  pubWord(cpu: number, field: number): Word {
    return this.word(this.pub(cpu) - this.base + field);
  }

  /** Physical address of the system configuration copy. */
  get systemConfig(): number {
    return this.c.mem.read64(this.base + IMAGE.BSS + BSS.SYSTEM_CONFIG);
  }

  get rootCell(): number {
    return this.base + IMAGE.ROOT_CELL;
  }

  /** Cell this CPU belongs to (physical address of its struct cell). */
  cellOf(cpu: number): number {
    return this.c.mem.read64(this.pub(cpu) + PUB.CELL);
  }

  thisCell(): number {
    return getU64(this.dv, this.pubOff + PUB.CELL);
  }

  /** The calling CPU belongs to the root cell (hypercalls only root may issue: EPERM otherwise). */
  callerIsRoot(): boolean {
    return this.isRootCell(this.thisCell());
  }

  isRootCell(cell: number): boolean {
    return cell === this.rootCell;
  }

  /** Count a vmexit in this CPU's own statistics slot (plain, non-atomic, like Jailhouse). */
  count(stat: number, n = 1): void {
    if (this.c.rec !== undefined && stat !== 0 && n !== 0) this.c.rec.reason(stat);
    const dv = this.dv;
    const o = this.pubOff + PUB.STATS + stat * 4;
    dv.setUint32(o, (dv.getUint32(o, true) + n) >>> 0, true);
  }

  statOf(cpu: number, stat: number): number {
    return this.c.mem.read32(this.pub(cpu) + PUB.STATS + stat * 4);
  }

  zeroStats(cpu: number): void {
    this.c.mem.fill(this.pub(cpu) + PUB.STATS, 9 * 4, 0);
  }

  /** Id of this CPU's cell (its config's id; 0 = root), for the vmexit recorder. */
  thisCellId(): number {
    const cfg = this.cellConfig(this.thisCell());
    return cfg ? this.c.mem.read32(cfg + CELL_OFF.id) >>> 0 : 0;
  }

  /** The cell's config address (root: inside the system config). */
  cellConfig(cell: number): number {
    return this.c.mem.read64(cell + CELL.CONFIG);
  }

  get masterCpu(): number {
    return this.load(this.data(DATA.MASTER_CPU_ID)) >>> 0;
  }
}
