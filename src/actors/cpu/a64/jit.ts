/**
 * The BLOCK TRANSLATOR: runs guest code as JavaScript functions, one per basic block, generated
 * from the decoded instructions (jit-emit.ts) and compiled by V8, with the reference interpreter
 * (interp.ts) as the oracle and the fallback for everything else.
 *
 * A block starts at a VA, lies inside one 4 KiB page, and ends at the first branch (included),
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
 */
import type { PhysicalMemory } from '../../../shared/phys-mem.js';
import { decodeCached, execute, step } from './interp.js';
import type { Insn } from './insn.js';
import type { GuestMemory, InterpHooks, StepException } from './interp-types.js';
import { accessFor } from './interp-mem.js';
import { condExpr, emit, putConst } from './jit-emit.js';
import { emitSimd } from './jit-simd.js';
import { FastMem, type CodeMap, writesCode } from './jit-mem.js';
import { TLB_FAULT, type SoftTlb } from './mmu-tlb.js';
import { ACC_FETCH } from './mmu-types.js';
import { type A64State, DAIF_I, RegWord, fromVa, toVa, vaOfAddr } from './state.js';

const PAGE = 4096;
const TWO32 = 0x1_0000_0000;
/** Longest block, in instructions. */
export const MAX_BLOCK = 64;

/**
 * Compiled block: fn(s, R, M, X, limit) → instructions retired, s.pc set; M.bail = 1 when it
 * handed the instruction at s.pc to the interpreter, 2 when a trap stopped the CPU.
 */
type BlockFn = (s: A64State, R: Uint32Array, M: FastMem, X: JitRuntime, limit: number) => number;

interface Block {
  fn: BlockFn;
  /** Instructions in one pass. */
  n: number;
  /** Physical page it was read from, and the TLB generation / EL that was checked. */
  ppage: number;
  gen: number;
  el: number;
}

/** Interpreter-only marker: the instruction at this VA always runs in the interpreter. */
const INTERP = null;

/** Ops that always run in the interpreter and end a block before them. */
const LEAVES = new Set<Insn['op']>(['EXCEPTION', 'HINT', 'BARRIER', 'MSR_IMM', 'MRS', 'MSR_REG', 'SYS', 'SYSL', 'ERET', 'UNDEFINED']);

/** ESR_EL2 of a data abort from a lower EL with IL = 1 (EC 0x24 << 26 | 1 << 25), ISS to be or'ed in. */
const ESR_DABT_LOWER = 0x9200_0000;

/** ESR_EL2, FAR_EL2 and HPFAR_EL2 as a stage-2 data abort sets them (HPFAR: FIPA in bits 43:4). */
export interface El2FaultRegs {
  esr: number;
  far: number;
  hpfar: number;
  /** ELR_EL2: the faulting instruction. */
  elr: number;
}

/**
 * An exit to EL2 for a stage-2 data abort with a valid syndrome, taken by translated code after
 * it wrote the syndrome registers (the El2FaultRegs given to setTrap). Returns 0 when there is
 * no exit to take (no hypervisor: the interpreter then delivers the abort), else what the
 * hypervisor decided: TRAP_RESUME (access emulated, the instruction is complete),
 * TRAP_STOP_SKIP / TRAP_STOP (this CPU stops, past or at the instruction).
 */
export type Stage2Trap = () => number;
export const TRAP_RESUME = 1;
export const TRAP_STOP_SKIP = 2;
export const TRAP_STOP = 3;

/** Helpers the generated code calls (X). */
export class JitRuntime {
  lo = 0;
  hi = 0;
  /** The exit to EL2 (none without a hypervisor: the interpreter then delivers the abort). */
  trap: Stage2Trap | undefined = undefined;
  /**
   * The syndrome registers the exit reads. Written in place rather than passed: an ESR above
   * 2^30 is no small integer to V8, and would be boxed on every call.
   */
  el2: El2FaultRegs = { esr: 0, far: 0, hpfar: 0, elr: 0 };
  constructor(
    private readonly s: A64State,
    /** The guest's memory as the interpreter sees it (FP/SIMD closures access it directly). */
    readonly mem: GuestMemory,
    private readonly hooks: InterpHooks,
    private readonly fast: FastMem,
  ) {}

  /**
   * A load or store with syndrome `syn` (ISS without DFSC) that FastMem could not serve: if it
   * takes a stage-2 fault, the exit to EL2 happens here; 0 = not a stage-2 fault, the
   * interpreter does the access.
   */
  dabt(va: number, size: number, write: boolean, syn: number, el: number, pc: number): number {
    const trap = this.trap;
    if (trap === undefined) return 0;
    const fast = this.fast;
    if (!fast.stage2Fault(va, size, write, el)) return 0;
    const r = this.el2;
    r.esr = (ESR_DABT_LOWER | syn | fast.faultFsc) >>> 0;
    r.far = va;
    r.hpfar = fast.faultIpaPage * 16;
    r.elr = pc;
    return trap();
  }

  /** The reference interpreter for one instruction at pc (s.pc = pc); false: it did not complete. */
  exec(i: Insn, pc: number, word: number): boolean {
    return execute(this.s, this.mem, this.hooks, i, pc, word).kind === 'ok';
  }

  /** Exact VA of X[n] when the halves' number is not exact. */
  va(n: number): number {
    const x = this.s.x[n]!;
    return vaOfAddr(this.s, x) ?? toVa(x);
  }

  bswap(v: number): number {
    return (((v & 0xff) << 24) | ((v & 0xff00) << 8) | ((v >>> 8) & 0xff00) | (v >>> 24)) >>> 0;
  }

  /** (lo, hi) = a × b, unsigned 32 × 32 → 64 (signed operands when `signed`). */
  mul32(a: number, b: number, signed: boolean): void {
    const al = a & 0xffff;
    const ah = a >>> 16;
    const bl = b & 0xffff;
    const bh = b >>> 16;
    const mid = al * bh + ah * bl;
    const low = al * bl + (mid % 65536) * 65536;
    let h = ah * bh + Math.floor(mid / 65536) + Math.floor(low / TWO32);
    if (signed) {
      // Two's complement: subtract b·2^32 when a < 0 and a·2^32 when b < 0.
      if ((a | 0) < 0) h -= b;
      if ((b | 0) < 0) h -= a;
    }
    this.lo = low >>> 0;
    this.hi = h >>> 0;
  }

  /** (lo, hi) = low 64 bits of (a1:a0) × (b1:b0). */
  mul64(a0: number, a1: number, b0: number, b1: number): void {
    this.mul32(a0, b0, false);
    this.hi = (this.hi + Math.imul(a0, b1) + Math.imul(a1, b0)) >>> 0;
  }

  /** (lo, hi) = 64-bit LSL/LSR/ASR/ROR (kind 0..3) of (x1:x0) by k (0..63). */
  shift64(kind: number, x0: number, x1: number, k: number): void {
    if (k === 0) {
      this.lo = x0;
      this.hi = x1;
      return;
    }
    switch (kind) {
      case 0:
        if (k < 32) { this.lo = (x0 << k) >>> 0; this.hi = ((x1 << k) | (x0 >>> (32 - k))) >>> 0; }
        else { this.lo = 0; this.hi = (x0 << (k - 32)) >>> 0; }
        return;
      case 1:
        if (k < 32) { this.lo = ((x0 >>> k) | (x1 << (32 - k))) >>> 0; this.hi = x1 >>> k; }
        else { this.lo = x1 >>> (k - 32); this.hi = 0; }
        return;
      case 2:
        if (k < 32) { this.lo = ((x0 >>> k) | (x1 << (32 - k))) >>> 0; this.hi = (x1 >> k) >>> 0; }
        else { this.lo = (x1 >> (k - 32)) >>> 0; this.hi = (x1 >> 31) >>> 0; }
        return;
      default:
        if (k < 32) { this.lo = ((x0 >>> k) | (x1 << (32 - k))) >>> 0; this.hi = ((x1 >>> k) | (x0 << (32 - k))) >>> 0; }
        else if (k === 32) { this.lo = x1; this.hi = x0; }
        else { this.lo = ((x1 >>> (k - 32)) | (x0 << (64 - k))) >>> 0; this.hi = ((x0 >>> (k - 32)) | (x1 << (64 - k))) >>> 0; }
    }
  }
}

/** Counters (diagnostics, benches, tests). */
export interface JitStats {
  /** Blocks compiled. */
  compiled: number;
  /** Instructions retired inside translated blocks. */
  translated: number;
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
  readonly fast: FastMem;
  private readonly rt: JitRuntime;
  /** Set when the last run() ended at a trap whose outcome stops the CPU (see setTrap). */
  stopped = false;
  readonly stats: JitStats = { compiled: 0, translated: 0, interpreted: 0, codeWrites: 0 };
  /** The exception that ended the last run(), if any. */
  exception: StepException | undefined;

  constructor(
    private readonly s: A64State,
    /** The guest's memory as the interpreter sees it (FP/SIMD closures access it directly). */
    readonly mem: GuestMemory,
    private readonly hooks: InterpHooks,
    phys: PhysicalMemory,
    private readonly tlb: SoftTlb,
  ) {
    this.fast = new FastMem(phys, tlb, this.codeMaps, (p) => this.dropPage(p));
    this.rt = new JitRuntime(s, mem, hooks, this.fast);
  }

  /** Drops every block (IC invalidation, reset, a flush request). */
  invalidateAll(): void {
    this.blocks.clear();
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
   * `exception`, state untouched by it, as the interpreter reports it).
   */
  run(max: number): number {
    const s = this.s;
    const R = s.r32;
    const M = this.fast;
    const X = this.rt;
    this.exception = undefined;
    this.stopped = false;
    let n = 0;
    while (n < max) {
      M.sync();
      const b = this.lookup(s.pc, s.el);
      if (b !== INTERP && b.n <= max - n) {
        const k = b.fn(s, R, M, X, max - n);
        n += k;
        this.stats.translated += k;
        if (M.bail === 0) continue;
        if (M.bail === 2) {
          M.bail = 0;
          this.stopped = true;
          return n;
        }
        M.bail = 0;
        if (n >= max) break;
      }
      const r = step(s, this.mem, this.hooks);
      if (r.kind !== 'ok') {
        this.exception = r;
        return n;
      }
      n++;
      this.stats.interpreted++;
      // System instructions run here, among them the ones that unmask IRQs (MSR DAIFClr/DAIF):
      // a pending interrupt is taken before the next instruction, as on hardware.
      if ((s.daif & DAIF_I) === 0 && this.hooks.irqPending?.()) {
        this.exception = { kind: 'exception', pc: s.pc, type: 'irq' };
        return n;
      }
    }
    return n;
  }

  private lookup(pc: number, el: number): Block | typeof INTERP {
    const b = this.blocks.get(pc);
    const gen = this.tlb.generation;
    if (b !== undefined && (b === INTERP || (b.gen === gen && b.el === el))) return b;
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
    const pageEnd = (Math.floor(pc / PAGE) + 1) * PAGE;
    for (let va = pc; va < pageEnd && insns.length < MAX_BLOCK; va += 4) {
      const word = this.mem.fetch(va, accessFor('fetch', el === 0 ? 0 : 1));
      if (typeof word !== 'number') break;
      const i = decodeCached(word);
      if (LEAVES.has(i.op)) break;
      insns.push({ i, word, pc: va });
      if (isBranch(i)) break;
    }
    if (insns.length === 0) {
      this.blocks.set(pc, INTERP);
      return INTERP;
    }
    const fn = build(insns, pc);
    const block: Block = { fn, n: insns.length, ppage, gen: this.tlb.generation, el };
    this.blocks.set(pc, block);
    this.watch(ppage, pc, insns.length);
    this.stats.compiled++;
    return block;
  }

  /** Marks the block's words in its page's code map (a new map drops FastMem's write entries). */
  private watch(ppage: number, pc: number, n: number): void {
    let map = this.codeMaps.get(ppage);
    if (map === undefined) {
      map = new Uint8Array(PAGE / 4);
      this.codeMaps.set(ppage, map);
      this.fast.flush();
    }
    const first = (((pc % PAGE) + PAGE) % PAGE) >> 2;
    map.fill(1, first, first + n);
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
    for (const va of this.pageBlocks.get(ppage) ?? []) this.blocks.delete(va);
    this.pageBlocks.delete(ppage);
    this.codeMaps.get(ppage)?.fill(0);
  }
}

function isBranch(i: Insn): boolean {
  return i.op === 'B' || i.op === 'B_COND' || i.op === 'CB' || i.op === 'TB' || i.op === 'BR_REG';
}

/** The terminator: sets nx (next pc) from a branch (or falls through to pc + 4). */
function branch(i: Insn, pc: number): string {
  const next = pc + 4;
  switch (i.op) {
    case 'B':
      return (i.link ? putConst(30, fromVa(next)) : '') + `nx=${pc + i.offset};`;
    case 'B_COND':
      return `nx=${condExpr(i.cond)}?${pc + i.offset}:${next};`;
    case 'CB': {
      const r = i.rt === 31 ? '0' : i.sf ? `(R[${2 * i.rt}]|R[${2 * i.rt + 1}])` : `R[${2 * i.rt}]`;
      return `nx=(${r}${i.nonZero ? '!==' : '==='}0)?${pc + i.offset}:${next};`;
    }
    case 'TB': {
      const w = i.rt === 31 ? '0' : `R[${2 * i.rt + (i.bit >= 32 ? 1 : 0)}]`;
      return `nx=((${w}>>>${i.bit & 31})&1)${i.nonZero ? '!==' : '==='}0?${pc + i.offset}:${next};`;
    }
    case 'BR_REG': {
      const n = i.rn;
      let s = n === 31 ? 'nx=0;' : `nx=(R[${2 * n + 1}]|0)*4294967296+R[${2 * n}];if(!Number.isSafeInteger(nx))nx=X.va(${n});`;
      if (i.kind === 'BLR') s += putConst(30, fromVa(next));
      return s;
    }
    default:
      return `nx=${next};`;
  }
}

/**
 * Generates and compiles one block. The source keeps the instructions' decoded objects (I) and
 * words (W) for the interpreter calls.
 */
function build(insns: { i: Insn; word: number; pc: number }[], start: number): BlockFn {
  const n = insns.length;
  let body = '';
  insns.forEach(({ i, pc }, k) => {
    const bail = `s.pc=${pc};M.bail=1;return cnt+${k};`;
    const stop = (skip: boolean): string => (skip ? `s.pc=${pc + 4};M.bail=2;return cnt+${k + 1};` : `s.pc=${pc};M.bail=2;return cnt+${k};`);
    if (k === n - 1 && isBranch(i)) {
      body += branch(i, pc);
      return;
    }
    // FP/SIMD: inline for the forms jit-simd.ts knows, else the decoded closure itself, no
    // interpreter dispatch; with FP trapped or on a fault (state untouched) the interpreter
    // redoes it and reports the exception.
    const slow = `if(I[${k}].exec(s,X.mem,${pc})!==undefined){${bail}}`;
    const code = i.op === 'SIMD'
      ? emitSimd(i, { pc, bail, stop, slow }) ?? `if(!s.fpAllowed()){${bail}}${slow}`
      : emit(i, { pc, bail, stop });
    if (code !== null) body += code;
    else body += `s.pc=${pc};if(!X.exec(I[${k}],${pc},${insns[k]!.word})){s.pc=${pc};M.bail=1;return cnt+${k};}`;
    if (k === n - 1) body += `nx=${pc + 4};`;
  });
  const src =
    `return function block_${start < 0 ? 'm' : ''}${Math.abs(start).toString(16)}(s,R,M,X,limit){` +
    'let cnt=0,a0=0,a1=0,b0=0,b1=0,r0=0,r1=0,t0=0,t1=0,c=0,o=0,va=0,nx=0,d=M.dv;' +
    `const SP=s.el===0||s.spsel===0?${RegWord.SP_EL0}:${RegWord.SP_EL1},EL=s.el,V=s.v32;` +
    `for(;;){${body}cnt+=${n};` +
    `if(nx===${start}&&cnt+${n}<=limit)continue;s.pc=nx;return cnt;}}`;
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- the translator's whole point
  return new Function('I', src)(insns.map((x) => x.i)) as BlockFn;
}
