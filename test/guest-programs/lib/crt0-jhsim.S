/*
 * Start-up for `jhsim guest run`: every CPU enters here at EL1 with x0 = its CPU number.
 * Each CPU gets its own 16 KiB stack below __stack_top; CPU 0 clears .bss and calls
 * main(), the others call secondary_main(cpu) (a weak no-op unless the program defines it).
 * Returning turns the CPU off with PSCI CPU_OFF (SMC), which the hypervisor traps and parks.
 */
        .section .text.start, "ax"
        .global _start
_start:
        mov     x19, x0
        ldr     x1, =__stack_top
        lsl     x2, x19, #14
        sub     sp, x1, x2
        cbnz    x19, 3f
        ldr     x1, =__bss_start
        ldr     x2, =__bss_end
1:      cmp     x1, x2
        b.hs    2f
        strb    wzr, [x1], #1
        b       1b
2:      dmb     ish
        ldr     x1, =bss_ready
        mov     w2, #1
        stlr    w2, [x1]
        bl      main
        b       cpu_off
3:      ldr     x1, =bss_ready
4:      ldar    w2, [x1]
        cbz     w2, 4b
        mov     x0, x19
        bl      secondary_main
cpu_off:
        movz    x0, #0x0002
        movk    x0, #0x8400, lsl #16
        smc     #0
        b       cpu_off

        .weak   secondary_main
        .type   secondary_main, %function
secondary_main:
        ret

        .section .data
        .align  2
bss_ready:
        .word   0
