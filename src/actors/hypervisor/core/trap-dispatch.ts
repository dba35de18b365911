/**
 * The hypervisor's exit vectors (arm64/entry.S handle_vmexit): every exit from a lower EL counts
 * vmexits_total once on the way in (handle_vmexit_early), then goes to its handler.
 * arch_handle_trap takes the synchronous exits, dispatched by ESR_EL2.EC exactly as Jailhouse's
 * arm64 trap table does (HVC 0x16, SMC 0x17, MSR/MRS 0x18, IABT 0x20, DABT 0x24; anything else
 * is unhandled and panic-parks the CPU); irqchip_handle_irq takes the physical IRQ exits. Guest
 * code run by the A64 engine and the root-cell Linux model both come through here with a real
 * ESR, so both are decoded and counted the same way.
 */
import type { Hv } from './hv.js';
import { Stat } from './layout.js';
import { MmioAccess, MmioResult, mmioHandleAccess } from './mmio.js';
import { panicPark, RESUME, type CpuAction } from './percpu-control.js';
import { irqchipHandleIrq } from './irqchip-irq.js';
import { hypercallFromTrap, smcFromTrap, sysregWriteFromTrap } from './traps.js';
import { printk } from './printk.js';
import type { TrapContext, TrapRegs } from './trap-context.js';
import type { ExitRecorder } from '../../cpu/exit-recorder.js';
import { exitKind } from '../../cpu/exit-ring-layout.js';
import { EC } from '../../../shared/arm64/exception-class.js';
import { esrEc, esrIl, esrIss, issImm16 } from '../../../shared/arm64/esr.js';
import { faultIpa } from '../../../shared/arm64/fault-regs.js';
import { abortEa, abortS1ptw, dabtCm, dabtIsv, dabtSas, dabtSrt, dabtSse, dabtWnr } from '../../../shared/arm64/iss-abort.js';
import { ISS_SYSREG_RT_MASK, sysregIss, sysregIssRt } from '../../../shared/arm64/iss-sysreg.js';
import { ICC_SGI1R_EL1 } from '../../gic/sysregs.js';
import { schedPoint } from '../../../shared/sync.js';
import { PointKind } from '../../../shared/sched/layout.js';
// The units linked into the hypervisor: an exit may reach any unit's MMIO handler or hook.
import './unit-list.js';

export interface TrapOutcome {
  readonly action: CpuAction;
  /** arch_skip_instruction: ELR_EL2 advances past the trapping instruction (SMC, sysreg, DABT). */
  readonly skip: boolean;
  /** The hypervisor left this CPU (successful DISABLE). */
  readonly left?: boolean;
}

/** The outcome of every handled trap that resumes the guest: shared, no allocation per exit. */
const RESUMED: TrapOutcome = Object.freeze({ action: RESUME, skip: false });
const RESUMED_SKIP: TrapOutcome = Object.freeze({ action: RESUME, skip: true });

/** ISS of `msr icc_sgi1r_el1, x0` (a write, Rt 0). */
const ISS_MSR_ICC_SGI1R = sysregIss(ICC_SGI1R_EL1.op0, ICC_SGI1R_EL1.op1, ICC_SGI1R_EL1.crn, ICC_SGI1R_EL1.crm, ICC_SGI1R_EL1.op2, 0, false);

const TRAP_HANDLED = 1;
const TRAP_UNHANDLED = 0;
const TRAP_FORBIDDEN = -1;

/**
 * A register as a JS number for the hypercall handlers, which take unsigned longs: exact below
 * 2^53. A larger value becomes a number of the same magnitude (rounded), which like the real
 * value matches no hypercall code, cell ID, CPU ID or info type (upstream compares all 64 bits).
 */
function arg(regs: TrapRegs, n: number): number {
  return Number(regs.get(n));
}

/** handle_vmexit_early: the one count of vmexits_total, for every exit (trap or IRQ). */
function handleVmexitEarly(hv: Hv): void {
  hv.count(Stat.TOTAL);
}

/**
 * The IRQ vector (handle_vmexit irqchip_handle_irq): a physical IRQ exit, taken when the PE's
 * IRQ line is asserted while HCR_EL2.IMO routes it to EL2. Returns what the CPU does next.
 * With the profiler on, the exit is recorded with its handling time.
 */
export function handleIrqExit(hv: Hv): CpuAction {
  const rec = hv.c.rec;
  if (rec === undefined) {
    handleVmexitEarly(hv);
    return irqchipHandleIrq(hv);
  }
  rec.exitBegin(hv.c.exitCellId, true, rec.nextTimed());
  try {
    handleVmexitEarly(hv);
    return irqchipHandleIrq(hv);
  } finally {
    rec.exitEnd(0);
  }
}

/**
 * EC.DABT_LOWER as this module's own constant: V8 folds it into the exit path, where it loads
 * an imported object's property (and checks the object's map) at every use.
 */
const EC_DABT = EC.DABT_LOWER;
/** RecSlot.KIND of an MMIO exit: a data abort counts vmexits_mmio first (handleDabt). */
const MMIO_EXIT = exitKind(Stat.MMIO, EC_DABT);

/**
 * The synchronous-exception vector (handle_vmexit arch_handle_trap). With the profiler on, the
 * exit is recorded with its cause and handling time.
 */
export function archHandleTrap(hv: Hv, t: TrapContext): TrapOutcome {
  // A trapped access is a schedule point of the controlled scheduler (no-op otherwise).
  schedPoint(PointKind.TRAP);
  const rec = hv.c.rec;
  if (rec === undefined) return dispatchTrap(hv, t);
  const ec = esrEc(t.esr);
  const timed = rec.nextTimed();
  // A flood's MMIO exits take a path of their own; the rest lives in a function apart, so this
  // one stays small enough to inline into the guest engine's trap path, as without the recorder.
  if (!timed && ec === EC_DABT) return untimedDabt(hv, rec, t);
  return recordedTrap(hv, rec, t, ec, timed);
}

/** A trap recorded with exitBegin, its cause, the hooks while it is handled, and exitEnd. */
function recordedTrap(hv: Hv, rec: ExitRecorder, t: TrapContext, ec: number, timed: boolean): TrapOutcome {
  rec.exitBegin(hv.c.exitCellId, false, timed);
  noteCause(rec, t, ec);
  try {
    return dispatchTrap(hv, t);
  } finally {
    if (ec === EC_DABT) rec.mmioHandler(dabtAccess.handler);
    rec.exitEnd(ec);
  }
}

/**
 * A data abort the recorder does not time (beyond the first exits of a flood): recorded in one
 * call once handled, from the syndrome and the access (IPA, size, direction, the handler that
 * took it). The hooks of a timed exit (exitBegin, the cause, the reason, the handler, exitEnd)
 * would cost as much as the trapped access itself.
 */
function untimedDabt(hv: Hv, rec: ExitRecorder, t: TrapContext): TrapOutcome {
  const cell = hv.c.exitCellId;
  try {
    return dispatchTrap(hv, t);
  } finally {
    // handleDabt left the access's size, direction and handler in dabtAccess: no second
    // decoding of the syndrome.
    const a = dabtAccess;
    rec.untimedExit(MMIO_EXIT, cell, ipaOf(t), a.size | (a.isWrite ? 16 : 0) | (a.handler << 8));
  }
}

/** The recorder's finer cause of a trap, taken before the handler changes the registers. */
function noteCause(rec: ExitRecorder, t: TrapContext, ec: number): void {
  const iss = esrIss(t.esr);
  switch (ec) {
    case EC.HVC64:
    case EC.SMC64:
      // The hypercall code, or the PSCI/SMCCC function id.
      rec.detail(Number(t.regs.get(0)));
      break;
    case EC.SYSREG: {
      const rt = sysregIssRt(iss);
      // ICC_SGI1R_EL1.INTID (bits 27:24): the SGI the guest sends.
      rec.detail(rt === 31 ? 0 : Number((t.regs.get(rt) >> 24n) & 15n));
      break;
    }
    case EC.DABT_LOWER:
      rec.detail(ipaOf(t), (1 << dabtSas(iss)) | (dabtWnr(iss) ? 16 : 0));
      break;
    default:
      break;
  }
}

/** arch_handle_trap's dispatch by exception class. */
function dispatchTrap(hv: Hv, t: TrapContext): TrapOutcome {
  handleVmexitEarly(hv);
  const ec = esrEc(t.esr);
  const iss = esrIss(t.esr);
  let ret = TRAP_UNHANDLED;
  let skip = false;
  switch (ec) {
    case EC.HVC64: {
      if (issImm16(iss) !== 0x4a48) {
        ret = TRAP_FORBIDDEN;
        break;
      }
      const r = hypercallFromTrap(hv, arg(t.regs, 0), arg(t.regs, 1), arg(t.regs, 2));
      t.regs.set(0, BigInt.asUintN(64, BigInt(r.x0)));
      return { action: r.action, skip: false, left: r.left };
    }
    case EC.SMC64: {
      // The SMC is skipped even when it turns out fatal (arch_skip_instruction comes first).
      const r = smcFromTrap(hv, t.regs.get(0), t.regs.get(1), t.regs.get(2), t.regs.get(3));
      if (r.x0 === undefined) return fatal(hv, t, TRAP_UNHANDLED, ec, true);
      t.regs.set(0, BigInt.asUintN(64, BigInt(r.x0)));
      return { action: r.action, skip: true };
    }
    case EC.SYSREG: {
      // Only a write (direction 0) of ICC_SGI1R_EL1 is handled, whatever Rt it names.
      const rt = sysregIssRt(iss);
      if ((iss & ~ISS_SYSREG_RT_MASK) === ISS_MSR_ICC_SGI1R) {
        const value = rt === 31 ? 0n : t.regs.get(rt);
        const action = sysregWriteFromTrap(hv, value);
        if (action) return { action, skip: true };
      }
      break;
    }
    case EC.DABT_LOWER:
      ret = handleDabt(hv, t, iss);
      skip = ret === TRAP_HANDLED;
      break;
    case EC.IABT_LOWER:
      // Only the SDEI kick uses instruction aborts; QEMU's firmware has no SDEI.
      printk(hv, `FATAL: instruction abort at 0x${ipaOf(t).toString(16)}\n`);
      ret = TRAP_FORBIDDEN;
      break;
    default:
      break;
  }
  if (ret === TRAP_HANDLED) return skip ? RESUMED_SKIP : RESUMED;
  return fatal(hv, t, ret, ec, false);
}

function fatal(hv: Hv, t: TrapContext, ret: number, ec: number, skip: boolean): TrapOutcome {
  const what = ret === TRAP_FORBIDDEN ? 'forbidden access' : 'unhandled trap';
  const dump = dumpRegs(t, skip);
  return { action: panicPark(hv, `FATAL: ${what} (exception class 0x${ec.toString(16).padStart(2, '0')})\nCell state before exception:\n${dump}`), skip };
}

const hex = (v: bigint | number, digits: number): string => BigInt.asUintN(64, BigInt(v)).toString(16).padStart(digits, '0');

/**
 * dump_regs of arm64/traps.c: pc (ELR_EL2 now: past an SMC already skipped), lr, SPSR_EL2 and the
 * EL it names, sp, the ELR_EL2 of the trap, ESR_EL2 as EC IL ISS, then x0..x29 three a line.
 */
function dumpRegs(t: TrapContext, skipped: boolean): string {
  const p = t.pstate?.() ?? { spsr: 0, sp: 0n };
  const elr = Number.isSafeInteger(t.elr) ? t.elr : 0;
  const esr = t.esr >>> 0;
  const lines = [
    ` pc: ${hex(elr + (skipped ? 4 : 0), 16)}   lr: ${hex(t.regs.get(30), 16)} spsr: ${hex(p.spsr, 8)}     EL${(p.spsr >> 2) & 3}`,
    ` sp: ${hex(p.sp, 16)}  elr: ${hex(elr, 16)}  esr: ${hex(esrEc(esr), 2)} ${esrIl(esr)} ${hex(esrIss(esr), 7)}`,
  ];
  let regs = '';
  for (let i = 0; i < 30; i++) regs += `${i < 10 ? ' ' : ''}x${i}: ${hex(t.regs.get(i), 16)}${i % 3 === 2 ? '\n' : '  '}`;
  return `${lines.join('\n')}\n${regs}`;
}

function ipaOf(t: TrapContext): number {
  return faultIpa(t.hpfar, t.far);
}

/** SSE: the low `size` bytes (1, 2 or 4) of access.lo/hi sign-extended to 64 bits. */
function signExtendAccess(a: MmioAccess, size: number): void {
  const shift = 32 - size * 8;
  const low = (a.lo << shift) >> shift;
  a.lo = low >>> 0;
  a.hi = low < 0 ? 0xffff_ffff : 0;
}

/** Register srt (not 31) into access.lo/hi. */
function regToAccess(regs: TrapRegs, srt: number, a: MmioAccess): void {
  const w = regs.words;
  if (w !== undefined) {
    a.lo = w[2 * srt]!;
    a.hi = w[2 * srt + 1]!;
  } else a.value = regs.get(srt);
}

/** access.lo/hi into register srt (not 31). */
function accessToReg(a: MmioAccess, regs: TrapRegs, srt: number): void {
  const w = regs.words;
  if (w !== undefined) {
    w[2 * srt] = a.lo;
    w[2 * srt + 1] = a.hi;
  } else regs.set(srt, a.value);
}

/** handleDabt's struct mmio_access (one trap at a time per worker: refilled, not allocated, per exit). */
const dabtAccess = new MmioAccess();

/** arch_handle_dabt: MMIO emulation from the data-abort syndrome. */
function handleDabt(hv: Hv, t: TrapContext, iss: number): number {
  hv.count(Stat.MMIO);
  const ipa = ipaOf(t);
  const isWrite = dabtWnr(iss);
  const sas = dabtSas(iss);
  const size = (1 << sas) as 1 | 2 | 4 | 8;
  const access = dabtAccess;
  // Filled before any refusal: the vmexit recorder reads size, direction and handler from here.
  access.address = ipa;
  access.size = size;
  access.isWrite = isWrite;
  access.handler = 0;
  if (!dabtIsv(iss)) {
    printk(hv, `Unhandled data ${isWrite ? 'write' : 'read'} at 0x${ipa.toString(16)}(${size})\n`);
    return TRAP_UNHANDLED;
  }
  const sse = dabtSse(iss);
  const srt = dabtSrt(iss);
  // S1PTW, EA or CM: Jailhouse would inject the abort, which is unimplemented there (it spins
  // in EL2); the simulator reports the CPU as failed instead of hanging it.
  if (abortS1ptw(iss) || dabtCm(iss) || abortEa(iss)) {
    printk(hv, `jhsim: data abort with S1PTW/CM/EA at 0x${ipa.toString(16)}: Jailhouse spins in arch_inject_dabt here\n`);
    return TRAP_FORBIDDEN;
  }
  const extend = sse && size < 8;
  access.lo = 0;
  access.hi = 0;
  if (isWrite && srt !== 31) {
    regToAccess(t.regs, srt, access);
    if (extend) signExtendAccess(access, size);
  }
  const r = mmioHandleAccess(hv, access);
  if (r === MmioResult.HANDLED) {
    if (!isWrite && srt !== 31) {
      if (extend) signExtendAccess(access, size);
      accessToReg(access, t.regs, srt);
    }
    return TRAP_HANDLED;
  }
  if (r === MmioResult.UNHANDLED) {
    printk(hv, `Unhandled data ${isWrite ? 'write' : 'read'} at 0x${ipa.toString(16)}(${size})\n`);
    return TRAP_UNHANDLED;
  }
  return TRAP_FORBIDDEN;
}
