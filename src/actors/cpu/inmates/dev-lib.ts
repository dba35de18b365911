/**
 * The device runtime of the interrupt-capable inmates (gic-demo, uart-demo, sgi-pingpong,
 * gic-attack, gic-victim, pci-probe, msix-probe, ivshmem-demo), as A64 assembly: the image head
 * ({@link inmateHead}: entry branch, EL1 vector table, command-line area), the PL011 console and
 * the fatal-exception report here; the GICv3 CPU interface, redistributor probe, IRQ dispatch and
 * generic timer in dev-lib-gic.ts. Written against the architecture and Jailhouse's inmate
 * conventions (reference §7): the inmate library of Jailhouse is C; this is our own A64 code.
 * It builds on lib.ts ({@link INMATE_LIB}: comm_poll, setup_stack).
 */
import { COMM_FIELD as C, COMM_REGION_BASE } from './lib.js';
import { DEV_LIB_GIC } from './dev-lib-gic.js';

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
` + DEV_LIB_GIC;

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