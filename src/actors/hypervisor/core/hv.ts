/**
 * The hypervisor as seen from one CPU at EL2: typed access to the hypervisor memory region
 * (header, globals, per_cpu structures) of the running instance. Created when a CPU enters
 * (arch_entry) and dropped when it leaves; all state it touches is in simulated RAM. The
 * read-only decoding of that memory (per_cpu, the cell list, cell configs) is HvView's.
 */
import type { CpuContext } from '../../cpu/context.js';
import { getU64 } from '../../../shared/phys-mem.js';
import { word, type Word } from '../../../shared/sync.js';
import { HvView } from './hv-view.js';
import { PagePool } from './page-pool.js';
import { BSS, DATA, IMAGE, NUM_CPU_STATS, PAGE_SIZE, PUB } from './layout.js';

export class Hv extends HvView {
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
    base: number,
    /** Size of the region (from the system config). */
    readonly size: number,
  ) {
    super(c.mem, base);
    const m = c.mem;
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

  /** Atomics word of a public per-CPU field. */
  pubWord(cpu: number, field: number): Word {
    return this.word(this.pub(cpu) - this.base + field);
  }

  /**
   * per_cpu(cpu).cell = cell, published in the CPU's slot as the cell's config id
   * (CpuWord.CELL_ID, what its devices tag writes with).
   */
  setCellOf(cpu: number, cell: number): void {
    this.c.mem.write64(this.pub(cpu) + PUB.CELL, cell);
    this.c.setCellId(cpu, this.cellConfigId(cell));
  }

  /** Cell this CPU belongs to (its own per_cpu, through the linear mapping). */
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
    // The profiler: the first category an exit counts is its reason.
    if (this.c.rec !== undefined && stat !== 0 && n !== 0) this.c.rec.reason(stat);
    const dv = this.dv;
    const o = this.pubOff + PUB.STATS + stat * 4;
    dv.setUint32(o, (dv.getUint32(o, true) + n) >>> 0, true);
  }

  zeroStats(cpu: number): void {
    this.c.mem.fill(this.pub(cpu) + PUB.STATS, NUM_CPU_STATS * 4, 0);
  }

  get masterCpu(): number {
    return this.load(this.data(DATA.MASTER_CPU_ID)) >>> 0;
  }
}
