/**
 * Never silent: a guest that takes an exception it did not expect usually spins in its own
 * vector (Jailhouse's inmates have `b .` there). jhsim reports an UNDEFINED instruction word once
 * on the hypervisor console (a jhsim line, not Jailhouse's), and `cpus` / `cpus --json` show each
 * CPU's guest PC and EL and, in the vector table, the ESR_EL1, ELR_EL1, FAR_EL1 and instruction
 * word that sent it there.
 */
import './dist-fresh.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { assemble } from '../dist/actors/cpu/a64/asm-text.js';
import { enabledPerTest, sleep } from './root-shell.js';

vi.setConfig({ testTimeout: 60_000 });

const tmp = mkdtempSync(join(tmpdir(), 'jhsim-observe-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const enabled = enabledPerTest();

/** At IPA 0: VBAR_EL1 = a table of `b .`, then FADD H0, H1, H2 (0x1ee22820: FEAT_FP16, which the engine does not implement). */
const FP_AT_0X10 = `
        adr   x0, vectors
        msr   vbar_el1, x0
        isb
        mov   x1, #1
        .inst 0x1ee22820
        b     .
        .balign 2048
vectors:
${Array.from({ length: 16 }, () => '        b     .\n        .balign 128').join('\n')}
`;

describe('a guest stuck in its own vector table', () => {
  it('the console names the UNDEFINED word once; cpus shows the PC, the EL and what sent it there', async () => {
    const image = join(tmp, 'fp.bin');
    writeFileSync(image, assemble(FP_AT_0X10, 0).bytes);
    const b = await enabled();
    for (const line of ['jailhouse cell create configs/cells/hello.json', `jailhouse cell load hello ${image}`, 'jailhouse cell start hello']) {
      expect((await b.run(line)).code, line).toBe(0);
    }
    await sleep(300);
    const con = (await b.run('jailhouse console')).out;
    const line = 'jhsim: CPU 1: UNDEFINED instruction 0x1ee22820 at 0x10 (an FP/Advanced SIMD encoding the engine does not implement); the guest takes it at its EL1 vector\n';
    expect(con.split(line).length - 1).toBe(1);
    const cpus = (await b.run('cpus')).out.split('\n');
    expect(cpus[2]).toMatch(/^1 .* hello .* {2}pc 0xa00 EL1$/);
    expect(cpus[3]).toBe('       in its EL1 vector table: ESR_EL1 0x2000000, ELR_EL1 0x10, FAR_EL1 0x0, instruction at ELR 0x1ee22820');
    const j = JSON.parse((await b.run('cpus --json')).out) as { cpu: number; guest: unknown }[];
    // Current EL with SP_ELx, synchronous: vector offset 0x200 (VBAR 0x800 + 0x200).
    expect(j[1]!.guest).toEqual({ pc: 0xa00, el: 1, vector: { esr: 0x2000000, elr: 0x10, far: 0, insn: 0x1ee22820 } });
    expect(j[0]!.guest).toBeNull();
  });
});
