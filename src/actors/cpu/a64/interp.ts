/**
 * The REFERENCE A64 INTERPRETER: executes one instruction at a time on an {@link A64State}
 * through a {@link GuestMemory}, exactly as the architecture specifies for EL1/EL0 guest code.
 * Correctness first: this is the oracle the fast block translator is tested against.
 *
 *   const r = step(state, mem, hooks);  // { kind: 'ok' } or { kind: 'exception', type, pc, ... }
 *   const { result, executed } = run(state, mem, hooks, 1_000_000);
 *
 * step() fetches at state.pc, decodes (decode.ts; results cached by word), executes and advances
 * pc. Everything that leaves the instruction stream is returned, never thrown and never waited
 * for: SVC/HVC/SMC/BRK, WFI/WFE/SEV/SEVL/YIELD, UNDEFINED, unowned MRS/MSR ('sysreg'), data and
 * instruction aborts, PC/SP alignment faults and ERET. An exception result leaves the state
 * untouched (see interp-types.ts); complete it with retire(), deliverToGuest() or eret()
 * (interp-exc.ts). HLT, SMC/HVC/ERET at EL0 and SYSL are UNDEFINED. Hint-space PAC/BTI/ESB/CSDB
 * and PRFM execute as NOPs, barriers as no-ops (the simulation is sequentially consistent per
 * access), CLREX clears the exclusive monitor.
 */
import { decode } from './decode.js';
import type { Insn, Sys } from './insn.js';
import {
  type GuestMemory, type InterpHooks, type RunResult, type StepException, type StepResult, instructionAbortIss,
} from './interp-types.js';
import {
  execAddSubCarry, execAddSubExt, execAddSubImm, execAddSubShift, execAdr, execBitfield, execCondCompare,
  execCondSelect, execDp1, execDp2, execDp3, execExtr, execLogicImm, execLogicReg, execMoveWide,
} from './interp-alu.js';
import {
  accessFor, execAtomic, execCas, execCasp, execDcByVa, execDcZva, execLdar, execLdExcl, execLdStImm, execLdStPair, execLdStReg,
  execLdrLit, execStExcl,
} from './interp-mem.js';
import { KEY, SCTLR, readSysreg, sysOpAllowed, writePstateField, writeSysreg } from './interp-sys.js';
import { type A64State, DAIF_I, SCTLR_EL1_KEY, fromVa, toVa, vaOfAddr } from './state.js';

const OK: StepResult = Object.freeze({ kind: 'ok' });

const CACHE_LIMIT = 1 << 16;
const decodeCache = new Map<number, Insn>();

/** decode() memoized by instruction word (Insn objects are treated as immutable). */
export function decodeCached(word: number): Insn {
  let insn = decodeCache.get(word);
  if (insn === undefined) {
    insn = decode(word);
    if (decodeCache.size >= CACHE_LIMIT) decodeCache.clear();
    decodeCache.set(word, insn);
  }
  return insn;
}

function undef(pc: number, word: number): StepException {
  return { kind: 'exception', pc, type: 'undefined', word: word >>> 0 };
}

/** Executes the instruction at state.pc. Never throws (unless a hook or the memory throws). */
export function step(s: A64State, mem: GuestMemory, hooks: InterpHooks): StepResult {
  const pc = s.pc;
  if (!Number.isSafeInteger(pc)) {
    const fault = { fault: 'translation' as const, va: pc, write: false, level: 0 as const };
    return { kind: 'exception', pc, type: 'instructionAbort', fault, iss: instructionAbortIss(fault) };
  }
  if (pc % 4 !== 0) return { kind: 'exception', pc, type: 'pcAlignment' };
  const word = mem.fetch(pc, accessFor('fetch', s.el));
  if (typeof word !== 'number') {
    return { kind: 'exception', pc, type: 'instructionAbort', fault: word, iss: instructionAbortIss(word) };
  }
  return execute(s, mem, hooks, decodeCached(word), pc, word);
}

/**
 * Executes one already-decoded instruction located at `pc` (state.pc must equal pc). Exposed for
 * executors that fetch and decode themselves.
 */
export function execute(s: A64State, mem: GuestMemory, hooks: InterpHooks, i: Insn, pc: number, word: number): StepResult {
  let next = pc + 4;
  let e: StepException | undefined;
  switch (i.op) {
    // ---- data processing
    case 'ADDSUB_IMM': execAddSubImm(s, i); break;
    case 'ADDSUB_SHIFT': execAddSubShift(s, i); break;
    case 'ADDSUB_EXT': execAddSubExt(s, i); break;
    case 'ADDSUB_CARRY': execAddSubCarry(s, i); break;
    case 'LOGIC_IMM': execLogicImm(s, i); break;
    case 'LOGIC_REG': execLogicReg(s, i); break;
    case 'MOV_WIDE': execMoveWide(s, i); break;
    case 'ADR': execAdr(s, i, pc); break;
    case 'BITFIELD': execBitfield(s, i); break;
    case 'EXTR': execExtr(s, i); break;
    case 'COND_CMP': execCondCompare(s, i); break;
    case 'COND_SEL': execCondSelect(s, i); break;
    case 'DP1': execDp1(s, i); break;
    case 'DP2': execDp2(s, i); break;
    case 'DP3': execDp3(s, i); break;
    // ---- branches
    case 'B':
      if (i.link) s.x[30] = fromVa(pc + 4);
      next = pc + i.offset;
      break;
    case 'B_COND':
      if (s.condHolds(i.cond)) next = pc + i.offset;
      break;
    case 'CB': {
      const zero = s.reg(i.rt, i.sf, false) === 0n;
      if (zero !== i.nonZero) next = pc + i.offset;
      break;
    }
    case 'TB': {
      const set = ((s.xreg(i.rt) >> BigInt(i.bit)) & 1n) !== 0n;
      if (set === i.nonZero) next = pc + i.offset;
      break;
    }
    case 'BR_REG': {
      const target = s.xreg(i.rn);
      if (i.kind === 'BLR') s.x[30] = fromVa(pc + 4);
      // BranchAddr: a TBI tag is not part of the PC.
      next = vaOfAddr(s, target) ?? toVa(target);
      break;
    }
    case 'ERET':
      return s.el === 0 ? undef(pc, word) : { kind: 'exception', pc, type: 'eret' };
    // ---- exceptions, hints, barriers, PSTATE
    case 'EXCEPTION':
      switch (i.kind) {
        case 'SVC': return { kind: 'exception', pc, type: 'svc', imm16: i.imm16 };
        case 'BRK': return { kind: 'exception', pc, type: 'brk', imm16: i.imm16 };
        case 'HVC': case 'SMC':
          if (s.el === 0) return undef(pc, word);
          return { kind: 'exception', pc, type: i.kind === 'HVC' ? 'hvc' : 'smc', imm16: i.imm16 };
        default: return undef(pc, word); // HLT: halting debug not enabled
      }
    case 'HINT':
      switch (i.kind) {
        case 'WFI': case 'WFE': {
          const bit = i.kind === 'WFI' ? SCTLR.nTWI : SCTLR.nTWE;
          const trapToEl1 = s.el === 0 && (s.sysreg(SCTLR_EL1_KEY) & bit) === 0n;
          return { kind: 'exception', pc, type: i.kind === 'WFI' ? 'wfi' : 'wfe', trapToEl1 };
        }
        case 'YIELD': return { kind: 'exception', pc, type: 'yield' };
        case 'SEV': return { kind: 'exception', pc, type: 'sev' };
        case 'SEVL': return { kind: 'exception', pc, type: 'sevl' };
        default: break; // NOP and unimplemented hints
      }
      break;
    case 'BARRIER':
      if (i.kind === 'CLREX') s.exclusive = undefined;
      break;
    case 'MSR_IMM':
      if (!writePstateField(s, i)) return undef(pc, word);
      break;
    case 'MRS': {
      const v = readSysreg(s, hooks, i);
      if (v === 'undef') return undef(pc, word);
      if (v === 'fp') return { kind: 'exception', pc, type: 'fpAccess' };
      if (v === 'trap') return sysregTrap(i, true, 0n, pc);
      s.setReg(i.rt, v, true, false);
      break;
    }
    case 'MSR_REG': {
      const value = s.xreg(i.rt);
      const r = writeSysreg(s, i, value, hooks);
      if (r === 'undef') return undef(pc, word);
      if (r === 'fp') return { kind: 'exception', pc, type: 'fpAccess' };
      if (r === 'trap') return sysregTrap(i, false, value, pc);
      break;
    }
    case 'SYS':
      e = execSys(s, mem, hooks, i, pc, word);
      break;
    case 'SYSL':
      return undef(pc, word);
    // ---- loads and stores
    case 'LDST_IMM': e = execLdStImm(s, mem, i, pc); break;
    case 'LDST_REG': e = execLdStReg(s, mem, i, pc); break;
    case 'LDR_LIT': e = execLdrLit(s, mem, i, pc); break;
    case 'PRFM': break;
    case 'LDST_PAIR': e = execLdStPair(s, mem, i, pc); break;
    case 'LDXR': e = execLdExcl(s, mem, i, pc); break;
    case 'STXR': e = execStExcl(s, mem, i, pc); break;
    case 'LDAR': case 'STLR': e = execLdar(s, mem, i, pc); break;
    case 'ATOMIC': e = execAtomic(s, mem, i, pc); break;
    case 'CAS': e = execCas(s, mem, i, pc); break;
    case 'CASP': e = execCasp(s, mem, i, pc); break;
    case 'SIMD':
      if (!s.fpAllowed()) return { kind: 'exception', pc, type: 'fpAccess' };
      e = i.exec(s, mem, pc);
      break;
    case 'UNDEFINED': return undef(pc, word);
    default: {
      const unreachable: never = i;
      return undef(pc, (unreachable as { word?: number }).word ?? word);
    }
  }
  if (e !== undefined) return e;
  s.pc = next;
  return OK;
}

function sysregTrap(i: Insn & { op: 'MRS' | 'MSR_REG' }, read: boolean, value: bigint, pc: number): StepException {
  return {
    kind: 'exception', pc, type: 'sysreg', read, op0: i.op0, op1: i.op1, crn: i.crn, crm: i.crm, op2: i.op2,
    key: i.sysreg, name: i.name, rt: i.rt, value,
  };
}

/** The DC operations by virtual address that translate it (DC ZVA aside, which writes). */
const DC_BY_VA = new Set(['IVAC', 'CVAC', 'CVAU', 'CIVAC', 'CVAP', 'CVADP']);

/** DC ZVA zeroes memory; DC by VA translates; other known maintenance goes to hooks.maintenance (AT sets PAR_EL1). */
function execSys(s: A64State, mem: GuestMemory, hooks: InterpHooks, i: Sys, pc: number, word: number): StepException | undefined {
  if (i.kind === 'SYS' || i.name === null || !sysOpAllowed(s, i.kind, i.name, i.op1)) return undef(pc, word);
  const value = s.xreg(i.rt);
  if (i.kind === 'DC' && i.name === 'ZVA') return execDcZva(s, mem, value, pc);
  if (i.kind === 'DC' && DC_BY_VA.has(i.name)) {
    const e = execDcByVa(s, mem, i.name, value, pc);
    if (e !== undefined) return e;
  }
  const r = hooks.maintenance?.({ kind: i.kind, name: i.name, value: i.hasRt ? value : 0n, el: s.el });
  if (i.kind === 'AT') s.setSysreg(KEY.PAR_EL1, r ?? 0x9n);
  return undefined;
}

/**
 * Runs until the first non-ok result or `maxInstructions` retired. With hooks.irqPending, checks
 * for a guest-maskable interrupt before each instruction while PSTATE.I is clear.
 */
export function run(s: A64State, mem: GuestMemory, hooks: InterpHooks, maxInstructions: number): RunResult {
  const irq = hooks.irqPending;
  let executed = 0;
  while (executed < maxInstructions) {
    if (irq !== undefined && (s.daif & DAIF_I) === 0 && irq.call(hooks)) {
      return { result: { kind: 'exception', pc: s.pc, type: 'irq' }, executed };
    }
    const r = step(s, mem, hooks);
    if (r.kind !== 'ok') return { result: r, executed };
    executed++;
  }
  return { result: OK, executed };
}
