/**
 * The interrupt half of the device runtime (dev-lib.ts), as A64 assembly: the IRQ entry and
 * dispatch, the GICv3 system-register CPU interface and redistributor probe, SPI/PPI/SGI enable,
 * SGI sending, and the generic timer. dev-lib.ts's INMATE_DEV_LIB describes the routines; this
 * text is its tail.
 */
import { COMM_FIELD as C, COMM_REGION_BASE } from './lib.js';
import {
  GICD_ISENABLER, GICR_ISENABLER0, GICR_PIDR2, GICR_SGI_BASE, GICR_TYPER, GICR_TYPER_AFF3_SHIFT, GICR_TYPER_LAST_SHIFT,
  GIC_PIDR2_ARCH_BITS, GIC_PIDR2_ARCH_SHIFT, GIC_V3_REDIST_SIZE,
} from '../../gic/regs.js';
import {
  ICC_IGRPEN1_EN, ICC_PMR_DEFAULT, ICC_SGIR_AFF1_SHIFT, ICC_SGIR_AFF2_SHIFT, ICC_SGIR_AFF3_SHIFT, ICC_SGIR_IRQN_MASK,
  ICC_SGIR_IRQN_SHIFT, ICC_SGIR_RS_SHIFT,
} from '../../gic/sysregs.js';

/** Assembly: the interrupt, GIC and timer routines of INMATE_DEV_LIB (dev-lib.ts). */
export const DEV_LIB_GIC = `
// ---- interrupts -----------------------------------------------------------------------------
// irq_entry: from the IRQ vectors, with sp lowered by 272 and x0/x1 saved at [sp]
irq_entry:
        stp   x2, x3, [sp, #16]
        stp   x4, x5, [sp, #32]
        stp   x6, x7, [sp, #48]
        stp   x8, x9, [sp, #64]
        stp   x10, x11, [sp, #80]
        stp   x12, x13, [sp, #96]
        stp   x14, x15, [sp, #112]
        stp   x16, x17, [sp, #128]
        stp   x18, x19, [sp, #144]
        stp   x20, x21, [sp, #160]
        stp   x22, x23, [sp, #176]
        stp   x24, x25, [sp, #192]
        stp   x26, x27, [sp, #208]
        stp   x28, x29, [sp, #224]
        mrs   x0, elr_el1
        mrs   x1, spsr_el1
        stp   x30, x0, [sp, #240]
        str   x1, [sp, #256]
        bl    irq_dispatch
        ldr   x1, [sp, #256]
        ldp   x30, x0, [sp, #240]
        msr   spsr_el1, x1
        msr   elr_el1, x0
        ldp   x28, x29, [sp, #224]
        ldp   x26, x27, [sp, #208]
        ldp   x24, x25, [sp, #192]
        ldp   x22, x23, [sp, #176]
        ldp   x20, x21, [sp, #160]
        ldp   x18, x19, [sp, #144]
        ldp   x16, x17, [sp, #128]
        ldp   x14, x15, [sp, #112]
        ldp   x12, x13, [sp, #96]
        ldp   x10, x11, [sp, #80]
        ldp   x8, x9, [sp, #64]
        ldp   x6, x7, [sp, #48]
        ldp   x4, x5, [sp, #32]
        ldp   x2, x3, [sp, #16]
        ldp   x0, x1, [sp]
        add   sp, sp, #272
        eret

// irq_dispatch: acknowledge until no interrupt is pending (INTID 1020-1023), EOI each
irq_dispatch:
        stp   x19, x30, [sp, #-16]!
1:      mrs   x19, icc_iar1_el1
        and   x0, x19, #0xffffff
        cmp   x0, #1020
        b.hs  2f
        bl    irq_handler
        msr   icc_eoir1_el1, x19
        b     1b
2:      ldp   x19, x30, [sp], #16
        ret

// mpidr_aff32: x0 = Aff3<<24 | Aff2<<16 | Aff1<<8 | Aff0 (the GICR_TYPER[63:32] format)
mpidr_aff32:
        mrs   x1, mpidr_el1
        and   x0, x1, #0xffffff
        ubfx  x1, x1, #32, #8
        orr   x0, x0, x1, lsl #${GICR_TYPER_AFF3_SHIFT}
        ret

// gicr_find: x0 = affinity (mpidr_aff32 format); x0 = its redistributor frame, 0 if none.
// Frames are GIC_V3_REDIST_SIZE apart from the comm region's gicr_base; the walk stops at a
// frame whose GICR_PIDR2 architecture is not 3 or 4, or after one with GICR_TYPER.Last.
gicr_find:
        mov64 x9, #${COMM_REGION_BASE}
        ldr   x10, [x9, #${C.GICR_BASE}]
        mov   x13, #${GICR_PIDR2}
1:      ldr   w11, [x10, x13]       // GICR_PIDR2
        ubfx  w11, w11, #${GIC_PIDR2_ARCH_SHIFT}, #${GIC_PIDR2_ARCH_BITS}
        cmp   w11, #3
        b.eq  2f
        cmp   w11, #4
        b.ne  8f
2:      ldr   w11, [x10, #${GICR_TYPER}]  // GICR_TYPER[31:0]
        ldr   w12, [x10, #${GICR_TYPER + 4}]  // GICR_TYPER[63:32]: affinity
        cmp   w12, w0
        b.eq  9f
        tbnz  w11, #${GICR_TYPER_LAST_SHIFT}, 8f  // Last
        add   x10, x10, #${GIC_V3_REDIST_SIZE >> 12}, lsl #12
        b     1b
8:      mov   x10, #0
9:      mov   x0, x10
        ret

gic_init:
        stp   x19, x30, [sp, #-16]!
        mov64 x1, #${COMM_REGION_BASE}
        ldrb  w2, [x1, #${C.GIC_VERSION}]
        cmp   w2, #3
        b.ne  8f
        bl    mpidr_aff32
        bl    gicr_find
        cbz   x0, 9f
        msr   tpidr_el1, x0
        msr   icc_ctlr_el1, xzr     // EOImode 0: EOIR also deactivates
        mov   x0, #${ICC_PMR_DEFAULT}
        msr   icc_pmr_el1, x0
        mov   x0, #${ICC_IGRPEN1_EN}
        msr   icc_igrpen1_el1, x0
        isb
        ldp   x19, x30, [sp], #16
        ret
8:      adr   x0, gic_msg_version
        bl    uart_puts
        b     halt
9:      adr   x0, gic_msg_redist
        bl    uart_puts
        b     halt

// irq_enable: x0 = INTID
irq_enable:
        and   w2, w0, #31
        mov   w3, #1
        lsl   w3, w3, w2
        cmp   w0, #32
        b.hs  1f
        mrs   x1, tpidr_el1
        add   x1, x1, #${GICR_SGI_BASE >> 12}, lsl #12  // SGI_base
        str   w3, [x1, #${GICR_ISENABLER0 - GICR_SGI_BASE}]  // GICR_ISENABLER0
        ret
1:      mov64 x1, #${COMM_REGION_BASE}
        ldr   x1, [x1, #${C.GICD_BASE}]
        add   x1, x1, #${GICD_ISENABLER}  // GICD_ISENABLER<n>
        lsr   w2, w0, #5
        str   w3, [x1, x2, lsl #2]
        ret

// sgi_send: x0 = target MPIDR, x1 = SGI number (0-15)
sgi_send:
        and   x2, x0, #0xf
        mov   x3, #1
        lsl   x3, x3, x2               // TargetList: Aff0 % 16
        ubfx  x2, x0, #8, #8
        orr   x3, x3, x2, lsl #${ICC_SGIR_AFF1_SHIFT}  // Aff1
        ubfx  x2, x0, #16, #8
        orr   x3, x3, x2, lsl #${ICC_SGIR_AFF2_SHIFT}  // Aff2
        ubfx  x2, x0, #4, #4
        orr   x3, x3, x2, lsl #${ICC_SGIR_RS_SHIFT}  // RS: Aff0 / 16
        ubfx  x2, x0, #32, #8
        orr   x3, x3, x2, lsl #${ICC_SGIR_AFF3_SHIFT}  // Aff3
        and   x1, x1, #${ICC_SGIR_IRQN_MASK}
        orr   x3, x3, x1, lsl #${ICC_SGIR_IRQN_SHIFT}  // INTID
        dsb   ish
        msr   icc_sgi1r_el1, x3
        isb
        ret

// ---- generic timer --------------------------------------------------------------------------
timer_freq:
        mrs   x0, cntfrq_el0
        ret
timer_ticks:
        isb
        mrs   x0, cntpct_el0
        ret
timer_start:
        msr   cntv_tval_el0, x0
        mov   x0, #1
        msr   cntv_ctl_el0, x0
        isb
        ret
timer_stop:
        msr   cntv_ctl_el0, xzr
        isb
        ret
`;
