/**
 * Timer interrupt latency, measured by the guest itself: CPU 0 arms its EL1 virtual timer 1 ms
 * ahead (CNTV_CVAL_EL0), then either idles in WFI or spins, and its IRQ handler records how late
 * it runs: CNTVCT_EL0 at the handler minus CVAL (host-clock ticks), and, for the spinning guest,
 * how many instructions it executed after it saw the deadline pass (the engine checks for due
 * timers and posted interrupts every EVENT_CHECK_INSNS instructions). The PPI goes through the
 * hypervisor as on hardware: a physical IRQ exit, a list register, the guest's ICC_IAR1_EL1.
 */
import { assemble } from '../actors/cpu/a64/asm-text.js';
import { GICR_ISENABLER0 } from '../actors/gic/regs.js';
import { PPI_VTIMER } from '../actors/gic/index.js';
import { INMATE_LIB, INMATE_LIB_DATA } from '../actors/cpu/inmates/lib.js';
import { BoardSchema, DEFAULT_BOARD } from '../shared/board.js';
import { DEFAULT_GUEST_CONFIG, DEFAULT_RAW_LOAD, runGuest } from './guest-run.js';
import { resolveUserPath } from './paths.js';

/** Ticks of the 62.5 MHz counter between arming and the deadline (1 ms). */
const DELAY_TICKS = 62_500;

export interface Spread { min: number; median: number; max: number }

export interface TimerLatency {
  rounds: number;
  /** Handler entry after the deadline, guest idle in WFI (µs). */
  idle_us: Spread;
  /** The same with the guest spinning (µs). */
  busy_us: Spread;
  /** Instructions the spinning guest executed after it saw the deadline pass. */
  busy_late_insns: Spread;
}

/** `idle` rounds then `busy` rounds; prints "<late ticks> <late iterations>" per round. */
function image(rounds: number): Uint8Array {
  const gicr = DEFAULT_BOARD.gic.gicr_base;
  return assemble(`
        adr   x1, vectors
        msr   vbar_el1, x1
        adr   x1, stack_top
        mov   sp, x1
        mov64 x11, #${gicr + GICR_ISENABLER0}
        mov   w1, #${1 << PPI_VTIMER}
        str   w1, [x11]
        mov   x1, #0xf0
        msr   icc_pmr_el1, x1
        mov   x1, #1
        msr   icc_igrpen1_el1, x1
        msr   daifclr, #2
        adr   x22, flag
        adr   x23, results
        mov   x24, #0                    // round
round:  str   xzr, [x22]
        mov   x5, #0
        mov   x8, #0
        mrs   x7, cntvct_el0
        add   x7, x7, #${DELAY_TICKS & 0xfff}
        add   x7, x7, #${DELAY_TICKS >> 12}, lsl #12
        msr   cntv_cval_el0, x7
        mov   x1, #1
        msr   cntv_ctl_el0, x1
        cmp   x24, #${rounds}
        b.hs  busy
idle:   wfi
        ldr   x1, [x22]
        cbz   x1, idle
        b     next
// Spin until the counter passes CVAL (x8 = iterations so far), then count on until the IRQ.
busy:   ldr   x1, [x22]
        cbnz  x1, next
        add   x5, x5, #1
        mrs   x6, cntvct_el0
        cmp   x6, x7
        b.lo  busy
        mov   x8, x5
spin:   add   x5, x5, #1
        ldr   x1, [x22]
        cbz   x1, spin
next:   add   x24, x24, #1
        cmp   x24, #${2 * rounds}
        b.lo  round
// Print the results: per round "ticks iterations".
        mov   x24, #0
        adr   x23, results
1:      ldr   x0, [x23], #8
        bl    putdec
        mov   x0, #8
        mov   x1, #32
        hvc   #0x4a48
        ldr   x0, [x23], #8
        bl    putdec
        mov   x0, #8
        mov   x1, #10
        hvc   #0x4a48
        add   x24, x24, #1
        cmp   x24, #${2 * rounds}
        b.lo  1b
cpu_off:
        movz  x0, #0x0002
        movk  x0, #0x8400, lsl #16
        smc   #0
        b     cpu_off
${INMATE_LIB}
        .balign 2048
vectors:
        .space 0x280
// IRQ from EL1h: the lateness in ticks and spin iterations, timer off, EOI, flag.
        mrs   x2, icc_iar1_el1
        mrs   x3, cntvct_el0
        sub   x3, x3, x7
        str   x3, [x23], #8
        sub   x4, x5, x8
        cmp   x8, #0
        csel  x4, xzr, x4, eq
        str   x4, [x23], #8
        msr   cntv_ctl_el0, xzr
        msr   icc_eoir1_el1, x2
        mov   x3, #1
        str   x3, [x22]
        eret
        .balign 8
flag:   .quad 0
${INMATE_LIB_DATA}
        .balign 16
        .space 1024
stack_top:
results:
        .skip ${2 * rounds * 16}
`, DEFAULT_RAW_LOAD).bytes;
}

function spread(xs: number[]): Spread {
  const s = [...xs].sort((a, b) => a - b);
  const r = (x: number): number => Math.round(x * 10) / 10;
  return { min: r(s[0]!), median: r(s[Math.floor(s.length / 2)]!), max: r(s[s.length - 1]!) };
}

/** `rounds` idle and `rounds` spinning timer interrupts on CPU 0 of a 2-CPU board. */
export async function measureTimerLatency(rounds: number): Promise<TimerLatency> {
  const r = await runGuest({
    board: BoardSchema.parse({ ...DEFAULT_BOARD, cpus: 2 }),
    image: image(rounds),
    name: 'timer-latency.bin',
    configFile: resolveUserPath(DEFAULT_GUEST_CONFIG),
    maxInstructions: 0,
    timeoutMs: 120_000,
  });
  const rows = r.output.trim().split('\n').map((l) => l.trim().split(/\s+/).map(Number));
  if (rows.length !== 2 * rounds || rows.some((x) => x.length !== 2 || x.some((n) => !Number.isFinite(n)))) {
    throw new Error(`timer latency bench: unexpected guest output: ${JSON.stringify(r.output.slice(-300))}`);
  }
  const us = (ticks: number): number => ticks / (DEFAULT_BOARD.timer_hz / 1e6);
  // Three instructions per spin iteration (add, ldr, cbz).
  return {
    rounds,
    idle_us: spread(rows.slice(0, rounds).map((x) => us(x[0]!))),
    busy_us: spread(rows.slice(rounds).map((x) => us(x[0]!))),
    busy_late_insns: spread(rows.slice(rounds).map((x) => 3 * x[1]!)),
  };
}
