/**
 * Interrupt delivery latency for `jhsim bench`: guest code on CPU 0 sets an SPI pending
 * (GICD_ISPENDR, a trapped write the hypervisor performs on the GIC) and spins on a flag; the
 * SPI is routed to CPU 1, idle in WFI, which exits to EL2, gets it injected into a list register
 * and enters its guest IRQ handler, which stores the flag. The round trip is measured by the
 * guest with CNTPCT over many rounds, beside a bare Atomics wait/notify ping-pong between two
 * workers measured in the same run.
 */
import { assemble } from '../../actors/cpu/a64/asm-text.js';
import { INMATE_LIB, INMATE_LIB_DATA } from '../../actors/cpu/inmates/lib.js';
import { GICD_IROUTER, GICD_IROUTER_AFF_LO, GICD_ISENABLER, GICD_ISPENDR } from '../../actors/gic/regs.js';
import { ICC_IGRPEN1_EN, ICC_PMR_DEFAULT } from '../../actors/gic/sysregs.js';
import { BoardSchema, DEFAULT_BOARD } from '../../actors/cpu/board.js';
import { DEFAULT_GUEST_CONFIG, DEFAULT_RAW_LOAD, runGuest } from '../commands/guest-run.js';
import { resolveUserPath } from '../paths.js';

/** The target: delivery at most this many bare round trips. */
export const IRQ_TARGET_RATIO = 2;
/** The SPI the bench uses (owned by the guest harness's root cell). */
const BENCH_SPI = 100;

export interface IrqLatency {
  rounds: number;
  irq_roundtrip_us: number;
  notify_roundtrip_us: number;
  ratio: number;
}

function image(rounds: number): Uint8Array {
  const word = Math.floor(BENCH_SPI / 32) * 4;
  const bit = 1 << (BENCH_SPI % 32);
  return assemble(`
        adr   x10, flag
        add   x18, x10, #8
        add   x19, x10, #16
        mov64 x11, #${DEFAULT_BOARD.gic.gicd_base}
        cbnz  x0, receiver
// CPU 0: wait for the receiver, then ${rounds} rounds of "pend the SPI, wait for the handler".
1:      ldar  x1, [x18]
        cbz   x1, 1b
        mov   w12, #${bit}
        mov   x13, #0
        mrs   x20, cntpct_el0
2:      add   x13, x13, #1
        str   w12, [x11, #${GICD_ISPENDR + word}]
3:      ldar  x1, [x10]
        cmp   x1, x13
        b.ne  3b
        cmp   x13, #${rounds}
        b.lo  2b
        mrs   x21, cntpct_el0
// Done: one more SPI turns the receiver off; then the result (putdec clobbers x9-x13).
        mov   x1, #1
        stlr  x1, [x19]
        str   w12, [x11, #${GICD_ISPENDR + word}]
        adr   x1, stack_top
        mov   sp, x1
        sub   x0, x21, x20
        bl    putdec
        mov   x0, #8
        mov   x1, #10
        hvc   #0x4a48
        b     cpu_off
// CPU 1: the SPI enabled and routed here, group 1 on, IRQs unmasked, idle in WFI.
receiver:
        adr   x1, vectors
        msr   vbar_el1, x1
        mrs   x1, mpidr_el1
        and   x1, x1, #${GICD_IROUTER_AFF_LO}
        str   x1, [x11, #${GICD_IROUTER + BENCH_SPI * 8}]
        mov   w1, #${bit}
        str   w1, [x11, #${GICD_ISENABLER + word}]
        mov   x1, #${ICC_PMR_DEFAULT}
        msr   icc_pmr_el1, x1
        mov   x1, #${ICC_IGRPEN1_EN}
        msr   icc_igrpen1_el1, x1
        msr   daifclr, #2
        mov   x1, #1
        stlr  x1, [x18]
4:      wfi
        b     4b
cpu_off:
        movz  x0, #0x0002
        movk  x0, #0x8400, lsl #16
        smc   #0
        b     cpu_off
${INMATE_LIB}
        .balign 2048
vectors:
        .space 0x280
// IRQ from EL1h: acknowledge, tell CPU 0, EOI; the last round turns this CPU off.
        mrs   x2, icc_iar1_el1
        ldr   x3, [x10, #16]
        cbnz  x3, cpu_off
        ldr   x3, [x10]
        add   x3, x3, #1
        stlr  x3, [x10]
        msr   icc_eoir1_el1, x2
        eret
        .balign 8
flag:   .quad 0, 0, 0
${INMATE_LIB_DATA}
        .balign 16
        .space 256
stack_top:
`, DEFAULT_RAW_LOAD).bytes;
}

/** `rounds` delivered interrupts; `notifyUs` is the bare round trip measured in the same run. */
export async function measureIrqLatency(rounds: number, notifyUs: number): Promise<IrqLatency> {
  const r = await runGuest({
    board: BoardSchema.parse({ ...DEFAULT_BOARD, cpus: 2 }),
    image: image(rounds),
    name: 'irq-latency.bin',
    configFile: resolveUserPath(DEFAULT_GUEST_CONFIG),
    maxInstructions: 0,
    allCpus: true,
    timeoutMs: 120_000,
  });
  const ticks = Number(/(\d+)\s*$/.exec(r.output.trim())?.[1] ?? NaN);
  if (!Number.isFinite(ticks)) throw new Error(`irq latency bench: no result in the guest output: ${JSON.stringify(r.output.slice(-200))}`);
  const us = (ticks / (DEFAULT_BOARD.timer_hz / 1e6)) / rounds;
  const round2 = (x: number): number => Math.round(x * 100) / 100;
  return { rounds, irq_roundtrip_us: round2(us), notify_roundtrip_us: round2(notifyUs), ratio: round2(us / notifyUs) };
}
