/**
 * Root-cell Linux's GICv3 driver (drivers/irqchip/irq-gic-v3.c) as far as the machine sees it:
 * the distributor set-up on the boot CPU, each CPU's redistributor and CPU-interface set-up when
 * it comes up, the UART's SPI enabled, SPIs migrated off a CPU going offline (IROUTER writes),
 * and the acknowledge loop of gic_handle_irq. Its MMIO goes to the GIC directly while Linux runs
 * natively, and traps (data abort, counted as vmexits_mmio) once Jailhouse is enabled on the CPU;
 * its ICC_* accesses reach the virtual CPU interface then, as on hardware.
 */
import { trappedMmio } from './mmio.js';
import {
  GICD_CTLR, GICD_CTLR_ARE_NS, GICD_CTLR_ENABLE_G1NS, GICD_ICACTIVER, GICD_ICENABLER, GICD_ICFGR, GICD_IGROUPR,
  GICD_IPRIORITYR, GICD_IROUTER, GICD_IROUTER_AFFINITY, GICD_ISENABLER, GICD_SIZE, GICR_ICACTIVER0, GICR_ICENABLER0,
  GICR_IGROUPR0, GICR_IPRIORITYR0, GICR_ISENABLER0, GICR_PPI_BITS, GICR_SGI_BITS, GICR_WAKER, ICC_IGRPEN1_EN,
  ICC_PMR_DEFAULT, SPURIOUS_IRQ,
} from '../../gic/index.js';
import type { KernelCpu as Kernel } from './kernel-cpu.js';

/** Linux's default interrupt priority (GICD_INT_DEF_PRI), and four of it for a whole IPRIORITYR word (GICD_INT_DEF_PRI_X4). */
const GICD_INT_DEF_PRI = 0xa0;
const GICD_INT_DEF_PRI_X4 = GICD_INT_DEF_PRI * 0x01010101;
/** Every INTID of a one-bit-per-INTID register (GICD_INT_EN_CLR_X32; ~0 where Linux sets IGROUPR). */
const GICD_INT_EN_CLR_X32 = 0xffff_ffffn;
/** ICFGR for level-sensitive interrupts (GICD_INT_ACTLOW_LVLTRIG). */
const GICD_INT_ACTLOW_LVLTRIG = 0n;
/** The priority mask gic_cpu_sys_reg_init programs (DEFAULT_PMR_VALUE, Jailhouse's ICC_PMR_DEFAULT). */
const DEFAULT_PMR_VALUE = BigInt(ICC_PMR_DEFAULT);

/** readl/writel (and readq/writeq) of a GIC register at physical address `pa`. */
export function gicMmio(k: Kernel, pa: number, size: 4 | 8, isWrite: boolean, value = 0n): bigint {
  const c = k.c;
  if (c.hv) return trappedMmio(k, pa, size, isWrite, value, 'GIC MMIO');
  const g = c.board.gic;
  if (pa >= g.gicd_base && pa < g.gicd_base + GICD_SIZE) return c.gic.distAccess(pa - g.gicd_base, size, isWrite, value);
  const frame = Math.floor((pa - g.gicr_base) / g.gicr_stride);
  if (pa >= g.gicr_base && frame < c.nr) return c.gic.redistAccess(frame, pa - g.gicr_base - frame * g.gicr_stride, size, isWrite, value);
  return 0n;
}

function gicd(k: Kernel, off: number, isWrite: boolean, value = 0n, size: 4 | 8 = 4): bigint {
  return gicMmio(k, k.c.board.gic.gicd_base + off, size, isWrite, value);
}

function gicr(k: Kernel, off: number, isWrite: boolean, value = 0n): bigint {
  const g = k.c.board.gic;
  return gicMmio(k, g.gicr_base + k.cpu * g.gicr_stride + off, 4, isWrite, value);
}

/** The SPIs root Linux drives itself (its UARTs' interrupts). */
export function linuxSpis(k: Kernel): number[] {
  return [k.c.board.uart.irq];
}

/** gic_dist_init on the boot CPU (native): everything group 1, level, default priority, routed to CPU 0. */
export function gicDistInit(k: Kernel): void {
  const nr = k.c.gic.nrIrqs;
  gicd(k, GICD_CTLR, true, 0n);
  for (let n = 1; n < nr / 32; n++) {
    gicd(k, GICD_IGROUPR + n * 4, true, GICD_INT_EN_CLR_X32);
    gicd(k, GICD_ICENABLER + n * 4, true, GICD_INT_EN_CLR_X32);
    gicd(k, GICD_ICACTIVER + n * 4, true, GICD_INT_EN_CLR_X32);
  }
  for (let n = 2; n < nr / 16; n++) gicd(k, GICD_ICFGR + n * 4, true, GICD_INT_ACTLOW_LVLTRIG);
  const pri = BigInt(GICD_INT_DEF_PRI_X4);
  for (let irq = 32; irq < nr; irq += 4) gicd(k, GICD_IPRIORITYR + irq, true, pri);
  const boot = BigInt(k.c.topo[k.cpu]!.mpidr);
  for (let irq = 32; irq < nr; irq++) gicd(k, GICD_IROUTER + irq * 8, true, boot, 8);
  gicd(k, GICD_CTLR, true, BigInt(GICD_CTLR_ARE_NS | GICD_CTLR_ENABLE_G1NS));
  for (const irq of linuxSpis(k)) gicd(k, GICD_ISENABLER + (irq >> 5) * 4, true, BigInt(1 << (irq & 31)) & 0xffffffffn);
}

/**
 * gic_cpu_init + gic_cpu_sys_reg_init on a CPU coming up: wake the redistributor, SGIs enabled,
 * PPIs disabled and deactivated, default priorities, then the CPU interface (DEFAULT_PMR_VALUE, BPR 0,
 * EOImode 0, group 1 on).
 */
export function gicCpuInit(k: Kernel): void {
  gicr(k, GICR_WAKER, true, 0n);
  gicr(k, GICR_IGROUPR0, true, GICD_INT_EN_CLR_X32);
  gicr(k, GICR_ICACTIVER0, true, GICD_INT_EN_CLR_X32);
  gicr(k, GICR_ICENABLER0, true, BigInt(GICR_PPI_BITS));
  gicr(k, GICR_ISENABLER0, true, BigInt(GICR_SGI_BITS));
  for (let n = 0; n < 8; n++) gicr(k, GICR_IPRIORITYR0 + n * 4, true, BigInt(GICD_INT_DEF_PRI_X4));
  const ic = k.c.gicc;
  ic.writeIcc('ICC_PMR_EL1', DEFAULT_PMR_VALUE);
  ic.writeIcc('ICC_BPR1_EL1', 0n);
  ic.writeIcc('ICC_CTLR_EL1', 0n);
  ic.writeIcc('ICC_IGRPEN1_EL1', BigInt(ICC_IGRPEN1_EN));
}

/**
 * irq_migrate_all_off_this_cpu: every SPI Linux routes to the dying CPU moves to the first other
 * online CPU (one IROUTER read and write each).
 */
export function migrateIrqsOff(k: Kernel): void {
  const other = k.onlineCpus().find((cpu) => cpu !== k.cpu);
  if (other === undefined) return;
  const mine = BigInt(k.c.topo[k.cpu]!.mpidr);
  for (const irq of linuxSpis(k)) {
    const route = gicd(k, GICD_IROUTER + irq * 8, false, 0n, 8) & GICD_IROUTER_AFFINITY;
    if (route === mine) gicd(k, GICD_IROUTER + irq * 8, true, BigInt(k.c.topo[other]!.mpidr), 8);
  }
}

/** gic_handle_irq: acknowledge and EOI until spurious; returns the SGIs (IPIs) seen. */
export function gicHandleIrq(k: Kernel): number {
  const ic = k.c.gicc;
  let ipis = 0;
  for (;;) {
    const irq = Number(ic.readIcc('ICC_IAR1_EL1'));
    if (irq === SPURIOUS_IRQ) break;
    if (irq < 16) ipis |= 1 << irq;
    ic.writeIcc('ICC_EOIR1_EL1', BigInt(irq));
  }
  return ipis;
}
