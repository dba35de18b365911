/**
 * The GICv3 hardware as every CPU worker sees it: the distributor (SPIs: enable, pending, active,
 * group, trigger, priority, IROUTER), one redistributor per CPU (SGIs/PPIs, WAKER, TYPER), and
 * the wiring that makes an interrupt reach a CPU: any change that may make an interrupt
 * deliverable kicks the target CPU's wake word, and the CPU then evaluates its highest pending
 * interrupt (cpu-interface.ts). Register accesses arrive here from the hypervisor's MMIO handlers
 * after their ownership filters (mmio_perform_access), or directly from native Linux.
 */
import { cpuWord, CpuWord } from '../cpu/layout.js';
import { GIC_MAX_IRQS, GIC_PRI_MASK, GicCpuWord, GicdWord, gicCpuWord, priorityByte } from './layout.js';
import {
  GICD_BITMAP_BANK, GICD_CIDR0, GICD_CIDR3, GICD_CLRSPI_NSR, GICD_CLRSPI_SR, GICD_CTLR, GICD_CTLR_ARE_NS,
  GICD_CTLR_ENABLE_G1NS, GICD_ICFGR, GICD_ICFGR_INT_CONFIG, GICD_ICFGR_SIZE, GICD_IGROUPR, GICD_IIDR, GICD_IPRIORITYR,
  GICD_IROUTER, GICD_IROUTER_AFF3, GICD_IROUTER_AFF_LO, GICD_IROUTER_IRM, GICD_IROUTER_SIZE, GICD_ISENABLER,
  GICD_ITARGETSR, GICD_PIDR0, GICD_PIDR1, GICD_PIDR2, GICD_PIDR4, GICD_SETSPI_INTID, GICD_SETSPI_NSR, GICD_SETSPI_SR,
  GICD_TYPER, GICD_TYPER_ID_BITS_SHIFT, GICR_CIDR0, GICR_CIDR3, GICR_CTLR, GICR_ICACTIVER0, GICR_ICFGR0, GICR_ICFGR1,
  GICR_IGROUPR0, GICR_IIDR, GICR_IPRIORITYR0, GICR_IPRIORITYR_SIZE, GICR_ISENABLER0, GICR_PIDR0, GICR_PIDR1,
  GICR_PIDR2, GICR_PIDR4, GICR_TYPER, GICR_TYPER_LAST, GICR_TYPER_PROCESSOR_NUMBER, GICR_TYPER_PROCESSOR_NUMBER_SHIFT,
  GICR_WAKER, GICR_WAKER_CHILDREN_ASLEEP, GICR_WAKER_PROCESSOR_SLEEP, gicdAccessOk, gicrAccessOk, gicrTyperAffinity,
} from './regs.js';
import { ICC_SGIR_IRQN_MASK } from './sysregs.js';

/** GICD_IIDR / GICR_IIDR: ARM implementer (0x43b), product "GIC-600"-like, revision 0. */
const GIC_IIDR = 0x0200043b;
/** PIDR2: ArchRev 3 (GICv3) in bits 7:4. */
const GIC_PIDR2 = 0x3b;
const GIC_PIDR0 = 0x92;
const GIC_PIDR1 = 0xb4;
const GIC_PIDR4 = 0x04;
const GIC_CIDR = [0x0d, 0xf0, 0x05, 0xb1];

export class Gic {
  readonly i32: Int32Array;
  readonly u8: Uint8Array;
  /** MPIDR affinity (Aff3..Aff0 as Jailhouse masks it, GICD_IROUTER_AFFINITY) → CPU. */
  private readonly byAff = new Map<number, number>();
  /** Register writes note what they changed while this is set (this worker's accesses only). */
  private recording = false;
  private readonly changes: GicChange[] = [];

  constructor(
    sab: SharedArrayBuffer,
    readonly nrCpus: number,
    /** Interrupt IDs implemented: 32 SGIs/PPIs + the board's SPIs (a multiple of 32). */
    readonly nrIrqs: number,
    readonly mpidrs: readonly number[],
    /** The CPUs' shared words (wake words live there). */
    private readonly cpus: Int32Array,
  ) {
    this.i32 = new Int32Array(sab);
    this.u8 = new Uint8Array(sab);
    mpidrs.forEach((m, cpu) => this.byAff.set(m, cpu));
  }

  /** Power-on state (done once by the supervisor): ARE set, all interrupts group 1, edge PPIs as QEMU. */
  resetHardware(): void {
    const g = this.i32;
    Atomics.store(g, GicdWord.CTLR, GICD_CTLR_ARE_NS);
    for (let cpu = 0; cpu < this.nrCpus; cpu++) {
      Atomics.store(g, gicCpuWord(cpu, GicCpuWord.WAKER), GICR_WAKER_PROCESSOR_SLEEP | GICR_WAKER_CHILDREN_ASLEEP);
      Atomics.store(g, gicCpuWord(cpu, GicCpuWord.CFG0), GICD_ICFGR_INT_CONFIG | 0);
      Atomics.store(g, gicCpuWord(cpu, GicCpuWord.ICC_PMR), 0);
    }
  }

  // --- wiring --------------------------------------------------------------------------------

  /** Wake `cpu` so it re-evaluates its interrupts (the IRQ line towards the PE). */
  kick(cpu: number): void {
    const w = cpuWord(cpu, CpuWord.WAKE);
    Atomics.add(this.cpus, w, 1);
    Atomics.notify(this.cpus, w);
  }

  /** The CPU an SPI is routed to, or -1 for 1-of-N (IRM) / no such CPU. */
  spiTarget(irq: number): number {
    const lo = Atomics.load(this.i32, GicdWord.IROUTER + irq * 2);
    if (lo & GICD_IROUTER_IRM) return -1;
    const hi = Atomics.load(this.i32, GicdWord.IROUTER + irq * 2 + 1) & GICD_IROUTER_AFF3;
    return this.byAff.get(hi * 2 ** 32 + (lo & GICD_IROUTER_AFF_LO)) ?? -2;
  }

  /** A change to SPI `irq` may make it deliverable: kick its target (every CPU for 1-of-N). */
  private spiChanged(irq: number): void {
    Atomics.add(this.i32, GicdWord.SPI_GEN, 1);
    const t = this.spiTarget(irq);
    if (t >= 0) this.kick(t);
    else if (t === -1) for (let cpu = 0; cpu < this.nrCpus; cpu++) this.kick(cpu);
  }

  cpuOf(aff: number): number | undefined {
    return this.byAff.get(aff);
  }

  /**
   * GICD_IROUTER<irq>'s affinity (Aff3 in bits 39..32, Aff2.Aff1.Aff0 below, IRM left out) as a
   * number: the 64-bit register read for callers that only compare it with cpuOf's keys.
   */
  irouterAffinity(irq: number): number {
    if (irq < 32 || irq >= this.nrIrqs) return 0;
    const lo = Atomics.load(this.i32, GicdWord.IROUTER + irq * 2) & GICD_IROUTER_AFF_LO;
    const hi = Atomics.load(this.i32, GicdWord.IROUTER + irq * 2 + 1) & GICD_IROUTER_AFF3;
    return hi * 0x1_0000_0000 + lo;
  }

  // --- interrupt sources ---------------------------------------------------------------------

  /** Make SPI `irq` pending (a device's edge, or GICD_ISPENDR / SETSPI). */
  raiseSpi(irq: number): void {
    if (irq < 32 || irq >= this.nrIrqs) return;
    const old = Atomics.or(this.i32, GicdWord.PENDING + (irq >> 5), 1 << (irq & 31));
    if (!(old & (1 << (irq & 31)))) this.note(GicField.PENDING, -1, irq);
    this.spiChanged(irq);
  }

  /** Set or clear pending of SGI/PPI `irq` in `cpu`'s redistributor; kicks when it becomes pending. */
  setPrivatePending(cpu: number, irq: number, on: boolean): void {
    const w = gicCpuWord(cpu, GicCpuWord.PENDING0);
    if (on) {
      const old = Atomics.or(this.i32, w, 1 << irq);
      if (!(old & (1 << irq))) this.kick(cpu);
    } else {
      Atomics.and(this.i32, w, ~(1 << irq));
    }
  }

  /**
   * A level-sensitive PPI line of `cpu` (timer, maintenance) as sampled by that CPU: pending
   * follows the line. Only the owning CPU calls this, so no kick is needed.
   */
  setPpiLevel(cpu: number, irq: number, level: boolean): void {
    const w = gicCpuWord(cpu, GicCpuWord.PENDING0);
    const bit = 1 << irq;
    const cur = Atomics.load(this.i32, w) & bit;
    if (level && !cur) Atomics.or(this.i32, w, bit);
    else if (!level && cur) Atomics.and(this.i32, w, ~bit);
  }

  /** Physical SGI `sgi` to each CPU in `targets` (what an ICC_SGI1R_EL1 write does in hardware). */
  sendSgi(targets: Iterable<number>, sgi: number): void {
    for (const t of targets) this.setPrivatePending(t, sgi & ICC_SGIR_IRQN_MASK, true);
  }

  /** Deactivate `irq` (EOI with EOImode 0, DIR, or a virtual EOI through an LR's HW link). */
  deactivate(cpu: number, irq: number): void {
    if (irq < 32) {
      const w = gicCpuWord(cpu, GicCpuWord.ACTIVE0);
      const old = Atomics.and(this.i32, w, ~(1 << irq));
      if (old & (1 << irq) && Atomics.load(this.i32, gicCpuWord(cpu, GicCpuWord.PENDING0)) & (1 << irq)) this.kick(cpu);
      return;
    }
    if (irq >= this.nrIrqs) return;
    Atomics.and(this.i32, GicdWord.ACTIVE + (irq >> 5), ~(1 << (irq & 31)));
    this.spiChanged(irq);
  }

  // --- distributor registers -----------------------------------------------------------------

  /**
   * A GICD register access of `size` bytes at `off` (mmio_perform_access on the distributor).
   * An access of a size or alignment the register does not take (regs.ts) reads as zero and
   * writes nothing, as on QEMU's GICv3.
   */
  distAccess(off: number, size: number, isWrite: boolean, value: bigint): bigint {
    if (!gicdAccessOk(off, size)) return 0n;
    const g = this.i32;
    // The bus carries `size` bytes: a register never sees more of the source register.
    if (isWrite) value &= sizeMask(size);
    if (off >= GICD_IROUTER && off < GICD_IROUTER + GICD_IROUTER_SIZE) return this.irouterAccess(off - GICD_IROUTER, size, isWrite, value);
    if (off >= GICD_IPRIORITYR && off < GICD_ITARGETSR) return this.priorityAccess(-1, off - GICD_IPRIORITYR, size, isWrite, value);
    if (size !== 4) return 0n; // the byte-accessible ITARGETSR/xPENDSGIR are RAZ/WI with affinity routing
    const v = Number(BigInt.asUintN(32, value));
    // Banks of one bit per INTID; word 0 (SGIs/PPIs) is RAZ/WI with affinity routing.
    const bitBank = (first: number): number | undefined => {
      const n = (off - first) >> 2;
      return n === 0 || n * 32 >= this.nrIrqs ? undefined : n;
    };
    if (off >= GICD_IGROUPR && off < GICD_ISENABLER) {
      const n = bitBank(GICD_IGROUPR);
      if (n === undefined) return 0n;
      if (!isWrite) return read(g, GicdWord.GROUP + n);
      const old = Atomics.exchange(g, GicdWord.GROUP + n, v | 0);
      this.noteBits(GicField.GROUP, -1, n * 32, old ^ v);
      this.bankChanged(n, -1); // every SPI of the word may have changed group
      return 0n;
    }
    if (off >= GICD_ISENABLER && off < GICD_IPRIORITYR) {
      const reg = Math.floor((off - GICD_ISENABLER) / GICD_BITMAP_BANK); // 0 ISENABLER 1 ICENABLER 2 ISPENDR 3 ICPENDR 4 ISACTIVER 5 ICACTIVER
      const n = bitBank(GICD_ISENABLER + reg * GICD_BITMAP_BANK);
      if (n === undefined) return 0n;
      const base = BIT_BANKS[reg]!;
      if (!isWrite) return read(g, base + n);
      if (v === 0) return 0n;
      const old = reg & 1 ? Atomics.and(g, base + n, ~v) : Atomics.or(g, base + n, v);
      this.noteBits(BIT_FIELDS[reg]!, -1, n * 32, reg & 1 ? old & v : ~old & v);
      this.bankChanged(n, v);
      return 0n;
    }
    if (off >= GICD_ICFGR && off < GICD_ICFGR + GICD_ICFGR_SIZE) {
      const n = (off - GICD_ICFGR) >> 2;
      if (n < 2 || n * 16 >= this.nrIrqs) return 0n;
      if (!isWrite) return read(g, GicdWord.CFG + n);
      // Int_config bits (the odd bit of each pair) are writable; the even bits are RES0.
      const old = Atomics.exchange(g, GicdWord.CFG + n, v & GICD_ICFGR_INT_CONFIG);
      this.noteFields(GicField.CONFIG, -1, n * 16, 2, old ^ (v & GICD_ICFGR_INT_CONFIG));
      return 0n;
    }
    if (isWrite) {
      if (off === GICD_CTLR) {
        const old = Atomics.exchange(g, GicdWord.CTLR, (v & GICD_CTLR_ENABLE_G1NS) | GICD_CTLR_ARE_NS);
        if ((old ^ v) & GICD_CTLR_ENABLE_G1NS) this.note(GicField.CTLR, -1, -1);
        Atomics.add(g, GicdWord.SPI_GEN, 1);
        for (let cpu = 0; cpu < this.nrCpus; cpu++) this.kick(cpu);
      } else if (off === GICD_SETSPI_NSR || off === GICD_SETSPI_SR) {
        this.raiseSpi(v & GICD_SETSPI_INTID);
      } else if (off === GICD_CLRSPI_NSR || off === GICD_CLRSPI_SR) {
        this.clearSpi(v & GICD_SETSPI_INTID);
      }
      return 0n;
    }
    let r = 0;
    switch (off) {
      case GICD_CTLR: r = Atomics.load(g, GicdWord.CTLR); break;
      // TYPER: ITLinesNumber, IDbits 9 (10-bit INTIDs), no LPIs, no MBIS.
      case GICD_TYPER: r = ((this.nrIrqs >> 5) - 1) | (9 << GICD_TYPER_ID_BITS_SHIFT); break;
      case GICD_IIDR: r = GIC_IIDR; break;
      case GICD_PIDR4: r = GIC_PIDR4; break;
      case GICD_PIDR0: r = GIC_PIDR0; break;
      case GICD_PIDR1: r = GIC_PIDR1; break;
      case GICD_PIDR2: r = GIC_PIDR2; break;
      default:
        if (off >= GICD_CIDR0 && off <= GICD_CIDR3) r = GIC_CIDR[(off - GICD_CIDR0) >> 2]!;
    }
    return BigInt(r >>> 0);
  }

  private clearSpi(irq: number): void {
    if (irq < 32 || irq >= this.nrIrqs) return;
    const old = Atomics.and(this.i32, GicdWord.PENDING + (irq >> 5), ~(1 << (irq & 31)));
    if (old & (1 << (irq & 31))) this.note(GicField.PENDING, -1, irq);
  }

  /** Bits `mask` of SPI bank word `n` changed: the affected SPIs' targets re-evaluate. */
  private bankChanged(n: number, mask: number): void {
    for (let b = 0; b < 32; b++) if ((mask >>> b) & 1) this.spiChanged(n * 32 + b);
  }

  private irouterAccess(rel: number, size: number, isWrite: boolean, value: bigint): bigint {
    const irq = rel >> 3;
    if (irq < 32 || irq >= this.nrIrqs) return 0n;
    const lo = GicdWord.IROUTER + irq * 2;
    if (!isWrite) {
      if (rel & 4) return BigInt(Atomics.load(this.i32, lo + 1) >>> 0);
      const low = BigInt(Atomics.load(this.i32, lo) >>> 0);
      return size === 8 ? (BigInt(Atomics.load(this.i32, lo + 1) >>> 0) << 32n) | low : low;
    }
    const loMask = BigInt(GICD_IROUTER_IRM | GICD_IROUTER_AFF_LO);
    const oldLo = Atomics.load(this.i32, lo);
    const oldHi = Atomics.load(this.i32, lo + 1);
    if (size === 8) {
      Atomics.store(this.i32, lo, Number(value & loMask) | 0);
      Atomics.store(this.i32, lo + 1, Number((value >> 32n) & BigInt(GICD_IROUTER_AFF3)));
    } else {
      Atomics.store(this.i32, lo + ((rel & 4) >> 2), Number(value & (rel & 4 ? BigInt(GICD_IROUTER_AFF3) : loMask)) | 0);
    }
    if (Atomics.load(this.i32, lo) !== oldLo || Atomics.load(this.i32, lo + 1) !== oldHi) this.note(GicField.ROUTE, -1, irq);
    this.spiChanged(irq);
    return 0n;
  }

  /** IPRIORITYR bytes: `cpu` < 0 = distributor (SPIs), else that CPU's redistributor (SGIs/PPIs). */
  private priorityAccess(cpu: number, rel: number, size: number, isWrite: boolean, value: bigint): bigint {
    let r = 0n;
    for (let i = 0; i < size; i++) {
      const irq = rel + i;
      if (cpu < 0 && (irq < 32 || irq >= this.nrIrqs)) continue;
      const b = priorityByte(cpu < 0 ? 0 : cpu, irq);
      if (isWrite) {
        const nv = Number((value >> BigInt(8 * i)) & 0xffn) & GIC_PRI_MASK;
        if (this.u8[b] !== nv) this.note(GicField.PRIORITY, cpu, irq);
        this.u8[b] = nv;
      } else r |= BigInt(this.u8[b]!) << BigInt(8 * i);
    }
    if (isWrite && cpu >= 0) this.kick(cpu);
    if (isWrite && cpu < 0) Atomics.add(this.i32, GicdWord.SPI_GEN, 1);
    return r;
  }

  // --- redistributor registers ---------------------------------------------------------------

  /**
   * A GICR register access at `off` within `cpu`'s frames (RD_base, then SGI_base at GICR_SGI_BASE).
   * Sizes and alignments the register does not take read as zero and write nothing.
   */
  redistAccess(cpu: number, off: number, size: number, isWrite: boolean, value: bigint): bigint {
    if (!gicrAccessOk(off, size)) return 0n;
    const g = this.i32;
    if (isWrite) value &= sizeMask(size);
    const slot = (w: number): number => gicCpuWord(cpu, w);
    if (off >= GICR_IPRIORITYR0 && off < GICR_IPRIORITYR0 + GICR_IPRIORITYR_SIZE) return this.priorityAccess(cpu, off - GICR_IPRIORITYR0, size, isWrite, value);
    if (off === GICR_TYPER && size === 8) return isWrite ? 0n : (BigInt(this.typerHi(cpu)) << 32n) | BigInt(this.typerLo(cpu));
    if (size !== 4) return 0n; // PROPBASER/PENDBASER: no LPIs, RAZ/WI
    const v = Number(BigInt.asUintN(32, value));
    if (off >= GICR_ISENABLER0 && off <= GICR_ICACTIVER0 && (off - GICR_ISENABLER0) % GICD_BITMAP_BANK === 0) {
      const reg = (off - GICR_ISENABLER0) / GICD_BITMAP_BANK;
      const word = slot(PRIVATE_BANKS[reg]!);
      if (!isWrite) return read(g, word);
      const old = reg & 1 ? Atomics.and(g, word, ~v) : Atomics.or(g, word, v);
      this.noteBits(BIT_FIELDS[reg]!, cpu, 0, reg & 1 ? old & v : ~old & v);
      if (v) this.kick(cpu);
      return 0n;
    }
    if (isWrite) {
      switch (off) {
        case GICR_CTLR: Atomics.store(g, slot(GicCpuWord.CTLR), 0); break;
        case GICR_WAKER: {
          const sleep = v & GICR_WAKER_PROCESSOR_SLEEP;
          const old = Atomics.exchange(g, slot(GicCpuWord.WAKER), sleep ? GICR_WAKER_PROCESSOR_SLEEP | GICR_WAKER_CHILDREN_ASLEEP : 0);
          if ((old & GICR_WAKER_PROCESSOR_SLEEP) !== sleep) this.note(GicField.WAKER, cpu, -1);
          break;
        }
        case GICR_IGROUPR0: this.noteBits(GicField.GROUP, cpu, 0, Atomics.exchange(g, slot(GicCpuWord.GROUP0), v | 0) ^ v); break;
        case GICR_ICFGR1: {
          const old = Atomics.exchange(g, slot(GicCpuWord.CFG1), v & GICD_ICFGR_INT_CONFIG);
          this.noteFields(GicField.CONFIG, cpu, 16, 2, old ^ (v & GICD_ICFGR_INT_CONFIG));
          break;
        }
        default: break; // ICFGR0 is read-only (SGIs are edge), the rest RAZ/WI
      }
      return 0n;
    }
    let r = 0;
    switch (off) {
      case GICR_CTLR: r = Atomics.load(g, slot(GicCpuWord.CTLR)); break;
      case GICR_IIDR: r = GIC_IIDR; break;
      case GICR_TYPER: r = this.typerLo(cpu); break;
      case GICR_TYPER + 4: r = this.typerHi(cpu); break;
      case GICR_WAKER: r = Atomics.load(g, slot(GicCpuWord.WAKER)); break;
      case GICR_PIDR4: r = GIC_PIDR4; break;
      case GICR_PIDR0: r = GIC_PIDR0; break;
      case GICR_PIDR1: r = GIC_PIDR1; break;
      case GICR_PIDR2: r = GIC_PIDR2; break;
      case GICR_IGROUPR0: r = Atomics.load(g, slot(GicCpuWord.GROUP0)); break;
      case GICR_ICFGR0: r = Atomics.load(g, slot(GicCpuWord.CFG0)); break;
      case GICR_ICFGR1: r = Atomics.load(g, slot(GicCpuWord.CFG1)); break;
      default:
        if (off >= GICR_CIDR0 && off <= GICR_CIDR3) r = GIC_CIDR[(off - GICR_CIDR0) >> 2]!;
    }
    return BigInt(r >>> 0);
  }

  // --- what a register write changed (for the isolation monitor) ------------------------------

  /** Start recording the state changes of this worker's register writes (until takeChanges). */
  recordChanges(): void {
    this.recording = true;
    this.changes.length = 0;
  }

  /**
   * The changes recorded since recordChanges(), and recording stops. The array is reused by
   * the next recordChanges(): read it before recording again.
   */
  takeChanges(): readonly GicChange[] {
    this.recording = false;
    return this.changes;
  }

  private note(field: GicFieldValue, cpu: number, irq: number): void {
    if (this.recording) this.changes.push({ field, cpu, irq });
  }

  private noteBits(field: GicFieldValue, cpu: number, first: number, bits: number): void {
    if (this.recording && bits) for (let b = 0; b < 32; b++) if ((bits >>> b) & 1) this.note(field, cpu, first + b);
  }

  private noteFields(field: GicFieldValue, cpu: number, first: number, width: number, bits: number): void {
    if (!this.recording || !bits) return;
    const m = (1 << width) - 1;
    for (let i = 0; i < 32 / width; i++) if ((bits >>> (i * width)) & m) this.note(field, cpu, first + i);
  }

  /** GICR_TYPER[31:0]: Processor_Number (23:8), Last (bit 4) on the highest frame. */
  private typerLo(cpu: number): number {
    return ((cpu & GICR_TYPER_PROCESSOR_NUMBER) << GICR_TYPER_PROCESSOR_NUMBER_SHIFT) | (cpu === this.nrCpus - 1 ? GICR_TYPER_LAST : 0);
  }

  /** GICR_TYPER[63:32]: Aff3.Aff2.Aff1.Aff0 of the frame's CPU. */
  private typerHi(cpu: number): number {
    return gicrTyperAffinity(this.mpidrs[cpu]!);
  }

  /** Distributor enabled for group 1 (GICD_CTLR.EnableGrp1NS). */
  distEnabled(): boolean {
    return (Atomics.load(this.i32, GicdWord.CTLR) & GICD_CTLR_ENABLE_G1NS) !== 0;
  }

  /** Priority byte of `irq` as seen by `cpu`. */
  priority(cpu: number, irq: number): number {
    return this.u8[priorityByte(cpu, irq)]!;
  }

  isSpiImplemented(irq: number): boolean {
    return irq >= 32 && irq < Math.min(this.nrIrqs, GIC_MAX_IRQS);
  }
}

/** The bits an access of `size` bytes carries. */
export function sizeMask(size: number): bigint {
  return size >= 8 ? 0xffff_ffff_ffff_ffffn : (1n << BigInt(size * 8)) - 1n;
}

function read(g: Int32Array, idx: number): bigint {
  return BigInt(Atomics.load(g, idx) >>> 0);
}

/** The state a register write changed. */
export const GicField = {
  GROUP: 'group', ENABLE: 'enable', PENDING: 'pending', ACTIVE: 'active', PRIORITY: 'priority', CONFIG: 'config',
  ROUTE: 'route', CTLR: 'ctlr', WAKER: 'waker',
} as const;
export type GicFieldValue = (typeof GicField)[keyof typeof GicField];

/** One change: `cpu` is the redistributor's CPU (-1: distributor), `irq` the INTID (-1: the frame itself). */
export interface GicChange {
  field: GicFieldValue;
  cpu: number;
  irq: number;
}

/** GICD_IS/ICENABLER, IS/ICPENDR, IS/ICACTIVER in order: the state word bank each one sets or clears. */
const BIT_BANKS = [GicdWord.ENABLE, GicdWord.ENABLE, GicdWord.PENDING, GicdWord.PENDING, GicdWord.ACTIVE, GicdWord.ACTIVE] as const;
const PRIVATE_BANKS = [GicCpuWord.ENABLE0, GicCpuWord.ENABLE0, GicCpuWord.PENDING0, GicCpuWord.PENDING0, GicCpuWord.ACTIVE0, GicCpuWord.ACTIVE0] as const;
const BIT_FIELDS = [GicField.ENABLE, GicField.ENABLE, GicField.PENDING, GicField.PENDING, GicField.ACTIVE, GicField.ACTIVE] as const;
