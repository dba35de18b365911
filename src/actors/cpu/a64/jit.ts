/**
 * The BLOCK TRANSLATOR: runs guest code as JavaScript functions, one per basic block, generated
 * from the decoded instructions (jit-emit.ts) and compiled by V8, with the reference interpreter
 * (interp.ts) as the oracle and the fallback for everything else.
 *
 * A block starts at a VA, lies inside one 4 KiB page, and ends at the first branch (included;
 * a conditional branch forward inside the page is a side exit instead, and a direct B/BL is
 * followed),
 * before the first instruction that may leave the instruction stream or change how the next one
 * is translated (exception generation, hints such as WFI, barriers, system register and SYS
 * accesses, ERET, UNDEFINED: those always run in the interpreter), or after 64 instructions.
 * Other instructions the emitter does not translate (exclusives, atomics, rare ALU forms) call
 * the interpreter from inside the block; FP/Advanced SIMD instructions call their decoded
 * closure (simd/) directly, but for the loads, stores and moves jit-simd.ts inlines. A block
 * whose last branch goes back to its own start loops inside the function while the
 * instruction budget allows, so a tight loop costs one call per slice. Loads and stores go
 * through FastMem; anything it cannot serve hands that one instruction to the interpreter
 * (`bail`), which performs it or reports its exception with the exact syndrome, so the
 * architectural results are those of the interpreter.
 *
 * Validity. Blocks are keyed by VA and remember the physical page they were read from: after
 * any TLB change (TLBI, translation registers, stage-2 switch) a block is re-checked against a
 * fresh translation before it runs again. Stores by this CPU into an instruction of a block drop
 * that page's blocks; IC IALLU/IVAU and CPU reset drop everything (other CPUs' code writes need
 * the architectural IC maintenance, which broadcasts a flush request: see the guest engine).
 *
 * Files: this one decides what a block holds, finds, chains and drops blocks, and dispatches;
 * jit-build.ts generates a block's function, jit-emit.ts (with jit-emit-mem.ts and
 * jit-emit-operands.ts) / jit-simd.ts an instruction's code,
 * jit-runtime.ts holds the helpers that code calls, jit-mem.ts the loads and stores (FastMem).
 */
import type { PhysicalMemory } from '../../../shared/phys-mem.js';
import { decodeCached, step } from './interp.js';
import type { Insn } from './insn.js';
import type { GuestMemory, InterpHooks, StepException } from './interp-types.js';
import { accessFor } from './interp-mem.js';
import { type BlockFn, build, isBranch, isSideExit } from './jit-build.js';
import type { El2FaultRegs } from '../../../shared/arm64/fault-regs.js';
import { JitRuntime, type Stage2Trap } from './jit-runtime.js';
import { FastMem, type CodeMap, writesCode } from './jit-mem.js';
import { TLB_FAULT, type SoftTlb } from './mmu-tlb.js';
import { ACC_FETCH } from './mmu-types.js';
import { type A64State, DAIF_I } from './state.js';

const PAGE = 4096;
/** Longest block, in instructions. */
export const MAX_BLOCK = 64;

interface Block {
  fn: BlockFn;
  /** Instructions in one pass. */
  n: number;
  /** Physical page it was read from, and the TLB generation / EL that was checked. */
  ppage: number;
  gen: number;
  el: number;
  /**
   * Chaining: the last two blocks that followed this one and their VAs, so going from block to
   * block needs no map lookup. A cached successor is used only while its gen and el still match
   * (a dropped block gets gen -1).
   */
  s0: Block | undefined;
  p0: number;
  s1: Block | undefined;
  p1: number;
}

/** Interpreter-only marker: the instruction at this VA always runs in the interpreter. */
const INTERP = null;
/** Not translated yet (see Translator.hotAfter): the interpreter runs this entry. */
const COLD = 0;
/** Cold instructions after which the queued blocks are translated without waiting for a quiet point. */
const MAX_COLD_RUN = 1000;
/** interpretOne's outcomes. */
const STEP_ON = 0;
const STOP = 1;
const STOP_RETIRED = 2;

/** Ops that always run in the interpreter and end a block before them. */
const LEAVES = new Set<Insn['op']>(['EXCEPTION', 'HINT', 'BARRIER', 'MSR_IMM', 'MRS', 'MSR_REG', 'SYS', 'SYSL', 'ERET', 'UNDEFINED']);

/** Counters (diagnostics, benches, tests). */
export interface JitStats {
  /** Blocks compiled. */
  compiled: number;
  /** Instructions retired inside translated blocks. */
  translated: number;
  /**
   * Translated blocks entered from the dispatcher (a block that loops inside its function
   * counts once per call, a followed direct branch or side exit adds nothing).
   */
  blocks: number;
  /** Instructions the interpreter ran (cold starts, leaves, bails). */
  interpreted: number;
  /** Pages whose blocks were dropped by a store into their code. */
  codeWrites: number;
}

export class Translator {
  private readonly blocks = new Map<number, Block | typeof INTERP>();
  private readonly codeMaps = new Map<number, CodeMap>();
  /** VAs of the blocks read from each physical page. */
  private readonly pageBlocks = new Map<number, number[]>();
  /** Entries of each block start not translated yet, and the starts waiting for translation. */
  private readonly heat = new Map<number, number>();
  private readonly queued: { pc: number; el: number }[] = [];
  /** Instructions interpreted as cold code since the queue was last drained. */
  private coldRun = 0;
  readonly fast: FastMem;
  private readonly rt: JitRuntime;
  /** Set when the last run() ended at a trap whose outcome stops the CPU (see setTrap). */
  stopped = false;
  readonly stats: JitStats = { compiled: 0, translated: 0, blocks: 0, interpreted: 0, codeWrites: 0 };
  /** The exception that ended the last run(), if any. */
  exception: StepException | undefined;

  constructor(
    private readonly s: A64State,
    /** The guest's memory as the interpreter sees it (FP/SIMD closures access it directly). */
    readonly mem: GuestMemory,
    private readonly hooks: InterpHooks,
    phys: PhysicalMemory,
    private readonly tlb: SoftTlb,
    /**
     * Entries of a block start that the interpreter runs before the block is translated (0:
     * translate at first sight). Code that runs once (boot, init) is never translated, and a
     * block that became hot is translated at the next quiet point (the end of run()'s budget,
     * WFI/WFE) rather than in the middle of, say, an interrupt handler: translating ten
     * blocks of a cold path costs a millisecond, which a guest measuring its interrupt
     * latency would see.
     */
    private readonly hotAfter = 0,
  ) {
    this.fast = new FastMem(phys, tlb, this.codeMaps, (p) => this.dropPage(p));
    this.rt = new JitRuntime(s, mem, hooks, this.fast);
  }

  /** Drops every block (IC invalidation, reset, a flush request). */
  invalidateAll(): void {
    for (const b of this.blocks.values()) if (b !== INTERP) b.gen = -1;
    this.blocks.clear();
    this.heat.clear();
    this.queued.length = 0;
    this.codeMaps.clear();
    this.pageBlocks.clear();
    this.fast.flush();
  }

  /**
   * Lets translated code exit to EL2 directly on stage-2 data aborts with a valid syndrome,
   * writing the syndrome into `regs` before it calls `trap`.
   */
  setTrap(trap: Stage2Trap | undefined, regs: El2FaultRegs): void {
    this.rt.trap = trap;
    this.rt.el2 = regs;
  }

  /** SCTLR_EL1.A changed (or may have): cached alignment decisions go. */
  setStrictAlign(strict: boolean): void {
    if (strict !== this.fast.strictAlign) {
      this.fast.strictAlign = strict;
      this.fast.flush();
    }
  }

  /**
   * Runs up to max instructions; returns how many retired. Stops early at an exception (in
   * `exception`, state untouched by it, as the interpreter reports it). With `overshoot`, max is
   * a window rather than a budget: a translated block (or a cold one in the interpreter) that
   * starts inside it runs whole, so up to MAX_BLOCK - 1 instructions more retire. Without it, a
   * block longer than what is left of max gives way to the interpreter, one instruction at a
   * time, and the next run starts in the middle of the block: at every window's end that costs
   * interpreted instructions, and a new translated block for the new start.
   */
  run(max: number, overshoot = false): number {
    const s = this.s;
    const R = s.r32;
    const M = this.fast;
    const X = this.rt;
    this.exception = undefined;
    this.stopped = false;
    let n = 0;
    let prev: Block | undefined;
    while (n < max) {
      M.sync();
      const pc = s.pc;
      let b: Block | typeof INTERP | typeof COLD | undefined;
      if (prev !== undefined) {
        b = successor(prev, pc, this.tlb.generation, s.el);
        if (b === undefined) {
          b = this.lookup(pc, s.el);
          if (b !== INTERP && b !== COLD) chain(prev, pc, b);
        }
        prev = undefined;
      } else {
        b = this.lookup(pc, s.el);
      }
      if (b === COLD) {
        // Cold code: the interpreter runs the block, up to the first change of control flow.
        const k = this.interpretBlock(overshoot ? MAX_BLOCK : max - n);
        n += k.n;
        if (k.stop) return n;
        // A long stretch in the interpreter is no short path being timed: translate now.
        if ((this.coldRun += k.n) >= MAX_COLD_RUN) this.compileQueued();
        continue;
      }
      if (b !== INTERP && (b.n <= max - n || overshoot)) {
        let cur: Block = b;
        let k = cur.fn(s, R, M, X, max - n);
        n += k;
        let translated = k;
        let entered = 1;
        // The hot path: a cached successor runs straight after its block, without the checks
        // above, while nothing that they guard changed (no bail; the TLB generation and the EL
        // the successor was checked for are still current, so FastMem needs no sync either).
        while (M.bail === 0 && n < max) {
          const nb = successor(cur, s.pc, this.tlb.generation, s.el);
          if (nb === undefined || (nb.n > max - n && !overshoot)) break;
          cur = nb;
          k = cur.fn(s, R, M, X, max - n);
          n += k;
          translated += k;
          entered++;
        }
        b = cur;
        this.stats.translated += translated;
        this.stats.blocks += entered;
        if (M.bail === 0) {
          prev = b;
          continue;
        }
        if (M.bail === 2) {
          M.bail = 0;
          this.stopped = true;
          return n;
        }
        M.bail = 0;
        if (n >= max) break;
      }
      const r = this.interpretOne();
      if (r !== STEP_ON) return r === STOP_RETIRED ? n + 1 : n;
      n++;
    }
    this.compileQueued();
    return n;
  }

  /**
   * One instruction in the interpreter. run() goes on (STEP_ON), or stops at an exception (in
   * `exception`) that retired nothing (STOP) or at a pending IRQ the instruction just unmasked
   * (STOP_RETIRED).
   */
  private interpretOne(): number {
    const s = this.s;
    this.fast.cw = 0;
    const r = step(s, this.mem, this.hooks);
    if (r.kind !== 'ok') {
      this.exception = r;
      if (r.type === 'wfi' || r.type === 'wfe') this.compileQueued();
      return STOP;
    }
    this.stats.interpreted++;
    // System instructions run here, among them the ones that unmask IRQs (MSR DAIFClr/DAIF):
    // a pending interrupt is taken before the next instruction, as on hardware.
    if ((s.daif & DAIF_I) === 0 && this.hooks.irqPending?.()) {
      this.exception = { kind: 'exception', pc: s.pc, type: 'irq' };
      return STOP_RETIRED;
    }
    return STEP_ON;
  }

  /** A cold block in the interpreter, until control flow leaves the straight line (or `left` runs out). */
  private interpretBlock(left: number): { n: number; stop: boolean } {
    const s = this.s;
    let n = 0;
    while (n < left && n < MAX_BLOCK) {
      const pc = s.pc;
      const r = this.interpretOne();
      if (r !== STEP_ON) return { n: r === STOP_RETIRED ? n + 1 : n, stop: true };
      n++;
      if (s.pc !== pc + 4) break;
    }
    return { n, stop: false };
  }

  /** Translates the block starts that became hot (see hotAfter). */
  compileQueued(): void {
    this.coldRun = 0;
    for (const { pc, el } of this.queued) {
      this.heat.delete(pc);
      if (this.blocks.has(pc)) continue;
      const ppage = this.fetchPage(pc, el);
      if (ppage >= 0) this.compile(pc, el, ppage);
    }
    this.queued.length = 0;
  }

  private lookup(pc: number, el: number): Block | typeof INTERP | typeof COLD {
    const b = this.blocks.get(pc);
    const gen = this.tlb.generation;
    if (b !== undefined && (b === INTERP || (b.gen === gen && b.el === el))) return b;
    if (b === undefined && this.hotAfter > 0) {
      const h = (this.heat.get(pc) ?? 0) + 1;
      this.heat.set(pc, h);
      if (h === this.hotAfter) this.queued.push({ pc, el });
      return COLD;
    }
    const ppage = this.fetchPage(pc, el);
    if (ppage < 0) return INTERP; // the interpreter reports the instruction abort
    if (b !== undefined && b !== INTERP && b.ppage === ppage) {
      b.gen = gen;
      b.el = el;
      return b;
    }
    return this.compile(pc, el, ppage);
  }

  /** Physical page of an instruction fetch at va, or -1. */
  private fetchPage(va: number, el: number): number {
    if (!Number.isSafeInteger(va) || va % 4 !== 0) return -1;
    const pa = this.tlb.translateVa(va, ACC_FETCH, el === 0 ? 0 : 1);
    return pa === TLB_FAULT ? -1 : Math.floor(pa / PAGE);
  }

  private compile(pc: number, el: number, ppage: number): Block | typeof INTERP {
    const insns: { i: Insn; word: number; pc: number }[] = [];
    const page = Math.floor(pc / PAGE);
    const seen = new Set<number>();
    // A direct B or BL inside the block's page is followed (a superblock): the branch costs
    // nothing, and a loop split over two blocks by the compiler (test at the bottom, body behind
    // a forward branch) becomes one block that loops inside its function. A branch back into
    // the block ends it.
    for (let va = pc; Math.floor(va / PAGE) === page && insns.length < MAX_BLOCK;) {
      const word = this.mem.fetch(va, accessFor('fetch', el === 0 ? 0 : 1));
      if (typeof word !== 'number') break;
      const i = decodeCached(word);
      if (LEAVES.has(i.op)) break;
      insns.push({ i, word, pc: va });
      seen.add(va);
      if (i.op === 'B') {
        const target = va + i.offset;
        if (Math.floor(target / PAGE) !== page || seen.has(target) || insns.length === MAX_BLOCK) break;
        va = target;
        continue;
      }
      // A forward conditional branch inside the page becomes a side exit and the block goes on
      // with its fall-through (compilers lay out the likely path so): fewer, longer blocks.
      if (isSideExit(i, va, page)) {
        va += 4;
        continue;
      }
      if (isBranch(i)) break;
      va += 4;
    }
    if (insns.length === 0) {
      this.blocks.set(pc, INTERP);
      return INTERP;
    }
    const fn = build(insns, pc);
    const block: Block = { fn, n: insns.length, ppage, gen: this.tlb.generation, el, s0: undefined, p0: Number.NaN, s1: undefined, p1: Number.NaN };
    this.blocks.set(pc, block);
    this.watch(ppage, pc, insns);
    this.stats.compiled++;
    return block;
  }

  /** Marks the block's words in its page's code map (a new map drops FastMem's write entries). */
  private watch(ppage: number, pc: number, insns: readonly { pc: number }[]): void {
    let map = this.codeMaps.get(ppage);
    if (map === undefined) {
      map = new Uint8Array(PAGE / 4);
      this.codeMaps.set(ppage, map);
      this.fast.flush();
    }
    for (const x of insns) map[(((x.pc % PAGE) + PAGE) % PAGE) >> 2] = 1;
    const list = this.pageBlocks.get(ppage);
    if (list) list.push(pc);
    else this.pageBlocks.set(ppage, [pc]);
  }

  /** A store by the interpreter at physical address pa: drops the blocks it overwrites. */
  noteWrite(pa: number, size: number): void {
    if (this.codeMaps.size === 0) return;
    const ppage = Math.floor(pa / PAGE);
    const map = this.codeMaps.get(ppage);
    if (map === undefined) return;
    if (writesCode(map, pa - ppage * PAGE, size)) this.dropPage(ppage);
  }

  /** A store hit translated code in physical page ppage: its blocks go. */
  private dropPage(ppage: number): void {
    this.stats.codeWrites++;
    this.fast.cw = 1;
    for (const va of this.pageBlocks.get(ppage) ?? []) {
      const b = this.blocks.get(va);
      if (b) b.gen = -1;
      this.blocks.delete(va);
    }
    this.pageBlocks.delete(ppage);
    this.codeMaps.get(ppage)?.fill(0);
  }
}

/** `b`'s cached successor at `pc`, if it is still valid for the TLB generation `gen` and `el`. */
function successor(b: Block, pc: number, gen: number, el: number): Block | undefined {
  const next = b.p0 === pc ? b.s0 : b.p1 === pc ? b.s1 : undefined;
  return next !== undefined && next.gen === gen && next.el === el ? next : undefined;
}

/** Remembers `next` (at `pc`) as a successor of `b`, the older of its two entries making room. */
function chain(b: Block, pc: number, next: Block): void {
  if (b.p0 === pc) b.s0 = next;
  else if (b.p1 === pc) b.s1 = next;
  else {
    b.s1 = b.s0;
    b.p1 = b.p0;
    b.s0 = next;
    b.p0 = pc;
  }
}
