/**
 * Reference interpreter: system registers (MRS/MSR), PSTATE fields (MSR immediate) and the SYS
 * maintenance instructions.
 *
 * Ownership. The interpreter OWNS (stores in A64State.sysregs or computes) the EL1/EL0 registers
 * of an ARMv8.0 Cortex-A57-like CPU without PMU or AArch32, plus LSE atomics:
 *  - control/translation/exception: SCTLR, ACTLR, CPACR, TTBR0/1, TCR, MAIR, AMAIR, VBAR, ELR,
 *    SPSR, ESR, FAR, AFSR0/1, PAR, CONTEXTIDR, TPIDR_EL1, CNTKCTL, CSSELR (all _EL1);
 *    TPIDR_EL0, TPIDRRO_EL0; SP_EL0, NZCV, DAIF, CurrentEL, SPSel; FPCR, FPSR (gated by
 *    CPACR_EL1.FPEN: 'fp', EC 0x07);
 *  - identification: MIDR, MPIDR (hooks.mpidr), REVIDR, AIDR, CLIDR, CCSIDR, CTR_EL0, DCZID_EL0 and
 *    the whole ID space op0=3 op1=0 CRn=0 CRm=1..7 (unlisted ones RAZ, as architected);
 *  - debug (storage only, no breakpoints): MDSCR, OSLAR/OSLSR, OSDLR, MDCCINT, OSDTRRX/TX, OSECCR,
 *    DBGPRCR, DBGCLAIMSET/CLR, DBGAUTHSTATUS, MDRAR, MDCCSR_EL0, DBGBVR/BCR0..5, DBGWVR/WCR0..3.
 * The generic timer (CNTFRQ, CNTPCT, CNTVCT, CNTV_*, CNTP_*) goes to hooks, gated at EL0 by
 * CNTKCTL_EL1. Other KNOWN registers accessible at EL1 (GICv3 ICC_*, ISR_EL1) are 'trap' (the
 * caller's capability). UNDEFINED: EL2/EL3/EL12/secure (op1 >= 4), PMU,
 * PAN/UAO/DIT/SSBS, DBGDTR_EL0, unknown encodings (except the RAZ ID space), the wrong direction
 * (MSR to a read-only or MRS of a write-only register) and EL1 registers from EL0.
 */
import type { Mrs, MsrImm, MsrReg } from './insn.js';
import type { InterpHooks, TimerReg } from './interp-types.js';
import { type A64State, SCTLR_EL1_RES1, SCTLR_EL1_KEY } from './state.js';
import { SYSREGS, sysregByName, sysregKey } from '../../../shared/arm64/sysregs.js';

/** Packed key of a register by upper-case name (module init only). */
function k(name: string): number {
  const key = sysregByName(name);
  if (key === undefined) throw new Error(`interp-sys: unknown register ${name}`);
  return key;
}

export const KEY = {
  SCTLR_EL1: SCTLR_EL1_KEY, VBAR_EL1: k('VBAR_EL1'), ELR_EL1: k('ELR_EL1'), SPSR_EL1: k('SPSR_EL1'),
  ESR_EL1: k('ESR_EL1'), FAR_EL1: k('FAR_EL1'), PAR_EL1: k('PAR_EL1'), SP_EL0: k('SP_EL0'), NZCV: k('NZCV'),
  DAIF: k('DAIF'), CURRENTEL: k('CURRENTEL'), SPSEL: k('SPSEL'), TPIDR_EL0: k('TPIDR_EL0'),
  TPIDRRO_EL0: k('TPIDRRO_EL0'), CTR_EL0: k('CTR_EL0'), DCZID_EL0: k('DCZID_EL0'), MIDR_EL1: k('MIDR_EL1'),
  MPIDR_EL1: k('MPIDR_EL1'), CCSIDR_EL1: k('CCSIDR_EL1'), CSSELR_EL1: k('CSSELR_EL1'), OSLAR_EL1: k('OSLAR_EL1'),
  OSLSR_EL1: k('OSLSR_EL1'), CNTKCTL_EL1: k('CNTKCTL_EL1'), TCR_EL1: k('TCR_EL1'), TTBR0_EL1: k('TTBR0_EL1'),
  TTBR1_EL1: k('TTBR1_EL1'), MAIR_EL1: k('MAIR_EL1'), FPCR: k('FPCR'), FPSR: k('FPSR'), CPACR_EL1: k('CPACR_EL1'),
} as const;

/** SCTLR_EL1 bits used here. */
export const SCTLR = { UMA: 1n << 9n, DZE: 1n << 14n, UCT: 1n << 15n, nTWI: 1n << 16n, nTWE: 1n << 18n, UCI: 1n << 26n } as const;

/** Constant identification values (Cortex-A57 r1p1 adjusted: no FP/SIMD, PMU, AArch32; LSE). */
const CONST_READ = new Map<number, bigint>([
  [k('MIDR_EL1'), 0x411f_d071n], [k('REVIDR_EL1'), 0n], [k('AIDR_EL1'), 0n],
  [k('CLIDR_EL1'), 0x0a20_0023n],
  // EL0..EL3 AArch64 only, FP and AdvSIMD (no half-precision arithmetic), GICv3 system registers.
  [k('ID_AA64PFR0_EL1'), 0x0100_1111n],
  // DebugVer 6, 6 breakpoints, 4 watchpoints, 2 context-aware breakpoints, no PMU.
  [k('ID_AA64DFR0_EL1'), 0x1030_5006n],
  // LSE atomics only (no AES/SHA/CRC32).
  [k('ID_AA64ISAR0_EL1'), 0x0020_0000n],
  // 44-bit PA, 16-bit ASID, little-endian only, 4K and 64K granules.
  [k('ID_AA64MMFR0_EL1'), 0x1024n],
  [k('MDRAR_EL1'), 0n], [k('DBGAUTHSTATUS_EL1'), 0xaan], [k('MDCCSR_EL0'), 0n],
]);

/** Plain read/write storage at EL1 (UNDEFINED at EL0). */
const EL1_STORAGE = new Set<number>([
  'ACTLR_EL1', 'CPACR_EL1', 'TTBR0_EL1', 'TTBR1_EL1', 'TCR_EL1', 'MAIR_EL1', 'AMAIR_EL1', 'ELR_EL1',
  'SPSR_EL1', 'ESR_EL1', 'FAR_EL1', 'AFSR0_EL1', 'AFSR1_EL1', 'PAR_EL1', 'CONTEXTIDR_EL1', 'TPIDR_EL1',
  'CNTKCTL_EL1', 'CSSELR_EL1', 'MDSCR_EL1', 'OSDLR_EL1', 'MDCCINT_EL1', 'OSDTRRX_EL1', 'OSDTRTX_EL1',
  'OSECCR_EL1', 'DBGPRCR_EL1', 'DBGCLAIMSET_EL1', 'DBGCLAIMCLR_EL1',
  ...[0, 1, 2, 3, 4, 5].flatMap((n) => [`DBGBVR${n}_EL1`, `DBGBCR${n}_EL1`]),
  ...[0, 1, 2, 3].flatMap((n) => [`DBGWVR${n}_EL1`, `DBGWCR${n}_EL1`]),
].map(k));

/** Stage-1 translation registers besides SCTLR_EL1 (see InterpHooks.translationRegsWritten). */
const TRANSLATION_REGS = new Set<number>([KEY.TCR_EL1, KEY.TTBR0_EL1, KEY.TTBR1_EL1, KEY.MAIR_EL1]);

/** Known registers that are UNDEFINED on this CPU (besides op1 >= 4 and PMU). */
const UNDEF_NAMES = new Set(['PAN', 'UAO', 'DIT', 'SSBS', 'DBGDTR_EL0']);

/** Access direction of every known register. */
const DIRECTION = new Map<number, 'r' | 'w' | 'rw'>(Object.values(SYSREGS).map((spec) => [sysregKey(spec), spec.access]));

const TIMER_REGS = new Map<number, TimerReg>(([
  'CNTFRQ_EL0', 'CNTPCT_EL0', 'CNTVCT_EL0', 'CNTV_CTL_EL0', 'CNTV_CVAL_EL0', 'CNTV_TVAL_EL0',
  'CNTP_CTL_EL0', 'CNTP_CVAL_EL0', 'CNTP_TVAL_EL0',
] as const).map((n) => [k(n), n]));

/** What an MRS/MSR does: a value / done, UNDEFINED, a trap to the caller, or EC 0x07 (FPEN). */
export type SysAccess = bigint | 'undef' | 'trap' | 'fp';

/** FPCR bits this CPU implements: AHP, DN, FZ, RMode (no FP16 arithmetic, no trapped exceptions: as QEMU). */
export const FPCR_MASK = 0x07c0_0000;
/** FPSR bits: QC, IDC, IXC, UFC, OFC, DZC, IOC (NZCV is AArch32's). */
export const FPSR_MASK = 0x0800_009f;

function isIdSpace(i: Mrs | MsrReg): boolean {
  return i.op0 === 3 && i.op1 === 0 && i.crn === 0 && i.crm >= 1;
}

function isPmu(i: Mrs | MsrReg): boolean {
  if (i.op0 !== 3) return false;
  if (i.op1 === 3) return (i.crn === 9 && i.crm >= 12) || (i.crn === 14 && i.crm >= 8);
  return i.op1 === 0 && i.crn === 9 && i.crm === 14;
}

/** EL0 access to a generic-timer register allowed by CNTKCTL_EL1. */
function timerEl0Allowed(s: A64State, reg: TimerReg): boolean {
  const c = s.sysreg(KEY.CNTKCTL_EL1);
  const bit = (n: bigint): boolean => ((c >> n) & 1n) !== 0n;
  switch (reg) {
    case 'CNTFRQ_EL0': return bit(0n) || bit(1n);
    case 'CNTPCT_EL0': return bit(0n);
    case 'CNTVCT_EL0': return bit(1n);
    case 'CNTV_CTL_EL0': case 'CNTV_CVAL_EL0': case 'CNTV_TVAL_EL0': return bit(8n);
    default: return bit(9n);
  }
}

function ccsidr(s: A64State): bigint {
  switch (Number(s.sysreg(KEY.CSSELR_EL1) & 0xfn)) {
    case 0: return 0x701f_e00an; // L1 D: 32 KiB, 2-way, 64-byte lines
    case 1: return 0x201f_e012n; // L1 I: 48 KiB, 3-way
    case 2: return 0x70ff_e07an; // L2: 2 MiB, 16-way
    default: return 0n;
  }
}

/** Result of MRS (the value to write to Xt, or 'undef'/'trap'). */
export function readSysreg(s: A64State, hooks: InterpHooks, i: Mrs): SysAccess {
  const key = i.sysreg;
  const el0 = s.el === 0;
  if (i.op1 >= 4) return 'undef';
  switch (key) {
    case KEY.NZCV: return BigInt(s.nzcv);
    case KEY.FPCR: return s.fpAllowed() ? BigInt(s.fpcr) : 'fp';
    case KEY.FPSR: return s.fpAllowed() ? BigInt(s.fpsr) : 'fp';
    case KEY.DAIF: return el0 && (s.sysreg(SCTLR_EL1_KEY) & SCTLR.UMA) === 0n ? 'undef' : BigInt(s.daif);
    case KEY.TPIDR_EL0: case KEY.TPIDRRO_EL0: return s.sysreg(key);
    case KEY.CTR_EL0: return el0 && (s.sysreg(SCTLR_EL1_KEY) & SCTLR.UCT) === 0n ? 'undef' : 0x8444_c004n;
    case KEY.DCZID_EL0: return el0 && (s.sysreg(SCTLR_EL1_KEY) & SCTLR.DZE) === 0n ? 0x14n : 0x4n;
    default: break;
  }
  const timer = TIMER_REGS.get(key);
  if (timer !== undefined) return el0 && !timerEl0Allowed(s, timer) ? 'undef' : hooks.timerRead(timer);
  if (el0) return 'undef';
  switch (key) {
    case KEY.CURRENTEL: return BigInt(s.el << 2);
    case KEY.SPSEL: return BigInt(s.spsel);
    case KEY.SP_EL0: return s.spsel === 0 ? 'undef' : s.spEl0;
    case KEY.MPIDR_EL1: return hooks.mpidr();
    case KEY.CCSIDR_EL1: return ccsidr(s);
    case KEY.OSLAR_EL1: return 'undef';
    case KEY.OSLSR_EL1: return 0x8n | (s.sysreg(KEY.OSLSR_EL1) & 2n);
    case KEY.SCTLR_EL1: case KEY.VBAR_EL1: return s.sysreg(key);
    default: break;
  }
  if (EL1_STORAGE.has(key)) return s.sysreg(key);
  const c = CONST_READ.get(key);
  if (c !== undefined) return c;
  if (isIdSpace(i)) return 0n;
  return unowned(i, true);
}

/** Result of MSR with value v: 0n when done, or 'undef'/'trap'. */
export function writeSysreg(s: A64State, i: MsrReg, v: bigint, hooks: InterpHooks): SysAccess {
  const key = i.sysreg;
  const el0 = s.el === 0;
  if (i.op1 >= 4) return 'undef';
  switch (key) {
    case KEY.NZCV: s.nzcv = Number(v & 0xf000_0000n); return 0n;
    case KEY.FPCR: if (!s.fpAllowed()) return 'fp'; s.fpcr = Number(v & BigInt(FPCR_MASK)); return 0n;
    case KEY.FPSR: if (!s.fpAllowed()) return 'fp'; s.fpsr = Number(v & BigInt(FPSR_MASK)); return 0n;
    case KEY.DAIF:
      if (el0 && (s.sysreg(SCTLR_EL1_KEY) & SCTLR.UMA) === 0n) return 'undef';
      s.daif = Number(v & 0x3c0n);
      return 0n;
    case KEY.TPIDR_EL0: s.setSysreg(key, v); return 0n;
    case KEY.TPIDRRO_EL0: if (el0) return 'undef'; s.setSysreg(key, v); return 0n;
    default: break;
  }
  const timer = TIMER_REGS.get(key);
  if (timer !== undefined) {
    if (timer === 'CNTFRQ_EL0' || timer === 'CNTPCT_EL0' || timer === 'CNTVCT_EL0') return 'undef';
    if (el0 && !timerEl0Allowed(s, timer)) return 'undef';
    hooks.timerWrite(timer, v);
    return 0n;
  }
  if (el0) return 'undef';
  switch (key) {
    case KEY.SPSEL: s.spsel = (Number(v & 1n) as 0 | 1); return 0n;
    case KEY.SP_EL0: if (s.spsel === 0) return 'undef'; s.spEl0 = v; return 0n;
    case KEY.SCTLR_EL1: s.setSysreg(key, v | SCTLR_EL1_RES1); hooks.translationRegsWritten?.(); return 0n;
    case KEY.VBAR_EL1: s.setSysreg(key, v & ~0x7ffn); return 0n;
    case KEY.OSLAR_EL1: s.setSysreg(KEY.OSLSR_EL1, (v & 1n) << 1n); return 0n;
    default: break;
  }
  if (EL1_STORAGE.has(key)) {
    s.setSysreg(key, v);
    if (TRANSLATION_REGS.has(key)) hooks.translationRegsWritten?.();
    return 0n;
  }
  if (CONST_READ.has(key) || isIdSpace(i) || key === KEY.MPIDR_EL1 || key === KEY.CCSIDR_EL1 ||
    key === KEY.CURRENTEL || key === KEY.OSLSR_EL1 || key === KEY.CTR_EL0 || key === KEY.DCZID_EL0) return 'undef';
  return unowned(i, false);
}

/** A known register the interpreter does not own: 'trap' if accessible in this direction. */
function unowned(i: Mrs | MsrReg, read: boolean): SysAccess {
  if (i.name === null || UNDEF_NAMES.has(i.name) || isPmu(i)) return 'undef';
  const dir = DIRECTION.get(i.sysreg);
  if (dir === undefined || dir === (read ? 'w' : 'r')) return 'undef';
  return 'trap';
}

/** MSR (immediate) to a PSTATE field; false = UNDEFINED. */
export function writePstateField(s: A64State, i: MsrImm): boolean {
  switch (i.field) {
    case 'SPSel':
      if (s.el === 0) return false;
      s.spsel = (i.imm & 1) as 0 | 1;
      return true;
    case 'DAIFSet':
    case 'DAIFClr':
      if (s.el === 0 && (s.sysreg(SCTLR_EL1_KEY) & SCTLR.UMA) === 0n) return false;
      if (i.field === 'DAIFSet') s.daif |= (i.imm & 15) << 6;
      else s.daif &= ~((i.imm & 15) << 6) & 0x3c0;
      return true;
    default:
      return false; // PAN, UAO, DIT, SSBS: not implemented (ARMv8.0)
  }
}

/** DC operations EL0 may execute when SCTLR_EL1.UCI is set. */
const DC_EL0_UCI = new Set(['CVAC', 'CVAU', 'CVAP', 'CIVAC']);

/** Whether a known SYS maintenance operation may execute at the current EL. */
export function sysOpAllowed(s: A64State, kind: string, name: string, op1: number): boolean {
  if (op1 >= 4) return false; // EL2/EL3 operations
  if (s.el === 1) return true;
  const sctlr = s.sysreg(SCTLR_EL1_KEY);
  if (kind === 'DC') {
    if (name === 'ZVA') return (sctlr & SCTLR.DZE) !== 0n;
    return DC_EL0_UCI.has(name) && (sctlr & SCTLR.UCI) !== 0n;
  }
  if (kind === 'IC') return name === 'IVAU' && (sctlr & SCTLR.UCI) !== 0n;
  return false;
}
