/**
 * The physical IRQ exit into the hypervisor, one path for every CPU under Jailhouse: root-cell
 * Linux (kernel.ts), guest code between slices and the parking loop (actor.ts). The CPU samples
 * its level-sensitive PPI lines first; when its physical IRQ line is then asserted while
 * HCR_EL2.IMO routes it to EL2, it takes the hypervisor's IRQ vector.
 */
import { PPI_PTIMER, PPI_VTIMER } from '../gic/index.js';
import type { CpuAction } from '../hypervisor/core/percpu-control.js';
import { handleIrqExit } from '../hypervisor/core/trap-dispatch.js';
import type { CpuContext } from './context.js';
import type { GenericTimer } from './guest/timer.js';
import type { HvCpuContext } from './hv-context.js';
import { CpuWord } from './layout.js';

/**
 * The level-sensitive PPIs this CPU drives into its redistributor: the generic timers of the
 * guest code it runs (`timer`, if any) and the GIC maintenance interrupt. The actor installs
 * this as the context's sampleIrqLines.
 */
export function sampleIrqLines(c: CpuContext, timer: GenericTimer | undefined): void {
  if (timer) {
    c.gic.setPpiLevel(c.cpu, PPI_VTIMER, timer.virtualFiring());
    c.gic.setPpiLevel(c.cpu, PPI_PTIMER, timer.physicalFiring());
  }
  c.gic.setPpiLevel(c.cpu, c.board.gic.maintenance_irq, c.gicc.maintenanceLevel());
}

/**
 * A physical IRQ exit if one is due: what the hypervisor decided for the CPU (counted in
 * CpuWord.IRQS), or undefined when no hypervisor runs under it or its IRQ line is not asserted.
 */
export function physicalIrqExit(c: HvCpuContext): CpuAction | undefined {
  const hv = c.hv;
  if (!hv) return undefined;
  c.sampleIrqLines();
  if (!c.gicc.signalled()) return undefined;
  Atomics.add(c.cpus, c.my(CpuWord.IRQS), 1);
  return handleIrqExit(hv);
}
