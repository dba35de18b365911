/**
 * gic-attack: one forbidden GIC access, chosen through the command-line area, for adversarial
 * tests of the hypervisor's interrupt ownership.
 */
import { COMM } from '../../hypervisor/core/layout.js';
import {
  GICD_ICENABLER, GICD_IPRIORITYR, GICD_IROUTER, GICD_ISENABLER, GICD_ISPENDR, GICR_ISENABLER0, GICR_PPI_BITS,
  GICR_SGI_BASE, GICR_TYPER_AFF3_SHIFT,
} from '../../gic/regs.js';
import { INMATE_DEV_LIB, INMATE_DEV_LIB_DATA, inmateHead } from './dev-lib.js';
import { COMM_REGION_BASE, INMATE_LIB, INMATE_LIB_DATA } from './lib.js';

/** The SPI gic-attack's cell owns (gic-attack.json) and a foreign one (QEMU virt's UART, root's). */
const OWN_SPI = 144;
const FOREIGN_SPI = 33;
/** A root SPI Linux leaves disabled: enabling it would show in the hardware. */
const FOREIGN_OFF_SPI = 40;

/**
 * attack_number: x0 = the number in the command-line area (a little-endian u32 if its first byte
 * is below 0x20, else the first decimal number of the text; 0 if none). Shared with pci-probe.
 */
export const CMDLINE_NUMBER = `
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
`;

/** show: "<s_prefix><x0 string><s_eq>0x<x1>\\n" (the caller defines s_prefix and s_eq). Shared with pci-probe. */
export const SHOW = `
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
`;

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
 * GICD_ISENABLER4. 8-12 are the narrow and unaligned accesses of the isolation tests, run in
 * iso-attacker.json (SPIs 128 and 144) beside gic-victim in iso-victim.json (146 and 152): 8/9
 * a byte write to lane 3 of GICD_ICENABLER4/ISPENDR4, 10/11 a 32-bit write to
 * GICD_ICENABLER4/ISPENDR4 + 1 (unaligned: with the MMU off an alignment fault at EL1, reported
 * by the vector table), 12 a byte write of priority 0 to SPI 146's lane of GICD_IPRIORITYR36,
 * which upstream Jailhouse lets through (see gic-mmio.ts).
 */
export const GIC_ATTACK = `
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
        cmp   x19, #8
        b.lo  0f
        cmp   x19, #12
        b.ls  narrow
0:        adr   x0, d_none
        bl    uart_puts
        b     halt

a1:     adr   x0, d1
        bl    uart_puts
        mov   w0, #${1 << (FOREIGN_OFF_SPI % 32)}
        str   w0, [x20, #${GICD_ISENABLER + 4 * (FOREIGN_OFF_SPI >> 5)}]
        adr   x0, r_isen1
        ldr   w1, [x20, #${GICD_ISENABLER + 4 * (FOREIGN_OFF_SPI >> 5)}]
        bl    show
        b     survived

a2:     adr   x0, d2
        bl    uart_puts
        mov   x1, #${GICD_IROUTER + 8 * OWN_SPI}
        str   x22, [x20, x1]
        mov   x1, #${GICD_IROUTER + 8 * OWN_SPI}
        ldr   x1, [x20, x1]
        adr   x0, r_irouter_own
        bl    show
        b     survived

a3:     adr   x0, d3
        bl    uart_puts
        mov   w0, #${1 << (FOREIGN_SPI % 32)}
        str   w0, [x20, #${GICD_ISPENDR + 4 * (FOREIGN_SPI >> 5)}]
        adr   x0, r_ispend1
        ldr   w1, [x20, #${GICD_ISPENDR + 4 * (FOREIGN_SPI >> 5)}]
        bl    show
        b     survived

a4:     adr   x0, d4
        bl    uart_puts
        strb  wzr, [x20, #${GICD_IPRIORITYR + FOREIGN_SPI}]
        adr   x0, r_iprio
        ldr   w1, [x20, #${GICD_IPRIORITYR + (FOREIGN_SPI & ~3)}]
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
        add   x23, x0, #${GICR_SGI_BASE >> 12}, lsl #12  // CPU 0's SGI_base
        movz  w0, #${GICR_PPI_BITS >>> 16}, lsl #16  // all PPIs
        str   w0, [x23, #${GICR_ISENABLER0 - GICR_SGI_BASE}]
        adr   x0, r_gicr
        ldr   w1, [x23, #${GICR_ISENABLER0 - GICR_SGI_BASE}]
        bl    show
        b     survived
1:      adr   x0, d6_none
        bl    uart_puts
        b     survived

a7:     adr   x0, d7
        bl    uart_puts
        mov   x1, #${GICD_IROUTER + 8 * FOREIGN_SPI}
        ldr   x1, [x20, x1]
        adr   x0, r_irouter_foreign
        bl    show
        ldr   w1, [x20, #${GICD_ISENABLER + 4 * (FOREIGN_SPI >> 5)}]
        adr   x0, r_isen1
        bl    show
        mov   x1, #${GICD_IROUTER + 8 * OWN_SPI}
        ldr   x1, [x20, x1]
        adr   x0, r_irouter_own
        bl    show
        ldr   w1, [x20, #${GICD_ISENABLER + 4 * (OWN_SPI >> 5)}]
        adr   x0, r_isen_own
        bl    show

// 8-12: x1 = GICD offset, x0 = value, x2 = access (0 byte, 1 word); the descriptions d8..d12
narrow: sub   x3, x19, #8
        adr   x4, narrow_tab
        add   x4, x4, x3, lsl #4
        ldr   x0, [x4, #8]
        bl    uart_puts
        adr   x4, narrow_tab
        sub   x3, x19, #8
        add   x4, x4, x3, lsl #4
        ldr   w1, [x4]                  // offset
        ldr   w0, [x4, #4]              // bit 31: word access; bits 30..0: value
        tbnz  w0, #31, 1f
        strb  w0, [x20, x1]
        b     survived
1:      and   w0, w0, #0x7fffffff
        str   w0, [x20, x1]

survived:
        adr   x0, s_survived
        bl    uart_puts
        b     halt

// attack_number: x0 = the number at cmdline (binary u32 if the first byte is < 0x20, else the
// first decimal number in the text)
${CMDLINE_NUMBER}
// aff32_of: x0 = MPIDR -> Aff3<<24 | Aff2<<16 | Aff1<<8 | Aff0
aff32_of:
        and   x1, x0, #0xffffff
        ubfx  x0, x0, #32, #8
        orr   x0, x1, x0, lsl #${GICR_TYPER_AFF3_SHIFT}
        ret

${SHOW}
irq_handler:
        ret
${INMATE_LIB}
${INMATE_DEV_LIB}
s_attack:   .asciz "gic-attack: attack "
s_colon:    .asciz ": "
s_prefix:   .asciz "gic-attack: "
s_eq:       .asciz " = "
s_survived: .asciz "gic-attack: survived\\n"
d_none: .asciz "none selected (load a number 1-12 at 0x1000, e.g. jailhouse cell load gic-attack gic-attack.bin -s 3 -a 0x1000)\\n"
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
d8:     .asciz "a byte write of 1 to lane 3 of GICD_ICENABLER4 (SPI 152 if the GIC took it)\\n"
d9:     .asciz "a byte write of 1 to lane 3 of GICD_ISPENDR4 (SPI 152 if the GIC took it)\\n"
d10:    .asciz "a 32-bit write of bit 16 to GICD_ICENABLER4 + 1, unaligned (SPI 152 if it reached the GIC)\\n"
d11:    .asciz "a 32-bit write of bit 16 to GICD_ISPENDR4 + 1, unaligned (SPI 152 if it reached the GIC)\\n"
d12:    .asciz "a byte write of priority 0 to lane 2 of GICD_IPRIORITYR36 (SPI 146), beside our SPI 144 in lane 0\\n"
        .balign 8
// offset, value (bit 31 = word access), description
narrow_tab:
        .word ${GICD_ICENABLER + 16 + 3}, 1
        .quad d8
        .word ${GICD_ISPENDR + 16 + 3}, 1
        .quad d9
        .word ${GICD_ICENABLER + 16 + 1}, ${0x8001_0000}
        .quad d10
        .word ${GICD_ISPENDR + 16 + 1}, ${0x8001_0000}
        .quad d11
        .word ${GICD_IPRIORITYR + 146}, 0
        .quad d12
${INMATE_DEV_LIB_DATA}
${INMATE_LIB_DATA}
`;
