/*
 * The C inmate programs as static Linux processes for qemu-aarch64 (the oracle): inmate_main(),
 * then exit_group(0). Linux has already enabled FP/SIMD for EL0.
 */
        .section .text.start, "ax"
        .global _start
_start:
        mov     x29, #0
        bl      inmate_main
        mov     x0, #0
        mov     x8, #94         /* exit_group */
        svc     #0
        b       .
