/**
 * Root-cell Linux's GICv3 driver (drivers/irqchip/irq-gic-v3.c) as far as the machine sees it:
 * the distributor set-up on the boot CPU, each CPU's redistributor and CPU-interface set-up when
 * it comes up, the UART's SPI enabled, SPIs migrated off a CPU going offline (IROUTER writes),
 * and the acknowledge loop of gic_handle_irq. Its MMIO goes to the GIC directly while Linux runs
 * natively, and traps (data abort, counted as vmexits_mmio) once Jailhouse is enabled on the CPU;
 * its ICC_* accesses reach the virtual CPU interface then, as on hardware.
 */
import { trappedMmio } from './mmio.js';
import { SPURIOUS_IRQ } from '../../gic/index.js';
import type { Kernel } from './kernel.js';

/** Linux's default interrupt priority (GICD_INT_DEF_PRI). */
const DEF_PRI = 0xa0;

/** readl/writel (and readq/writeq) of a GIC register at physical address `pa`. */
export function gicMmio(k: Kernel, pa: number, size: 4 | 8, isWrite: boolean, value = 0n): bigint {
  const c = k.c;
  if (c.hvActive && k.hv) return trappedMmio(k, pa, size, isWrite, value, 'GIC MMIO');
  const g = c.board.gic;
  if (pa >= g.gicd_base && pa < g.gicd_base + 0x10000) return c.gic.distAccess(pa - g.gicd_base, size, isWrite, value);
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
  gicd(k, 0x0000, true, 0n);
  for (let n = 1; n < nr / 32; n++) {
    gicd(k, 0x0080 + n * 4, true, 0xffffffffn);
    gicd(k, 0x0180 + n * 4, true, 0xffffffffn);
    gicd(k, 0x0380 + n * 4, true, 0xffffffffn);
  }
  for (let n = 2; n < nr / 16; n++) gicd(k, 0x0c00 + n * 4, true, 0n);
  const pri = BigInt(DEF_PRI * 0x01010101);
  for (let irq = 32; irq < nr; irq += 4) gicd(k, 0x0400 + irq, true, pri);
  const boot = BigInt(k.c.topo[k.cpu]!.mpidr);
  for (let irq = 32; irq < nr; irq++) gicd(k, 0x6000 + irq * 8, true, boot, 8);
  gicd(k, 0x0000, true, 0x12n);
  for (const irq of linuxSpis(k)) gicd(k, 0x0100 + (irq >> 5) * 4, true, BigInt(1 << (irq & 31)) & 0xffffffffn);
}

/**
 * gic_cpu_init + gic_cpu_sys_reg_init on a CPU coming up: wake the redistributor, SGIs enabled,
 * PPIs disabled and deactivated, default priorities, then the CPU interface (PMR 0xf0, BPR 0,
 * EOImode 0, group 1 on).
 */
export function gicCpuInit(k: Kernel): void {
  gicr(k, 0x0014, true, 0n);
  gicr(k, 0x10080, true, 0xffffffffn);
  gicr(k, 0x10380, true, 0xffffffffn);
  gicr(k, 0x10180, true, 0xffff0000n);
  gicr(k, 0x10100, true, 0x0000ffffn);
  for (let n = 0; n < 8; n++) gicr(k, 0x10400 + n * 4, true, BigInt(DEF_PRI * 0x01010101));
  const ic = k.c.gicc;
  ic.writeIcc('ICC_PMR_EL1', 0xf0n);
  ic.writeIcc('ICC_BPR1_EL1', 0n);
  ic.writeIcc('ICC_CTLR_EL1', 0n);
  ic.writeIcc('ICC_IGRPEN1_EL1', 1n);
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
    const route = gicd(k, 0x6000 + irq * 8, false, 0n, 8) & 0xff00ffffffn;
    if (route === mine) gicd(k, 0x6000 + irq * 8, true, BigInt(k.c.topo[other]!.mpidr), 8);
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
