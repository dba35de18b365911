/**
 * The interrupt inmates gic-demo and uart-demo (Jailhouse's demos of those names), printing on
 * the PL011 and using the GICv3 system-register CPU interface, the redistributors and the generic
 * timer as Jailhouse's inmate library does. sgi-pingpong (SGI round trips between two CPUs of a
 * cell) is in sgi-pingpong.ts.
 */
import { INMATE_DEV_LIB, INMATE_DEV_LIB_DATA, VTIMER_PPI, inmateHead } from './dev-lib.js';
import { INMATE_LIB, INMATE_LIB_DATA } from './lib.js';

/**
 * gic-demo (Jailhouse's inmates/demos/arm/gic-demo.c): the EL1 virtual timer at 10 beats per
 * second through the GIC; each tick prints the jitter (now - expected, in ns, signed) with the
 * running minimum and maximum, then re-arms relative to now. Idles in WFI and answers comm-region
 * messages after each wake-up.
 */
export const GIC_DEMO = `
${inmateHead('main')}
main:   bl    setup_stack
        adr   x0, vectors
        msr   vbar_el1, x0
        isb
        adr   x0, s_gic
        bl    uart_puts
        bl    gic_init
        mov   x0, #${VTIMER_PPI}
        bl    irq_enable
        adr   x0, s_timer
        bl    uart_puts
        bl    timer_freq
        adr   x1, freq
        str   x0, [x1]
        mov   x1, #10                   // BEATS_PER_SEC
        udiv  x19, x0, x1
        adr   x1, beat
        str   x19, [x1]
        bl    timer_ticks
        add   x0, x0, x19
        adr   x1, expected
        str   x0, [x1]
        mov   x0, x19
        bl    timer_start
        msr   daifclr, #2
idle:   wfi
        bl    comm_poll
        b     idle

// irq_handler: x0 = INTID; only the virtual timer is of interest
irq_handler:
        cmp   x0, #${VTIMER_PPI}
        b.eq  1f
        ret
1:      stp   x19, x20, [sp, #-32]!
        stp   x21, x30, [sp, #16]
        bl    timer_ticks
        adr   x1, expected
        ldr   x2, [x1]
        sub   x19, x0, x2               // jitter in ticks (signed)
        mov64 x3, #1000000000
        mul   x19, x19, x3
        adr   x1, freq
        ldr   x2, [x1]
        sdiv  x19, x19, x2              // ... in ns
        adr   x1, jmin
        ldr   x20, [x1]
        cmp   x19, x20
        csel  x20, x19, x20, lt
        str   x20, [x1]
        adr   x1, jmax
        ldr   x21, [x1]
        cmp   x19, x21
        csel  x21, x19, x21, gt
        str   x21, [x1]
        adr   x0, s_fired
        bl    uart_puts
        mov   x0, x19
        mov   x1, #6
        bl    uart_putsdec
        adr   x0, s_min
        bl    uart_puts
        mov   x0, x20
        mov   x1, #6
        bl    uart_putsdec
        adr   x0, s_max
        bl    uart_puts
        mov   x0, x21
        mov   x1, #6
        bl    uart_putsdec
        adr   x0, s_ns
        bl    uart_puts
        // re-arm relative to now, as Jailhouse does
        adr   x1, beat
        ldr   x19, [x1]
        bl    timer_ticks
        add   x0, x0, x19
        adr   x1, expected
        str   x0, [x1]
        mov   x0, x19
        bl    timer_start
        ldp   x21, x30, [sp, #16]
        ldp   x19, x20, [sp], #32
        ret
${INMATE_LIB}
${INMATE_DEV_LIB}
s_gic:   .asciz "Initializing the GIC...\\n"
s_timer: .asciz "Initializing the timer...\\n"
s_fired: .asciz "Timer fired, jitter: "
s_min:   .asciz " ns, min: "
s_max:   .asciz " ns, max: "
s_ns:    .asciz " ns\\n"
${INMATE_DEV_LIB_DATA}
${INMATE_LIB_DATA}
        .balign 8
freq:     .quad 0
beat:     .quad 0
expected: .quad 0
jmin:     .quad 0x7fffffffffffffff
jmax:     .quad 0x8000000000000000
`;

/**
 * uart-demo (Jailhouse's inmates/demos/arm/uart-demo.c): forever busy-count, then print
 * "Hello <n> from cell!" through the PL011 (n = 1, 2, ...). The count is 50 x 1,000,000
 * iterations of a two-instruction loop (SUBS, B.NE): 100 M instructions, about 0.67 s per line
 * at 150 M guest instructions/s (Jailhouse counts to 100,000,000 in C on real hardware). The comm
 * region is polled after every million iterations, so a shutdown request is answered within
 * about 15 ms. No interrupts, no vmexits.
 */
export const UART_DEMO = `
${inmateHead('main')}
main:   bl    setup_stack
        adr   x0, vectors
        msr   vbar_el1, x0
        isb
        mov   x19, #0
loop:   mov   x20, #50
1:      mov64 x0, #1000000
2:      subs  x0, x0, #1
        b.ne  2b
        bl    comm_poll
        subs  x20, x20, #1
        b.ne  1b
        add   x19, x19, #1
        adr   x0, s_hello
        bl    uart_puts
        mov   x0, x19
        bl    uart_putdec
        adr   x0, s_from
        bl    uart_puts
        b     loop
irq_handler:
        ret
${INMATE_LIB}
${INMATE_DEV_LIB}
s_hello: .asciz "Hello "
s_from:  .asciz " from cell!\\n"
${INMATE_DEV_LIB_DATA}
${INMATE_LIB_DATA}
`;
