/**
 * Edge cases a guest can provoke, made as upstream Jailhouse and the Arm architecture have
 * them, through `jhsim guest run` (real CPU workers, the block translator, the hypervisor's trap
 * path). Each expectation names its source:
 *  - arm-common/psci.c + lib.c (arm_cpu_by_mpidr compares the whole target argument with
 *    MPIDR & MPIDR_CPUID_MASK: any other bit set, bit 31 included, is PSCI_DENIED; CPU_ON masks
 *    to 32 bits only for SMC32; psci_dispatch compares all 64 bits of x0: NOT_SUPPORTED);
 *  - hypervisor/control.c (hypercall(unsigned long code, ...): a code with bits above 31 is
 *    -ENOSYS; cell_get_state compares the u32 config id with the unsigned long argument);
 *  - Arm ARM, AArch64.ExceptionReturn: an ERET to a higher EL is an illegal return, PSTATE.IL
 *    is set and the next instruction takes the Illegal Execution State exception (EC 0x0e) with
 *    SPSR_EL1.IL = 1;
 *  - Arm ARM, AT: PAR_EL1 (F = 0, ATTR, PA, RES1 bit 11; with the MMU off Device-nGnRnE and a VA
 *    beyond the 48-bit PA range an address size fault, FST 0);
 *  - Arm ARM, DC IVAC: translated like a store; arm64/mmio.c arch_handle_dabt: no ISV (CM = 1)
 *    means "Unhandled data write" and the CPU is parked;
 *  - arm64/traps.c handle_sysreg: only ICC_SGI1R_EL1 is handled; ICC_SGI0R_EL1 and
 *    ICC_ASGI1R_EL1 writes (trapped by HCR_EL2.FMO/IMO) are an unhandled trap (EC 0x18).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { LOAD, PUTC_CPU_OFF, guestRunAsm, type GuestReport } from './guest-asm.js';

vi.setConfig({ testTimeout: 120_000 });

const tmp = mkdtempSync(join(tmpdir(), 'jhsim-edges-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const guestRun = (name: string, src: string, cpus: number, code = 0): Promise<GuestReport> => guestRunAsm(tmp, name, src, cpus, code);

/** show: prints the string at x1, then x0 as 16 hex digits and a newline (debug console). */
const LIB = `
show:   stp   x19, x20, [sp, #-32]!
        str   x30, [sp, #16]
        mov   x19, x0
        mov   x20, x1
1:      ldrb  w1, [x20], #1
        cbz   w1, 2f
        bl    putc
        b     1b
2:      mov   x20, #60
3:      lsr   x1, x19, x20
        and   x1, x1, #15
        cmp   x1, #10
        add   x2, x1, #48
        add   x3, x1, #87
        csel  x1, x2, x3, lo
        bl    putc
        subs  x20, x20, #4
        b.pl  3b
        mov   x1, #10
        bl    putc
        ldr   x30, [sp, #16]
        ldp   x19, x20, [sp], #32
        ret
${PUTC_CPU_OFF}`;

/** x0 = the result of SMC with x0..x1 as given (x2, x3 = 0). */
const smc = (x0: string, x1: string, label: string): string => `
        ${x0}
        ${x1}
        mov   x2, #0
        mov   x3, #0
        smc   #0
        adr   x1, ${label}
        bl    show`;

describe('guest edge cases as upstream Jailhouse and the Arm ARM have them', () => {
  it('PSCI and hypercall arguments with bits above their fields, AT with the MMU off, an illegal exception return', async () => {
    const r = await guestRun('edges', `
        cbnz  x0, wait_off
        adr   x1, stack_top
        mov   sp, x1
        adr   x1, vectors
        msr   vbar_el1, x1
        isb
        // PSCI CPU_ON (SMC64) of CPU 1, which runs: ALREADY_ON; with bit 31 of the MPIDR: DENIED.
        ${smc('movz  x0, #0x0003\n        movk  x0, #0xc400, lsl #16', 'mov   x1, #1', 's_on')}
        ${smc('movz  x0, #0x0003\n        movk  x0, #0xc400, lsl #16', 'mov64 x1, #0x80000001', 's_on31')}
        // AFFINITY_INFO (SMC64) of CPU 1: ON (0); with bit 40 set: DENIED.
        ${smc('movz  x0, #0x0004\n        movk  x0, #0xc400, lsl #16', 'mov   x1, #1', 's_aff')}
        ${smc('movz  x0, #0x0004\n        movk  x0, #0xc400, lsl #16', 'mov64 x1, #0x10000000001', 's_aff40')}
        // PSCI_VERSION with bit 32 of the function ID set: NOT_SUPPORTED.
        ${smc('mov64 x0, #0x184000000', 'mov   x1, #0', 's_ver')}
        // CELL_GET_STATE(0): RUNNING (0); code with bit 32: -ENOSYS; id 2^32: -ENOENT.
        mov   x0, #6
        mov   x1, #0
        hvc   #0x4a48
        adr   x1, s_gs
        bl    show
        mov64 x0, #0x100000006
        mov   x1, #0
        hvc   #0x4a48
        adr   x1, s_gs_code
        bl    show
        mov   x0, #6
        mov64 x1, #0x100000000
        hvc   #0x4a48
        adr   x1, s_gs_id
        bl    show
        // AT S1E1R with the MMU off: RAM, then a VA beyond the PA range.
        mov64 x1, #${LOAD}
        at    s1e1r, x1
        isb
        mrs   x0, par_el1
        adr   x1, s_at
        bl    show
        mov64 x1, #0x1000000000000
        at    s1e1r, x1
        isb
        mrs   x0, par_el1
        adr   x1, s_at_big
        bl    show
        // ERET to EL2h: illegal; the instruction at ELR_EL1 takes EC 0x0e instead of running.
        adr   x1, never
        msr   elr_el1, x1
        mov   x1, #0x3c9
        msr   spsr_el1, x1
        eret
never:  adr   x1, s_never
        mov   x0, #0
        bl    show
back:   adr   x1, s_done
        mov   x0, #0
        bl    show
        adr   x1, flag
        mov   x2, #1
        stlr  x2, [x1]
        b     cpu_off

// CPU 1 stays on (the PSCI calls above look at it) until CPU 0 is done.
wait_off:
        adr   x1, flag
1:      ldar  x2, [x1]
        cbz   x2, 1b
        b     cpu_off

sync:   mrs   x0, esr_el1
        adr   x1, s_esr
        bl    show
        mrs   x0, spsr_el1
        adr   x1, s_spsr
        bl    show
        mrs   x0, elr_el1
        adr   x1, never
        sub   x0, x0, x1
        adr   x1, s_elr
        bl    show
        adr   x1, back
        msr   elr_el1, x1
        mov   x1, #0x3c5
        msr   spsr_el1, x1
        eret
${LIB}
s_on:     .asciz "cpu_on "
s_on31:   .asciz "cpu_on_bit31 "
s_aff:    .asciz "affinity "
s_aff40:  .asciz "affinity_bit40 "
s_ver:    .asciz "version_bit32 "
s_gs:     .asciz "get_state "
s_gs_code: .asciz "get_state_code_bit32 "
s_gs_id:  .asciz "get_state_id_2^32 "
s_at:     .asciz "at_ram "
s_at_big: .asciz "at_2^48 "
s_never:  .asciz "executed after an illegal return "
s_esr:    .asciz "esr "
s_spsr:   .asciz "spsr "
s_elr:    .asciz "elr-never "
s_done:   .asciz "done "
        .balign 8
flag:     .quad 0
        .balign 16
        .space 1024
stack_top:
        .balign 2048
vectors:
        .space 0x200
        b     sync
`, 2);
    const out = Object.fromEntries(r.output.trim().split('\n').map((l) => {
      const i = l.lastIndexOf(' ');
      return [l.slice(0, i), BigInt(`0x${l.slice(i + 1)}`)];
    }));
    const neg = (v: bigint | undefined): bigint => BigInt.asIntN(64, v ?? 0n);
    expect(neg(out.cpu_on)).toBe(-4n); // PSCI_ALREADY_ON
    expect(neg(out.cpu_on_bit31)).toBe(-3n); // PSCI_DENIED
    expect(out.affinity).toBe(0n); // ON
    expect(neg(out.affinity_bit40)).toBe(-3n);
    expect(neg(out.version_bit32)).toBe(-1n); // NOT_SUPPORTED
    expect(out.get_state).toBe(0n);
    expect(neg(out.get_state_code_bit32)).toBe(-38n); // -ENOSYS
    expect(neg(out['get_state_id_2^32'])).toBe(-2n); // -ENOENT
    // PAR_EL1: ATTR 0x00 (Device-nGnRnE), PA, bit 11, SH = 0b10; then F with FST 0 (address size, level 0).
    expect(out.at_ram).toBe(BigInt(LOAD) | (1n << 11n) | (2n << 7n));
    expect(out['at_2^48']).toBe((1n << 11n) | 1n);
    expect(out.esr).toBe(0x3800_0000n | (1n << 25n)); // EC 0x0e, IL
    expect(out.spsr! & (1n << 20n)).toBe(1n << 20n); // SPSR.IL
    expect(out.spsr! & 0xfn).toBe(5n); // still EL1h: the illegal return changed no EL
    expect(out['elr-never']).toBe(0n);
    expect(out['executed after an illegal return']).toBeUndefined();
    expect(out.done).toBe(0n);
  });

  // One failing CPU per run (CPU 1 turns itself off): each FATAL dump is about 1.3 KB and the hypervisor console is a
  // 2 KB ring (as upstream's), so three simultaneous dumps can outrun the reader on a busy host.
  it('DC IVAC outside the cell takes a stage-2 abort without syndrome and parks the CPU', async () => {
    const r = await guestRun('dc-ivac', `
        cbnz  x0, cpu_off
        // DC CVAC and DC IVAC of its own RAM are fine; DC IVAC of hypervisor memory is not.
        mov64 x1, #${LOAD}
        dc    cvac, x1
        dc    ivac, x1
        mov   x1, #79
        bl    putc
        mov   x1, #10
        bl    putc
        mov64 x1, #0x7fc00000
        dc    ivac, x1
        b     cpu_off
${LIB}
`, 2, 1);
    expect(r.lost).toBe(0);
    expect(r.output).toContain('O\n');
    expect(r.output).toContain('Unhandled data write at 0x7fc00000(1)');
    expect(r.output).toContain('FATAL: unhandled trap (exception class 0x24)');
    expect(r.cpus.map((c) => c.status)).toEqual(['failed', 'off']);
  });

  it.each(['icc_sgi0r_el1', 'icc_asgi1r_el1'])('an %s write is an unhandled trap', async (reg) => {
    const r = await guestRun(`trap-${reg}`, `
        cbnz  x0, cpu_off
        msr   ${reg}, xzr
        b     cpu_off
${LIB}
`, 2, 1);
    expect(r.lost).toBe(0);
    expect(r.output.match(/FATAL: unhandled trap \(exception class 0x18\)/g)?.length).toBe(1);
    expect(r.cpus.map((c) => c.status)).toEqual(['failed', 'off']);
  });
});
