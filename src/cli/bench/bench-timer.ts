/**
 * Timer interrupt latency, measured by the guest itself: CPU 0 arms its EL1 virtual timer 1 ms
 * ahead (CNTV_CVAL_EL0), then either idles in WFI or spins, and its IRQ handler records how late
 * it runs: CNTVCT_EL0 at the handler minus CVAL (host-clock ticks), and, for the spinning guest,
 * how many instructions it executed after it saw the deadline pass (the engine checks for due
 * timers and posted interrupts every EVENT_CHECK_INSNS instructions). The PPI goes through the
 * hypervisor as on hardware: a physical IRQ exit, a list register, the guest's ICC_IAR1_EL1.
 */
import { assemble } from '../../actors/cpu/a64/asm-text.js';
import { GICR_ISENABLER0 } from '../../actors/gic/regs.js';
import { ICC_IGRPEN1_EN, ICC_PMR_DEFAULT } from '../../actors/gic/sysregs.js';
import { PPI_VTIMER } from '../../actors/gic/index.js';
import { BoardSchema, DEFAULT_BOARD } from '../../actors/cpu/board.js';
import { DEFAULT_GUEST_CONFIG, DEFAULT_RAW_LOAD, runGuest } from '../commands/guest-run.js';
import { resolveUserPath } from '../paths.js';

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

/**
 * `rounds` idle then `rounds` busy rounds; leaves two 64-bit words per round at `results`:
 * lateness in ticks and spin iterations after the deadline (read back from guest memory).
 */
function image(rounds: number): { bytes: Uint8Array; results: number } {
  const gicr = DEFAULT_BOARD.gic.gicr_base;
  const a = assemble(`
        adr   x1, vectors
        msr   vbar_el1, x1
        adr   x1, stack_top
        mov   sp, x1
        mov64 x11, #${gicr + GICR_ISENABLER0}
        mov   w1, #${1 << PPI_VTIMER}
        str   w1, [x11]
        mov   x1, #${ICC_PMR_DEFAULT}
        msr   icc_pmr_el1, x1
        mov   x1, #${ICC_IGRPEN1_EN}
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
cpu_off:
        movz  x0, #0x0002
        movk  x0, #0x8400, lsl #16
        smc   #0
        b     cpu_off
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
        .balign 16
        .space 1024
stack_top:
results:
        .skip ${2 * rounds * 16}
`, DEFAULT_RAW_LOAD);
  return { bytes: a.bytes, results: a.symbols.get('results')! };
}

/** The middle value of `xs` (the upper one of an even count), as the bench reports medians. */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function spread(xs: number[]): Spread {
  const r = (x: number): number => Math.round(x * 10) / 10;
  return { min: r(Math.min(...xs)), median: r(median(xs)), max: r(Math.max(...xs)) };
}

/** `rounds` idle and `rounds` spinning timer interrupts on CPU 0 of a 2-CPU board. */
export async function measureTimerLatency(rounds: number): Promise<TimerLatency> {
  const img = image(rounds);
  const size = 2 * rounds * 16;
  const r = await runGuest({
    board: BoardSchema.parse({ ...DEFAULT_BOARD, cpus: 2 }),
    image: img.bytes,
    name: 'timer-latency.bin',
    configFile: resolveUserPath(DEFAULT_GUEST_CONFIG),
    maxInstructions: 0,
    timeoutMs: 120_000,
    readBack: { address: img.results, size },
  });
  if (r.cpus[0]?.status !== 'off' || !r.memory) {
    throw new Error(`timer latency bench: the guest did not finish (CPU 0 ${r.cpus[0]?.status}): ${JSON.stringify(r.output.slice(-300))}`);
  }
  const words = new BigUint64Array(r.memory.buffer, r.memory.byteOffset, size / 8);
  const rows = Array.from({ length: 2 * rounds }, (_, i) => [Number(words[2 * i]!), Number(words[2 * i + 1]!)]);
  const us = (ticks: number): number => ticks / (DEFAULT_BOARD.timer_hz / 1e6);
  // Three instructions per spin iteration (add, ldr, cbz).
  return {
    rounds,
    idle_us: spread(rows.slice(0, rounds).map((x) => us(x[0]!))),
    busy_us: spread(rows.slice(rounds).map((x) => us(x[0]!))),
    busy_late_insns: spread(rows.slice(rounds).map((x) => 3 * x[1]!)),
  };
}
