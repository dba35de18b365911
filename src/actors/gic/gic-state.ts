/**
 * The GICv3's interrupt state as every CPU worker sees it, and the wiring that makes an
 * interrupt reach a CPU: the sources (device edges, level-sensitive PPI lines, SGIs),
 * deactivation, SPI routing (IROUTER), and the kick of the target CPU whenever a change may make
 * an interrupt deliverable (the CPU then evaluates its highest pending interrupt,
 * cpu-interface.ts). The register files (distributor.ts, redistributor.ts) change the same state.
 */
import { kickCpu } from '../cpu/wake.js';
import { GicChangeLog, GicField, type GicChange } from './changes.js';
import { GIC_MAX_IRQS, GicCpuWord, GicdWord, gicCpuWord, priorityByte } from './layout.js';
import {
  GICD_CTLR_ARE_NS, GICD_CTLR_ENABLE_G1NS, GICD_ICFGR_INT_CONFIG, GICD_IROUTER_AFF3, GICD_IROUTER_AFF_LO,
  GICD_IROUTER_IRM, GICR_WAKER_CHILDREN_ASLEEP, GICR_WAKER_PROCESSOR_SLEEP,
} from './regs.js';
import { ICC_SGIR_IRQN_MASK } from './sysregs.js';

export class GicState {
  readonly i32: Int32Array;
  readonly u8: Uint8Array;
  /** What this worker's register writes changed, while it records (isolation monitor). */
  readonly changeLog = new GicChangeLog();
  /** MPIDR affinity (Aff3..Aff0 as Jailhouse masks it, GICD_IROUTER_AFFINITY) → CPU. */
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
      Atomics.store(g, gicCpuWord(cpu, GicCpuWord.CFG0), GICD_ICFGR_INT_CONFIG | 0);
      Atomics.store(g, gicCpuWord(cpu, GicCpuWord.ICC_PMR), 0);
    }
  }

  // --- wiring --------------------------------------------------------------------------------

  /** Wake `cpu` so it re-evaluates its interrupts (the IRQ line towards the PE). */
  kick(cpu: number): void {
    kickCpu(this.cpus, cpu);
  }

  /** The CPU an SPI is routed to, or -1 for 1-of-N (IRM) / no such CPU. */
  spiTarget(irq: number): number {
    const lo = Atomics.load(this.i32, GicdWord.IROUTER + irq * 2);
    if (lo & GICD_IROUTER_IRM) return -1;
    const hi = Atomics.load(this.i32, GicdWord.IROUTER + irq * 2 + 1) & GICD_IROUTER_AFF3;
    return this.byAff.get(hi * 2 ** 32 + (lo & GICD_IROUTER_AFF_LO)) ?? -2;
  }

  /** A change to SPI `irq` may make it deliverable: kick its target (every CPU for 1-of-N). */
  spiChanged(irq: number): void {
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
    if (!(old & (1 << (irq & 31)))) this.changeLog.note(GicField.PENDING, -1, irq);
    this.spiChanged(irq);
  }

  /** Clear pending of SPI `irq` (GICD_CLRSPI). */
  clearSpi(irq: number): void {
    if (irq < 32 || irq >= this.nrIrqs) return;
    const old = Atomics.and(this.i32, GicdWord.PENDING + (irq >> 5), ~(1 << (irq & 31)));
    if (old & (1 << (irq & 31))) this.changeLog.note(GicField.PENDING, -1, irq);
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

  // --- what register writes changed (for the isolation monitor) -------------------------------

  /** Start recording the state changes of this worker's register writes (until takeChanges). */
  recordChanges(): void {
    this.changeLog.record();
  }

  /**
   * The changes recorded since recordChanges(), and recording stops. The array is reused by
   * the next recordChanges(): read it before recording again.
   */
  takeChanges(): readonly GicChange[] {
    return this.changeLog.take();
  }

  // --- state the CPU interfaces read ---------------------------------------------------------

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
