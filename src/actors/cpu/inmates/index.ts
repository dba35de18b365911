/**
 * Built-in inmate images (A64 machine code from the project's own assembler), loadable into
 * the shipped demo cells with `jailhouse cell load`: hello (console and comm-region replies),
 * compute (a loop on every CPU of its cell, secondaries started with PSCI CPU_ON) and
 * bad-access (writes outside its cell and is panic-parked), which print through the hypervisor
 * console; and the device inmates, which print on the PL011 and use the GICv3 system-register
 * CPU interface, the redistributors and the generic timer as Jailhouse's inmate library does:
 * gic-demo and uart-demo (Jailhouse's demos of those names), sgi-pingpong (SGI round trips
 * between two CPUs of a cell) and gic-attack (one forbidden GIC access, chosen through the
 * command-line area, for adversarial tests). Committed copies live in configs/inmates/*.bin; a
 * test checks they match these sources.
 */
import { assemble } from '../a64/asm-text.js';
import { COMM } from '../../hypervisor/core/layout.js';
import { COMM_REGION_BASE, INMATE_DEV_LIB, INMATE_DEV_LIB_DATA, INMATE_LIB, INMATE_LIB_DATA, VTIMER_PPI, inmateHead } from './lib.js';

export interface Inmate {
  name: string;
  description: string;
  source: string;
}

const HELLO = `
_start: bl    setup_stack
        mov   x19, x0
        adr   x0, hello
        bl    puts
        mov   x0, x19
        bl    putdec
        adr   x0, hello2
        bl    puts
loop:   bl    comm_poll
        cbz   x0, 1f
        adr   x0, bye
        bl    puts
1:      wfe
        b     loop
${INMATE_LIB}
hello:  .asciz "Hello from the hello inmate on CPU "
hello2: .asciz " of its cell; answering comm-region messages\\n"
bye:    .asciz "hello: shutdown request approved\\n"
${INMATE_LIB_DATA}
`;

const COMPUTE = `
_start: mov   x22, x0
        bl    setup_stack
        mov   x19, x0
        cbnz  x22, work
        // The first CPU powers on every other CPU of the cell (DENIED for CPUs outside it).
        mrs   x20, mpidr_el1
        and   x20, x20, #0xffffff00
        mov   x21, #0
boot:   cmp   x21, x19
        b.eq  2f
        movz  x0, #0x0003
        movk  x0, #0xc400, lsl #16
        orr   x1, x20, x21
        adr   x2, _start
        mov   x3, #1
        smc   #0
2:      add   x21, x21, #1
        cmp   x21, #16
        b.lo  boot
work:   bl    lock
        adr   x0, started
        bl    puts
        mov   x0, x19
        bl    putdec
        mov   x1, #10
        mov   x0, #8
        hvc   #0x4a48
        bl    unlock
        mov   x23, #0
        mov64 x5, #0x2545f4914f6cdd1d
        add   x5, x5, x19
round:  mov   x24, #256
outer:  mov   x3, #65536
1:      eor   x5, x5, x5, lsr #12
        eor   x5, x5, x5, lsl #25
        eor   x5, x5, x5, lsr #27
        subs  x3, x3, #1
        b.ne  1b
        bl    comm_poll
        subs  x24, x24, #1
        b.ne  outer
        add   x23, x23, #1
        bl    lock
        adr   x0, cpu
        bl    puts
        mov   x0, x19
        bl    putdec
        adr   x0, rnd
        bl    puts
        mov   x0, x23
        bl    putdec
        adr   x0, sum
        bl    puts
        and   x0, x5, #0xffffffff
        bl    putdec
        mov   x1, #10
        mov   x0, #8
        hvc   #0x4a48
        bl    unlock
        b     round
${INMATE_LIB}
started: .asciz "compute: started on CPU "
cpu:    .asciz "compute: CPU "
rnd:    .asciz " round "
sum:    .asciz " checksum "
${INMATE_LIB_DATA}
`;

const BAD_ACCESS = `
_start: bl    setup_stack
        adr   x0, msg
        bl    puts
        mov64 x1, #0x40000000
        str   x0, [x1]
        adr   x0, alive
        bl    puts
1:      wfe
        b     1b
${INMATE_LIB}
msg:    .asciz "bad-access: writing to IPA 0x40000000, which this cell does not own\\n"
alive:  .asciz "bad-access: the write went through (it should not have)\\n"
${INMATE_LIB_DATA}
`;

/**
 * gic-demo (Jailhouse's inmates/demos/arm/gic-demo.c): the EL1 virtual timer at 10 beats per
 * second through the GIC; each tick prints the jitter (now - expected, in ns, signed) with the
 * running minimum and maximum, then re-arms relative to now. Idles in WFI and answers comm-region
 * messages after each wake-up.
 */
const GIC_DEMO = `
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
const UART_DEMO = `
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
const SGI_PINGPONG = `
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

/** The SPI gic-attack's cell owns (gic-attack.json) and a foreign one (QEMU virt's UART, root's). */
const OWN_SPI = 144;
const FOREIGN_SPI = 33;
/** A root SPI Linux leaves disabled: enabling it would show in the hardware. */
const FOREIGN_OFF_SPI = 40;

/**
 * gic-attack, for adversarial tests: reads an attack number from the command-line area at IPA
 * 0x1000 (a little-endian u32 if the first byte is below 0x20, e.g. from a 4-byte file loaded with
 * `-a 0x1000`; otherwise text whose first decimal number counts, e.g. `-s 3 -a 0x1000` or
 * `-s attack=3 -a 0x1000`; default 0 = none), says what it is about to do, does exactly that one
 * GIC access, prints what it reads back and "gic-attack: survived", then answers comm-region
 * messages. 1 GICD_ISENABLER1 enabling SPI 40 (foreign, disabled by root), 2 GICD_IROUTER144 (own SPI) naming CPU 0
 * of its cluster (outside the cell: Jailhouse panic-parks the CPU), 3 GICD_ISPENDR1 pending SPI
 * 33, 4 a GICD_IPRIORITYR byte write for SPI 33, 5 ICC_SGI1R_EL1 SGI 5 to CPU 0, 6 GICR_ISENABLER0
 * of CPU 0's redistributor, 7 reads of GICD_IROUTER33, GICD_ISENABLER1, GICD_IROUTER144 and
 * GICD_ISENABLER4.
 */
const GIC_ATTACK = `
${inmateHead('main')}
main:   bl    setup_stack
        adr   x0, vectors
        msr   vbar_el1, x0
        isb
        bl    attack_number
        mov   x19, x0
        mov64 x1, #${COMM_REGION_BASE}
        ldr   x20, [x1, #${COMM.GICD_BASE}]
        mrs   x0, mpidr_el1
        mov64 x1, #0xff00ffff00
        and   x22, x0, x1               // MPIDR of CPU 0 of our cluster (Aff0 = 0)
        adr   x0, s_attack
        bl    uart_puts
        mov   x0, x19
        bl    uart_putdec
        adr   x0, s_colon
        bl    uart_puts
        cmp   x19, #1
        b.eq  a1
        cmp   x19, #2
        b.eq  a2
        cmp   x19, #3
        b.eq  a3
        cmp   x19, #4
        b.eq  a4
        cmp   x19, #5
        b.eq  a5
        cmp   x19, #6
        b.eq  a6
        cmp   x19, #7
        b.eq  a7
        adr   x0, d_none
        bl    uart_puts
        b     halt

a1:     adr   x0, d1
        bl    uart_puts
        mov   w0, #${1 << (FOREIGN_OFF_SPI % 32)}
        str   w0, [x20, #${0x100 + 4 * (FOREIGN_OFF_SPI >> 5)}]
        adr   x0, r_isen1
        ldr   w1, [x20, #${0x100 + 4 * (FOREIGN_OFF_SPI >> 5)}]
        bl    show
        b     survived

a2:     adr   x0, d2
        bl    uart_puts
        mov   x1, #${0x6000 + 8 * OWN_SPI}
        str   x22, [x20, x1]
        mov   x1, #${0x6000 + 8 * OWN_SPI}
        ldr   x1, [x20, x1]
        adr   x0, r_irouter_own
        bl    show
        b     survived

a3:     adr   x0, d3
        bl    uart_puts
        mov   w0, #${1 << (FOREIGN_SPI % 32)}
        str   w0, [x20, #${0x200 + 4 * (FOREIGN_SPI >> 5)}]
        adr   x0, r_ispend1
        ldr   w1, [x20, #${0x200 + 4 * (FOREIGN_SPI >> 5)}]
        bl    show
        b     survived

a4:     adr   x0, d4
        bl    uart_puts
        strb  wzr, [x20, #${0x400 + FOREIGN_SPI}]
        adr   x0, r_iprio
        ldr   w1, [x20, #${0x400 + (FOREIGN_SPI & ~3)}]
        bl    show
        b     survived

a5:     adr   x0, d5
        bl    uart_puts
        mov   x0, x22
        mov   x1, #5
        bl    sgi_send
        b     survived

a6:     adr   x0, d6
        bl    uart_puts
        mov   x0, x22
        bl    aff32_of
        bl    gicr_find
        cbz   x0, 1f
        add   x23, x0, #0x10, lsl #12   // CPU 0's SGI_base
        movz  w0, #0xffff, lsl #16      // all PPIs
        str   w0, [x23, #0x100]
        adr   x0, r_gicr
        ldr   w1, [x23, #0x100]
        bl    show
        b     survived
1:      adr   x0, d6_none
        bl    uart_puts
        b     survived

a7:     adr   x0, d7
        bl    uart_puts
        mov   x1, #${0x6000 + 8 * FOREIGN_SPI}
        ldr   x1, [x20, x1]
        adr   x0, r_irouter_foreign
        bl    show
        ldr   w1, [x20, #${0x100 + 4 * (FOREIGN_SPI >> 5)}]
        adr   x0, r_isen1
        bl    show
        mov   x1, #${0x6000 + 8 * OWN_SPI}
        ldr   x1, [x20, x1]
        adr   x0, r_irouter_own
        bl    show
        ldr   w1, [x20, #${0x100 + 4 * (OWN_SPI >> 5)}]
        adr   x0, r_isen_own
        bl    show

survived:
        adr   x0, s_survived
        bl    uart_puts
        b     halt

// attack_number: x0 = the number at cmdline (binary u32 if the first byte is < 0x20, else the
// first decimal number in the text)
attack_number:
        adr   x1, cmdline
        ldrb  w2, [x1]
        cmp   w2, #0x20
        b.hs  1f
        ldr   w0, [x1]
        ret
1:      ldrb  w2, [x1]                  // skip to the first digit (or the end)
        cbz   w2, 3f
        sub   w3, w2, #'0'
        cmp   w3, #9
        b.ls  3f
        add   x1, x1, #1
        b     1b
3:      mov   x0, #0
        mov   x4, #10
4:      ldrb  w2, [x1], #1
        sub   w3, w2, #'0'
        cmp   w3, #9
        b.hi  5f
        madd  x0, x0, x4, x3
        b     4b
5:      ret

// aff32_of: x0 = MPIDR -> Aff3<<24 | Aff2<<16 | Aff1<<8 | Aff0
aff32_of:
        and   x1, x0, #0xffffff
        ubfx  x0, x0, #32, #8
        orr   x0, x1, x0, lsl #24
        ret

// show: "gic-attack: <x0 string> = 0x<x1>\\n"
show:   stp   x19, x20, [sp, #-32]!
        str   x30, [sp, #16]
        mov   x19, x0
        mov   x20, x1
        adr   x0, s_prefix
        bl    uart_puts
        mov   x0, x19
        bl    uart_puts
        adr   x0, s_eq
        bl    uart_puts
        mov   x0, x20
        bl    uart_puthex
        mov   x0, #10
        bl    uart_putc
        ldr   x30, [sp, #16]
        ldp   x19, x20, [sp], #32
        ret

irq_handler:
        ret
${INMATE_LIB}
${INMATE_DEV_LIB}
s_attack:   .asciz "gic-attack: attack "
s_colon:    .asciz ": "
s_prefix:   .asciz "gic-attack: "
s_eq:       .asciz " = "
s_survived: .asciz "gic-attack: survived\\n"
d_none: .asciz "none selected (load a number 1-7 at 0x1000, e.g. jailhouse cell load gic-attack gic-attack.bin -s 3 -a 0x1000)\\n"
d1:     .asciz "enabling SPI ${FOREIGN_OFF_SPI}, which this cell does not own, through GICD_ISENABLER${FOREIGN_OFF_SPI >> 5}\\n"
d2:     .asciz "routing our SPI ${OWN_SPI} to CPU 0, outside this cell, through GICD_IROUTER${OWN_SPI}\\n"
d3:     .asciz "setting SPI ${FOREIGN_SPI}, which this cell does not own, pending through GICD_ISPENDR${FOREIGN_SPI >> 5}\\n"
d4:     .asciz "writing priority 0 for SPI ${FOREIGN_SPI}, which this cell does not own, through a GICD_IPRIORITYR${FOREIGN_SPI >> 2} byte\\n"
d5:     .asciz "sending SGI 5 to CPU 0, outside this cell, through ICC_SGI1R_EL1\\n"
d6:     .asciz "enabling all PPIs of CPU 0, outside this cell, through its GICR_ISENABLER0\\n"
d6_none: .asciz "gic-attack: no redistributor frame found for CPU 0\\n"
d7:     .asciz "reading GICD_IROUTER${FOREIGN_SPI}, GICD_ISENABLER${FOREIGN_SPI >> 5}, GICD_IROUTER${OWN_SPI}, GICD_ISENABLER${OWN_SPI >> 5}\\n"
r_isen1:           .asciz "GICD_ISENABLER${FOREIGN_SPI >> 5}"
r_ispend1:         .asciz "GICD_ISPENDR${FOREIGN_SPI >> 5}"
r_iprio:           .asciz "GICD_IPRIORITYR${FOREIGN_SPI >> 2}"
r_irouter_own:     .asciz "GICD_IROUTER${OWN_SPI}"
r_irouter_foreign: .asciz "GICD_IROUTER${FOREIGN_SPI}"
r_isen_own:        .asciz "GICD_ISENABLER${OWN_SPI >> 5}"
r_gicr:            .asciz "GICR_ISENABLER0 of CPU 0"
${INMATE_DEV_LIB_DATA}
${INMATE_LIB_DATA}
`;

export const INMATES: readonly Inmate[] = [
  { name: 'hello', description: 'prints a greeting through the hypervisor console, then answers comm-region messages', source: HELLO },
  { name: 'compute', description: 'starts every CPU of its cell with PSCI CPU_ON; each runs a xorshift loop and prints a line per round', source: COMPUTE },
  { name: 'bad-access', description: 'writes to memory its cell does not own: the hypervisor panic-parks the CPU and the cell fails', source: BAD_ACCESS },
  { name: 'gic-demo', description: 'Jailhouse\'s gic-demo: virtual timer at 10 Hz through the GIC, prints the jitter per tick on the PL011', source: GIC_DEMO },
  { name: 'uart-demo', description: 'Jailhouse\'s uart-demo: busy-counts, then prints "Hello <n> from cell!" on the PL011, forever', source: UART_DEMO },
  { name: 'sgi-pingpong', description: 'two CPUs bounce SGI 5 (trapped ICC_SGI1R_EL1 writes); prints round-trip min/avg/max per 1000 rounds', source: SGI_PINGPONG },
  { name: 'gic-attack', description: 'one forbidden GIC access chosen by the number at IPA 0x1000 (-s N -a 0x1000), then what it reads back', source: GIC_ATTACK },
];

/** The image of a built-in inmate, linked at IPA 0. */
export function buildInmate(name: string): Uint8Array {
  const i = INMATES.find((x) => x.name === name);
  if (!i) throw new Error(`no built-in inmate "${name}" (have: ${INMATES.map((x) => x.name).join(', ')})`);
  return assemble(i.source, 0).bytes;
}
