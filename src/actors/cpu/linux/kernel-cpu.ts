/**
 * What the GIC driver (irq-gic.ts) and the device accessors (mmio.ts) use of the kernel running
 * on a CPU: its context, its number, the hypervisor under it, the online mask, and how a trap's
 * outcome is applied. Kernel implements it; the two files depend on this, not on kernel.ts,
 * which calls into them (gic_handle_irq, readl/writel).
 */
import type { Hv } from '../../hypervisor/core/hv.js';
import type { CpuAction } from '../../hypervisor/core/percpu-control.js';
import type { CpuContext } from '../context.js';

export interface KernelCpu {
  readonly c: CpuContext;
  readonly cpu: number;
  /** The hypervisor's EL2 handle while Jailhouse runs under this CPU. */
  readonly hv: Hv | undefined;
  onlineCpus(): number[];
  /** Apply what the hypervisor decided after a trap (resume, park, reset). */
  afterTrap(action: CpuAction, what: string): void;
}
