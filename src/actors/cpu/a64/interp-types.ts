/**
 * Types shared by the reference A64 interpreter (interp.ts), the memory/translation layer that
 * implements {@link GuestMemory}, and the callers that act on {@link StepResult}s.
 *
 * CONVENTIONS
 *  - VAs are numbers holding the 64-bit address as a signed value (see state.ts): upper-half
 *    (TTBR1) addresses are negative. The interpreter never calls GuestMemory with an address it
 *    cannot represent exactly: it reports a level-0 translation fault itself instead.
 *  - An exception result never modifies architectural state: `state.pc` (= `result.pc`) still
 *    addresses the instruction that produced it, no register, flag or memory location written by
 *    that instruction has changed (except the first half of a faulting STP/STXP-128/CASP-128,
 *    see interp-mem.ts). The caller completes it with `retire()` (advance past it, e.g. after an
 *    HVC the hypervisor handled, or an MRS value it supplied), delivers it to the guest with
 *    `deliverToGuest()`, or calls `eret()` for an 'eret' result.
 */
import { FSC_ALIGNMENT, FSC_SYNC_EXTERNAL, faultStatusCode as levelFaultStatusCode } from '../../../shared/arm64/fault-status.js';
import { instructionAbortIssOf, type DataAbortIss } from '../../../shared/arm64/iss-abort.js';
import type { SysOpKind } from './insn-names.js';

export type AccessSize = 1 | 2 | 4 | 8;

export type AccessKind = 'load' | 'store' | 'fetch' | 'atomic';

/** How a memory access is made (constant objects: do not mutate or retain identity). */
export interface Access {
  readonly kind: AccessKind;
  /**
   * True for accesses made by a load/store instruction (incl. exclusives, atomics, LDAR/STLR),
   * false for instruction fetches and DC ZVA (for the abort syndrome and statistics).
   */
  readonly insnIsLoadStore: boolean;
  /**
   * Exception level whose stage-1 permissions apply: the current EL, or 0 for LDTR/STTR at EL1.
   * Always set by the interpreter.
   */
  readonly el?: 0 | 1;
}

export type FaultKind = 'translation' | 'permission' | 'alignment' | 'external' | 'stage2';

/** Fault status for a {@link Fault} of kind 'stage2' (the stage-2 fault's own type). */
export type Stage2FaultKind = 'translation' | 'permission' | 'accessFlag' | 'external';

/** Why an access did not complete. Everything an ESR_ELx/FAR/HPFAR for the abort needs. */
export interface Fault {
  fault: FaultKind;
  /** Faulting VA (signed-number form), reported in FAR_ELx. */
  va: number;
  /** IPA for stage-2 faults (HPFAR_EL2 = ipa >> 12 << 4). */
  ipa?: number;
  /** The access was a write (for plain loads/stores the interpreter derives WnR itself). */
  write: boolean;
  /** Translation table level (0..3) of a translation/permission/access-flag fault; default 3. */
  level?: 0 | 1 | 2 | 3;
  /** For 'stage2': the stage-2 fault type (default 'translation'). */
  stage2?: Stage2FaultKind;
  /** The fault happened on a stage-2 translation of a stage-1 table walk (ISS.S1PTW). */
  s1ptw?: boolean;
  /** Explicit 6-bit DFSC/IFSC overriding the derived one (e.g. 0x08+level: access flag). */
  fsc?: number;
}

/**
 * The guest's view of memory, implemented by the (stage 1 × stage 2) translation layer or by a
 * flat test memory. Multi-byte values are little-endian, zero-extended bigints. Accesses need not
 * be naturally aligned (the interpreter checks the architectural alignment rules first; a
 * translation layer may still return an 'alignment' fault, e.g. for Device memory); an access
 * may cross a page boundary. None of the methods may throw.
 */
export interface GuestMemory {
  read(va: number, size: AccessSize, acc: Access): bigint | Fault;
  write(va: number, size: AccessSize, value: bigint, acc: Access): Fault | undefined;
  /** Atomic read-modify-write (atomic w.r.t. other CPUs); returns the old value. */
  atomic(va: number, size: AccessSize, op: (old: bigint) => bigint, acc: Access): bigint | Fault;
  /** Atomic compare-and-swap; returns the old value (the swap happened iff old === expected). */
  cas(va: number, size: AccessSize, expected: bigint, desired: bigint, acc: Access): bigint | Fault;
  /** Fetches the 32-bit instruction word at va (4-byte aligned). */
  fetch(va: number, acc: Access): number | Fault;
  /**
   * Translates va for a cache maintenance instruction (DC by VA) without accessing memory:
   * undefined when it translates (for a write when `write`, else for a read), else the fault.
   * Optional: memories without translation do not fault.
   */
  probe?(va: number, write: boolean, acc: Access): Fault | undefined;
}

/** Generic-timer registers forwarded to {@link InterpHooks} (names as in sysregs.ts). */
export type TimerReg =
  | 'CNTFRQ_EL0' | 'CNTPCT_EL0' | 'CNTVCT_EL0'
  | 'CNTV_CTL_EL0' | 'CNTV_CVAL_EL0' | 'CNTV_TVAL_EL0'
  | 'CNTP_CTL_EL0' | 'CNTP_CVAL_EL0' | 'CNTP_TVAL_EL0';

/** A cache, TLB or address-translation maintenance operation (SYS instruction). */
export interface MaintenanceOp {
  kind: SysOpKind;
  /** Upper-case operation name, e.g. 'VMALLE1IS', 'IVAU', 'CIVAC', 'S1E1R'. */
  name: string;
  /** Xt (0 when the operation takes no register). */
  value: bigint;
  el: 0 | 1;
}

/** Capabilities the interpreter does not own, supplied by the caller. */
export interface InterpHooks {
  /** MPIDR_EL1 of this CPU. */
  mpidr(): bigint;
  /** Reads a generic-timer register (CNTFRQ_EL0, counters, CNTV_*, CNTP_*). */
  timerRead(reg: TimerReg): bigint;
  /** Writes a generic-timer register (never called for read-only ones). */
  timerWrite(reg: TimerReg, value: bigint): void;
  /**
   * TLBI, IC, AT and DC other than ZVA. For AT, the return value is the new PAR_EL1 (without a
   * hook, or when it returns undefined, AT reports a level-0 translation fault: PAR_EL1 = 0x9).
   * Without a hook the other operations are no-ops.
   */
  maintenance?(op: MaintenanceOp): bigint | undefined;
  /**
   * Called after an MSR changed a stage-1 translation register (SCTLR_EL1, TCR_EL1, TTBR0_EL1,
   * TTBR1_EL1, MAIR_EL1), so a translation cache can pick up the new regime.
   */
  translationRegsWritten?(): void;
  /**
   * Used by run() only: a pending interrupt the guest can mask (e.g. a virtual IRQ). Consulted
   * before each instruction while PSTATE.I is clear; true stops run() with an 'irq' result.
   */
  irqPending?(): boolean;
}

/** The events and exceptions step() reports; every variant carries `pc` (the instruction). */
export type ExceptionEvent =
  | { type: 'svc' | 'hvc' | 'smc' | 'brk'; imm16: number }
  /** WFI/WFE. trapToEl1: at EL0 with SCTLR_EL1.nTWI/nTWE = 0 the guest kernel should see EC 0x01. */
  | { type: 'wfi' | 'wfe'; trapToEl1: boolean }
  | { type: 'sev' | 'sevl' | 'yield' }
  | { type: 'undefined'; word: number }
  /** An FP/Advanced SIMD instruction (or FPCR/FPSR access) while CPACR_EL1.FPEN traps it (EC 0x07). */
  | { type: 'fpAccess' }
  /**
   * MRS/MSR to a known register the interpreter does not own (GICv3 ICC_*, ISR_EL1, ...). For
   * MSR `value` is Xt; for MRS it is 0n and the caller supplies the result to retire().
   */
  | {
    type: 'sysreg'; read: boolean; op0: number; op1: number; crn: number; crm: number; op2: number;
    key: number; name: string | null; rt: number; value: bigint;
  }
  | { type: 'dataAbort'; fault: Fault; iss: number; syndrome: DataAbortIss }
  | { type: 'instructionAbort'; fault: Fault; iss: number }
  /** PC not 4-byte aligned at fetch (EC 0x22); FAR = pc. */
  | { type: 'pcAlignment' }
  /** SP-based access with SP not 16-byte aligned while SCTLR_EL1.SA/SA0 is set (EC 0x26). */
  | { type: 'spAlignment' }
  /** ERET at EL1: the caller calls eret(state) (or intercepts the return). */
  | { type: 'eret' }
  /** Executing with PSTATE.IL set after an illegal exception return (EC 0x0e). */
  | { type: 'illegalState' }
  /** Only from run(): hooks.irqPending() returned true while PSTATE.I was clear. */
  | { type: 'irq' };

export type StepException = { kind: 'exception'; pc: number } & ExceptionEvent;

export type StepResult = { readonly kind: 'ok' } | StepException;

export interface RunResult {
  /** The first non-ok result, or `{ kind: 'ok' }` when the budget ran out. */
  result: StepResult;
  /** Instructions retired (an instruction producing an exception result is not counted). */
  executed: number;
}

/** The 6-bit DFSC/IFSC of a fault. */
export function faultStatusCode(f: Fault): number {
  if (f.fsc !== undefined) return f.fsc & 0x3f;
  const level = f.level ?? 3;
  if (f.fault === 'alignment') return FSC_ALIGNMENT;
  const kind = f.fault === 'stage2' ? (f.stage2 ?? 'translation') : f.fault;
  // A synchronous external abort not on a table walk has its own code; the rest share the
  // level-encoded table.
  if (kind === 'external' && !f.s1ptw) return FSC_SYNC_EXTERNAL;
  return levelFaultStatusCode(kind === 'accessFlag' ? 'access' : kind, level);
}

/** ISS of an instruction abort: IFSC, S1PTW, EA. */
export function instructionAbortIss(f: Fault): number {
  return instructionAbortIssOf(faultStatusCode(f), f.s1ptw === true, f.fault === 'external');
}
