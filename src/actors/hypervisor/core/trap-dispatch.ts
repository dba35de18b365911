/**
 * arch_handle_trap: the synchronous exits of a lower EL, dispatched by ESR_EL2.EC exactly as
 * Jailhouse's arm64 trap table does (HVC 0x16, SMC 0x17, MSR/MRS 0x18, IABT 0x20, DABT 0x24;
 * anything else is unhandled and panic-parks the CPU). Guest code run by the A64 engine and the
 * root-cell Linux model both come through here with a real ESR, so both are decoded and counted
 * the same way.
 */
import type { Hv } from './hv.js';
import { Stat } from './layout.js';
import { MmioAccess, MmioResult, mmioHandleAccess } from './mmio.js';
import { panicPark, RESUME, type CpuAction } from './percpu-control.js';
import { hypercallFromTrap, smcFromTrap, sysregWriteFromTrap } from './traps.js';
import { printk } from './printk.js';
import { EC } from '../../cpu/a64/interp-types.js';
import { esrValue, sysregIss } from '../../cpu/a64/interp-exc.js';
import { ICC_SGI1R_EL1 } from '../../gic/index.js';

export function esrEc(esr: number): number {
  return (esr >>> 26) & 0x3f;
}

/** The guest's general-purpose registers as the trap frame holds them (x31 reads as zero). */
export interface TrapRegs {
  get(n: number): bigint;
  set(n: number, value: bigint): void;
  /**
   * The frame's registers as little-endian 32-bit words (X[n] = words[2n] + words[2n+1]·2^32),
   * where the frame has them in that form (the A64 engine's register file): MMIO emulation then
   * moves register values without a bigint per trap. Frames without it go through get/set.
   */
  readonly words?: Uint32Array;
}

/** SPSR_EL2 and the stack pointer of the trapped context, for the FATAL register dump. */
export interface TrapPstate {
  spsr: number;
  /** SP_EL0 or SP_EL1, by the EL in SPSR (fill_trap_context). */
  sp: bigint;
}

/** struct trap_context plus the fault address registers. */
export interface TrapContext {
  esr: number;
  regs: TrapRegs;
  /** FAR_EL2 (VA; only the low 12 bits matter for a data abort). */
  far: number;
  /** HPFAR_EL2 (FIPA = IPA[47:12] in bits 43:4). */
  hpfar: number;
  /** ELR_EL2: the trapping instruction, or the one after an HVC (0 where unknown: the Linux model). */
  elr: number;
  /** SPSR_EL2 and SP, read only for a FATAL dump (absent where unknown). */
  pstate?: () => TrapPstate;
}

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

// ESRs of the exits the root-cell Linux model takes (its code is not interpreted, so it builds
// them with the same encoders the interpreter's syndromes use).

/** HVC #imm16 as the trap table sees it. */
export function esrForHvc(imm16: number): number {
  return Number(esrValue({ ec: EC.HVC64, iss: imm16 & 0xffff }));
}

export function esrForSmc(imm16: number): number {
  return Number(esrValue({ ec: EC.SMC64, iss: imm16 & 0xffff }));
}

export function esrForSysreg(op0: number, op1: number, crn: number, crm: number, op2: number, rt: number, read: boolean): number {
  return Number(esrValue({ ec: EC.SYSREG, iss: sysregIss(op0, op1, crn, crm, op2, rt, read) }));
}

/**
 * A register as a JS number for the hypercall handlers, which take unsigned longs: exact below
 * 2^53. A larger value becomes a number of the same magnitude (rounded), which like the real
 * value matches no hypercall code, cell ID, CPU ID or info type (upstream compares all 64 bits).
 */
function arg(regs: TrapRegs, n: number): number {
  return Number(regs.get(n));
}

export function archHandleTrap(hv: Hv, t: TrapContext): TrapOutcome {
  hv.count(Stat.TOTAL);
  const ec = esrEc(t.esr);
  const iss = t.esr & 0x1ff_ffff;
  let ret = TRAP_UNHANDLED;
  let skip = false;
  switch (ec) {
    case EC.HVC64: {
      if ((iss & 0xffff) !== 0x4a48) {
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
      const rt = (iss >> 5) & 31;
      if ((iss & ~(31 << 5)) === ISS_MSR_ICC_SGI1R) {
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
    ` sp: ${hex(p.sp, 16)}  elr: ${hex(elr, 16)}  esr: ${hex(esr >>> 26, 2)} ${(esr >>> 25) & 1} ${hex(esr & 0x1ff_ffff, 7)}`,
  ];
  let regs = '';
  for (let i = 0; i < 30; i++) regs += `${i < 10 ? ' ' : ''}x${i}: ${hex(t.regs.get(i), 16)}${i % 3 === 2 ? '\n' : '  '}`;
  return `${lines.join('\n')}\n${regs}`;
}

function ipaOf(t: TrapContext): number {
  return Math.floor(t.hpfar / 16) * 4096 + (t.far & 0xfff);
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
  const isWrite = ((iss >> 6) & 1) === 1;
  const sas = (iss >> 22) & 3;
  const size = (1 << sas) as 1 | 2 | 4 | 8;
  if (!((iss >> 24) & 1)) {
    printk(hv, `Unhandled data ${isWrite ? 'write' : 'read'} at 0x${ipa.toString(16)}(${size})\n`);
    return TRAP_UNHANDLED;
  }
  const sse = ((iss >> 21) & 1) === 1;
  const srt = (iss >> 16) & 31;
  // S1PTW, EA or CM: Jailhouse would inject the abort, which is unimplemented there (it spins
  // in EL2); the simulator reports the CPU as failed instead of hanging it.
  if ((iss >> 7) & 1 || (iss >> 8) & 1 || (iss >> 9) & 1) {
    printk(hv, `jhsim: data abort with S1PTW/CM/EA at 0x${ipa.toString(16)}: Jailhouse spins in arch_inject_dabt here\n`);
    return TRAP_FORBIDDEN;
  }
  const extend = sse && size < 8;
  const access = dabtAccess;
  access.address = ipa;
  access.size = size;
  access.isWrite = isWrite;
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
