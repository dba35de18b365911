/**
 * The GICv3 hardware as every CPU worker sees it: the distributor (SPIs: enable, pending, active,
 * group, trigger, priority, IROUTER), one redistributor per CPU (SGIs/PPIs, WAKER, TYPER), and
 * the wiring that makes an interrupt reach a CPU: any change that may make an interrupt
 * deliverable kicks the target CPU's wake word, and the CPU then evaluates its highest pending
 * interrupt (cpu-interface.ts). Register accesses arrive here from the hypervisor's MMIO handlers
 * after their ownership filters (mmio_perform_access), or directly from native Linux.
 */
import { cpuWord, CpuWord } from '../cpu/layout.js';
import {
  GICD_CTLR_ARE_NS, GICD_CTLR_ENABLE_G1NS, GICR_WAKER_CHILDREN_ASLEEP, GICR_WAKER_PROCESSOR_SLEEP, GIC_MAX_IRQS,
  GIC_PRI_MASK, GicCpuWord, GicdWord, gicCpuWord, priorityByte,
} from './layout.js';

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
  /** MPIDR affinity (Aff3..Aff0 packed as Jailhouse masks it, 0xff00ffffff) → CPU. */
  private readonly byAff = new Map<number, number>();

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
      Atomics.store(g, gicCpuWord(cpu, GicCpuWord.CFG0), 0xaaaaaaaa | 0);
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
    if (lo & 0x8000_0000) return -1;
    const hi = Atomics.load(this.i32, GicdWord.IROUTER + irq * 2 + 1) & 0xff;
    return this.byAff.get(hi * 2 ** 32 + (lo & 0xffffff)) ?? -2;
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
    const lo = Atomics.load(this.i32, GicdWord.IROUTER + irq * 2) & 0x00ff_ffff;
    const hi = Atomics.load(this.i32, GicdWord.IROUTER + irq * 2 + 1) & 0xff;
    return hi * 0x1_0000_0000 + lo;
  }

  // --- interrupt sources ---------------------------------------------------------------------

  /** Make SPI `irq` pending (a device's edge, or GICD_ISPENDR / SETSPI). */
  raiseSpi(irq: number): void {
    if (irq < 32 || irq >= this.nrIrqs) return;
    Atomics.or(this.i32, GicdWord.PENDING + (irq >> 5), 1 << (irq & 31));
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
    for (const t of targets) this.setPrivatePending(t, sgi & 15, true);
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

  /** A GICD register access of `size` bytes at `off` (mmio_perform_access on the distributor). */
  distAccess(off: number, size: number, isWrite: boolean, value: bigint): bigint {
    const g = this.i32;
    // The bus carries `size` bytes: a register never sees more of the source register.
    if (isWrite) value &= sizeMask(size);
    if (off >= 0x6000 && off < 0x8000) return this.irouterAccess(off - 0x6000, size, isWrite, value);
    if (off >= 0x0400 && off < 0x0800) return this.priorityAccess(-1, off - 0x400, size, isWrite, value);
    const w = off & ~3;
    const shift = (off & 3) * 8;
    const v = Number(BigInt.asUintN(32, value)) << shift;
    // Banks of one bit per INTID; word 0 (SGIs/PPIs) is RAZ/WI with affinity routing.
    const bitBank = (first: number): number | undefined => {
      const n = (w - first) >> 2;
      return n === 0 || n * 32 >= this.nrIrqs ? undefined : n;
    };
    if (w >= 0x0080 && w < 0x0100) {
      const n = bitBank(0x80);
      if (n === undefined) return 0n;
      if (!isWrite) return sizeMask(size) & read(g, GicdWord.GROUP + n, shift);
      Atomics.store(g, GicdWord.GROUP + n, v);
      this.bankChanged(n, -1); // every SPI of the word may have changed group
      return 0n;
    }
    if (w >= 0x0100 && w < 0x0400) {
      const reg = (w - 0x100) >> 7; // 0 ISENABLER 1 ICENABLER 2 ISPENDR 3 ICPENDR 4 ISACTIVER 5 ICACTIVER
      const n = bitBank(0x100 + reg * 0x80);
      if (n === undefined) return 0n;
      const base = [GicdWord.ENABLE, GicdWord.ENABLE, GicdWord.PENDING, GicdWord.PENDING, GicdWord.ACTIVE, GicdWord.ACTIVE][reg]!;
      if (!isWrite) return sizeMask(size) & read(g, base + n, shift);
      if (v === 0) return 0n;
      if (reg & 1) Atomics.and(g, base + n, ~v);
      else Atomics.or(g, base + n, v);
      this.bankChanged(n, v);
      return 0n;
    }
    if (w >= 0x0c00 && w < 0x0d00) {
      const n = (w - 0xc00) >> 2;
      if (n < 2 || n * 16 >= this.nrIrqs) return 0n;
      if (!isWrite) return sizeMask(size) & read(g, GicdWord.CFG + n, shift);
      // Int_config bits (the odd bit of each pair) are writable; the even bits are RES0.
      Atomics.store(g, GicdWord.CFG + n, v & 0xaaaaaaaa);
      return 0n;
    }
    if (isWrite) {
      if (w === 0x0000) {
        Atomics.store(g, GicdWord.CTLR, (v & GICD_CTLR_ENABLE_G1NS) | GICD_CTLR_ARE_NS);
        Atomics.add(g, GicdWord.SPI_GEN, 1);
        for (let cpu = 0; cpu < this.nrCpus; cpu++) this.kick(cpu);
      }
      else if (w === 0x0040 || w === 0x0048) this.raiseSpi(Number(value & 0x3ffn)); // SETSPI_NSR
      else if (w === 0x0050 || w === 0x0058) this.clearSpi(Number(value & 0x3ffn)); // CLRSPI_NSR
      return 0n;
    }
    let r = 0;
    switch (w) {
      case 0x0000: r = Atomics.load(g, GicdWord.CTLR); break;
      // TYPER: ITLinesNumber, 5 priority bits... IDbits 9 (10-bit INTIDs), no LPIs, no MBIS.
      case 0x0004: r = ((this.nrIrqs >> 5) - 1) | (9 << 19); break;
      case 0x0008: r = GIC_IIDR; break;
      case 0xffd0: r = GIC_PIDR4; break;
      case 0xffe0: r = GIC_PIDR0; break;
      case 0xffe4: r = GIC_PIDR1; break;
      case 0xffe8: r = GIC_PIDR2; break;
      default:
        if (w >= 0xfff0 && w <= 0xfffc) r = GIC_CIDR[(w - 0xfff0) >> 2]!;
    }
    return BigInt((r >>> shift) >>> 0) & sizeMask(size);
  }

  private clearSpi(irq: number): void {
    if (irq >= 32 && irq < this.nrIrqs) Atomics.and(this.i32, GicdWord.PENDING + (irq >> 5), ~(1 << (irq & 31)));
  }

  /** Bits `mask` of SPI bank word `n` changed: the affected SPIs' targets re-evaluate. */
  private bankChanged(n: number, mask: number): void {
    for (let b = 0; b < 32; b++) if ((mask >>> b) & 1) this.spiChanged(n * 32 + b);
  }

  private irouterAccess(rel: number, size: number, isWrite: boolean, value: bigint): bigint {
    const irq = rel >> 3;
    if (irq < 32 || irq >= this.nrIrqs) return 0n;
    const idx = GicdWord.IROUTER + irq * 2 + ((rel & 4) >> 2);
    if (!isWrite) {
      const lo = BigInt(Atomics.load(this.i32, GicdWord.IROUTER + irq * 2) >>> 0);
      const hi = BigInt(Atomics.load(this.i32, GicdWord.IROUTER + irq * 2 + 1) >>> 0);
      const full = (hi << 32n) | lo;
      return rel & 4 ? hi : size === 8 ? full : lo;
    }
    if (size === 8 && !(rel & 4)) {
      Atomics.store(this.i32, idx, Number(value & 0x80ff_ffffn) | 0);
      Atomics.store(this.i32, idx + 1, Number((value >> 32n) & 0xffn));
    } else {
      Atomics.store(this.i32, idx, Number(value & (rel & 4 ? 0xffn : 0x80ff_ffffn)) | 0);
    }
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
      if (isWrite) this.u8[b] = Number((value >> BigInt(8 * i)) & 0xffn) & GIC_PRI_MASK;
      else r |= BigInt(this.u8[b]!) << BigInt(8 * i);
    }
    if (isWrite && cpu >= 0) this.kick(cpu);
    if (isWrite && cpu < 0) Atomics.add(this.i32, GicdWord.SPI_GEN, 1);
    return r;
  }

  // --- redistributor registers ---------------------------------------------------------------

  /** A GICR register access at `off` within `cpu`'s frames (RD_base, then SGI_base at +0x10000). */
  redistAccess(cpu: number, off: number, size: number, isWrite: boolean, value: bigint): bigint {
    const g = this.i32;
    if (isWrite) value &= sizeMask(size);
    const slot = (w: number): number => gicCpuWord(cpu, w);
    if (off >= 0x10400 && off < 0x10420) return this.priorityAccess(cpu, off - 0x10400, size, isWrite, value);
    const w = off & ~3;
    const shift = (off & 3) * 8;
    const v = Number(BigInt.asUintN(32, value)) << shift;
    if (w >= 0x10100 && w < 0x10400 && ((w - 0x10100) & 0x7f) === 0) {
      const reg = (w - 0x10100) >> 7;
      const word = slot([GicCpuWord.ENABLE0, GicCpuWord.ENABLE0, GicCpuWord.PENDING0, GicCpuWord.PENDING0, GicCpuWord.ACTIVE0, GicCpuWord.ACTIVE0][reg]!);
      if (!isWrite) return sizeMask(size) & read(g, word, shift);
      if (reg & 1) Atomics.and(g, word, ~v);
      else Atomics.or(g, word, v);
      if (v) this.kick(cpu);
      return 0n;
    }
    if (isWrite) {
      switch (w) {
        case 0x0000: Atomics.store(g, slot(GicCpuWord.CTLR), 0); break;
        case 0x0014: {
          const sleep = v & GICR_WAKER_PROCESSOR_SLEEP;
          Atomics.store(g, slot(GicCpuWord.WAKER), sleep ? GICR_WAKER_PROCESSOR_SLEEP | GICR_WAKER_CHILDREN_ASLEEP : 0);
          break;
        }
        case 0x10080: Atomics.store(g, slot(GicCpuWord.GROUP0), v); break;
        case 0x10c04: Atomics.store(g, slot(GicCpuWord.CFG1), v & 0xaaaaaaaa); break;
        default: break; // ICFGR0 is read-only (SGIs are edge), the rest RAZ/WI
      }
      return 0n;
    }
    if (w === 0x0008 && size === 8) return (BigInt(this.typerHi(cpu)) << 32n) | BigInt(this.typerLo(cpu));
    let r = 0;
    switch (w) {
      case 0x0000: r = Atomics.load(g, slot(GicCpuWord.CTLR)); break;
      case 0x0004: r = GIC_IIDR; break;
      case 0x0008: r = this.typerLo(cpu); break;
      case 0x000c: r = this.typerHi(cpu); break;
      case 0x0014: r = Atomics.load(g, slot(GicCpuWord.WAKER)); break;
      case 0xffd0: r = GIC_PIDR4; break;
      case 0xffe0: r = GIC_PIDR0; break;
      case 0xffe4: r = GIC_PIDR1; break;
      case 0xffe8: r = GIC_PIDR2; break;
      case 0x10080: r = Atomics.load(g, slot(GicCpuWord.GROUP0)); break;
      case 0x10c00: r = Atomics.load(g, slot(GicCpuWord.CFG0)); break;
      case 0x10c04: r = Atomics.load(g, slot(GicCpuWord.CFG1)); break;
      default:
        if (w >= 0xfff0 && w <= 0xfffc) r = GIC_CIDR[(w - 0xfff0) >> 2]!;
    }
    return BigInt((r >>> shift) >>> 0) & sizeMask(size);
  }

  /** GICR_TYPER[31:0]: Processor_Number (23:8), Last (bit 4) on the highest frame. */
  private typerLo(cpu: number): number {
    return ((cpu & 0xffff) << 8) | (cpu === this.nrCpus - 1 ? 1 << 4 : 0);
  }

  /** GICR_TYPER[63:32]: Aff3.Aff2.Aff1.Aff0 of the frame's CPU. */
  private typerHi(cpu: number): number {
    const m = this.mpidrs[cpu]!;
    return ((Math.floor(m / 2 ** 32) & 0xff) << 24) | (m & 0xffffff);
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

function read(g: Int32Array, idx: number, shift: number): bigint {
  return BigInt((Atomics.load(g, idx) >>> shift) >>> 0);
}
