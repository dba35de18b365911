/**
 * Checks of the harness itself, so a broken harness cannot pass by comparing nothing: the
 * driver records signals per input and goes on with the next input and case, and a difference
 * planted in jhsim's inputs is reported.
 */
import { BRK0, JhsimMachine } from './jhsim.js';
import { BLOCK_SIZE, DRIVER_SIZE, SCRATCH_VA, cloneSnapshot, emptySnapshot, readBlock } from './layout.js';
import { SLOT_SIZE, WORDS_OFF, buildProgram } from './program.js';
import { runQemu } from './qemu.js';
import { compare, failed } from './compare.js';
import { Generator } from './gen.js';
import { Stats } from './stats.js';
import type { ClassDef } from './template.js';

/** Per case and input: [signal, faulting word or -1, X0]. */
export async function driverCheck(): Promise<[number, number, bigint][]> {
  const input = (k: number, r: number): ReturnType<typeof emptySnapshot> => {
    const s = emptySnapshot();
    for (let i = 0; i < 31; i++) s.x[i] = BigInt(1000 * k + 10 * r + i);
    s.x[5] = r === 1 ? 0n : BigInt(SCRATCH_VA); // input 1 of case 2 loads from address 0
    s.sp = BigInt(SCRATCH_VA);
    return s;
  };
  const ADD = 0x91000400; // add x0, x0, #1
  const cases = [[ADD], [ADD, 0x00000000 /* udf #0 */], [ADD, 0xf94000a1 /* ldr x1, [x5] */, ADD], [ADD]]
    .map((words, k) => ({ words, inputs: [0, 1, 2].map((r) => input(k, r)) }));
  const p = buildProgram(cases, 3);
  const out = await runQemu(p.elf);
  return cases.flatMap((_, k) => [0, 1, 2].map((r): [number, number, bigint] => {
    const q = readBlock(out, (k * 3 + r) * BLOCK_SIZE);
    return [q.signal, q.signal === 0 ? -1 : (q.faultOff - WORDS_OFF) / 4, q.snap.x[0]!];
  }));
}

/** Mismatching runs among `n` generated cases (4 inputs each), as generated and with FPCR/V0 changed on jhsim's side. */
export async function plantedCheck(classes: readonly ClassDef[], n: number): Promise<{ clean: number; planted: number; runs: number }> {
  const m = new JhsimMachine(DRIVER_SIZE + n * SLOT_SIZE + 4);
  const g = new Generator(classes, m, new Stats());
  const cs = Array.from({ length: n }, (_, k) => g.generate(1, k, k, 4));
  const p = buildProgram(cs, 4);
  const out = await runQemu(p.elf);
  m.loadCode(p.code);
  cs.forEach((c, k) => m.writeCode(p.wordsVa(k) + 4 * c.words.length, [BRK0]));
  let clean = 0;
  let planted = 0;
  cs.forEach((c, k) => c.inputs.forEach((inp, r) => {
    const q = readBlock(out, (k * 4 + r) * BLOCK_SIZE);
    const va = p.wordsVa(k);
    if (failed(compare(q, m.runInterp(inp, va, c.words.length), m.runJit(inp, va, c.words.length)))) clean++;
    const bad = cloneSnapshot(inp);
    bad.fpcr ^= 0x00c0_0000;
    bad.v[0] = bad.v[0]! ^ 1;
    bad.x[0] = bad.x[0]! ^ 1n;
    if (failed(compare(q, m.runInterp(bad, va, c.words.length), m.runJit(bad, va, c.words.length)))) planted++;
  }));
  return { clean, planted, runs: n * 4 };
}
