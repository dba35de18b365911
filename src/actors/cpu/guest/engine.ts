/**
 * The guest execution engine of one CPU: A64 code at EL1/EL0 under the hypervisor. It runs the
 * interpreter in slices, and turns what leaves the instruction stream into what the hardware
 * would do: exits to EL2 with a real ESR_EL2 (HVC, SMC, ICC_SGI1R_EL1 writes, stage-2 data and
 * instruction aborts) handled by the hypervisor in this worker through arch_handle_trap;
 * exceptions the guest takes itself (undefined instructions, SVC, stage-1 aborts, alignment)
 * through its VBAR_EL1; WFI/WFE as real waits on the CPU's wake word (the actor does the wait).
 */
import type { PageTable } from '../../../shared/arm64/translation-format.js';
import type { Hv } from '../../hypervisor/core/hv.js';
import { archHandleTrap } from '../../hypervisor/core/trap-dispatch.js';
import type { TrapContext, TrapRegs } from '../../hypervisor/core/trap-context.js';
import type { CpuAction } from '../../hypervisor/core/percpu-control.js';
import type { HvCpuContext } from '../hv-context.js';
import { CpuWord, cpuWord, now } from '../layout.js';
import { A64State } from '../a64/state.js';
import { MAX_BLOCK, Translator } from '../a64/jit.js';
import { TRAP_RESUME, TRAP_STOP, TRAP_STOP_SKIP } from '../a64/jit-runtime.js';
import { deliverToGuest, el2Syndrome, eret, retire, takeException } from '../a64/interp-exc.js';
import type { IccReg } from '../../gic/index.js';
import type { InterpHooks, MaintenanceOp, StepException } from '../a64/interp-types.js';
import { KEY } from '../a64/interp-sys.js';
import { SoftTlb } from '../a64/mmu-tlb.js';
import { Stage2 } from '../a64/mmu-stage2.js';
import type { Stage1Regs } from '../a64/mmu-types.js';
import { CpuGuestMemory } from './memory.js';
import { GenericTimer } from './timer.js';
import { isSimdFpEncoding } from './observe.js';
import { printk } from '../../hypervisor/core/printk.js';
import { addressTranslate } from './address-translate.js';
import { mpidrEl1 } from '../../../shared/arm64/mpidr.js';

/** Why a slice ended. */
export type SliceEnd =
  | { kind: 'running' }
  /** WFI: wait for an interrupt. */
  | { kind: 'wfi' }
  /** WFE with the event register clear: wait for an event (SEV) or an interrupt. */
  | { kind: 'wfe' }
  /** The instruction budget is spent. */
  | { kind: 'budget' }
  /** The hypervisor decided what this CPU does next (park, reset). */
  | { kind: 'action'; action: CpuAction };

/** PSTATE.I in A64State.daif. */
const DAIF_I = 0x80;
/** Longest run of guest instructions between two checks for a posted interrupt or a due timer. */
export const EVENT_CHECK_INSNS = 1000;
/**
 * The window runSlice gives the translator between two checks: a block that starts inside it
 * runs whole (Translator.run's overshoot), so a window ends at most MAX_BLOCK - 1 instructions
 * past this, within EVENT_CHECK_INSNS.
 */
const EVENT_WINDOW = EVENT_CHECK_INSNS - (MAX_BLOCK - 1);
/**
 * A block start runs in the interpreter on its first entry and is translated after the
 * second (Translator.hotAfter): boot and init code that runs once is never translated, and an
 * interrupt path is not translated while the guest is timing it.
 */
const HOT_AFTER = 2;

/** The EL1 GIC CPU-interface registers served by the (virtual) CPU interface. */
const ICC_REGS = new Set<string>([
  'ICC_IAR1_EL1', 'ICC_EOIR1_EL1', 'ICC_DIR_EL1', 'ICC_PMR_EL1', 'ICC_CTLR_EL1', 'ICC_IGRPEN1_EL1', 'ICC_BPR1_EL1',
  'ICC_RPR_EL1', 'ICC_HPPIR1_EL1', 'ICC_SRE_EL1', 'ICC_AP1R0_EL1', 'ICC_IAR0_EL1', 'ICC_EOIR0_EL1', 'ICC_HPPIR0_EL1',
  'ICC_BPR0_EL1', 'ICC_IGRPEN0_EL1', 'ICC_AP0R0_EL1',
]);

/** The SGI generation registers: a write traps to EL2 under the hypervisor. */
const SGI_GENERATION = new Set<string>(['ICC_SGI1R_EL1', 'ICC_SGI0R_EL1', 'ICC_ASGI1R_EL1']);

/** SCTLR_EL1.A: alignment checking of ordinary loads and stores. */
const SCTLR_A = 2n;

function stage1Regs(s: A64State): Stage1Regs {
  return {
    SCTLR_EL1: s.sysreg(KEY.SCTLR_EL1),
    TCR_EL1: s.sysreg(KEY.TCR_EL1),
    TTBR0_EL1: s.sysreg(KEY.TTBR0_EL1),
    TTBR1_EL1: s.sysreg(KEY.TTBR1_EL1),
    MAIR_EL1: s.sysreg(KEY.MAIR_EL1),
  };
}

/** The trap frame over the interpreter's registers. */
class StateRegs implements TrapRegs {
  /** The register file's 32-bit halves: MMIO emulation reads and writes them directly. */
  readonly words: Uint32Array;
  constructor(private readonly s: A64State) {
    this.words = s.r32;
  }
  get(n: number): bigint {
    return n >= 31 ? 0n : this.s.x[n]!;
  }
  set(n: number, value: bigint): void {
    if (n < 31) this.s.x[n] = BigInt.asUintN(64, value);
  }
}

export class GuestEngine {
  state = new A64State();
  /** Runs the guest code: translated blocks, with the reference interpreter as fallback. */
  jit: Translator;
  readonly tlb: SoftTlb;
  readonly mem: CpuGuestMemory;
  readonly timer: GenericTimer;
  readonly hooks: InterpHooks;
  /** Instructions retired since the last reset. */
  retired = 0;
  /** Stop after this many retired instructions (0 = no limit). */
  budget = 0;
  private eventRegister = false;
  private regs: StateRegs;
  /** The trap frame stage2Trap reuses (traps are taken one at a time on this CPU). */
  private readonly trapCtx: TrapContext;
  /** Instruction words already reported as UNDEFINED (reportUndefined). */
  private readonly undefinedSeen = new Set<number>();
  /** What a trap inside translated code decided for this CPU. */
  private trapEnd: SliceEnd | undefined = undefined;

  constructor(private readonly c: HvCpuContext) {
    this.timer = new GenericTimer(c.board.timer_hz);
    this.tlb = new SoftTlb(c.mem, stage1Regs(this.state), new Stage2(c.mem, null));
    this.mem = new CpuGuestMemory(c.mem, this.tlb);
    this.regs = new StateRegs(this.state);
    this.trapCtx = { esr: 0, regs: this.regs, far: 0, hpfar: 0, elr: 0, pstate: () => this.trapPstate() };
    const mpidr = mpidrEl1(c.topo[c.cpu]!.mpidr);
    this.hooks = {
      mpidr: () => mpidr,
      timerRead: (reg) => this.timer.read(reg),
      timerWrite: (reg, v) => this.timer.write(reg, v),
      maintenance: (op) => this.maintenance(op),
      irqPending: () => this.c.gicc.vSignalled(),
      translationRegsWritten: () => {
        this.tlb.setRegs(stage1Regs(this.state));
        this.jit.setStrictAlign((this.state.sysreg(KEY.SCTLR_EL1) & SCTLR_A) !== 0n);
      },
    };
    this.mem.onWrite = (pa, size) => this.jit.noteWrite(pa, size);
    this.jit = this.newTranslator();
  }

  private newTranslator(): Translator {
    const jit = new Translator(this.state, this.mem, this.hooks, this.c.mem, this.tlb, HOT_AFTER);
    jit.setTrap(() => this.stage2Trap(), this.trapCtx);
    return jit;
  }

  /**
   * A stage-2 data abort with a valid syndrome taken by translated code, which wrote ESR, FAR
   * and HPFAR into trapCtx: the same exit to EL2 as toEl2(), without building the interpreter's
   * exception first.
   */
  private stage2Trap(): number {
    const hv = this.c.hv;
    if (!hv) return 0;
    const t = this.trapCtx;
    t.regs = this.regs;
    const out = archHandleTrap(hv, t);
    if (out.left) this.tlb.setStage2(null);
    if (out.action.kind === 'resume') return out.skip ? TRAP_RESUME : TRAP_STOP;
    this.trapEnd = { kind: 'action', action: out.action };
    return out.skip ? TRAP_STOP_SKIP : TRAP_STOP;
  }

  /**
   * CPU reset into guest code (cell start, PSCI CPU_ON, the harness): AArch64 EL1h, all
   * exceptions masked, MMU off, pc = entry, x0 = context; translation through `stage2`.
   */
  reset(entry: number, x0: bigint, stage2: PageTable | null): void {
    this.state = new A64State();
    this.regs = new StateRegs(this.state);
    this.state.pc = entry;
    this.state.x[0] = BigInt.asUintN(64, x0);
    this.eventRegister = false;
    this.timer.reset();
    this.tlb.setRegs(stage1Regs(this.state));
    this.tlb.setStage2(stage2);
    this.jit = this.newTranslator();
    this.retired = 0;
  }

  /** Runs up to `max` instructions, trapping to the hypervisor under this CPU (c.hv), if any. */
  runSlice(max: number, wakeGen?: number): SliceEnd {
    this.takeFlushRequest();
    this.takeVirtualIrq();
    let left = max;
    if (this.budget > 0) left = Math.min(left, this.budget - this.retired);
    const c = this.c;
    while (left > 0) {
      // A remote TLBI ...IS or flush_vcpu_caches is taken between two windows too.
      this.takeFlushRequest();
      // Short runs, so an interrupt posted to this CPU (its wake word moved) or a timer that
      // became due is taken within EVENT_CHECK_INSNS instructions, not at the end of the slice.
      // A window may end past its size (a block runs whole) unless the instruction budget
      // (--max-instructions) ends there, which must stop exactly.
      const window = Math.min(left, EVENT_WINDOW);
      const exact = this.budget > 0 && this.budget - this.retired - window < MAX_BLOCK;
      const executed = this.jit.run(window, !exact);
      this.retired += executed;
      left -= executed;
      if (left > 0 && wakeGen !== undefined && !this.jit.stopped && this.jit.exception === undefined &&
        (Atomics.load(c.wake.view, c.wake.index) !== wakeGen || this.timerDue())) break;
      if (this.jit.stopped) {
        // Translated code exited to EL2 (stage2Trap) and the hypervisor stopped this CPU.
        const end = this.trapEnd;
        this.trapEnd = undefined;
        if (end) return end;
        // Resumed at the instruction itself: end the slice so the actor checks for events.
        break;
      }
      const result = this.jit.exception;
      // The window ran to its end: the next one, until the slice is used up.
      if (result === undefined) {
        if (executed > 0) continue;
        break;
      }
      const end = this.exception(this.c.hv, result);
      if (end) return end;
      // An exception taken retires nothing but still uses up the slice: code that faults in a
      // loop (an undefined instruction at its own vector) must not keep the CPU from its events.
      left--;
      this.exceptionsTaken++;
    }
    if (this.budget > 0 && this.retired >= this.budget) return { kind: 'budget' };
    return { kind: 'running' };
  }

  /** Exceptions taken to EL1 by guest code (each costs a unit of a slice, as an instruction does). */
  exceptionsTaken = 0;

  /** The deadline the slice last ended for (so a fired timer ends one slice, not every one). */
  private timerSeen = Infinity;

  /** A timer reached its deadline since the last check (the actor then samples the PPI lines). */
  private timerDue(): boolean {
    const at = this.timer.fireAt();
    // fireAt is a little early (the counter is floored): a deadline counts as seen only once
    // the timer's line is really up, or the slice would run on past it.
    if (at === Infinity || at === this.timerSeen || now() < at || !this.timer.firing()) return false;
    this.timerSeen = at;
    return true;
  }

  /** The virtual IRQ line (a deliverable LR) with PSTATE.I clear: the guest takes its IRQ vector. */
  takeVirtualIrq(): void {
    const s = this.state;
    if ((s.daif & DAIF_I) === 0 && this.c.gicc.vSignalled()) takeException(s, 'irq', undefined, s.pc);
  }

  /** A pending TLB_FLUSH request (remote TLBI ...IS, flush_vcpu_caches) drops the software TLB. */
  private takeFlushRequest(): void {
    const c = this.c;
    if (Atomics.load(c.cpus, c.my(CpuWord.TLB_FLUSH)) && Atomics.exchange(c.cpus, c.my(CpuWord.TLB_FLUSH), 0)) {
      this.tlb.flushAll();
      this.jit.invalidateAll();
    }
  }

  /** Completes an exception result; a SliceEnd when the slice must end. */
  private exception(hv: Hv | undefined, r: StepException): SliceEnd | undefined {
    const s = this.state;
    switch (r.type) {
      case 'hvc':
      case 'smc':
        return this.toEl2(hv, r);
      case 'sysreg':
        // Under Jailhouse only ICC_SGI1R_EL1 traps to EL2 (ICH_HCR_EL2.TC is clear): the rest of
        // the GIC CPU interface is served by the virtual interface (ICV_*) without an exit.
        // ICC_SGI0R_EL1 and ICC_ASGI1R_EL1 writes trap too (HCR_EL2.FMO/IMO): Jailhouse handles
        // only ICC_SGI1R_EL1 and panic-parks the CPU on the others.
        if (!r.read && r.name !== null && SGI_GENERATION.has(r.name)) return this.toEl2(hv, r);
        if (r.name !== null && ICC_REGS.has(r.name)) {
          const reg = r.name as IccReg;
          if (r.read) retire(s, r, this.c.gicc.readIcc(reg));
          else {
            this.c.gicc.writeIcc(reg, r.rt === 31 ? 0n : s.x[r.rt]!);
            retire(s, r);
          }
          this.retired++;
          return undefined;
        }
        deliverToGuest(s, r);
        return undefined;
      case 'dataAbort':
      case 'instructionAbort':
        if (r.fault.fault === 'stage2') return this.toEl2(hv, r);
        deliverToGuest(s, r);
        return undefined;
      case 'wfi':
      case 'wfe':
        if (r.trapToEl1) {
          deliverToGuest(s, r);
          return undefined;
        }
        retire(s, r);
        if (r.type === 'wfe' && this.eventRegister) {
          this.eventRegister = false;
          return undefined;
        }
        this.retired++;
        return { kind: r.type };
      case 'sev':
        retire(s, r);
        this.retired++;
        this.eventRegister = true;
        for (let cpu = 0; cpu < this.c.nr; cpu++) if (cpu !== this.c.cpu) this.c.kick(cpu);
        return undefined;
      case 'sevl':
        retire(s, r);
        this.retired++;
        this.eventRegister = true;
        return undefined;
      case 'yield':
        retire(s, r);
        this.retired++;
        return undefined;
      case 'undefined':
        this.reportUndefined(hv, r.word, r.pc);
        deliverToGuest(s, r);
        return undefined;
      case 'eret':
        // An illegal return leaves PSTATE.IL set: the instruction at ELR_EL1 takes the Illegal
        // Execution State exception before it executes (taken here, at once).
        if (!eret(s)) deliverToGuest(s, { kind: 'exception', pc: s.pc, type: 'illegalState' });
        this.retired++;
        this.takeVirtualIrq();
        return undefined;
      default:
        deliverToGuest(s, r);
        return undefined;
    }
  }

  /**
   * A jhsim diagnostic (not a Jailhouse message), once per instruction word on this CPU: the
   * guest is about to take an UNDEFINED exception for `word`, which the engine does not decode
   * (unallocated, or not implemented: FP/SIMD above all). Guests often spin in their vector then.
   */
  private reportUndefined(hv: Hv | undefined, word: number, pc: number): void {
    // UDF #imm16 (bits 31:16 zero) is UNDEFINED on purpose: nothing to report.
    if (!hv || word >>> 16 === 0 || this.undefinedSeen.has(word)) return;
    this.undefinedSeen.add(word);
    const what = isSimdFpEncoding(word) ? 'an FP/Advanced SIMD encoding the engine does not implement' : 'unallocated, or not implemented by the engine';
    printk(hv, `jhsim: CPU ${this.c.cpu}: UNDEFINED instruction 0x${(word >>> 0).toString(16).padStart(8, '0')} at 0x${pc.toString(16)} (${what}); the guest takes it at its EL1 vector\n`);
  }

  /** SPSR_EL2 and SP of the guest as a trap leaves them (for the hypervisor's FATAL dump). */
  private trapPstate(): { spsr: number; sp: bigint } {
    const s = this.state;
    return { spsr: s.pstate(), sp: s.el === 0 ? s.spEl0 : s.spEl1 };
  }

  /** An exit to EL2: ESR/FAR/HPFAR from the result, then arch_handle_trap on this CPU. */
  private toEl2(hv: Hv | undefined, r: StepException): SliceEnd | undefined {
    const syn = el2Syndrome(r);
    if (!hv || !syn) {
      // No hypervisor underneath: HVC/SMC are UNDEFINED at EL1 without EL2/EL3 handlers.
      deliverToGuest(this.state, r);
      return undefined;
    }
    const t: TrapContext = {
      esr: Number(syn.esr),
      regs: this.regs,
      far: syn.far ?? 0,
      hpfar: syn.hpfar === undefined ? 0 : Number(syn.hpfar),
      // ELR_EL2: HVC's preferred return is the next instruction; the others' is the instruction.
      elr: r.type === 'hvc' ? r.pc + 4 : r.pc,
      pstate: () => this.trapPstate(),
    };
    const out = archHandleTrap(hv, t);
    // HVC returns past itself; SMC, sysreg and handled aborts are skipped by the hypervisor.
    if (r.type === 'hvc' || out.skip) {
      this.state.pc = r.pc + 4;
      this.retired++;
    }
    if (out.left) this.tlb.setStage2(null);
    if (out.action.kind !== 'resume') return { kind: 'action', action: out.action };
    return undefined;
  }

  /**
   * AT (PAR_EL1 from a stage-1 walk); TLBI (local, or broadcast for the inner-shareable forms);
   * IC drops translated code (IVAU and IALLUIS on every CPU: they are broadcast); DC is coherent
   * here: nothing to do.
   */
  private maintenance(op: MaintenanceOp): bigint | undefined {
    const name = op.name;
    if (op.kind === 'AT') return addressTranslate(this.tlb, name, op.value);
    if (op.kind === 'IC') {
      this.jit.invalidateAll();
      if (name !== 'IALLU') this.requestFlushOthers();
      return undefined;
    }
    if (op.kind !== 'TLBI') return undefined;
    if (name.startsWith('VA')) this.tlb.flushVa(SoftTlb.tlbiOperandVa(op.value));
    else this.tlb.flushAll();
    if (name.endsWith('IS')) this.requestFlushOthers();
    return undefined;
  }

  /** Sets every other CPU's TLB_FLUSH request: software TLB and translated code go before its next slice. */
  private requestFlushOthers(): void {
    const c = this.c;
    for (let cpu = 0; cpu < c.nr; cpu++) if (cpu !== c.cpu) Atomics.store(c.cpus, cpuWord(cpu, CpuWord.TLB_FLUSH), 1);
  }
}
