/**
 * One CPU's GICv3 CPU interfaces: the physical one (ICC_*_EL1 as EL2 or native Linux use them:
 * acknowledge, priority drop, deactivate, priority mask, running priority) and the virtual one
 * the hypervisor drives (ICH_HCR/VMCR/AP1R0, four list registers) which EL1 sees through its ICC_*
 * accesses while ICH_HCR_EL2.En is set (the ICV_* registers). Used only by the owning CPU's
 * worker; the state is in the GIC buffer so it can be inspected.
 */
import type { Gic } from './gic.js';
import { GIC_NUM_LR, GIC_PRI_BITS, GIC_PRI_MASK, GIC_PRI_SHIFT, GicCpuWord, GicdWord, SPURIOUS_IRQ, gicCpuWord } from './layout.js';
import {
  ICC_BPR1_EL1_MASK, ICC_CTLR_EL1_PRI_BITS_SHIFT, ICC_CTLR_EOIMODE, ICC_IGRPEN1_EN, ICC_INTID_MASK, ICC_PMR_MASK,
  ICC_RPR_MASK, ICC_SRE_EL1_DFB, ICC_SRE_EL1_DIB, ICC_SRE_EL1_SRE, ICH_HCR_EN, ICH_HCR_UIE, ICH_VMCR_VBPR1_MASK,
  ICH_VMCR_VBPR1_SHIFT, ICH_VMCR_VENG1, ICH_VMCR_VEOIM, ICH_VMCR_VPMR_MASK, ICH_VMCR_VPMR_SHIFT, LrHi, LrState,
} from './sysregs.js';

/** Index of the lowest set bit (the highest active priority level); 32 for none. */
function ctz(v: number): number {
  return v === 0 ? 32 : 31 - Math.clz32(v & -v);
}

/** The running priority with nothing active: below every priority (the masks compare with `<`). */
const IDLE_PRIORITY = 0x100;

/** Running priority from an active-priorities word: the group priority of the highest active level. */
function runningPriority(ap: number): number {
  return ap === 0 ? IDLE_PRIORITY : ctz(ap) << GIC_PRI_SHIFT;
}

/** The ICC_* registers an EL1 guest reads and writes (ICV_* under virtualisation). */
export type IccReg =
  | 'ICC_IAR1_EL1' | 'ICC_EOIR1_EL1' | 'ICC_DIR_EL1' | 'ICC_PMR_EL1' | 'ICC_CTLR_EL1' | 'ICC_IGRPEN1_EL1'
  | 'ICC_BPR1_EL1' | 'ICC_RPR_EL1' | 'ICC_HPPIR1_EL1' | 'ICC_SRE_EL1' | 'ICC_AP1R0_EL1' | 'ICC_IAR0_EL1'
  | 'ICC_EOIR0_EL1' | 'ICC_HPPIR0_EL1' | 'ICC_BPR0_EL1' | 'ICC_IGRPEN0_EL1' | 'ICC_AP0R0_EL1';

export class GicCpuInterface {
  private readonly g: Int32Array;
  /** Priority of the interrupt the last highestPending()/vHighest() found. */
  private foundPrio = 0;
  /** GICD SPI_GEN when the last SPI scan found nothing for this CPU (-1: scan again). */
  private spiGenIdle = -1;

  constructor(
    readonly gic: Gic,
    readonly cpu: number,
  ) {
    this.g = gic.i32;
  }

  private w(word: number): number {
    return gicCpuWord(this.cpu, word);
  }

  load(word: number): number {
    return Atomics.load(this.g, this.w(word));
  }

  store(word: number, v: number): void {
    Atomics.store(this.g, this.w(word), v | 0);
  }

  // --- physical interface --------------------------------------------------------------------

  /**
   * The highest-priority pending, enabled, inactive group-1 interrupt for this CPU (SGIs/PPIs of
   * its redistributor, SPIs routed to it), or SPURIOUS_IRQ. Does not apply the masks.
   */
  highestPending(): number {
    const g = this.g;
    let best = SPURIOUS_IRQ;
    let bestPrio = IDLE_PRIORITY;
    const priv = Atomics.load(g, this.w(GicCpuWord.PENDING0)) & Atomics.load(g, this.w(GicCpuWord.ENABLE0)) &
      ~Atomics.load(g, this.w(GicCpuWord.ACTIVE0)) & Atomics.load(g, this.w(GicCpuWord.GROUP0));
    for (let bits = priv; bits !== 0; bits &= bits - 1) {
      const irq = ctz(bits);
      const p = this.gic.priority(this.cpu, irq);
      if (p < bestPrio) {
        best = irq;
        bestPrio = p;
      }
    }
    // Idle CPUs poll this often: while no SPI-related change happened since a scan that found
    // nothing for this CPU, the SPIs need no second look.
    const gen = Atomics.load(g, GicdWord.SPI_GEN);
    if (gen !== this.spiGenIdle && this.gic.distEnabled()) {
      let found = false;
      const words = this.gic.nrIrqs >> 5;
      for (let n = 1; n < words; n++) {
        let bits = Atomics.load(g, GicdWord.PENDING + n);
        if (bits === 0) continue;
        bits &= Atomics.load(g, GicdWord.ENABLE + n) & ~Atomics.load(g, GicdWord.ACTIVE + n) & Atomics.load(g, GicdWord.GROUP + n);
        for (; bits !== 0; bits &= bits - 1) {
          const irq = n * 32 + ctz(bits);
          const t = this.gic.spiTarget(irq);
          if (t !== this.cpu && t !== -1) continue;
          found = true;
          const p = this.gic.priority(this.cpu, irq);
          if (p < bestPrio) {
            best = irq;
            bestPrio = p;
          }
        }
      }
      this.spiGenIdle = found ? -1 : gen;
    }
    this.foundPrio = bestPrio;
    return best;
  }

  /** The physical IRQ line of this PE is asserted (what makes it exit to EL2 or take an IRQ). */
  signalled(): boolean {
    if (!(this.load(GicCpuWord.ICC_IGRPEN1) & ICC_IGRPEN1_EN)) return false;
    const irq = this.highestPending();
    if (irq === SPURIOUS_IRQ) return false;
    return this.foundPrio < (this.load(GicCpuWord.ICC_PMR) & ICC_PMR_MASK) && (this.foundPrio & GIC_PRI_MASK) < runningPriority(this.load(GicCpuWord.ICC_AP1R0));
  }

  /** ICC_IAR1_EL1: acknowledge the signalled interrupt (active, no longer pending); 1023 if none. */
  ack(): number {
    for (;;) {
      if (!this.signalled()) return SPURIOUS_IRQ;
      const irq = this.highestPending();
      const prio = this.foundPrio;
      const bit = 1 << (irq & 31);
      if (irq < 32) {
        Atomics.and(this.g, this.w(GicCpuWord.PENDING0), ~bit);
        Atomics.or(this.g, this.w(GicCpuWord.ACTIVE0), bit);
      } else {
        // A 1-of-N SPI may be taken by another CPU between the scan and here.
        const old = Atomics.and(this.g, GicdWord.PENDING + (irq >> 5), ~bit);
        if (!(old & bit)) continue;
        Atomics.or(this.g, GicdWord.ACTIVE + (irq >> 5), bit);
      }
      this.store(GicCpuWord.ICC_AP1R0, this.load(GicCpuWord.ICC_AP1R0) | (1 << (prio >> GIC_PRI_SHIFT)));
      Atomics.add(this.g, this.w(GicCpuWord.ACKED), 1);
      return irq;
    }
  }

  /** ICC_EOIR1_EL1: priority drop; with EOImode 0 also deactivation. */
  eoi(irq: number): void {
    const ap = this.load(GicCpuWord.ICC_AP1R0);
    this.store(GicCpuWord.ICC_AP1R0, ap & (ap - 1));
    if (!(this.load(GicCpuWord.ICC_CTLR) & ICC_CTLR_EOIMODE)) this.gic.deactivate(this.cpu, irq);
  }

  /** ICC_DIR_EL1: deactivate. */
  dir(irq: number): void {
    this.gic.deactivate(this.cpu, irq);
  }

  // --- virtual interface (list registers) ----------------------------------------------------

  lrLo(n: number): number {
    return this.load(GicCpuWord.LR + n * 2) >>> 0;
  }

  lrHi(n: number): number {
    return this.load(GicCpuWord.LR + n * 2 + 1) >>> 0;
  }

  /** ICH_LR<n>_EL2 write as two words (vINTID; bits 63:32). */
  writeLr(n: number, lo: number, hi: number): void {
    this.store(GicCpuWord.LR + n * 2, lo);
    this.store(GicCpuWord.LR + n * 2 + 1, hi);
  }

  lrState(n: number): number {
    return this.lrHi(n) >>> LrHi.STATE_SHIFT;
  }

  /** ICH_ELRSR_EL2: bit n set when LR n holds no interrupt. */
  elrsr(): number {
    let v = 0;
    for (let n = 0; n < GIC_NUM_LR; n++) if (this.lrState(n) === LrState.INVALID) v |= 1 << n;
    return v;
  }

  /** The underflow maintenance condition (ICH_HCR.UIE and at most one valid LR): PPI 25's level. */
  maintenanceLevel(): boolean {
    const hcr = this.load(GicCpuWord.ICH_HCR);
    if ((hcr & (ICH_HCR_EN | ICH_HCR_UIE)) !== (ICH_HCR_EN | ICH_HCR_UIE)) return false;
    return GIC_NUM_LR - popcount(this.elrsr()) <= 1;
  }

  /** The LR of the highest-priority pending virtual interrupt, or -1 (masks not applied). */
  private vHighest(): number {
    let best = -1;
    let bestPrio = IDLE_PRIORITY;
    for (let n = 0; n < GIC_NUM_LR; n++) {
      const hi = this.lrHi(n);
      if (hi >>> LrHi.STATE_SHIFT !== LrState.PENDING || !(hi & LrHi.GROUP)) continue;
      const p = (hi >>> LrHi.PRIORITY_SHIFT) & LrHi.PRIORITY_MASK;
      if (p < bestPrio) {
        best = n;
        bestPrio = p;
      }
    }
    this.foundPrio = bestPrio;
    return best;
  }

  /** The virtual IRQ towards EL1 is asserted (ICH_HCR.En, VENG1, VPMR, virtual running priority). */
  vSignalled(): boolean {
    if (!(this.load(GicCpuWord.ICH_HCR) & ICH_HCR_EN)) return false;
    const vmcr = this.load(GicCpuWord.ICH_VMCR);
    if (!(vmcr & ICH_VMCR_VENG1)) return false;
    if (this.vHighest() < 0) return false;
    return this.foundPrio < vmcr >>> ICH_VMCR_VPMR_SHIFT && (this.foundPrio & GIC_PRI_MASK) < runningPriority(this.load(GicCpuWord.ICH_AP1R0));
  }

  /** Any LR holds a pending interrupt (has_pending_irqs, e.g. for PSCI CPU_SUSPEND). */
  hasPendingLr(): boolean {
    for (let n = 0; n < GIC_NUM_LR; n++) if (this.lrState(n) & LrState.PENDING) return true;
    return false;
  }

  /** ICV_IAR1_EL1. */
  vAck(): number {
    if (!this.vSignalled()) return SPURIOUS_IRQ;
    const n = this.vHighest();
    const hi = this.lrHi(n);
    this.writeLr(n, this.lrLo(n), (hi & ~LrHi.STATE_MASK) | (LrState.ACTIVE << LrHi.STATE_SHIFT));
    this.store(GicCpuWord.ICH_AP1R0, this.load(GicCpuWord.ICH_AP1R0) | (1 << (this.foundPrio >> GIC_PRI_SHIFT)));
    Atomics.add(this.g, this.w(GicCpuWord.VACKED), 1);
    return this.lrLo(n);
  }

  /** ICV_EOIR1_EL1: priority drop, and deactivation unless VEOIM. */
  vEoi(intid: number): void {
    const ap = this.load(GicCpuWord.ICH_AP1R0);
    this.store(GicCpuWord.ICH_AP1R0, ap & (ap - 1));
    if (!(this.load(GicCpuWord.ICH_VMCR) & ICH_VMCR_VEOIM)) this.vDeactivate(intid);
  }

  /** ICV_DIR_EL1 / the deactivation half of EOI: the LR leaves active; HW=1 deactivates pINTID. */
  vDeactivate(intid: number): void {
    for (let n = 0; n < GIC_NUM_LR; n++) {
      const hi = this.lrHi(n);
      if (this.lrLo(n) !== intid >>> 0 || !((hi >>> LrHi.STATE_SHIFT) & LrState.ACTIVE)) continue;
      const state = (hi >>> LrHi.STATE_SHIFT) & LrState.PENDING;
      this.writeLr(n, intid, (hi & ~LrHi.STATE_MASK) | (state << LrHi.STATE_SHIFT));
      if (hi & LrHi.HW) this.gic.deactivate(this.cpu, hi & LrHi.PINTID_MASK);
      return;
    }
  }

  // --- EL1's ICC_* system registers ----------------------------------------------------------

  /** Virtualised when ICH_HCR_EL2.En is set (ICV_*), else the physical interface. */
  private get virtual(): boolean {
    return (this.load(GicCpuWord.ICH_HCR) & ICH_HCR_EN) !== 0;
  }

  /** MRS of an ICC_* register from EL1. */
  readIcc(reg: IccReg): bigint {
    const v = this.virtual;
    const vmcr = this.load(GicCpuWord.ICH_VMCR);
    switch (reg) {
      case 'ICC_IAR1_EL1': return BigInt(v ? this.vAck() : this.ack());
      case 'ICC_HPPIR1_EL1': {
        if (v) {
          const n = this.vHighest();
          return BigInt(n < 0 ? SPURIOUS_IRQ : this.lrLo(n));
        }
        return BigInt(this.highestPending());
      }
      case 'ICC_PMR_EL1': return BigInt(v ? vmcr >>> ICH_VMCR_VPMR_SHIFT : this.load(GicCpuWord.ICC_PMR) & ICC_PMR_MASK);
      // PRIbits (10:8) = GIC_PRI_BITS - 1, IDbits 0 (16-bit INTIDs), EOImode.
      case 'ICC_CTLR_EL1': {
        const eoi = v ? (vmcr & ICH_VMCR_VEOIM ? ICC_CTLR_EOIMODE : 0) : this.load(GicCpuWord.ICC_CTLR) & ICC_CTLR_EOIMODE;
        return BigInt(((GIC_PRI_BITS - 1) << ICC_CTLR_EL1_PRI_BITS_SHIFT) | eoi);
      }
      case 'ICC_IGRPEN1_EL1': return BigInt(v ? (vmcr & ICH_VMCR_VENG1 ? ICC_IGRPEN1_EN : 0) : this.load(GicCpuWord.ICC_IGRPEN1) & ICC_IGRPEN1_EN);
      case 'ICC_BPR1_EL1': return BigInt(v ? (vmcr >>> ICH_VMCR_VBPR1_SHIFT) & ICC_BPR1_EL1_MASK : this.load(GicCpuWord.ICC_BPR1) & ICC_BPR1_EL1_MASK);
      case 'ICC_RPR_EL1': return BigInt(runningPriority(this.load(v ? GicCpuWord.ICH_AP1R0 : GicCpuWord.ICC_AP1R0)) & ICC_RPR_MASK);
      case 'ICC_AP1R0_EL1': return BigInt(this.load(v ? GicCpuWord.ICH_AP1R0 : GicCpuWord.ICC_AP1R0) >>> 0);
      // System-register interface only: SRE fixed at 1, FIQ and IRQ bypass disabled.
      case 'ICC_SRE_EL1': return BigInt(ICC_SRE_EL1_SRE | ICC_SRE_EL1_DFB | ICC_SRE_EL1_DIB);
      case 'ICC_IAR0_EL1': case 'ICC_HPPIR0_EL1': return BigInt(SPURIOUS_IRQ);
      default: return 0n;
    }
  }

  /** MSR of an ICC_* register from EL1. */
  writeIcc(reg: IccReg, value: bigint): void {
    const x = Number(BigInt.asUintN(32, value));
    const v = this.virtual;
    const vmcr = this.load(GicCpuWord.ICH_VMCR);
    switch (reg) {
      case 'ICC_EOIR1_EL1': if (v) this.vEoi(x & ICC_INTID_MASK); else this.eoi(x & ICC_INTID_MASK); return;
      case 'ICC_DIR_EL1': if (v) this.vDeactivate(x & ICC_INTID_MASK); else this.dir(x & ICC_INTID_MASK); return;
      case 'ICC_PMR_EL1':
        if (v) this.store(GicCpuWord.ICH_VMCR, (vmcr & ~ICH_VMCR_VPMR_MASK) | ((x & GIC_PRI_MASK) << ICH_VMCR_VPMR_SHIFT));
        else this.store(GicCpuWord.ICC_PMR, x & GIC_PRI_MASK);
        return;
      case 'ICC_CTLR_EL1':
        if (v) this.store(GicCpuWord.ICH_VMCR, x & ICC_CTLR_EOIMODE ? vmcr | ICH_VMCR_VEOIM : vmcr & ~ICH_VMCR_VEOIM);
        else this.store(GicCpuWord.ICC_CTLR, x & ICC_CTLR_EOIMODE);
        return;
      case 'ICC_IGRPEN1_EL1':
        if (v) this.store(GicCpuWord.ICH_VMCR, x & ICC_IGRPEN1_EN ? vmcr | ICH_VMCR_VENG1 : vmcr & ~ICH_VMCR_VENG1);
        else this.store(GicCpuWord.ICC_IGRPEN1, x & ICC_IGRPEN1_EN);
        return;
      case 'ICC_BPR1_EL1':
        if (v) this.store(GicCpuWord.ICH_VMCR, (vmcr & ~ICH_VMCR_VBPR1_MASK) | ((x & ICC_BPR1_EL1_MASK) << ICH_VMCR_VBPR1_SHIFT));
        else this.store(GicCpuWord.ICC_BPR1, x & ICC_BPR1_EL1_MASK);
        return;
      case 'ICC_AP1R0_EL1': this.store(v ? GicCpuWord.ICH_AP1R0 : GicCpuWord.ICC_AP1R0, x); return;
      default: return; // group 0 and SRE: WI (SRE is fixed at 1)
    }
  }
}

function popcount(v: number): number {
  let n = 0;
  for (let x = v; x !== 0; x &= x - 1) n++;
  return n;
}
