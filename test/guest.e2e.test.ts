/**
 * `jhsim guest run` end to end, as a user runs it: real AArch64 code on real CPU workers under
 * the hypervisor. C programs built with a standard cross toolchain (committed artefacts, see
 * test/guest-programs/build.sh) must print what the same logic prints when built natively;
 * assembly programs from the built-in assembler cover spinlocks on two CPUs, guest exception
 * handling, MMIO traps with their syndromes, and the instruction budget. Where a host C
 * compiler or qemu-aarch64 is installed, the outputs are also compared with them.
 */
import './dist-fresh.js';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { assemble } from '../dist/actors/cpu/a64/asm-text.js';
import { ROOT, jhsim, type Result } from './cli-process.js';

vi.setConfig({ testTimeout: 120_000 });

const PROGS = join(ROOT, 'test', 'guest-programs');
const LOAD = 0x4008_0000;
const tmp = mkdtempSync(join(tmpdir(), 'jhsim-guest-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));


interface CpuReport { cpu: number; status: string; instructions: number; vmexits: Record<string, number> }
interface RunJson { output: string; cpus: CpuReport[]; entry: number; format: string; timedOut: boolean }

async function runJson(args: string[]): Promise<{ r: Result; j: RunJson }> {
  const r = await jhsim([...args, '--json']);
  return { r, j: JSON.parse(r.stdout) as RunJson };
}

/** Assembles `src` at the raw load address and writes it to a temp file. */
function asmImage(name: string, src: string): string {
  const file = join(tmp, `${name}.bin`);
  writeFileSync(file, assemble(src, LOAD).bytes);
  return file;
}

/** Shared tail: print the NUL-terminated string at x4 (clobbers x0, x1, x4), return via x30. */
const PUTS = `
puts:   ldrb  w1, [x4], #1
        cbz   w1, 9f
        mov   x0, #8
        hvc   #0x4a48
        b     puts
9:      ret
cpu_off:
        movz  x0, #0x0002
        movk  x0, #0x8400, lsl #16
        smc   #0
        b     cpu_off
`;

function has(cmd: string, args: string[]): boolean {
  return spawnSync(cmd, args, { stdio: 'ignore' }).status === 0;
}
const HAVE_QEMU = has('qemu-aarch64', ['--version']);
const HAVE_CC = has('cc', ['--version']);

const C_PROGRAMS = ['crc32', 'sieve', 'qsort', 'format'];

describe('C programs built with a cross toolchain print what the native build prints', () => {
  for (const prog of C_PROGRAMS) {
    it(`${prog}.elf`, async () => {
      const { r, j } = await runJson(['--cpus', '2', 'guest', 'run', '--all-cpus', join(PROGS, `${prog}.elf`)]);
      expect(r.code).toBe(0);
      expect(j.format).toBe('elf');
      expect(j.output).toBe(readFileSync(join(PROGS, `${prog}.expected`), 'utf8'));
      // CPU 0 printed every character with one DEBUG_CONSOLE_PUTC hypercall and turned off
      // with PSCI CPU_OFF; CPU 1 only turned off.
      const [c0, c1] = j.cpus;
      expect(c0!.status).toBe('off');
      expect(c1!.status).toBe('off');
      expect(c0!.vmexits.vmexits_hypercall).toBe(j.output.length);
      expect(c0!.vmexits.vmexits_psci).toBe(1);
      expect(c0!.vmexits.vmexits_total).toBe(j.output.length + 1);
      expect(c1!.vmexits).toMatchObject({ vmexits_total: 1, vmexits_psci: 1, vmexits_hypercall: 0 });
      expect(c0!.instructions).toBeGreaterThan(1000);
    });
  }

  it.skipIf(!HAVE_CC)('the committed expected output matches a fresh native build (host cc)', () => {
    for (const prog of C_PROGRAMS) {
      const exe = join(tmp, `${prog}.host`);
      execFileSync('cc', ['-O2', '-DHOST_BUILD', '-Ilib', '-o', exe, `${prog}.c`, 'lib/io-host.c', 'lib/printf.c', 'lib/string.c'], { cwd: PROGS });
      expect(execFileSync(exe, { encoding: 'utf8' })).toBe(readFileSync(join(PROGS, `${prog}.expected`), 'utf8'));
    }
  });

  it.skipIf(!HAVE_QEMU)('qemu-aarch64 runs the same programs (Linux user build) with the same output', () => {
    for (const prog of C_PROGRAMS) {
      const out = execFileSync('qemu-aarch64', [join(PROGS, `${prog}.linux.elf`)], { encoding: 'utf8' });
      expect(out).toBe(readFileSync(join(PROGS, `${prog}.expected`), 'utf8'));
    }
  });
});

describe('two CPUs share a counter: no lost update over 10^6 increments', () => {
  for (const [prog, what] of [['smp', 'LDAXR/STXR spinlock and exclusive-pair atomic add (C, ARMv8.0)'], ['smp-lse', 'SWPA spinlock and LDADDAL (C, ARMv8.1)']] as const) {
    it(`${prog}.elf: ${what}`, async () => {
      const { r, j } = await runJson(['--cpus', '2', 'guest', 'run', '--all-cpus', join(PROGS, `${prog}.elf`), '--timeout', '100']);
      expect(r.code).toBe(0);
      expect(j.output).toBe('locked counter 1000000, atomic counter 1000000 (expected 1000000 each)\n');
    });
  }

  const spinlock = (acquire: string): string => `
        cmp   x0, #2
        b.hs  cpu_off
        adr   x1, lock
        adr   x2, counter
        mov64 x3, #500000
        mov   w9, #1
loop:
${acquire}
        ldr   x5, [x2]
        add   x5, x5, #1
        str   x5, [x2]
        stlr  wzr, [x1]
        subs  x3, x3, #1
        b.ne  loop
        adr   x6, finished
        mov   w7, #1
        ldadd w7, w8, [x6]
        cbnz  x0, cpu_off
wait:   ldar  w8, [x6]
        cmp   w8, #2
        b.ne  wait
        ldr   x5, [x2]
        mov64 x6, #1000000
        adr   x4, ok
        cmp   x5, x6
        b.eq  1f
        adr   x4, lost
1:      bl    puts
        b     cpu_off
${PUTS}
ok:     .asciz "no lost update\\n"
lost:   .asciz "LOST UPDATES\\n"
        .align 3
lock:   .word 0
finished: .word 0
counter: .quad 0
`;

  it('assembly spinlock on LDAXR/STXR (built-in assembler)', async () => {
    const img = asmImage('spin-llsc', spinlock(`
1:      ldaxr w4, [x1]
        cbnz  w4, 1b
        stxr  w5, w9, [x1]
        cbnz  w5, 1b`));
    const { r, j } = await runJson(['--cpus', '2', 'guest', 'run', '--all-cpus', img, '--timeout', '100']);
    expect(r.code).toBe(0);
    expect(j.output).toBe('no lost update\n');
  });

  it('assembly spinlock on CASA (LSE)', async () => {
    const img = asmImage('spin-cas', spinlock(`
1:      mov   w4, #0
        casa  w4, w9, [x1]
        cbnz  w4, 1b`));
    const { r, j } = await runJson(['--cpus', '2', 'guest', 'run', '--all-cpus', img, '--timeout', '100']);
    expect(r.code).toBe(0);
    expect(j.output).toBe('no lost update\n');
  });
});

describe('boot convention', () => {
  // QEMU virt: only the boot CPU enters the image; the others are off until PSCI CPU_ON, which
  // gives them their entry point and x0 (context). So a program written for QEMU prints once.
  const IMG = `
        adr   x4, hello
        bl    puts
        movz  x0, #0x0003
        movk  x0, #0xc400, lsl #16       // CPU_ON (SMC64)
        mov   x1, #1                     // MPIDR of CPU 1
        adr   x2, second
        mov   x3, #0x55
        smc   #0
        mov   x20, x0
        adr   x1, flag
1:      ldar  x2, [x1]
        cbz   x2, 1b
        adr   x4, back
        cbz   x20, 2f
        adr   x4, failed
2:      bl    puts
        b     cpu_off
second: cmp   x0, #0x55
        adr   x4, sec_ok
        b.eq  3f
        adr   x4, sec_bad
3:      bl    puts
        adr   x1, flag
        mov   x2, #1
        stlr  x2, [x1]
        b     cpu_off
${PUTS}
hello:  .asciz "boot CPU\\n"
sec_ok: .asciz "CPU 1 started by CPU_ON with its context\\n"
sec_bad: .asciz "CPU 1 started with the wrong x0\\n"
back:   .asciz "boot CPU done\\n"
failed: .asciz "CPU_ON failed\\n"
        .balign 8
flag:   .quad 0
`;

  it('only CPU 0 starts; the others wait for PSCI CPU_ON; --all-cpus starts every CPU', async () => {
    const img = asmImage('boot-convention', IMG);
    const { r, j } = await runJson(['--cpus', '3', 'guest', 'run', img]);
    expect(r.code, r.stderr).toBe(0);
    expect(j.output).toBe('boot CPU\nCPU 1 started by CPU_ON with its context\nboot CPU done\n');
    expect(j.cpus.map((c) => c.status)).toEqual(['off', 'off', 'off']);
    expect(j.cpus[2]!.instructions).toBe(0);
    const all = await runJson(['--cpus', '2', 'guest', 'run', '--all-cpus', img, '--max-instructions', '20000']);
    // Both CPUs run the boot path and print "boot CPU" (characters may interleave); CPU 1's
    // CPU_ON of itself is ALREADY_ON, so nobody sets the flag and both spend their budget.
    const sorted = (t: string): string => [...t].sort().join('');
    expect(sorted(all.j.output)).toBe(sorted('boot CPU\n'.repeat(2)));
    expect(all.j.cpus.map((c) => c.status)).toEqual(['budget', 'budget']);
  });
});

describe('interrupt latency', () => {
  it('a spinning guest takes its timer interrupt within EVENT_CHECK_INSNS instructions of the deadline', async () => {
    // Counted in guest instructions, not time: the engine looks for due timers every
    // EVENT_CHECK_INSNS instructions whatever the host's speed.
    const { measureTimerLatency } = await import('../dist/cli/bench/bench-timer.js');
    const { EVENT_CHECK_INSNS } = await import('../dist/actors/cpu/guest/engine.js');
    const t = await measureTimerLatency(40);
    expect(t.busy_late_insns.max).toBeLessThanOrEqual(EVENT_CHECK_INSNS);
    expect(t.idle_us.min).toBeGreaterThanOrEqual(0);
  });
});

describe('FP/SIMD state across traps', () => {
  it('hypercalls, trapped MMIO and SGIs leave V registers, FPCR and FPSR as the guest set them', async () => {
    const img = asmImage('fp-traps', `
        mov   x1, #0x300000
        msr   cpacr_el1, x1
        isb
        .inst 0x1e6f1000                 // fmov d0, #1.5
        .inst 0x4f04f401                 // fmov v1.4s, #-2.0
        mov   x2, #0x55
        .inst 0x4e010c42                 // dup  v2.16b, w2
        mov   x3, #0x02000000
        .inst 0xd51b4403                 // msr  fpcr, x3 (DN)
        mov   x3, #0x10
        .inst 0xd51b4423                 // msr  fpsr, x3 (IXC)
        mov   x0, #8                     // a hypercall (DEBUG_CONSOLE_PUTC)
        mov   x1, #0x2e
        hvc   #0x4a48
        mov64 x9, #0x08000000
        ldr   w10, [x9, #4]              // GICD_TYPER: a trapped, emulated MMIO read
        mov64 x11, #0x01000001
        msr   icc_sgi1r_el1, x11         // SGI 1 to CPU 0: a trapped system register write
        .inst 0x9e660004                 // fmov x4, d0
        .inst 0x4e183c25                 // mov  x5, v1.d[1]
        .inst 0x4e083c46                 // mov  x6, v2.d[0]
        .inst 0xd53b4407                 // mrs  x7, fpcr
        .inst 0xd53b4428                 // mrs  x8, fpsr
        adr   x4, bad
        mov64 x12, #0x3ff8000000000000
        .inst 0x9e660000                 // fmov x0, d0
        cmp   x0, x12
        b.ne  out
        mov64 x12, #0xc0000000c0000000
        cmp   x5, x12
        b.ne  out
        mov64 x12, #0x5555555555555555
        cmp   x6, x12
        b.ne  out
        mov   x12, #0x2000000
        cmp   x7, x12
        b.ne  out
        cmp   x8, #0x10
        b.ne  out
        adr   x4, good
out:    bl    puts
        b     cpu_off
${PUTS}
good:   .asciz "V registers, FPCR and FPSR intact\\n"
bad:    .asciz "FP state changed across a trap\\n"
`);
    const { r, j } = await runJson(['--cpus', '2', 'guest', 'run', img, '--timeout', '30']);
    expect(r.code, r.stderr).toBe(0);
    expect(j.output).toBe('.V registers, FPCR and FPSR intact\n');
    expect(j.cpus[0]!.vmexits.vmexits_mmio).toBeGreaterThanOrEqual(1);
  });
});

describe('exceptions, traps and the budget', () => {
  it('an undefined instruction is taken by the guest through VBAR_EL1 (EC 0x00), which returns past it with ERET', async () => {
    const img = asmImage('undef', `
        cbnz  x0, cpu_off
        adr   x1, vectors
        msr   vbar_el1, x1
        isb
        adr   x4, before
        bl    puts
bad:    .word 0x00000000
        adr   x4, after
        bl    puts
        b     cpu_off
sync_handler:
        mrs   x10, esr_el1
        mrs   x11, elr_el1
        adr   x12, bad
        lsr   x13, x10, #26
        cbnz  x13, 2f
        cmp   x11, x12
        b.ne  2f
        adr   x4, caught
        bl    puts
        add   x11, x11, #4
        msr   elr_el1, x11
        eret
2:      adr   x4, wrong
        bl    puts
        b     cpu_off
${PUTS}
before: .asciz "before\\n"
caught: .asciz "undefined instruction caught, EC 0x00 at the right ELR\\n"
after:  .asciz "after\\n"
wrong:  .asciz "WRONG syndrome\\n"
        .balign 2048
vectors:
        .skip 0x200
        b     sync_handler
`);
    const { r, j } = await runJson(['--cpus', '2', 'guest', 'run', '--all-cpus', img]);
    expect(r.code).toBe(0);
    expect(j.output).toBe('before\nundefined instruction caught, EC 0x00 at the right ELR\nafter\n');
    // Taken by the guest itself: no exit for it.
    expect(j.cpus[0]!.vmexits.vmexits_total).toBe(j.output.length + 1);
  });

  it('the sub-page MMIO window traps every access (vmexits_mmio) and the hypervisor performs it, sign extension included', async () => {
    const img = asmImage('subpage', `
        cbnz  x0, cpu_off
        mov64 x1, #0x08f00000
        mov64 x2, #0x8000000012345678
        str   x2, [x1, #8]
        ldr   x3, [x1, #8]
        mov   w5, #0x80
        strb  w5, [x1, #1]
        ldrsb x6, [x1, #1]
        ldrh  w7, [x1, #10]
        adr   x4, bad
        cmp   x3, x2
        b.ne  1f
        cmn   x6, #128
        b.ne  1f
        mov   w8, #0x1234
        cmp   w7, w8
        b.ne  1f
        adr   x4, good
1:      bl    puts
        b     cpu_off
${PUTS}
good:   .asciz "mmio ok\\n"
bad:    .asciz "MMIO WRONG\\n"
`);
    const { r, j } = await runJson(['--cpus', '2', 'guest', 'run', '--all-cpus', img]);
    expect(r.code).toBe(0);
    expect(j.output).toBe('mmio ok\n');
    expect(j.cpus[0]!.vmexits.vmexits_mmio).toBe(5);
    expect(j.cpus[0]!.vmexits.vmexits_total).toBe(5 + j.output.length + 1);
  });

  it('an access no region handles panic-parks only that CPU: the other CPU finishes and the console says why', async () => {
    // CPU 1 prints first and then lets CPU 0 go, so the two consoles do not interleave.
    const img = asmImage('unhandled', `
        adr   x5, flag
        cbnz  x0, 1f
2:      ldar  x6, [x5]
        cbz   x6, 2b
        mov64 x1, #0x08010000
        ldr   w2, [x1, #4]
        b     .
1:      adr   x4, alive
        bl    puts
        mov   x6, #1
        stlr  x6, [x5]
        b     cpu_off
${PUTS}
alive:  .asciz "cpu1 alive\\n"
        .balign 8
flag:   .quad 0
`);
    const r = await jhsim(['--cpus', '2', 'guest', 'run', '--all-cpus', img]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('cpu1 alive');
    expect(r.stdout).toContain('Unhandled data read at 0x8010004(4)');
    expect(r.stdout).toMatch(/FATAL: unhandled trap \(exception class 0x24\)[\s\S]*Parking CPU 0/);
    expect(r.stdout).toMatch(/│ 0\s+│ failed\s+│/);
    expect(r.stdout).toMatch(/│ 1\s+│ off\s+│/);
    expect(r.stderr).toContain('CPU 0 failed');
  });

  it('a load pair to the MMIO window has no syndrome (ISV = 0): unhandled, the CPU fails', async () => {
    const img = asmImage('ldp', `
        cbnz  x0, cpu_off
        mov64 x1, #0x08f00000
        ldp   x2, x3, [x1]
        b     .
${PUTS}
`);
    const r = await jhsim(['--cpus', '2', 'guest', 'run', '--all-cpus', img]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('Unhandled data read at 0x8f00000(1)');
  });

  it('--max-instructions stops every CPU after exactly that many instructions', async () => {
    const img = asmImage('loop', `
1:      add   x1, x1, #1
        b     1b
`);
    const { r, j } = await runJson(['--cpus', '2', 'guest', 'run', '--all-cpus', img, '--max-instructions', '123457']);
    expect(r.code).toBe(0);
    expect(j.cpus.map((c) => [c.status, c.instructions])).toEqual([['budget', 123457], ['budget', 123457]]);
  });
});

describe('bad images are rejected before anything runs', () => {
  it('a truncated ELF', async () => {
    const whole = readFileSync(join(PROGS, 'crc32.elf'));
    const file = join(tmp, 'truncated.elf');
    writeFileSync(file, whole.subarray(0, 200));
    const r = await jhsim(['guest', 'run', '--all-cpus', file]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^jhsim: truncated\.elf: .*(ENOEXEC|EINVAL)/m);
  });

  it('an ELF for another machine', async () => {
    const bytes = new Uint8Array(readFileSync(join(PROGS, 'crc32.elf')));
    bytes[18] = 62; // e_machine = EM_X86_64
    bytes[19] = 0;
    const file = join(tmp, 'x86.elf');
    writeFileSync(file, bytes);
    const r = await jhsim(['guest', 'run', '--all-cpus', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/x86\.elf: .*x86-64.*AArch64/i);
  });

  it('an entry point outside the image, and a raw image outside RAM', async () => {
    const img = asmImage('tiny', 'b .');
    let r = await jhsim(['guest', 'run', '--all-cpus', img, '--entry', '0x50000000']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/tiny\.bin: entry .*0x50000000/);
    r = await jhsim(['guest', 'run', '--all-cpus', img, '--load', '0x1000']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/tiny\.bin: segment \[0x1000, 0x1004\).*does not fit.*root RAM \[0x40000000/);
  });
});
