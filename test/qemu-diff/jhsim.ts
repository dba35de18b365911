/**
 * jhsim's side: one simulated CPU at EL0 (as QEMU runs the program) with the MMU on, over
 * memory laid out like the QEMU process: the batch's code at the same VAs (read-only,
 * executable: LDR literal and ADR see what QEMU sees) and the two scratch pages read-write.
 * Nothing else is mapped, so an access QEMU could make elsewhere faults here instead.
 *
 * Three uses: stepping single words while a case is generated (through a memory that also
 * refuses anything outside the scratch area and the slot's own loader code, so every accepted
 * case stays inside what both sides compare), and running finished cases through the reference
 * interpreter and through the block translator.
 */
import { PhysicalMemory } from '../../src/shared/phys-mem.js';
import { SoftTlb, Stage2 } from '../../src/actors/cpu/a64/mmu.js';
import { CpuGuestMemory } from '../../src/actors/cpu/guest/memory.js';
import { A64State, CPACR_EL1_KEY, SCTLR_EL1_KEY, SCTLR_EL1_RES1 } from '../../src/actors/cpu/a64/state.js';
import { execute, run } from '../../src/actors/cpu/a64/interp.js';
import type { Insn } from '../../src/actors/cpu/a64/insn.js';
import type { Access, AccessSize, Fault, GuestMemory, InterpHooks, StepException } from '../../src/actors/cpu/a64/interp-types.js';
import { KEY } from '../../src/actors/cpu/a64/interp-sys.js';
import { Translator } from '../../src/actors/cpu/a64/jit.js';
import { CODE_VA, SCRATCH_PAGES, SCRATCH_SIZE, SCRATCH_VA, type Snapshot, loadState, stateSnapshot } from './layout.js';

const MB2 = 0x20_0000;
/** Scratch bytes in each of its two pages. */
const HALF = SCRATCH_SIZE / 2;
/** BRK #0: written after a case's last word so a translated block ends exactly there. */
export const BRK0 = 0xd4200000;

/** How a jhsim run ended, besides its state. */
export interface JhsimRun {
  snap: Snapshot;
  /** Anything but running all words: an exception, a JS error, a short run. */
  error?: string;
  /** The exception that stopped it, and at which word. */
  fault?: { type: string; word: number };
}

function describe(e: StepException, pc: number): { error: string; fault: { type: string; word: number } } {
  const word = (e.pc - pc) / 4;
  const kind = 'fault' in e ? ` (${e.fault.fault})` : '';
  return { error: `${e.type}${kind} exception at word ${word}`, fault: { type: e.type, word } };
}

export class JhsimMachine {
  readonly phys: PhysicalMemory;
  readonly mem: CpuGuestMemory;
  readonly tlb: SoftTlb;
  readonly hooks: InterpHooks = { mpidr: () => 0x8000_0000n, timerRead: () => 0n, timerWrite: () => undefined };
  /** PA of the scratch bytes in the first page and in the second (see SCRATCH_PAGES). */
  private readonly scratchLo: number;
  private readonly scratchHi: number;
  private readonly sysregs: [number, bigint][];
  private jit: Translator | undefined;
  private readonly jitState: A64State;
  private readonly interpState: A64State;
  readonly genMem: CheckedMemory;

  /** Room for `codeBytes` of program code at CODE_VA. */
  constructor(codeBytes: number) {
    const codeBlocks = Math.ceil(codeBytes / MB2);
    const size = (codeBlocks + 1) * MB2;
    this.phys = new PhysicalMemory([{ base: CODE_VA, size, sab: new SharedArrayBuffer(size) }]);
    const tables = CODE_VA + codeBlocks * MB2;
    const page0 = tables + 0x20000;
    const page1 = tables + 0x10000;
    this.scratchLo = page0 + (SCRATCH_VA - SCRATCH_PAGES);
    this.scratchHi = page1;
    const AF = 1n << 10n;
    const SH = 3n << 8n;
    const l1 = tables;
    const l2 = tables + 0x1000;
    const l3 = tables + 0x2000;
    this.phys.write64big(l1 + 8, BigInt(l2) | 3n); // VA [1 GiB, 2 GiB)
    for (let b = 0; b < codeBlocks; b++) {
      // 2 MiB blocks, read-only at EL0 and EL1 (AP = 11), executable at EL0, Normal WB.
      this.phys.write64big(l2 + 8 * b, BigInt(CODE_VA + b * MB2) | 1n | AF | SH | (3n << 6n) | (1n << 53n));
    }
    this.phys.write64big(l2 + 8 * ((SCRATCH_PAGES - CODE_VA) / MB2), BigInt(l3) | 3n);
    // The scratch pages: read-write at EL0 (AP = 01), never executable.
    const l3i = ((SCRATCH_PAGES - CODE_VA) % MB2) / 0x1000;
    this.phys.write64big(l3 + 8 * l3i, BigInt(page0) | 3n | AF | SH | (1n << 6n) | (3n << 53n));
    this.phys.write64big(l3 + 8 * (l3i + 1), BigInt(page1) | 3n | AF | SH | (1n << 6n) | (3n << 53n));
    const sctlr = SCTLR_EL1_RES1 | 1n | 4n | 0x1000n; // M, C, I; A = 0 as Linux; SA0 = 0: qemu-user checks no SP alignment (Linux would)
    const regs = {
      SCTLR_EL1: sctlr,
      TCR_EL1: 25n | (1n << 8n) | (1n << 10n) | (3n << 12n) | (1n << 23n) | (5n << 32n),
      TTBR0_EL1: BigInt(l1),
      TTBR1_EL1: 0n,
      MAIR_EL1: 0xffn,
    };
    this.sysregs = [
      [SCTLR_EL1_KEY, sctlr], [KEY.TCR_EL1, regs.TCR_EL1], [KEY.TTBR0_EL1, regs.TTBR0_EL1], [KEY.MAIR_EL1, regs.MAIR_EL1],
      [CPACR_EL1_KEY, 3n << 20n],
    ];
    this.tlb = new SoftTlb(this.phys, regs, new Stage2(this.phys, null));
    this.mem = new CpuGuestMemory(this.phys, this.tlb);
    this.genMem = new CheckedMemory(this.mem);
    this.jitState = this.newState();
    this.interpState = this.newState();
  }

  /** A state at EL0 with FP enabled and this machine's translation registers. */
  newState(): A64State {
    const s = new A64State();
    for (const [k, v] of this.sysregs) s.setSysreg(k, v);
    s.el = 0;
    return s;
  }

  /** Installs a batch's code (and a BRK after each case's words: see BRK0); drops old blocks. */
  loadCode(code: Uint8Array): void {
    this.phys.copyIn(CODE_VA, code);
    this.jit = undefined;
  }

  writeCode(va: number, words: readonly number[]): void {
    words.forEach((w, i) => this.phys.write32(va + 4 * i, w >>> 0));
  }

  setScratch(bytes: Uint8Array): void {
    this.phys.copyIn(this.scratchLo, bytes.subarray(0, HALF));
    this.phys.copyIn(this.scratchHi, bytes.subarray(HALF));
  }

  scratch(): Uint8Array {
    const out = new Uint8Array(SCRATCH_SIZE);
    this.scratchInto(out);
    return out;
  }

  scratchInto(out: Uint8Array): void {
    const r = this.phys.ramAt(this.scratchLo, 1)!;
    out.set(r.u8.subarray(this.scratchLo - r.base, this.scratchLo - r.base + HALF), 0);
    out.set(r.u8.subarray(this.scratchHi - r.base, this.scratchHi - r.base + HALF), HALF);
  }

  /** Generation: one word at pc on `s` (and the scratch); an exception or a throw leaves it to the caller. */
  stepWord(s: A64State, insn: Insn, word: number, pc: number): StepException | undefined {
    s.pc = pc;
    const r = execute(s, this.genMem, this.hooks, insn, pc, word);
    return r.kind === 'ok' ? undefined : r;
  }

  /** The reference interpreter on `n` words from pc. */
  runInterp(input: Snapshot, pc: number, n: number): JhsimRun {
    const s = this.interpState;
    loadState(s, input);
    s.pc = pc;
    this.setScratch(input.scratch);
    let out: Omit<JhsimRun, 'snap'> = {};
    try {
      const r = run(s, this.mem, this.hooks, n);
      if (r.result.kind !== 'ok') out = describe(r.result, pc);
    } catch (e) {
      out = { error: `threw: ${(e as Error).message}` };
    }
    return { snap: stateSnapshot(s, this.scratch()), ...out };
  }

  /** The block translator on `n` words from pc (blocks of one batch are kept until loadCode). */
  runJit(input: Snapshot, pc: number, n: number): JhsimRun {
    const s = this.jitState;
    this.jit ??= new Translator(s, this.mem, this.hooks, this.phys, this.tlb);
    loadState(s, input);
    s.pc = pc;
    this.setScratch(input.scratch);
    let out: Omit<JhsimRun, 'snap'> = {};
    try {
      const done = this.jit.run(n);
      const e = this.jit.exception;
      if (e !== undefined) out = describe(e, pc);
      else if (done !== n || s.pc !== pc + 4 * n) out = { error: `stopped after ${done} of ${n} words at pc 0x${s.pc.toString(16)}` };
    } catch (e) {
      out = { error: `threw: ${(e as Error).message}` };
    }
    return { snap: stateSnapshot(s, this.scratch()), ...out };
  }
}

/**
 * The generation-time memory: jhsim's memory, restricted to the compared scratch bytes and a
 * read-only window (the slot's loader code, for LDR literal). Out of range: a translation fault.
 */
export class CheckedMemory implements GuestMemory {
  roStart = 0;
  roEnd = 0;
  /** Set when this range check (not jhsim) refused an access; the caller clears it. */
  refused = false;
  constructor(private readonly inner: GuestMemory) {}

  private ok(va: number, size: number, write: boolean): boolean {
    if (va >= SCRATCH_VA && va + size <= SCRATCH_VA + SCRATCH_SIZE) return true;
    if (!write && va >= this.roStart && va + size <= this.roEnd) return true;
    this.refused = true;
    return false;
  }

  read(va: number, size: AccessSize, acc: Access): bigint | Fault {
    return this.ok(va, size, false) ? this.inner.read(va, size, acc) : { fault: 'translation', va, write: false };
  }
  write(va: number, size: AccessSize, value: bigint, acc: Access): Fault | undefined {
    return this.ok(va, size, true) ? this.inner.write(va, size, value, acc) : { fault: 'translation', va, write: true };
  }
  atomic(va: number, size: AccessSize, op: (old: bigint) => bigint, acc: Access): bigint | Fault {
    return this.ok(va, size, true) ? this.inner.atomic(va, size, op, acc) : { fault: 'translation', va, write: true };
  }
  cas(va: number, size: AccessSize, expected: bigint, desired: bigint, acc: Access): bigint | Fault {
    return this.ok(va, size, true) ? this.inner.cas(va, size, expected, desired, acc) : { fault: 'translation', va, write: true };
  }
  fetch(va: number, acc: Access): number | Fault {
    return this.inner.fetch(va, acc);
  }
}
