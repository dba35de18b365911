/**
 * The first built-in inmates, printing through the hypervisor console (DEBUG_CONSOLE_PUTC):
 * hello (a greeting, then comm-region replies), compute (every CPU of its cell started with
 * PSCI CPU_ON, each running a xorshift loop) and bad-access (writes outside its cell and is
 * panic-parked).
 */
import { INMATE_LIB, INMATE_LIB_DATA } from './lib.js';

export const HELLO = `
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

export const COMPUTE = `
_start: mov   x22, x0
        bl    setup_stack
        mov   x19, x0
        cbnz  x22, work
        // The first CPU powers on every other CPU of the cell (DENIED for CPUs outside it).
        mrs   x20, mpidr_el1
        mov64 x1, #0xff00ffff00         // the cluster's affinity: Aff3, Aff2, Aff1 (not bit 31)
        and   x20, x20, x1
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

export const BAD_ACCESS = `
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
