/**
 * The interrupt inmates, printing on the PL011 and using the GICv3 system-register CPU
 * interface, the redistributors and the generic timer as Jailhouse's inmate library does:
 * gic-demo and uart-demo (Jailhouse's demos of those names) and sgi-pingpong (SGI round trips
 * between two CPUs of a cell).
 */
import { INMATE_DEV_LIB, INMATE_DEV_LIB_DATA, INMATE_LIB, INMATE_LIB_DATA, VTIMER_PPI, inmateHead } from './lib.js';

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

/** SGI used by sgi-pingpong. */
const PING_SGI = 5;
/** Round trips per report of sgi-pingpong. */
const PING_ROUNDS = 1000;

/**
 * sgi-pingpong: two CPUs of one cell bounce SGI 5. The first CPU powers on the first other CPU
 * of its cluster that PSCI CPU_ON accepts (the cell's other CPU); both initialise their GIC CPU
 * interface and enable SGI 5 (the first also the virtual timer, its per-round timeout). The
 * second answers every SGI 5 by sending SGI 5 back (MSR ICC_SGI1R_EL1, a trapped vmexit). The
 * first sends, waits in WFI (IRQs masked around the check, so a reply arriving before the WFI
 * still wakes it), measures the round trip with CNTPCT_EL0, and after 1000 rounds prints
 * "sgi-pingpong: 1000 round trips, min A ns, avg B ns, max C ns"; then it waits about 1 s
 * answering comm-region messages and starts over. A reply missing for 100 ms ends the batch with
 * "sgi-pingpong: no reply to SGI 5 within 100 ms in round N".
 */
export const SGI_PINGPONG = `
${inmateHead('main')}
main:   mov   x22, x0                   // 0: the cell's first CPU; 1: started by CPU_ON
        bl    setup_stack
        adr   x0, vectors
        msr   vbar_el1, x0
        isb
        cbnz  x22, pong
        mrs   x0, mpidr_el1
        mov64 x1, #0xff00ffffff
        and   x20, x0, x1               // own affinity
        adr   x1, ping_mpidr
        str   x20, [x1]
        bl    timer_freq
        mov   x25, x0
        adr   x1, freq
        str   x0, [x1]
        dmb   ish
        // Power on the first other CPU of our cluster that PSCI CPU_ON accepts.
        mov64 x1, #0xff00ffff00
        and   x23, x20, x1
        mov   x21, #0
1:      orr   x24, x23, x21
        cmp   x24, x20
        b.eq  2f
        movz  x0, #0x0003
        movk  x0, #0xc400, lsl #16      // PSCI CPU_ON (SMC64)
        mov   x1, x24
        adr   x2, _start
        mov   x3, #1                    // context id: x0 of the new CPU
        smc   #0
        cbz   x0, 3f
2:      add   x21, x21, #1
        cmp   x21, #16
        b.lo  1b
        adr   x0, s_alone
        bl    uart_puts
        b     halt
3:      adr   x1, partner_mpidr
        str   x24, [x1]
        bl    gic_init
        mov   x0, #${PING_SGI}
        bl    irq_enable
        mov   x0, #${VTIMER_PPI}
        bl    irq_enable
        msr   daifclr, #2
        // The partner says when its GIC interface is up (at most 1 s).
        bl    timer_ticks
        add   x19, x0, x25
4:      adr   x1, pong_ready
        ldar  w0, [x1]
        cbnz  w0, 5f
        bl    comm_poll
        bl    timer_ticks
        cmp   x0, x19
        b.hs  no_partner
        wfe
        b     4b
5:      adr   x0, s_start1
        bl    uart_puts
        mov   x0, x20
        bl    cpu_number
        bl    uart_putdec
        adr   x0, s_start2
        bl    uart_puts
        mov   x0, x24
        bl    cpu_number
        bl    uart_putdec
        adr   x0, s_start3
        bl    uart_puts

batch:  mov   x19, #0                   // rounds done
        mov   x21, #-1                  // min (ticks)
        mov   x22, #0                   // max
        mov   x23, #0                   // sum
round:  adr   x1, got_reply
        str   wzr, [x1]
        adr   x1, timed_out
        str   wzr, [x1]
        mov   x0, #10
        udiv  x0, x25, x0
        bl    timer_start               // timeout: 100 ms
        bl    timer_ticks
        mov   x26, x0
        mov   x0, x24
        mov   x1, #${PING_SGI}
        bl    sgi_send
        msr   daifset, #2
1:      adr   x1, got_reply
        ldr   w0, [x1]
        cbnz  w0, 2f
        adr   x1, timed_out
        ldr   w0, [x1]
        cbnz  w0, 2f
        wfi                             // wakes on a pending IRQ even while masked
        msr   daifclr, #2
        isb                             // ... which is taken here
        msr   daifset, #2
        b     1b
2:      msr   daifclr, #2
        bl    timer_ticks
        sub   x27, x0, x26
        bl    timer_stop
        adr   x1, got_reply
        ldr   w0, [x1]
        cbz   w0, lost
        cmp   x27, x21
        csel  x21, x27, x21, lo
        cmp   x27, x22
        csel  x22, x27, x22, hi
        add   x23, x23, x27
        add   x19, x19, #1
        cmp   x19, #${PING_ROUNDS}
        b.lo  round
        adr   x0, s_rep1
        bl    uart_puts
        mov   x0, x19
        bl    uart_putdec
        adr   x0, s_rep2
        bl    uart_puts
        mov   x0, x21
        bl    ticks_ns
        bl    uart_putdec
        adr   x0, s_rep3
        bl    uart_puts
        mov   x0, x23
        bl    ticks_ns
        udiv  x0, x0, x19
        bl    uart_putdec
        adr   x0, s_rep4
        bl    uart_puts
        mov   x0, x22
        bl    ticks_ns
        bl    uart_putdec
        adr   x0, s_rep5
        bl    uart_puts
        b     pause
lost:   adr   x0, s_lost
        bl    uart_puts
        add   x0, x19, #1
        bl    uart_putdec
        mov   x0, #10
        bl    uart_putc
pause:  bl    timer_ticks               // about 1 s, answering comm-region messages
        add   x26, x0, x25
1:      bl    comm_poll
        bl    timer_ticks
        cmp   x0, x26
        b.hs  batch
        wfe
        b     1b

no_partner:
        adr   x0, s_nopart
        bl    uart_puts
        mov   x0, x24
        bl    cpu_number
        bl    uart_putdec
        adr   x0, s_nopart2
        bl    uart_puts
        b     halt

// ---- the second CPU: answer SGI 5 from the interrupt handler
pong:   bl    gic_init
        mov   x0, #${PING_SGI}
        bl    irq_enable
        msr   daifclr, #2
        adr   x1, pong_ready
        mov   w0, #1
        stlr  w0, [x1]
        sev
1:      wfi
        b     1b

// irq_handler: x0 = INTID
irq_handler:
        cmp   x0, #${PING_SGI}
        b.ne  3f
        stp   x19, x30, [sp, #-16]!
        mrs   x0, mpidr_el1
        mov64 x1, #0xff00ffffff
        and   x0, x0, x1
        adr   x1, ping_mpidr
        ldr   x1, [x1]
        cmp   x0, x1
        b.eq  1f
        mov   x0, x1                    // the second CPU: ping back
        mov   x1, #${PING_SGI}
        bl    sgi_send
        b     2f
1:      adr   x1, got_reply             // the first CPU: the reply
        mov   w0, #1
        str   w0, [x1]
2:      ldp   x19, x30, [sp], #16
        ret
3:      cmp   x0, #${VTIMER_PPI}
        b.ne  4f
        mrs   x0, cntv_ctl_el0          // ENABLE and ISTATUS: a real expiry, not a stale one
        tbz   x0, #0, 4f
        tbz   x0, #2, 4f
        msr   cntv_ctl_el0, xzr
        adr   x1, timed_out
        mov   w0, #1
        str   w0, [x1]
4:      ret

// cpu_number: x0 = MPIDR -> x0 = Aff1 * 16 + Aff0 (the CPU numbering of QEMU virt)
cpu_number:
        ubfx  x1, x0, #8, #8
        and   x0, x0, #0xff
        add   x0, x0, x1, lsl #4
        ret

// ticks_ns: x0 = ticks -> x0 = ns
ticks_ns:
        mov64 x1, #1000000000
        mul   x0, x0, x1
        adr   x1, freq
        ldr   x1, [x1]
        udiv  x0, x0, x1
        ret
${INMATE_LIB}
${INMATE_DEV_LIB}
s_alone:   .asciz "sgi-pingpong: no other CPU of this cell could be started\\n"
s_nopart:  .asciz "sgi-pingpong: CPU "
s_nopart2: .asciz " did not come up\\n"
s_start1:  .asciz "sgi-pingpong: CPU "
s_start2:  .asciz " pings CPU "
s_start3:  .asciz " with SGI ${PING_SGI}\\n"
s_rep1:    .asciz "sgi-pingpong: "
s_rep2:    .asciz " round trips, min "
s_rep3:    .asciz " ns, avg "
s_rep4:    .asciz " ns, max "
s_rep5:    .asciz " ns\\n"
s_lost:    .asciz "sgi-pingpong: no reply to SGI ${PING_SGI} within 100 ms in round "
${INMATE_DEV_LIB_DATA}
${INMATE_LIB_DATA}
        .balign 8
freq:          .quad 0
ping_mpidr:    .quad 0
partner_mpidr: .quad 0
pong_ready:    .word 0
got_reply:     .word 0
timed_out:     .word 0
        .word 0
`;
