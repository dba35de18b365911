/**
 * The hypervisor's interrupt path as far as SGIs need it: the ICC_SGI1R_EL1 write trap
 * (virtual SGIs between CPUs of a cell), the per-CPU pending_irqs ring with SGI_INJECT, and
 * the physical IRQ exit loop (SGI_INJECT, SGI_EVENT) with Jailhouse's count_event rule.
 */
import { spinLock, spinUnlock } from '../../../shared/sync.js';
import { GicWord, SGI_EVENT, SGI_INJECT, ackPhysicalSgis, gicWord, sendPhysicalSgi } from '../../gic/sgi.js';
import { cellCpus } from './cell.js';
import type { Hv } from './hv.js';
import { MAX_PENDING_IRQS, PUB, Stat } from './layout.js';
import { checkEvents, RESUME, type CpuAction } from './percpu-control.js';
import { printk } from './printk.js';

/** Deliver a virtual interrupt to the guest of this CPU (list-register stand-in). */
function injectLocal(hv: Hv, irq: number): void {
  if (irq < 16) Atomics.or(hv.c.gic, gicWord(hv.cpu, GicWord.VIRT_PENDING), 1 << irq);
}

/** irqchip_set_pending: local CPU → inject now; remote → pending ring + SGI_INJECT. */
export function irqchipSetPending(hv: Hv, target: number, irq: number): void {
  if (target === hv.cpu) {
    injectLocal(hv, irq);
    return;
  }
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
  sendPhysicalSgi(hv.c.gic, hv.c.cpus, target, SGI_INJECT);
}

/** irqchip_inject_pending: drain this CPU's ring into its list registers. */
export function irqchipInjectPending(hv: Hv): void {
  const m = hv.c.mem;
  const pub = hv.myPub;
  const lock = hv.pubWord(hv.cpu, PUB.PENDING_LOCK);
  spinLock(hv.c.policy, lock, 'pending_irqs lock');
  let head = m.read32(pub + PUB.PENDING_HEAD);
  const tail = m.read32(pub + PUB.PENDING_TAIL);
  while (head !== tail) {
    injectLocal(hv, m.read16(pub + PUB.PENDING_IRQS + head * 2));
    head = (head + 1) % MAX_PENDING_IRQS;
  }
  m.write32(pub + PUB.PENDING_HEAD, head);
  spinUnlock(lock);
}

/**
 * gicv3_handle_sgir_write: decode ICC_SGI1R_EL1 and pend the virtual SGI on every addressed
 * CPU of the caller's cell; other targets are silently dropped.
 */
export function handleSgirWrite(hv: Hv, value: bigint): boolean {
  const targetList = Number(value & 0xffffn);
  const aff1 = Number((value >> 16n) & 0xffn);
  const sgi = Number((value >> 24n) & 0xfn);
  const aff2 = Number((value >> 32n) & 0xffn);
  const irm = Number((value >> 40n) & 1n);
  const aff3 = Number((value >> 48n) & 0xffn);
  for (const cpu of cellCpus(hv, hv.thisCell())) {
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
 * irqchip_handle_irq for physical SGIs acknowledged in one exit: only the first interrupt of
 * the exit is counted. Returns what the CPU does next (check_events may park or reset it).
 */
export function handleIrqExit(hv: Hv, sgis: number): CpuAction {
  hv.count(Stat.TOTAL);
  let count = 1;
  let action: CpuAction = RESUME;
  for (let sgi = 0; sgi < 16; sgi++) {
    if (!((sgis >> sgi) & 1)) continue;
    if (sgi === SGI_INJECT) {
      hv.count(Stat.VSGI, count);
      irqchipInjectPending(hv);
    } else if (sgi === SGI_EVENT) {
      hv.count(Stat.MANAGEMENT, count);
      action = checkEvents(hv);
    } else {
      printk(hv, `WARN: unknown SGI received ${sgi}\n`);
    }
    count = 0;
  }
  return action;
}

/**
 * gicv3_cpu_init's last step: SGIs already pending physically (IPIs Linux sent before this
 * CPU came under the hypervisor) are re-queued as virtual SGIs, so none is mistaken for a
 * hypervisor SGI once physical interrupts trap.
 */
export function irqchipRequeuePhysicalSgis(hv: Hv): void {
  const bits = ackPhysicalSgis(hv.c.gic, hv.cpu);
  for (let sgi = 0; sgi < 16; sgi++) if ((bits >> sgi) & 1) injectLocal(hv, sgi);
}

/**
 * irqchip_cpu_shutdown: pending virtual interrupts, in the list registers and then in the
 * software ring, are raised physically so native Linux receives them.
 */
export function irqchipCpuShutdown(hv: Hv): void {
  irqchipInjectPending(hv);
  const gic = hv.c.gic;
  const v = Atomics.exchange(gic, gicWord(hv.cpu, GicWord.VIRT_PENDING), 0);
  if (v) Atomics.or(gic, gicWord(hv.cpu, GicWord.SGI_PENDING), v);
}
