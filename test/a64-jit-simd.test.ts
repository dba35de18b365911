/**
 * The block translator's inlined SIMD&FP forms (jit-simd.ts) against the reference interpreter:
 * random programs mixing integer instructions with LDR/STR/LDUR/STUR of B/H/S/D/Q in every
 * addressing form, LDP/STP/LDNP/STNP of S/D/Q, LDR (literal), LD1/ST1 (multiple structures),
 * LD1R, FMOV general <-> V, MOVI/MVNI and the word-wise vector ops (AND BIC ORR ORN EOR, ADD
 * SUB MUL MLA MLS on 32-bit lanes), with base registers near page ends so that some
 * accesses cross a page. Run with the MMU off (Device memory: unaligned accesses fault or go
 * element by element), on (Normal memory), on with 4 KiB pages out of order or missing around
 * the data, on with SCTLR_EL1.A, and with CPACR_EL1.FPEN trapping every SIMD&FP instruction.
 * Also: the common forms really run inline (their closure is not called), and an inlined store
 * into translated code drops the block.
 *
 * Every randomised case prints its seed; re-run one with JHSIM_SEED=<seed> npx vitest run test/a64-jit-simd.test.ts.
 */
import { describe, expect, it } from 'vitest';
import type { A64State } from '../src/actors/cpu/a64/state.js';
import { decode } from '../src/actors/cpu/a64/decode.js';
import { decodeCached } from '../src/actors/cpu/a64/interp.js';
import type { SimdFp } from '../src/actors/cpu/a64/insn.js';
import {
  ALU, CODE, DATA, MEM, type MachineOpts, TRIALS, differential, machine, newPhys, program, randomRegs, rng, runJit,
} from './jit-harness.js';

const baseSeed = process.env.JHSIM_SEED ? Number(process.env.JHSIM_SEED) : (Date.now() % 1_000_000);
console.log(`a64-jit-simd: seed ${baseSeed} (re-run: JHSIM_SEED=${baseSeed} npx vitest run test/a64-jit-simd.test.ts)`);

/** Fixed bits (mask, value) of each inlined encoding class; the rest is random. */
const CLASSES: readonly [number, number][] = [
  [0x3f00_0000, 0x3d00_0000], // LDR/STR (unsigned offset)
  [0x3f20_0000, 0x3c00_0000], // LDUR/STUR, pre/post-index
  [0x3f20_0c00, 0x3c20_0800], // LDR/STR (register offset)
  [0x3c00_0000, 0x2c00_0000], // LDP/STP/LDNP/STNP
  [0x3f00_0000, 0x1c00_0000], // LDR (literal)
  [0x7f26_fc00, 0x1e26_0000], // FMOV general <-> FP
  [0x9ff8_0400, 0x0f00_0400], // MOVI/MVNI/ORR/BIC (vector, immediate)
  [0xbf00_0000, 0x0c00_0000], // LD1-4/ST1-4 (multiple structures)
  [0xbf00_c000, 0x0d00_c000], // LD1R-LD4R
  [0x9f20_0400, 0x0e20_0400], // three same (vector): AND BIC ORR ORN EOR; ADD SUB MUL MLA MLS on .2S/.4S
];

const jitOf = (w: number): SimdFp['jit'] => {
  const i = decode(w);
  return i.op === 'SIMD' ? i.jit : undefined;
};

/** A random word of an inlined SIMD&FP form; x27/x28 (the loop counters) are neither written nor a base. */
function randomSimd(r: () => number): number {
  for (;;) {
    const [mask, value] = CLASSES[Math.floor(r() * CLASSES.length)]!;
    const w = ((Math.floor(r() * 4294967296) & ~mask) | value) >>> 0;
    const j = jitOf(w);
    if (j === undefined) continue;
    if (j.kind === 'ldst' && (j.rn === 27 || j.rn === 28)) continue;
    if (j.kind === 'fmov' && j.toGen && (j.d === 27 || j.d === 28)) continue;
    return w;
  }
}

/** Integer words the SIMD programs mix in (as a64-jit.test.ts avoids them: x27/x28 untouched). */
const avoidLoop = (w: number): boolean => [0, 5, 10, 16].some((sh) => ((w >>> sh) & 31) === 27 || ((w >>> sh) & 31) === 28);

function simdProgram(r: () => number): Uint32Array {
  const p = program(r, 60, new Set([...ALU, ...MEM]), avoidLoop);
  // Replace about half of the random words (not the branches, not the final loop) by SIMD&FP forms.
  for (let k = 0; k < 60; k++) {
    const i = decode(p[k]!);
    if (!['B_COND', 'CB', 'TB'].includes(i.op) && r() < 0.5) p[k] = randomSimd(r);
  }
  return p;
}

/**
 * Registers of randomRegs, some replaced by an address a few bytes before a page end, or by an
 * index whose extension matters (negative, or garbage in the upper half that UXTW/SXTW drop);
 * random V registers.
 */
function simdRegs(r: () => number): (s: A64State) => void {
  const ints = randomRegs(r, true);
  const small = (): bigint => BigInt(Math.floor(r() * 0x200));
  const more = Array.from({ length: 31 }, (): bigint | undefined => {
    const kind = r();
    if (kind < 0.15) return BigInt(DATA + 4096 * (1 + Math.floor(r() * 3)) - Math.floor(r() * 40));
    if (kind < 0.25) return BigInt.asUintN(64, -small());
    if (kind < 0.35) return (BigInt(Math.floor(r() * 4294967296)) << 32n) | small() | (r() < 0.5 ? 0x8000_0000n : 0n);
    return undefined;
  });
  const v = Uint8Array.from({ length: 512 }, () => Math.floor(r() * 256));
  return (s) => {
    ints(s);
    more.forEach((x, k) => { if (x !== undefined && k !== 27 && k !== 28) s.x[k] = x; });
    s.v8.set(v);
  };
}

const CASES: { name: string; mmu: boolean; opts: MachineOpts }[] = [
  { name: 'MMU off, Device memory', mmu: false, opts: { fpen: 3 } },
  { name: 'MMU on, Normal memory', mmu: true, opts: { fpen: 3 } },
  { name: 'MMU on, 4 KiB pages, some swapped or unmapped', mmu: true, opts: { fpen: 3, pages: true } },
  { name: 'MMU on, SCTLR_EL1.A', mmu: true, opts: { fpen: 3, strictAlign: true } },
  { name: 'MMU on, FPEN = 1 at EL1', mmu: true, opts: { fpen: 1 } },
  { name: 'MMU on, FP trapped (FPEN = 0)', mmu: true, opts: { fpen: 0 } },
];

describe('block translator ≡ reference interpreter: inlined SIMD&FP forms', () => {
  CASES.forEach(({ name, mmu, opts }, c) => {
    it(`random SIMD&FP loads, stores and moves (${name})`, () => {
      for (let t = 0; t < TRIALS; t++) {
        const seed = baseSeed + 40_000 + t + c * 1000;
        const r = rng(seed);
        try {
          differential(simdProgram(r), simdRegs(r), mmu, opts);
        } catch (e) {
          throw new Error(`seed ${seed}: ${(e as Error).message}`);
        }
      }
    });
  });
});

/**
 * stp q0, q1, [sp, #-32]!; ldp q2, q3, [sp], #32; ldr d4, [x0]; str q5, [x0, #16];
 * str s6, [x0, x1, lsl #2]; ldr h7, [x0, w2, sxtw #1]; stur b8, [x0, #-3]; ldur q9, [x0, #-3];
 * ldp s10, s11, [x0, #8]; stp d12, d13, [x0, #24]!; ldr q14, lit; fmov d15, x3; fmov x4, d15;
 * fmov w5, s6; fmov v16.d[1], x3; fmov x6, v16.d[1]; movi v17.2d, #0; movi v18.4s, #0x4;
 * mvni v19.8h, #0x12, lsl #8; movi d20, #0xff00ff00ff00ff00; ld1 {v21.16b-v24.16b}, [x0];
 * st1 {v25.2d, v26.2d}, [x0], #32; ld1r {v27.4s}, [x0], #4; ld1r {v28.8b}, [x0];
 * st1 {v29.8b}, [x0], x1; ld1 {v30.4h, v31.4h, v0.4h}, [x0]; hvc #0; lit: 16 bytes
 * (aarch64-linux-gnu-as).
 */
const FIXED = Uint32Array.from([
  0xadbf07e0, 0xacc10fe2, 0xfd400004, 0x3d800405, 0xbc217806, 0x7c62d807, 0x3c1fd008, 0x3cdfd009, 0x2d412c0a,
  0x6d81b40c, 0x9c00022e, 0x9e67006f, 0x9e6601e4, 0x1e2600c5, 0x9eaf0070, 0x9eae0206, 0x6f00e411, 0x4f000492,
  0x6f00a653, 0x2f05e554, 0x4c402015, 0x4c9fac19, 0x4ddfc81b, 0x0d40c01c, 0x0c81701d, 0x0c40641e, 0xd4000002,
  0x55667788, 0x11223344, 0xddeeff00, 0x99aabbcc,
]);
const FIXED_SIMD = 26;

function fixedRegs(s: A64State): void {
  s.x[0] = BigInt(DATA + 0x101);
  s.x[1] = 5n;
  s.x[2] = 0xffff_fffen;
  s.x[3] = 0x0123_4567_89ab_cdefn;
  s.spEl1 = BigInt(DATA + 0x2000);
  for (let k = 0; k < 512; k++) s.v8[k] = (k * 37 + 11) & 0xff;
}

describe('inlined SIMD&FP forms', () => {
  it('the word-wise vector ops of a vectorised loop are inlined; the other three-same forms are not', () => {
    // mla v0.4s, v2.4s, v1.4s; mov v2.16b, v3.16b; add v3.4s, v3.4s, v7.4s; mul v1.4s, v2.4s, v6.4s;
    // sub v0.4s, v0.4s, v2.4s; and v1.16b, v1.16b, v4.16b; eor v0.8b, v1.8b, v2.8b; mls v3.2s, v4.2s, v5.2s
    for (const w of [0x4ea19440, 0x4ea31c62, 0x4ea78463, 0x4ea69c41, 0x6ea28400, 0x4e241c21, 0x2e221c20, 0x2ea59483]) {
      expect(jitOf(w)?.kind, decode(w).op === 'SIMD' ? (decode(w) as SimdFp).text : String(w)).toBe('words');
    }
    // add v0.8h (16-bit lanes), bsl v0.16b, mla v0.8h, add d0 (scalar): their closures run.
    for (const w of [0x4e618400, 0x6e611c00, 0x4e619400, 0x5ee18400]) expect(jitOf(w)).toBeUndefined();
  });

  it('run without their closure on Normal memory, and agree with the interpreter', () => {
    differential(FIXED, fixedRegs, true, { fpen: 3 });
    const m = machine(newPhys(), true, { fpen: 3 });
    for (let k = 0; k < FIXED.length; k++) m.phys.write32(CODE + 4 * k, FIXED[k]!);
    fixedRegs(m.state);
    m.state.pc = CODE;
    const calls: string[] = [];
    const saved = new Map<SimdFp, SimdFp['exec']>();
    for (const w of FIXED.subarray(0, FIXED_SIMD)) {
      const i = decodeCached(w) as SimdFp;
      expect(i.jit, i.text).toBeDefined();
      if (saved.has(i)) continue;
      saved.set(i, i.exec);
      const exec = i.exec;
      i.exec = (s, mem, pc) => { calls.push(i.text); return exec(s, mem, pc); };
    }
    try {
      const { log } = runJit(m, 100);
      expect(log).toEqual([`hvc@${(CODE + 4 * FIXED_SIMD).toString(16)} `]);
    } finally {
      for (const [i, exec] of saved) i.exec = exec;
    }
    expect(calls).toEqual([]);
    expect(m.state.v64[28]).toBe(0x1122_3344_5566_7788n); // q14 from the literal
    expect(m.state.x[4]).toBe(0x0123_4567_89ab_cdefn);
    expect(m.state.x[6]).toBe(0x0123_4567_89ab_cdefn);
    expect(m.state.x[0]).toBe(BigInt(DATA + 0x101 + 24 + 32 + 4 + 5));
  });

  it('an inlined store into a translated instruction drops the block: the new instruction runs', () => {
    // mov x0, #0; mov x3, #3; adr x4, patch; ldr s5, newinsn; patch: add x0, x0, #1; str s5, [x4];
    // subs x3, x3, #1; b.ne patch; hvc #0; newinsn: add x0, x0, #100
    const code = [
      0xd2800000, 0xd2800063, 0x10000044, 0x1c0000c5, 0x91000400, 0xbd000085, 0xf1000463, 0x54ffffa1, 0xd4000002, 0x91019000,
    ];
    for (const mmu of [false, true]) {
      const m = machine(newPhys(), mmu, { fpen: 3 });
      code.forEach((w, k) => m.phys.write32(CODE + 4 * k, w));
      m.state.pc = CODE;
      const { log, jit } = runJit(m, 1000);
      expect(log[0]).toMatch(/^hvc/);
      expect(m.state.x[0]).toBe(201n);
      expect(jit.stats.codeWrites).toBeGreaterThan(0);
    }
  });

  it('a load or store FastMem cannot serve runs through the closure (Device memory, unaligned)', () => {
    // MMU off: x0 = DATA + 0x101 makes ldr d4, [x0] unaligned on Device memory, an alignment fault.
    const jit = differential(FIXED, fixedRegs, false, { fpen: 3 });
    expect(jit.stats.translated).toBeGreaterThan(0);
  });
});
