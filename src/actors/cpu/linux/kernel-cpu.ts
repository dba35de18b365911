/**
 * What the GIC driver (irq-gic.ts) and the device accessors (mmio.ts) use of the kernel running
 * on a CPU: its context (with the hypervisor under it, c.hv), its number, the online mask, and
 * how a trap's outcome is applied. Kernel implements it; the two files depend on this, not on kernel.ts,
 * which calls into them (gic_handle_irq, readl/writel).
 */
import type { CpuAction } from '../../hypervisor/core/percpu-control.js';
import type { HvCpuContext } from '../hv-context.js';

export interface KernelCpu {
  readonly c: HvCpuContext;
  readonly cpu: number;
  onlineCpus(): number[];
  /** Apply what the hypervisor decided after a trap (resume, park, reset). */
  afterTrap(action: CpuAction, what: string): void;
}
