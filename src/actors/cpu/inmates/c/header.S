/*
 * Start-up of a jhsim C inmate. Every CPU that enters here (the boot CPU at the image's entry;
 * others through cpu_on, see psci.c) enables FP/Advanced SIMD (CPACR_EL1.FPEN: compiled C uses
 * the V registers for memcpy, varargs and floating point), installs the vector table, takes
 * its own stack and turns the MMU on (mmu.c). The boot CPU clears .bss and calls
 * inmate_main(); returning turns it off.
 */
        .section .text.start, "ax"
        .global _start
_start:
        mov     x19, x0                 /* PSCI context (secondary CPUs) */
        mov     x1, #(3 << 20)
        msr     cpacr_el1, x1
        adr     x1, vectors
        msr     vbar_el1, x1
        isb
        mrs     x1, mpidr_el1
        and     x1, x1, #3
        ldr     x2, =__stack_top
        lsl     x3, x1, #14             /* 16 KiB per CPU (Aff0 mod 4) */
        sub     sp, x2, x3
        mov     x29, #0
        /* The boot CPU enters with x0 = 0 (Jailhouse's cell start, QEMU's ELF boot); cpu_on
         * passes its context. Not MPIDR: a cell's first CPU need not be CPU 0. */
        cbnz    x19, secondary
        ldr     x1, =__bss_start
        ldr     x2, =__bss_end
1:      cmp     x1, x2
        b.hs    2f
        str     xzr, [x1], #8
        b       1b
2:      bl      mmu_init
        bl      inmate_main
        bl      cpu_off
secondary:
        bl      mmu_enable
        /* cpu_on passed &(struct secondary_start){entry, arg} as the context. */
        ldp     x2, x0, [x19]
        blr     x2
        bl      cpu_off

/* EL1 vector table: IRQs from EL1 go to irq_entry; anything else reports and halts. */
        .macro  vec handler
        .balign 0x80
        b       \handler
        .endm
        .balign 0x800
vectors:
        vec     bad_exception           /* current EL, SP0 */
        vec     bad_exception
        vec     bad_exception
        vec     bad_exception
        vec     bad_exception           /* current EL, SPx: sync */
        vec     irq_entry               /* IRQ */
        vec     bad_exception
        vec     bad_exception
        .rept   8
        vec     bad_exception           /* lower EL */
        .endr

irq_entry:
        /* Everything a C handler may clobber: x0-x18, x30, the caller-saved V registers
         * (v0-v7, v16-v31: compiled C uses them for copies and floating point) and FPSR. */
        sub     sp, sp, #384
        stp     q0, q1, [sp]
        stp     q2, q3, [sp, #32]
        stp     q4, q5, [sp, #64]
        stp     q6, q7, [sp, #96]
        stp     q16, q17, [sp, #128]
        stp     q18, q19, [sp, #160]
        stp     q20, q21, [sp, #192]
        stp     q22, q23, [sp, #224]
        stp     q24, q25, [sp, #256]
        stp     q26, q27, [sp, #288]
        stp     q28, q29, [sp, #320]
        stp     q30, q31, [sp, #352]
        stp     x0, x1, [sp, #-192]!
        stp     x2, x3, [sp, #16]
        stp     x4, x5, [sp, #32]
        stp     x6, x7, [sp, #48]
        stp     x8, x9, [sp, #64]
        stp     x10, x11, [sp, #80]
        stp     x12, x13, [sp, #96]
        stp     x14, x15, [sp, #112]
        stp     x16, x17, [sp, #128]
        stp     x18, x30, [sp, #144]
        mrs     x0, elr_el1
        mrs     x1, spsr_el1
        stp     x0, x1, [sp, #160]
        mrs     x0, fpsr
        str     x0, [sp, #176]
        bl      gic_dispatch
        ldr     x0, [sp, #176]
        msr     fpsr, x0
        ldp     x0, x1, [sp, #160]
        msr     elr_el1, x0
        msr     spsr_el1, x1
        ldp     x2, x3, [sp, #16]
        ldp     x4, x5, [sp, #32]
        ldp     x6, x7, [sp, #48]
        ldp     x8, x9, [sp, #64]
        ldp     x10, x11, [sp, #80]
        ldp     x12, x13, [sp, #96]
        ldp     x14, x15, [sp, #112]
        ldp     x16, x17, [sp, #128]
        ldp     x18, x30, [sp, #144]
        ldp     x0, x1, [sp], #192
        ldp     q0, q1, [sp]
        ldp     q2, q3, [sp, #32]
        ldp     q4, q5, [sp, #64]
        ldp     q6, q7, [sp, #96]
        ldp     q16, q17, [sp, #128]
        ldp     q18, q19, [sp, #160]
        ldp     q20, q21, [sp, #192]
        ldp     q22, q23, [sp, #224]
        ldp     q24, q25, [sp, #256]
        ldp     q26, q27, [sp, #288]
        ldp     q28, q29, [sp, #320]
        ldp     q30, q31, [sp, #352]
        add     sp, sp, #384
        eret

bad_exception:
        mrs     x0, esr_el1
        mrs     x1, elr_el1
        mrs     x2, far_el1
        bl      report_exception
        b       halt
