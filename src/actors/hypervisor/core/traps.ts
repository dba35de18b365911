/**
 * The handlers behind arch_handle_trap's table (trap-dispatch.ts) for the exits that are not
 * MMIO: HVC hypercalls, SMC (PSCI, SMCCC) and the ICC_SGI1R_EL1 write. vmexits_total is counted
 * on the way in (trap-dispatch.ts, handle_vmexit_early), not here.
 */
import { Hc } from './layout.js';
import type { Hv } from './hv.js';
import { hypercall } from './control.js';
import { handleSgirWrite, irqchipCpuShutdown } from './irqchip.js';
import { RESUME, type CpuAction } from './percpu-control.js';
import { handleSmc, type SmcResult } from './psci.js';
import { CpuState } from '../../cpu/layout.js';

export interface HypercallResult {
  x0: number;
  action: CpuAction;
  /** The hypervisor left this CPU (successful DISABLE): it is native EL1 again. */
  left: boolean;
}

/** handle_hvc after the imm16 check: x0 = hypercall(x0, x1, x2); DISABLE shuts this CPU down. */
export function hypercallFromTrap(hv: Hv, x0: number, x1: number, x2: number): HypercallResult {
  const ret = hypercall(hv, x0, x1, x2);
  if (x0 === Hc.DISABLE && ret === 0) {
    archShutdownSelf(hv);
    return { x0: 0, action: RESUME, left: true };
  }
  return { x0: ret, action: RESUME, left: false };
}

/** handle_smc: PSCI and SMCCC; x0 undefined = unhandled (fatal). */
export function smcFromTrap(hv: Hv, x0: bigint, x1: bigint, x2: bigint, x3: bigint): SmcResult {
  return handleSmc(hv, x0, x1, x2, x3);
}

/** The ICC_SGI1R_EL1 write of handle_sysreg; undefined = not handled (fatal). */
export function sysregWriteFromTrap(hv: Hv, value: bigint): CpuAction | undefined {
  return handleSgirWrite(hv, value) ? RESUME : undefined;
}

/** arch_shutdown_self: this CPU returns to EL1 without the hypervisor underneath. */
export function archShutdownSelf(hv: Hv): void {
  irqchipCpuShutdown(hv);
  hv.c.setCellId(hv.cpu, 0);
  hv.c.setHv(undefined);
  hv.c.setState(CpuState.LINUX);
}
