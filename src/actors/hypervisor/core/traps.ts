/**
 * arch_handle_trap as seen by guest code: the exits a root-cell Linux (or an inmate) can take,
 * each counted in vmexits_total where the exception is taken, then dispatched like Jailhouse's
 * arm64 trap table (HVC 0x16, SMC 0x17, MSR ICC_SGI1R_EL1 0x18, physical IRQs).
 */
import { Hc, JAILHOUSE_HVC_CODE, Stat } from './layout.js';
import type { Hv } from './hv.js';
import { hypercall } from './control.js';
import { handleIrqExit, handleSgirWrite, irqchipCpuShutdown } from './irqchip.js';
import { panicPark, RESUME, type CpuAction } from './percpu-control.js';
import { handleSmc } from './psci.js';
import { CpuState } from '../../cpu/layout.js';

export interface TrapResult {
  x0: number;
  action: CpuAction;
  /** The hypervisor left this CPU (successful DISABLE): it is native EL1 Linux again. */
  left?: boolean;
}

/** EC 0x16: HVC64. Only imm16 0x4a48 is a hypercall; anything else is a forbidden trap. */
export function trapHvc(hv: Hv, imm: number, x0: number, x1: number, x2: number): TrapResult {
  hv.count(Stat.TOTAL);
  if (imm !== JAILHOUSE_HVC_CODE) return { x0, action: panicPark(hv, 'FATAL: forbidden access (exception class 0x16)') };
  const ret = hypercall(hv, x0, x1, x2);
  if (x0 === Hc.DISABLE && ret === 0) {
    archShutdownSelf(hv);
    return { x0: 0, action: RESUME, left: true };
  }
  return { x0: ret, action: RESUME };
}

/** EC 0x17: SMC64 (PSCI, SMCCC). An unhandled owner is fatal for the CPU. */
export function trapSmc(hv: Hv, x0: number, x1: number, x2: number, x3: number): TrapResult {
  hv.count(Stat.TOTAL);
  const r = handleSmc(hv, x0, x1, x2, x3);
  if (r.x0 === undefined) return { x0, action: panicPark(hv, 'FATAL: unhandled trap (exception class 0x17)') };
  return { x0: r.x0, action: r.action };
}

export const SYSREG_ICC_SGI1R_EL1 = 'ICC_SGI1R_EL1';

/** EC 0x18: MSR to a trapped system register; only ICC_SGI1R_EL1 is handled. */
export function trapSysregWrite(hv: Hv, reg: string, value: bigint): CpuAction {
  hv.count(Stat.TOTAL);
  if (reg === SYSREG_ICC_SGI1R_EL1 && handleSgirWrite(hv, value)) return RESUME;
  return panicPark(hv, 'FATAL: unhandled trap (exception class 0x18)');
}

/** A physical IRQ exit carrying the acknowledged SGIs. */
export function trapIrq(hv: Hv, sgis: number): CpuAction {
  return handleIrqExit(hv, sgis);
}

/** arch_shutdown_self: this CPU returns to EL1 without the hypervisor underneath. */
export function archShutdownSelf(hv: Hv): void {
  irqchipCpuShutdown(hv);
  hv.c.setHvActive(false);
  hv.c.setState(CpuState.LINUX);
}
