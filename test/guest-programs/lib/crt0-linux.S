/*
 * Start-up for the same programs as static Linux user processes (qemu-aarch64): one CPU,
 * main(), then exit_group(0).
 */
        .section .text.start, "ax"
        .global _start
_start:
        mov     x29, #0
        bl      main
        mov     x0, #0
        mov     x8, #94         // exit_group
        svc     #0
        b       .
