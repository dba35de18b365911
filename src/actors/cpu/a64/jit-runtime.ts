/**
 * The helpers translated code calls (X in the generated functions): the stage-2 data-abort exit
 * to EL2 with the syndrome fixed at translation time, the interpreter for one instruction,
 * exact VAs, 64-bit multiply halves. Split from jit.ts; the Translator owns one.
 */
import { EC } from '../../../shared/arm64/exception-class.js';
import { esrOf } from '../../../shared/arm64/esr.js';
import type { El2FaultRegs } from '../../../shared/arm64/fault-regs.js';
import { execute } from './interp.js';
import type { Insn } from './insn.js';
import type { GuestMemory, InterpHooks } from './interp-types.js';
import type { FastMem } from './jit-mem.js';
import { type A64State, toVa, vaOfAddr } from './state.js';

const TWO32 = 0x1_0000_0000;

/** ESR_EL2 of a data abort from a lower EL with IL = 1 (0x9200_0000), ISS to be or'ed in. */
const ESR_DABT_LOWER = esrOf(EC.DABT_LOWER, 0);

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
