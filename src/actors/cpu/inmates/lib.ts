/**
 * The runtime the built-in inmates share, as A64 assembly.
 *
 * {@link INMATE_LIB}: console output through the DEBUG_CONSOLE_PUTC hypercall (strings, decimal
 * numbers), a spinlock for multi-CPU output, and the cell side of the comm-region message
 * protocol (answering SHUTDOWN_REQUEST with APPROVED and RECONFIG_COMPLETED with RECEIVED,
 * anything else with UNKNOWN).
 *
 * {@link INMATE_DEV_LIB} with {@link inmateHead}: the device runtime of the interrupt-capable
 * inmates (PL011 console, GICv3 CPU interface and redistributor probe, EL1 vector table and IRQ
 * dispatch, generic timer), following Jailhouse's inmate library (reference §7).
 *
 * Inmates are linked at IPA 0 (cpu_reset_address 0) with 64 KiB of RAM, the comm region at
 * 0x80000000, as in Jailhouse's qemu-arm64 inmate-demo cell.
 */
import { COMM } from '../../hypervisor/core/layout.js';
import { CONSOLE_OFF } from '../../../shared/config/layout.js';
import {
  GICD_ISENABLER, GICR_ISENABLER0, GICR_PIDR2, GICR_SGI_BASE, GICR_TYPER, GICR_TYPER_AFF3_SHIFT, GICR_TYPER_LAST_SHIFT,
  GIC_PIDR2_ARCH_BITS, GIC_PIDR2_ARCH_SHIFT, GIC_V3_REDIST_SIZE,
} from '../../gic/regs.js';
import {
  ICC_IGRPEN1_EN, ICC_PMR_DEFAULT, ICC_SGIR_AFF1_SHIFT, ICC_SGIR_AFF2_SHIFT, ICC_SGIR_AFF3_SHIFT, ICC_SGIR_IRQN_MASK,
  ICC_SGIR_IRQN_SHIFT, ICC_SGIR_RS_SHIFT,
} from '../../gic/sysregs.js';

/** Where the cell's comm region is mapped (COMM_REGION memory region of the shipped configs). */
export const COMM_REGION_BASE = 0x80000000;
/** Top of the 64 KiB of cell RAM; CPU n's stack is the 2 KiB below TOP - n * 2 KiB. */
export const RAM_TOP = 0x10000;

/** Assembly: the routines (call with bl; x0 argument; clobber x0-x3, x9-x13). */
export const INMATE_LIB = `
// puts: x0 = NUL-terminated string
puts:   mov   x9, x0
1:      ldrb  w1, [x9], #1
        cbz   w1, 2f
        mov   x0, #8
        hvc   #0x4a48
        b     1b
2:      ret

// putdec: x0 = unsigned value, printed in decimal
putdec: sub   sp, sp, #32
        mov   x9, x0
        add   x10, sp, #31
        strb  wzr, [x10]
        mov   x12, #10
1:      udiv  x11, x9, x12
        msub  x13, x11, x12, x9
        add   x13, x13, #48
        sub   x10, x10, #1
        strb  w13, [x10]
        mov   x9, x11
        cbnz  x9, 1b
2:      ldrb  w1, [x10], #1
        cbz   w1, 3f
        mov   x0, #8
        hvc   #0x4a48
        b     2b
3:      add   sp, sp, #32
        ret

// lock / unlock: the console lock shared by the cell's CPUs (exclusives, acquire/release)
lock:   adr   x1, console_lock
        mov   w2, #1
1:      ldaxr w3, [x1]
        cbnz  w3, 1b
        stxr  w3, w2, [x1]
        cbnz  w3, 1b
        ret
unlock: adr   x1, console_lock
        stlr  wzr, [x1]
        ret

// comm_poll: answer a pending message; x0 = 1 if a shutdown request was approved
comm_poll:
        mov64 x1, #${COMM_REGION_BASE}
        ldr   w0, [x1, #12]
        cbz   w0, 9f
        str   wzr, [x1, #12]
        dmb   ish
        cmp   w0, #1
        b.ne  1f
        mov   w2, #3
        str   w2, [x1, #16]
        mov   x0, #1
        ret
1:      cmp   w0, #2
        mov   w2, #4
        b.eq  2f
        mov   w2, #1
2:      str   w2, [x1, #16]
9:      mov   x0, #0
        ret

// setup_stack: sp below RAM_TOP by 2 KiB per Aff0; x0 = Aff0 on return
setup_stack:
        mrs   x0, mpidr_el1
        and   x0, x0, #0xf
        mov64 x1, #${RAM_TOP}
        sub   x1, x1, x0, lsl #11
        mov   sp, x1
        ret
`;

/** Data the library needs, placed after the code. */
export const INMATE_LIB_DATA = `
        .balign 8
console_lock: .word 0
        .word 0
`;

// =============================================================================================
// Device runtime for the interrupt-capable inmates (gic-demo, uart-demo, sgi-pingpong,
// gic-attack): PL011 console, GICv3 system-register CPU interface and redistributor probe, the
// EL1 vector table, the generic timer. Written against the architecture and Jailhouse's inmate
// conventions (reference §7): the inmate library of Jailhouse is C; this is our own A64 code.
// =============================================================================================

/** Where `jailhouse cell load ... -s STRING -a 0x1000` puts a command line (Jailhouse `.cmdline`). */
export const CMDLINE_ADDR = 0x1000;
/** Size of the command-line area (Jailhouse's CMDLINE_BUFFER_SIZE); code starts right after it. */
export const CMDLINE_SIZE = 0x100;
/** Offset of the 2 KiB-aligned EL1 vector table in the device inmates' images. */
export const VECTORS_ADDR = 0x800;
/** PL011 base used when the comm region names no console address (QEMU virt's UART). */
export const PL011_FALLBACK = 0x09000000;
/** The EL1 virtual timer's PPI. */
export const VTIMER_PPI = 27;

/** jailhouse_comm_region (revision 2) offsets the device runtime reads. */
const C = {
  /** u32: bit 0 DBG_PUTC_PERMITTED, bit 1 DBG_PUTC_ACTIVE. */
  FLAGS: COMM.FLAGS,
  /** console.address (u64). */
  CON_ADDR: COMM.CONSOLE + CONSOLE_OFF.address,
  /** console.type (u16): 0 NONE, 3 PL011. */
  CON_TYPE: COMM.CONSOLE + CONSOLE_OFF.type,
  /** u8. */
  GIC_VERSION: COMM.GIC_VERSION,
  /** u64. */
  GICD_BASE: COMM.GICD_BASE,
  /** u64. */
  GICR_BASE: COMM.GICR_BASE,
} as const;

/**
 * The start of a device inmate's image: a branch to `entry` at 0, the EL1 vector table at 0x800
 * (16 entries of 0x80 bytes; the IRQ entries of "current EL with SPx" (0x280) and "lower EL,
 * AArch64" (0x480) run {@link INMATE_DEV_LIB}'s `irq_entry`, every other entry reports a fatal
 * exception and halts), and the 256-byte command-line area at 0x1000 (`cmdline`, initially
 * `cmdlineWord` as a little-endian u32 followed by zeros). Code continues at 0x1100.
 */
export function inmateHead(entry: string, cmdlineWord = 0): string {
  const slots: string[] = [];
  for (let off = 0; off < 0x800; off += 0x80) {
    slots.push(`        .org  ${VECTORS_ADDR + off}`);
    if (off === 0x280 || off === 0x480) {
      slots.push('        sub   sp, sp, #272', '        stp   x0, x1, [sp]', '        b     irq_entry');
    } else {
      slots.push(`        mov   x0, #${off}`, '        b     fault_entry');
    }
  }
  return `
_start: b     ${entry}
        .org  ${VECTORS_ADDR}
vectors:
${slots.join('\n')}
        .org  ${CMDLINE_ADDR}
cmdline:
        .word ${cmdlineWord}
        .org  ${CMDLINE_ADDR + CMDLINE_SIZE}
`;
}

/**
 * Assembly: the device runtime. Needs {@link INMATE_LIB} (comm_poll) and {@link inmateHead}
 * (vectors) in the same program, {@link INMATE_DEV_LIB_DATA} after the code, and an
 * `irq_handler` routine of the inmate (x0 = INTID, called with IRQs masked; may clobber x0-x15,
 * must preserve x19-x28). Routines clobber x0-x15 and preserve x19-x28 unless noted.
 *
 * Console: uart_putc (x0 = char), uart_puts (x0 = string), uart_putdec (x0 unsigned),
 * uart_putsdec (x0 signed, x1 = minimum width, right-aligned like printf's %*ld), uart_puthex
 * (x0, printed as 0x...), uart_putnum (x0 value, x1 width, x2 = 1 if signed, x3 base 10/16).
 * Characters go to the PL011 data register at the comm region's console address (0x09000000 if
 * that is 0), each after polling FR.TXFF, '\n' as "\r\n"; when the comm flags say
 * DBG_PUTC_ACTIVE (cell flag VIRTUAL_CONSOLE_ACTIVE) each character also goes through the
 * DEBUG_CONSOLE_PUTC hypercall, and a console of type NONE is then not touched at all.
 *
 * GIC: gic_init (this CPU's redistributor into TPIDR_EL1, then ICC_CTLR_EL1 = 0, ICC_PMR_EL1 =
 * 0xf0, ICC_IGRPEN1_EL1 = 1; halts with a message if the comm region's gic_version is not 3 or no
 * frame matches), gicr_find (x0 = affinity Aff3.Aff2.Aff1.Aff0 -> x0 = frame or 0), mpidr_aff32,
 * irq_enable (x0 = INTID: SGI/PPI in this CPU's GICR_ISENABLER0, SPI in GICD_ISENABLER<n/32>),
 * sgi_send (x0 = target MPIDR, x1 = SGI number; MSR ICC_SGI1R_EL1).
 *
 * Timer: timer_freq (x0 = CNTFRQ_EL0), timer_ticks (x0 = CNTPCT_EL0), timer_start (x0 = ticks:
 * CNTV_TVAL_EL0 = x0, CNTV_CTL_EL0 = 1), timer_stop (CNTV_CTL_EL0 = 0).
 *
 * halt: masks IRQs and answers comm-region messages forever (never returns).
 */
export const INMATE_DEV_LIB = `
// ---- PL011 console --------------------------------------------------------------------------
uart_putc:
        and   w15, w0, #0xff
        mov64 x9, #${COMM_REGION_BASE}
        ldr   w10, [x9, #${C.FLAGS}]
        tbz   w10, #1, 1f
        mov   x0, #8
        mov   x1, x15
        hvc   #0x4a48
        ldrh  w11, [x9, #${C.CON_TYPE}]
        cbz   w11, 9f
1:      ldr   x12, [x9, #${C.CON_ADDR}]
        cbnz  x12, 2f
        mov64 x12, #${PL011_FALLBACK}
2:      cmp   w15, #10
        b.ne  4f
        mov   w13, #13
3:      ldr   w14, [x12, #0x18]
        tbnz  w14, #5, 3b
        str   w13, [x12]
4:      ldr   w14, [x12, #0x18]
        tbnz  w14, #5, 4b
        str   w15, [x12]
9:      ret

uart_puts:
        stp   x19, x30, [sp, #-16]!
        mov   x19, x0
1:      ldrb  w0, [x19], #1
        cbz   w0, 2f
        bl    uart_putc
        b     1b
2:      ldp   x19, x30, [sp], #16
        ret

uart_putdec:
        mov   x1, #0
        mov   x2, #0
        mov   x3, #10
        b     uart_putnum

uart_putsdec:
        mov   x2, #1
        mov   x3, #10
        b     uart_putnum

uart_puthex:
        stp   x19, x30, [sp, #-16]!
        mov   x19, x0
        mov   x0, #'0'
        bl    uart_putc
        mov   x0, #'x'
        bl    uart_putc
        mov   x0, x19
        mov   x1, #0
        mov   x2, #0
        mov   x3, #16
        bl    uart_putnum
        ldp   x19, x30, [sp], #16
        ret

// uart_putnum: x0 value, x1 minimum width (space padded on the left), x2 = 1: signed, x3 base
uart_putnum:
        stp   x19, x20, [sp, #-64]!
        stp   x21, x30, [sp, #16]
        add   x20, sp, #64          // end of the 32-byte digit buffer at sp+32
        mov   x19, x20
        mov   x9, x0                // magnitude
        mov   x10, #0               // negative?
        cbz   x2, 1f
        tbz   x0, #63, 1f
        neg   x9, x0
        mov   x10, #1
1:      udiv  x11, x9, x3
        msub  x12, x11, x3, x9
        cmp   x12, #10
        add   x12, x12, #'0'
        b.lo  2f
        add   x12, x12, #('a' - '0' - 10)
2:      strb  w12, [x19, #-1]!
        mov   x9, x11
        cbnz  x9, 1b
        cbz   x10, 3f
        mov   w12, #'-'
        strb  w12, [x19, #-1]!
3:      sub   x12, x20, x19         // digits (and sign) in the buffer
        subs  x21, x1, x12          // padding
        b.le  5f
4:      mov   x0, #' '
        bl    uart_putc
        subs  x21, x21, #1
        b.ne  4b
5:      cmp   x19, x20
        b.hs  6f
        ldrb  w0, [x19], #1
        bl    uart_putc
        b     5b
6:      ldp   x21, x30, [sp, #16]
        ldp   x19, x20, [sp], #64
        ret

// ---- stopping -------------------------------------------------------------------------------
halt:   msr   daifset, #2
1:      bl    comm_poll
        wfe
        b     1b

// fault_entry: x0 = vector offset; print what happened once, then halt
fault_entry:
        mov   x19, x0
        adr   x1, fault_nesting
        ldr   w2, [x1]
        add   w3, w2, #1
        str   w3, [x1]
        cbnz  w2, halt              // a fault while reporting one (e.g. no UART): just stop
        adr   x0, fault_msg1
        bl    uart_puts
        mov   x0, x19
        bl    uart_puthex
        adr   x0, fault_msg2
        bl    uart_puts
        mrs   x0, esr_el1
        bl    uart_puthex
        adr   x0, fault_msg3
        bl    uart_puts
        mrs   x0, elr_el1
        bl    uart_puthex
        adr   x0, fault_msg4
        bl    uart_puts
        mrs   x0, far_el1
        bl    uart_puthex
        mov   x0, #10
        bl    uart_putc
        b     halt

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

/** Data of {@link INMATE_DEV_LIB}, placed after the code. */
export const INMATE_DEV_LIB_DATA = `
fault_msg1:      .asciz "FATAL: unhandled exception, vector "
fault_msg2:      .asciz ", ESR "
fault_msg3:      .asciz ", ELR "
fault_msg4:      .asciz ", FAR "
gic_msg_version: .asciz "GIC: the comm region does not announce a GICv3\\n"
gic_msg_redist:  .asciz "GIC: no redistributor found for this CPU\\n"
        .balign 8
fault_nesting:   .word 0
        .word 0
`;
