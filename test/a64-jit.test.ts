/**
 * The block translator against the reference interpreter: random programs (random instruction
 * words of every translated class, forward conditional branches, a counted self-loop, random
 * loads and stores of every size and addressing form) run once by each executor from the same
 * state, with the MMU off (Device memory: unaligned accesses fault) and on (Normal memory).
 * Registers, flags, pc, memory and the sequence of exceptions must be identical (harness:
 * jit-harness.ts; the SIMD&FP forms: a64-jit-simd.test.ts). Also: exact instruction budgets,
 * stores into translated code, and code remapped under a TLBI.
 *
 * Every randomised case prints its seed; re-run one with JHSIM_SEED=<seed> npx vitest run test/a64-jit.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { SCTLR_EL1_KEY } from '../src/actors/cpu/a64/state.js';
import { KEY } from '../src/actors/cpu/a64/interp-sys.js';
import { Translator } from '../src/actors/cpu/a64/jit.js';
import { assemble } from '../src/actors/cpu/a64/asm-text.js';
import {
  ALU, CODE, DATA, MEM, TABLES, BANK, TRIALS, differential, drive, machine, newPhys, program, randomRegs, rng, runInterp, runJit, snapshot, touchesLoop,
} from './jit-harness.js';

const baseSeed = process.env.JHSIM_SEED ? Number(process.env.JHSIM_SEED) : (Date.now() % 1_000_000);
console.log(`a64-jit: seed ${baseSeed} (re-run: JHSIM_SEED=${baseSeed} npx vitest run test/a64-jit.test.ts)`);

/** Runs self-patching code (x0 = 1 + 100 + 100 once patched) with the MMU off and on; the translators used. */
function runPatched(src: string): Translator[] {
  const code = assemble(src, CODE).bytes;
  return [false, true].map((mmu) => {
    const m = machine(newPhys(), mmu);
    m.phys.copyIn(CODE, code);
    m.state.pc = CODE;
    const { log, jit } = runJit(m, 1000);
    expect(log[0]).toMatch(/^hvc/);
    expect(m.state.x[0]).toBe(201n);
    return jit;
  });
}

describe('block translator ≡ reference interpreter', () => {
  for (const mmu of [false, true]) {
    it(`random data-processing programs with branches and a self-loop (MMU ${mmu ? 'on' : 'off'})`, () => {
      for (let t = 0; t < TRIALS; t++) {
        const seed = baseSeed + t + (mmu ? 10_000 : 0);
        const r = rng(seed);
        const code = program(r, 60, ALU, touchesLoop);
        try {
          const jit = differential(code, randomRegs(r, false), mmu);
          expect(jit.stats.translated).toBeGreaterThan(0);
        } catch (e) {
          throw new Error(`seed ${seed}: ${(e as Error).message}`);
        }
      }
    });

    it(`random loads and stores of every size and addressing form (MMU ${mmu ? 'on' : 'off'})`, () => {
      const ops = new Set([...ALU, ...MEM]);
      for (let t = 0; t < TRIALS; t++) {
        const seed = baseSeed + 20_000 + t + (mmu ? 10_000 : 0);
        const r = rng(seed);
        // Loads and stores never name x27/x28 (loop) or write the code; SP bases are kept.
        const code = program(r, 60, ops, (w) => touchesLoop(w) || ((w >> 5) & 31) === 27 || ((w >> 5) & 31) === 28 ||
          ((w >> 10) & 31) === 27 || ((w >> 10) & 31) === 28 || ((w >> 16) & 31) === 27 || ((w >> 16) & 31) === 28);
        try {
          differential(code, randomRegs(r, true), mmu);
        } catch (e) {
          throw new Error(`seed ${seed}: ${(e as Error).message}`);
        }
      }
    });
  }
});

describe('block translator mechanics', () => {
  const LOOP = `
        mov   x1, #0
loop:   add   x1, x1, #1
        eor   x2, x2, x1, lsl #3
        b     loop`;

  it('stops after exactly the budget, inside a self-looping block too', () => {
    const m = machine(newPhys(), false);
    const code = assemble(LOOP, CODE).bytes;
    m.phys.copyIn(CODE, code);
    m.state.pc = CODE;
    const jit = new Translator(m.state, m.mem, m.hooks, m.phys, m.tlb);
    let total = 0;
    for (const n of [1, 2, 3, 1000, 999, 10_001, 7]) {
      expect(jit.run(n)).toBe(n);
      total += n;
    }
    // 1 mov, then 3 per iteration: x1 counts completed adds.
    expect(m.state.x[1]).toBe(BigInt(Math.floor((total - 1 + 2) / 3)));
    expect(jit.stats.translated).toBeGreaterThan(10_000);
  });

  it('TCR_EL1.TBI0: a tagged address loads, stores and branches through its untagged VA; without TBI it faults', () => {
    // x27 = DATA with tag 0x40 in bits 63:56, x24 = 0x10 as an SXTX index (upstream's linux-loader
    // style ldrsh x4, [x27, x24, sxtx]); x9 = the tagged address of "target".
    const src = `
        movz  x27, #0x4000, lsl #48
        movk  x27, #${(DATA >>> 16) & 0xffff}, lsl #16
        movz  x24, #0x10
        ldrsh x4, [x27, x24, sxtx]
        mov   x5, #0x1234
        str   x5, [x27, #8]
        ldr   x6, [x27, #8]
        adr   x9, target
        orr   x9, x9, #0x7f00000000000000
        br    x9
        hvc   #1
target: hvc   #0`;
    const code = assemble(src, CODE).bytes;
    const TBI0 = 1n << 37n;
    for (const run of ['interp', 'jit'] as const) {
      for (const mmu of [false, true]) {
        const m = machine(newPhys(), mmu);
        m.phys.copyIn(CODE, code);
        m.phys.write32(DATA + 0x10, 0x8001);
        m.state.setSysreg(KEY.TCR_EL1, m.state.sysreg(KEY.TCR_EL1) | TBI0);
        m.tlb.setRegs({ SCTLR_EL1: m.state.sysreg(SCTLR_EL1_KEY), TCR_EL1: m.state.sysreg(KEY.TCR_EL1), TTBR0_EL1: m.state.sysreg(KEY.TTBR0_EL1), TTBR1_EL1: 0n, MAIR_EL1: 0xffn });
        m.state.pc = CODE;
        const log = run === 'interp' ? runInterp(m, 1000) : runJit(m, 1000).log;
        expect(log, `${run}, MMU ${mmu ? 'on' : 'off'}`).toEqual([`hvc@${(CODE + 4 * 11).toString(16)} `]);
        expect(m.state.x[4]).toBe(0xffff_ffff_ffff_8001n);
        expect(m.state.x[6]).toBe(0x1234n);
        expect(m.phys.read32(DATA + 8)).toBe(0x1234);
      }
    }
    // TBI0 clear: the same load is a translation fault (level 0) at the tagged address.
    const m = machine(newPhys(), true);
    m.phys.copyIn(CODE, code);
    m.state.pc = CODE;
    expect(runInterp(m, 1000)[0]).toMatch(/^dataAbort@4010000c .*"fault":"translation"/);
  });

  it('side exits: a forward conditional branch inside a block leaves it when taken; every budget stops where the interpreter does', () => {
    const src = `
        mov   x0, #0
        mov   x3, #10
loop:   add   x0, x0, #1
        tbnz  x3, #0, odd
        add   x0, x0, #100
odd:    subs  x3, x3, #1
        cbz   x3, done
        b.ne  loop
done:   hvc   #0`;
    const words = assemble(src, CODE).bytes;
    const code = new Uint32Array(words.buffer, words.byteOffset, words.byteLength / 4);
    // The loop runs 10 times, 6 or 5 instructions a pass: every budget up to past the end.
    for (let max = 1; max <= 70; max++) {
      try {
        differential(code, () => undefined, max % 2 === 0, {}, max);
      } catch (e) {
        throw new Error(`budget ${max}: ${(e as Error).message}`);
      }
    }
    const jit = differential(code, () => undefined, false);
    expect(jit.stats.translated).toBeGreaterThan(40);
    // Blocks at the entry, at loop, at odd (tbnz taken); without side exits also after each
    // conditional branch.
    expect(jit.stats.compiled).toBe(3);
  });

  it('hotAfter: a block start runs in the interpreter until hot, then is translated at the next quiet point', () => {
    const src = `
        mov   x0, #0
        mov   x3, #200
loop:   add   x0, x0, #3
        subs  x3, x3, #1
        b.ne  loop
        wfi
        hvc   #0`;
    const code = assemble(src, CODE).bytes;
    const ref = machine(newPhys(), false);
    ref.phys.copyIn(CODE, code);
    ref.state.pc = CODE;
    const refLog = runInterp(ref, 10_000);
    const m = machine(newPhys(), false);
    m.phys.copyIn(CODE, code);
    m.state.pc = CODE;
    const jit = new Translator(m.state, m.mem, m.hooks, m.phys, m.tlb, 2);
    // The first 100 instructions: the loop is entered twice, interpreted, and queued; the
    // end of the budget translates it.
    expect(jit.run(100)).toBe(100);
    expect(jit.stats.translated).toBe(0);
    expect(jit.stats.compiled).toBeGreaterThan(0);
    expect(drive(jit, m, 10_000)).toEqual(refLog);
    expect(snapshot(m)).toEqual(snapshot(ref));
    expect(m.state.x[0]).toBe(600n);
    expect(jit.stats.translated).toBeGreaterThan(400);
  });

  it('a chained successor that was overwritten is not run: the rewritten block is', () => {
    // Two blocks that follow each other through the successor cache; the second patches the
    // first ("add x0, x0, #1" → "add x0, x0, #100") on its first pass.
    const src = `
        mov   x0, #0
        mov   x3, #3
        adr   x4, patch
        ldr   w5, newinsn
loop:
patch:  add   x0, x0, #1
        b     second
second: str   w5, [x4]
        subs  x3, x3, #1
        b.ne  loop
        hvc   #0
newinsn: add  x0, x0, #100`;
    runPatched(src);
  });

  it('a store into a translated instruction drops the block: the new instruction runs', () => {
    // The loop patches its own "add x0, x0, #1" into "add x0, x0, #100" after the first pass.
    const src = `
        mov   x0, #0
        mov   x3, #3
        adr   x4, patch
        ldr   w5, newinsn
loop:
patch:  add   x0, x0, #1
        str   w5, [x4]
        subs  x3, x3, #1
        b.ne  loop
        hvc   #0
newinsn: add  x0, x0, #100`;
    for (const jit of runPatched(src)) expect(jit.stats.codeWrites).toBeGreaterThan(0);
  });

  it('a store into the next instruction of the running block: the new instruction runs, as in the interpreter', () => {
    // Inline store (STR w), SIMD&FP store (STR s, inline) and one run outside the inline code (STLR).
    const STR_S5_X4 = '.inst 0xbd000085'; // str s5, [x4] (our assembler has no FP registers)
    for (const store of ['str w5, [x4]', STR_S5_X4, 'stlr w5, [x4]']) {
      const src = `
        adr   x4, patch
        ldr   w5, newinsn
        .inst 0x1e2700a5 // fmov s5, w5
        mov   x0, #0
        ${store}
patch:  add   x0, x0, #1
        hvc   #0
newinsn: add  x0, x0, #100`;
      const code = assemble(src, CODE).bytes;
      for (const mmu of [false, true]) {
        const m = machine(newPhys(), mmu, { fpen: 3 });
        m.phys.copyIn(CODE, code);
        m.state.pc = CODE;
        const { log, jit } = runJit(m, 1000);
        expect(log[0], store).toMatch(/^hvc/);
        expect(m.state.x[0], `${store}, MMU ${mmu}`).toBe(100n);
        expect(jit.stats.codeWrites).toBeGreaterThan(0);
      }
    }
  });

  it('after a TLBI the block is checked against the new translation and the new page runs', () => {
    const m = machine(newPhys(), true);
    // VA 0x4028_0000 runs "x0 = 1" from its identity page; then the VA's 2 MiB block is remapped
    // (L1[1] becomes an L2 table) to PA 0x4008_0000, which holds "x0 = 2".
    const va = BANK + 0x28_0000;
    m.phys.copyIn(va, assemble('mov x0, #1\nhvc #0', va).bytes);
    m.phys.copyIn(BANK + 0x8_0000, assemble('mov x0, #2\nhvc #0', va).bytes);
    m.state.pc = va;
    const jit = new Translator(m.state, m.mem, m.hooks, m.phys, m.tlb);
    jit.run(10);
    expect(jit.exception?.type).toBe('hvc');
    expect(m.state.x[0]).toBe(1n);
    const L2 = TABLES + 0x1000;
    const AF = 1n << 10n;
    const SH = 3n << 8n;
    for (let k = 0; k < 512; k++) {
      const pa = k === 1 ? BANK : BANK + k * 0x20_0000;
      m.phys.write64big(L2 + k * 8, BigInt(pa) | 1n | AF | SH);
    }
    m.phys.write64big(TABLES + 8, BigInt(L2) | 3n);
    m.tlb.flushAll();
    m.state.pc = va;
    jit.run(10);
    expect(jit.exception?.type).toBe('hvc');
    expect(m.state.x[0]).toBe(2n);
  });
});
