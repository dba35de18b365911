/**
 * The hypervisor's per-CPU interrupt path (arm-common/irqchip.c + gic-v3.c): virtual injection
 * into the four list registers with the per-CPU pending_irqs ring and the underflow maintenance
 * interrupt, the ICC_SGI1R_EL1 trap, and the CPU interface's init, reset and shutdown. The
 * physical IRQ exit loop is irqchip-irq.ts (it hands SGI_EVENT to check_events, whose CPU reset
 * calls back into this file); the cell side (ownership, GICD/GICR filters) is in
 * irqchip-cell.ts/gic-mmio.ts.
 */
import { SYS_OFF } from '../../../shared/config/layout.js';
import { spinLock, spinUnlock } from '../../../shared/sync.js';
import {
  GICR_ICACTIVER0, GICR_ICENABLER0, GICR_ICPENDR0, GICR_ISENABLER0, GICR_ISPENDR0, GICR_PPI_BITS, GICR_SGI_BITS,
  GIC_NUM_LR, GicCpuWord, ICC_CTLR_EOIMODE, ICC_IGRPEN1_EN, ICC_PMR_DEFAULT, ICC_PMR_MASK, ICH_HCR_EN, ICH_HCR_UIE,
  ICH_VMCR_VENG1, ICH_VMCR_VEOIM, ICH_VMCR_VPMR_SHIFT, LrHi, LrState, SGI_INJECT,
  decodeIccSgi1r, type GicCpuInterface,
} from '../../gic/index.js';
import type { Hv } from './hv.js';
import { MAX_PENDING_IRQS, PUB } from './layout.js';

const EEXIST = -17;
const EBUSY = -16;

/** platform_info.arm.maintenance_irq of the system config. */
export function maintenanceIrq(hv: Hv): number {
  return hv.c.mem.read8(hv.systemConfig + SYS_OFF.arm_maintenance_irq);
}

function icc(hv: Hv): GicCpuInterface {
  return hv.c.gicc;
}

/**
 * gicv3_inject_irq: the first free LR gets the interrupt (group 1, priority 0, pending; HW with
 * pINTID = vINTID for PPIs/SPIs). A copy already in an LR is dropped (-EEXIST); no free LR: -EBUSY.
 */
function injectIrq(hv: Hv, irq: number): number {
  const ic = icc(hv);
  let free = -1;
  for (let n = 0; n < GIC_NUM_LR; n++) {
    if (ic.lrState(n) === LrState.INVALID) {
      if (free < 0) free = n;
      continue;
    }
    if (ic.lrLo(n) === irq) return EEXIST;
  }
  if (free < 0) return EBUSY;
  let hi = LrHi.GROUP | (LrState.PENDING << LrHi.STATE_SHIFT);
  if (irq >= 16) hi |= LrHi.HW | (irq & LrHi.PINTID_MASK);
  ic.writeLr(free, irq, hi);
  return 0;
}

/** ICH_HCR_EL2.UIE: ask for the underflow maintenance interrupt (or stop asking). */
function enableMaintIrq(hv: Hv, on: boolean): void {
  const ic = icc(hv);
  const hcr = ic.load(GicCpuWord.ICH_HCR);
  ic.store(GicCpuWord.ICH_HCR, on ? hcr | ICH_HCR_UIE : hcr & ~ICH_HCR_UIE);
}

/** Queue `irq` on `target`'s pending_irqs ring (dropped silently when full). */
function ringPush(hv: Hv, target: number, irq: number): void {
  const m = hv.c.mem;
  const pub = hv.pub(target);
  const lock = hv.pubWord(target, PUB.PENDING_LOCK);
  spinLock(hv.c.policy, lock, `pending_irqs lock of CPU ${target}`);
  const head = m.read32(pub + PUB.PENDING_HEAD);
  const tail = m.read32(pub + PUB.PENDING_TAIL);
  const next = (tail + 1) % MAX_PENDING_IRQS;
  if (next !== head) {
    m.write16(pub + PUB.PENDING_IRQS + tail * 2, irq);
    m.write32(pub + PUB.PENDING_TAIL, next);
  }
  spinUnlock(lock);
}

/**
 * irqchip_set_pending: on the local CPU try the LRs first; otherwise (remote, or LRs full) the
 * target's ring, then SGI_INJECT to a remote target or the underflow interrupt locally.
 */
export function irqchipSetPending(hv: Hv, target: number, irq: number): void {
  const local = target === hv.cpu;
  if (local && injectIrq(hv, irq) !== EBUSY) return;
  ringPush(hv, target, irq);
  if (local) enableMaintIrq(hv, true);
  else hv.c.gic.sendSgi([target], SGI_INJECT);
}

/** irqchip_inject_pending: drain this CPU's ring into its LRs until they are full. */
export function irqchipInjectPending(hv: Hv): void {
  const m = hv.c.mem;
  const pub = hv.myPub;
  const tail = hv.pubWord(hv.cpu, PUB.PENDING_TAIL);
  let head = m.read32(pub + PUB.PENDING_HEAD);
  while (head !== hv.load(tail)) {
    if (injectIrq(hv, m.read16(pub + PUB.PENDING_IRQS + head * 2)) === EBUSY) {
      enableMaintIrq(hv, true);
      return;
    }
    head = (head + 1) % MAX_PENDING_IRQS;
    m.write32(pub + PUB.PENDING_HEAD, head);
  }
  enableMaintIrq(hv, false);
}

/**
 * gicv3_handle_sgir_write: decode ICC_SGI1R_EL1 and pend the virtual SGI on every addressed
 * CPU of the caller's cell; other targets are silently dropped. RS is ignored (Aff0 < 16).
 */
export function handleSgirWrite(hv: Hv, value: bigint): boolean {
  const { targetList, aff1, intid: sgi, aff2, irm, aff3 } = decodeIccSgi1r(value);
  for (const cpu of hv.cellCpus(hv.thisCell())) {
    const mpidr = hv.c.topo[cpu]!.mpidr;
    if (irm) {
      if (cpu === hv.cpu) continue;
    } else {
      const hiMatch = ((mpidr >> 8) & 0xff) === aff1 && ((mpidr >> 16) & 0xff) === aff2 && Math.floor(mpidr / 2 ** 32) === aff3;
      if (!hiMatch || !((targetList >> (mpidr & 0xff)) & 1)) continue;
    }
    irqchipSetPending(hv, cpu, sgi);
  }
  return true;
}

/**
 * gicv3_cpu_init (this CPU's part): SGIs and the maintenance PPI enabled, root's ICC state kept
 * in ICH_VMCR, EOImode 1 / PMR ICC_PMR_DEFAULT / group 1 on, LRs cleared, ICH_HCR.En; SGIs already pending
 * physically become virtual ones so none is mistaken for a hypervisor SGI.
 */
export function irqchipCpuInit(hv: Hv): void {
  const ic = icc(hv);
  const gic = hv.c.gic;
  const mnt = maintenanceIrq(hv);
  gic.redistAccess(hv.cpu, GICR_ISENABLER0, 4, true, BigInt(GICR_SGI_BITS | (1 << mnt)));
  const ctlr = ic.load(GicCpuWord.ICC_CTLR);
  const pmr = ic.load(GicCpuWord.ICC_PMR);
  const grpen = ic.load(GicCpuWord.ICC_IGRPEN1);
  ic.store(GicCpuWord.ICC_CTLR, ICC_CTLR_EOIMODE);
  ic.store(GicCpuWord.ICC_PMR, ICC_PMR_DEFAULT);
  ic.store(GicCpuWord.ICC_IGRPEN1, ICC_IGRPEN1_EN);
  for (let n = 0; n < GIC_NUM_LR; n++) ic.writeLr(n, 0, 0);
  ic.store(GicCpuWord.ICH_AP1R0, 0);
  ic.store(GicCpuWord.ICH_VMCR, ((pmr & ICC_PMR_MASK) << ICH_VMCR_VPMR_SHIFT) | (grpen & ICC_IGRPEN1_EN ? ICH_VMCR_VENG1 : 0) | (ctlr & ICC_CTLR_EOIMODE ? ICH_VMCR_VEOIM : 0));
  ic.store(GicCpuWord.ICH_HCR, ICH_HCR_EN);
  const pending = Number(gic.redistAccess(hv.cpu, GICR_ISPENDR0, 4, false, 0n)) & GICR_SGI_BITS;
  gic.redistAccess(hv.cpu, GICR_ICACTIVER0, 4, true, BigInt(GICR_SGI_BITS));
  gic.redistAccess(hv.cpu, GICR_ICPENDR0, 4, true, BigInt(pending));
  for (let sgi = 0; sgi < 16; sgi++) if ((pending >> sgi) & 1) irqchipSetPending(hv, hv.cpu, sgi);
}

/**
 * gicv3_cpu_reset (arm_cpu_reset, parking): ring emptied, LRs and active priorities cleared,
 * SGIs and the maintenance PPI enabled, every other PPI disabled and deactivated, VMCR = 0.
 */
export function irqchipCpuReset(hv: Hv): void {
  const ic = icc(hv);
  const gic = hv.c.gic;
  const mnt = maintenanceIrq(hv);
  const m = hv.c.mem;
  const lock = hv.pubWord(hv.cpu, PUB.PENDING_LOCK);
  spinLock(hv.c.policy, lock, 'pending_irqs lock');
  m.write32(hv.myPub + PUB.PENDING_HEAD, 0);
  m.write32(hv.myPub + PUB.PENDING_TAIL, 0);
  spinUnlock(lock);
  for (let n = 0; n < GIC_NUM_LR; n++) ic.writeLr(n, 0, 0);
  ic.store(GicCpuWord.ICH_AP1R0, 0);
  ic.store(GicCpuWord.ICH_HCR, ICH_HCR_EN);
  gic.redistAccess(hv.cpu, GICR_ISENABLER0, 4, true, BigInt(GICR_SGI_BITS | (1 << mnt)));
  gic.redistAccess(hv.cpu, GICR_ICENABLER0, 4, true, BigInt((GICR_PPI_BITS & ~(1 << mnt)) >>> 0));
  gic.redistAccess(hv.cpu, GICR_ICACTIVER0, 4, true, BigInt(GICR_PPI_BITS));
  ic.store(GicCpuWord.ICH_VMCR, 0);
}

/**
 * gicv3_cpu_shutdown: the virtual interface off, the maintenance PPI disabled, root's EOImode and
 * group enable restored from VMCR, and every interrupt still waiting in an LR or in the ring
 * raised physically (SGIs/PPIs in the redistributor, SPIs in the distributor) for native Linux.
 */
export function irqchipCpuShutdown(hv: Hv): void {
  const ic = icc(hv);
  const gic = hv.c.gic;
  const mnt = maintenanceIrq(hv);
  const vmcr = ic.load(GicCpuWord.ICH_VMCR);
  ic.store(GicCpuWord.ICH_HCR, 0);
  gic.redistAccess(hv.cpu, GICR_ICENABLER0, 4, true, BigInt(1 << mnt));
  if (!(vmcr & ICH_VMCR_VEOIM)) ic.store(GicCpuWord.ICC_CTLR, ic.load(GicCpuWord.ICC_CTLR) & ~ICC_CTLR_EOIMODE);
  if (!(vmcr & ICH_VMCR_VENG1)) ic.store(GicCpuWord.ICC_IGRPEN1, 0);
  const migrate = (irq: number): void => {
    if (irq < 32) {
      gic.redistAccess(hv.cpu, GICR_ICACTIVER0, 4, true, BigInt(1 << irq));
      gic.setPrivatePending(hv.cpu, irq, true);
    } else {
      gic.deactivate(hv.cpu, irq);
      gic.raiseSpi(irq);
    }
  };
  for (let n = 0; n < GIC_NUM_LR; n++) {
    if (ic.lrState(n) & LrState.PENDING) migrate(ic.lrLo(n));
    ic.writeLr(n, 0, 0);
  }
  const m = hv.c.mem;
  let head = m.read32(hv.myPub + PUB.PENDING_HEAD);
  const tail = m.read32(hv.myPub + PUB.PENDING_TAIL);
  while (head !== tail) {
    migrate(m.read16(hv.myPub + PUB.PENDING_IRQS + head * 2));
    head = (head + 1) % MAX_PENDING_IRQS;
  }
  m.write32(hv.myPub + PUB.PENDING_HEAD, head);
}

/**
 * irqchip_has_pending_irqs (gicv3_has_pending_irqs): an LR holds a pending interrupt (PSCI
 * CPU_SUSPEND then returns without waiting).
 */
export function irqchipHasPendingIrqs(hv: Hv): boolean {
  return icc(hv).hasPendingLr();
}
