/**
 * sgi-pingpong: SGI round trips between two CPUs of a cell, printing on the PL011 and using the
 * GICv3 system-register CPU interface (SGIs through trapped ICC_SGI1R_EL1 writes) and the generic
 * timer, like the interrupt demos (interrupt-demos.ts).
 */
import { INMATE_DEV_LIB, INMATE_DEV_LIB_DATA, VTIMER_PPI, inmateHead } from './dev-lib.js';
import { INMATE_LIB, INMATE_LIB_DATA } from './lib.js';

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
