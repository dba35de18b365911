/**
 * Reference interpreter: AArch64 exception entry to EL1 and exception return, and the helpers a
 * caller uses to complete a {@link StepException}: retire() it (it was handled outside the guest),
 * deliverToGuest() (the guest's own EL1 vector table takes it), or compute the ESR_EL2 view
 * (el2Syndrome) for a hypervisor-side handler.
 */
import { EC } from '../../../shared/arm64/exception-class.js';
import { FP_ACCESS_ISS, esrOf, wfxIss } from '../../../shared/arm64/esr.js';
import { hpfarOf } from '../../../shared/arm64/fault-regs.js';
import { sysregIss } from '../../../shared/arm64/iss-sysreg.js';
import type { StepException } from './interp-types.js';
import { type A64State, fromVa, toVa } from './state.js';
import { KEY } from './interp-sys.js';

export type VectorKind = 'sync' | 'irq' | 'fiq' | 'serror';

/** What ESR_EL1 / FAR_EL1 receive on a synchronous exception. */
export interface Syndrome {
  /** Exception class (6 bits). */
  ec: number;
  /** Instruction-specific syndrome (25 bits). */
  iss: number;
  /** Instruction length bit, default true (32-bit instructions). */
  il?: boolean;
  /** FAR_EL1 value (VA, signed-number form) for aborts and alignment faults; else unchanged. */
  far?: number;
}

const VECTOR_OFFSET: Readonly<Record<VectorKind, number>> = { sync: 0, irq: 0x80, fiq: 0x100, serror: 0x180 };

/** ESR_ELx value of a syndrome (a system register value: a bigint). */
export function esrValue(syn: Syndrome): bigint {
  return BigInt(esrOf(syn.ec, syn.iss, syn.il ?? true));
}

/**
 * AArch64 exception entry to EL1: SPSR_EL1 = PSTATE (NZCV, DAIF, M = EL/SPSel), ELR_EL1 =
 * preferredReturn, ESR_EL1 (and FAR_EL1 when given) for synchronous exceptions, PSTATE.DAIF all
 * masked, EL1h, exclusive monitor cleared, pc = VBAR_EL1 + {0x000 EL1t, 0x200 EL1h, 0x400 from
 * EL0} + {sync 0, IRQ 0x80, FIQ 0x100, SError 0x180}.
 */
export function takeException(s: A64State, kind: VectorKind, syndrome?: Syndrome, preferredReturn: number = s.pc): void {
  const base = s.el === 0 ? 0x400 : s.spsel === 1 ? 0x200 : 0;
  s.setSysreg(KEY.SPSR_EL1, BigInt(s.pstate()));
  s.setSysreg(KEY.ELR_EL1, fromVa(preferredReturn));
  if (syndrome !== undefined) {
    s.setSysreg(KEY.ESR_EL1, esrValue(syndrome));
    if (syndrome.far !== undefined) s.setSysreg(KEY.FAR_EL1, fromVa(syndrome.far));
  }
  s.exclusive = undefined;
  s.el = 1;
  s.spsel = 1;
  s.daif = 0x3c0;
  s.pc = toVa((s.sysreg(KEY.VBAR_EL1) & ~0x7ffn) + BigInt(base + VECTOR_OFFSET[kind]));
}

/** SPSR.IL: the illegal execution state bit. */
export const SPSR_IL = 1 << 20;

/**
 * ERET from EL1: PSTATE from SPSR_EL1, pc = ELR_EL1, exclusive monitor cleared. Returns false
 * when the return leaves PSTATE.IL set: an illegal return (SPSR_EL1.M names AArch32, a higher EL
 * or a reserved mode: EL and SP selection stay as they were, NZCV, DAIF and pc are restored), or
 * SPSR_EL1.IL itself set. The next instruction then takes the Illegal Execution State exception
 * (EC 0x0e) instead of executing (Arm ARM, AArch64.ExceptionReturn / IllegalExceptionReturn).
 */
export function eret(s: A64State): boolean {
  const spsr = Number(s.sysreg(KEY.SPSR_EL1) & 0xffff_ffffn);
  s.exclusive = undefined;
  s.pc = toVa(s.sysreg(KEY.ELR_EL1));
  s.nzcv = (spsr & 0xf000_0000) >>> 0;
  s.daif = spsr & 0x3c0;
  if (spsr & SPSR_IL) return false;
  switch (spsr & 0x1f) {
    case 0: s.el = 0; s.spsel = 0; return true;
    case 4: s.el = 1; s.spsel = 0; return true;
    case 5: s.el = 1; s.spsel = 1; return true;
    default: return false;
  }
}

/** The data-abort ISS bits an EL1 abort reports: FnV, EA, CM, S1PTW, WnR, DFSC. */
const EL1_DABT_ISS = 0x7ff;

/**
 * The syndrome the guest's EL1 sees for a result delivered to its own vector table, or undefined
 * for events that are not guest exceptions (eret, yield, sev, sevl, irq, untrapped wfi/wfe).
 * HVC, SMC and unowned MRS/MSR map to EC 0x00 (what the guest sees when nothing above it
 * handles them: UNDEFINED). The source EL is the current one (call before takeException).
 */
export function guestSyndrome(s: A64State, r: StepException): Syndrome | undefined {
  const lower = s.el === 0;
  switch (r.type) {
    case 'undefined': case 'hvc': case 'smc': case 'sysreg':
      return { ec: EC.UNKNOWN, iss: 0 };
    case 'svc': return { ec: EC.SVC64, iss: r.imm16 };
    case 'brk': return { ec: EC.BRK64, iss: r.imm16 };
    case 'wfi': case 'wfe':
      return r.trapToEl1 ? { ec: EC.WFX, iss: wfxIss(r.type === 'wfe') } : undefined;
    case 'dataAbort':
      // No instruction syndrome for an abort taken to EL1: ISV and ISS[23:14] are only reported
      // for stage-2 aborts taken to EL2 (as QEMU's merge_syn_data_abort does).
      return { ec: lower ? EC.DABT_LOWER : EC.DABT_CUR, iss: r.iss & EL1_DABT_ISS, far: r.fault.va };
    case 'instructionAbort':
      return { ec: lower ? EC.IABT_LOWER : EC.IABT_CUR, iss: r.iss, far: r.fault.va };
    case 'pcAlignment': return { ec: EC.PC_ALIGN, iss: 0, far: r.pc };
    case 'illegalState': return { ec: EC.ILLEGAL_STATE, iss: 0 };
    case 'spAlignment': return { ec: EC.SP_ALIGN, iss: 0 };
    // CV = 1, COND = AL (0xe), as QEMU's syn_fp_access_trap(1, 0xe, false, 0) for A64.
    case 'fpAccess': return { ec: EC.FP_ACCESS, iss: FP_ACCESS_ISS };
    default: return undefined;
  }
}

/**
 * Takes a step() exception result to the guest's EL1 vector table (synchronous vector, or IRQ
 * for an 'irq' result) with the right preferred return address (the next instruction for SVC, the
 * instruction itself otherwise). Returns false (state unchanged) if the result is not a guest
 * exception (see guestSyndrome).
 */
export function deliverToGuest(s: A64State, r: StepException): boolean {
  if (r.type === 'irq') {
    takeException(s, 'irq', undefined, r.pc);
    return true;
  }
  const syn = guestSyndrome(s, r);
  if (syn === undefined) return false;
  takeException(s, 'sync', syn, r.type === 'svc' ? r.pc + 4 : r.pc);
  // PSTATE.IL was set when the exception was taken: SPSR_EL1 keeps it, PSTATE clears it.
  if (r.type === 'illegalState') s.setSysreg(KEY.SPSR_EL1, s.sysreg(KEY.SPSR_EL1) | BigInt(SPSR_IL));
  return true;
}

/**
 * Completes a result handled outside the guest: for an MRS 'sysreg' trap writes `value` to Xt,
 * then advances pc past the instruction (HVC/SMC after the hypervisor handled them, WFI after the
 * wait, YIELD/SEV/SEVL, a trapped MSR). Not for 'irq' (nothing to skip).
 */
export function retire(s: A64State, r: StepException, value: bigint = 0n): void {
  if (r.type === 'irq') return;
  if (r.type === 'sysreg' && r.read) s.setReg(r.rt, value, true, false);
  s.pc = r.pc + 4;
}

/** The exception as a hypervisor at EL2 would see it when trapping it from EL1/EL0. */
export interface El2Syndrome { ec: number; iss: number; esr: bigint; far?: number; hpfar?: bigint }

/**
 * ESR_EL2 (and FAR_EL2 / HPFAR_EL2) for a result trapped to EL2 from a lower EL: HVC 0x16,
 * SMC 0x17, MSR/MRS 0x18, WFI/WFE 0x01, aborts 0x24/0x20, UNDEFINED 0x00, SVC 0x15, BRK 0x3C,
 * alignment 0x22/0x26. Undefined for eret and irq and for yield/sev/sevl.
 */
export function el2Syndrome(r: StepException): El2Syndrome | undefined {
  let ec: number;
  let iss = 0;
  let far: number | undefined;
  let hpfar: bigint | undefined;
  switch (r.type) {
    case 'undefined': ec = EC.UNKNOWN; break;
    case 'svc': ec = EC.SVC64; iss = r.imm16; break;
    case 'hvc': ec = EC.HVC64; iss = r.imm16; break;
    case 'smc': ec = EC.SMC64; iss = r.imm16; break;
    case 'brk': ec = EC.BRK64; iss = r.imm16; break;
    case 'wfi': case 'wfe': ec = EC.WFX; iss = wfxIss(r.type === 'wfe'); break;
    case 'sysreg':
      ec = EC.SYSREG;
      iss = sysregIss(r.op0, r.op1, r.crn, r.crm, r.op2, r.rt, r.read);
      break;
    case 'dataAbort': case 'instructionAbort':
      ec = r.type === 'dataAbort' ? EC.DABT_LOWER : EC.IABT_LOWER;
      iss = r.iss;
      far = r.fault.va;
      if (r.fault.ipa !== undefined) hpfar = BigInt(hpfarOf(r.fault.ipa));
      break;
    case 'pcAlignment': ec = EC.PC_ALIGN; far = r.pc; break;
    case 'spAlignment': ec = EC.SP_ALIGN; break;
    default: return undefined;
  }
  const out: El2Syndrome = { ec, iss, esr: esrValue({ ec, iss }) };
  if (far !== undefined) out.far = far;
  if (hpfar !== undefined) out.hpfar = hpfar;
  return out;
}
