/**
 * gic-victim: the other half of the isolation tests. It owns SPIs 146 and 152 (iso-victim.json),
 * enables both, gives them priority 0xa0 (word writes: a byte write of its own IPRIORITYR lane
 * would be dropped by Jailhouse's filter, see gic-mmio.ts), then watches its own distributor
 * state and prints every change, and every interrupt it takes, on the PL011.
 */
import { COMM } from '../../hypervisor/core/layout.js';
import { GICD_ICFGR, GICD_IPRIORITYR, GICD_ISENABLER, GICD_ISPENDR } from '../../gic/regs.js';
import { INMATE_DEV_LIB, INMATE_DEV_LIB_DATA, inmateHead } from './dev-lib.js';
import { COMM_REGION_BASE, INMATE_LIB, INMATE_LIB_DATA } from './lib.js';

/** The victim's SPIs (iso-victim.json) and, beside them, the attacker's (iso-attacker.json). */
export const VICTIM_SPIS = [146, 152] as const;
export const ATTACKER_SPIS = [128, 144] as const;

const [A, B] = VICTIM_SPIS;
const BIT_WORD = 4 * (A >> 5);
const OWN_BITS = (1 << (A & 31)) | (1 << (B & 31));
const PRIO = 0xa0;

/** The registers watched, with the mask of the victim's bits in each. */
const WATCHED: readonly { name: string; off: number; mask: number }[] = [
  { name: `GICD_ISENABLER${A >> 5}`, off: GICD_ISENABLER + BIT_WORD, mask: OWN_BITS },
  { name: `GICD_ISPENDR${A >> 5}`, off: GICD_ISPENDR + BIT_WORD, mask: OWN_BITS },
  { name: `GICD_IPRIORITYR${A >> 2}`, off: GICD_IPRIORITYR + (A & ~3), mask: 0xff << (8 * (A & 3)) },
  { name: `GICD_IPRIORITYR${B >> 2}`, off: GICD_IPRIORITYR + (B & ~3), mask: 0xff << (8 * (B & 3)) },
  { name: `GICD_ICFGR${A >> 4}`, off: GICD_ICFGR + 4 * (A >> 4), mask: (3 << (2 * (A & 15))) | (3 << (2 * (B & 15))) },
];

const watchCode = WATCHED.map((w, n) => `
        mov   x1, #${w.off}
        ldr   w0, [x20, x1]
        mov   w1, #${w.mask & 0xffff}
        movk  w1, #${w.mask >>> 16}, lsl #16
        and   w0, w0, w1
        adr   x2, last
        ldr   w1, [x2, #${4 * n}]
        cmp   w0, w1
        b.eq  1f
        str   w0, [x2, #${4 * n}]
        mov   x22, x0
        mov   x23, x1
        adr   x0, s_changed
        bl    uart_puts
        adr   x0, r${n}
        bl    uart_puts
        adr   x0, s_from
        bl    uart_puts
        mov   x0, x23
        bl    uart_puthex
        adr   x0, s_to
        bl    uart_puts
        mov   x0, x22
        bl    uart_puthex
        mov   x0, #10
        bl    uart_putc
1:`).join('');

const names = WATCHED.map((w, n) => `r${n}: .asciz "${w.name}"`).join('\n');

export const GIC_VICTIM = `
${inmateHead('main')}
main:   bl    setup_stack
        adr   x0, vectors
        msr   vbar_el1, x0
        isb
        bl    gic_init
        mov64 x1, #${COMM_REGION_BASE}
        ldr   x20, [x1, #${COMM.GICD_BASE}]
        mov   x0, #${A}
        bl    irq_enable
        mov   x0, #${B}
        bl    irq_enable
        mov   x1, #${GICD_IPRIORITYR + (A & ~3)}
        mov   w0, #${PRIO << (8 * (A & 3)) & 0xffff}
        movk  w0, #${(PRIO << (8 * (A & 3))) >>> 16}, lsl #16
        str   w0, [x20, x1]
        mov   x1, #${GICD_IPRIORITYR + (B & ~3)}
        mov   w0, #${PRIO << (8 * (B & 3)) & 0xffff}
        movk  w0, #${(PRIO << (8 * (B & 3))) >>> 16}, lsl #16
        str   w0, [x20, x1]
        adr   x0, s_ready
        bl    uart_puts
        mov   x21, #1                   // first round: print the state as "changed" from 0
        msr   daifclr, #2
watch:  ${watchCode}
        cbz   x21, 2f
        mov   x21, #0
        adr   x0, s_watching
        bl    uart_puts
2:      bl    comm_poll
        mov64 x0, #200000
3:      subs  x0, x0, #1
        b.ne  3b
        b     watch

irq_handler:
        stp   x19, x30, [sp, #-16]!
        mov   x19, x0
        adr   x0, s_irq
        bl    uart_puts
        mov   x0, x19
        bl    uart_putdec
        mov   x0, #10
        bl    uart_putc
        ldp   x19, x30, [sp], #16
        ret
${INMATE_LIB}
${INMATE_DEV_LIB}
s_ready:    .asciz "gic-victim: SPI ${A} and ${B} enabled, priority 0x${PRIO.toString(16)}\\n"
s_watching: .asciz "gic-victim: watching\\n"
s_changed:  .asciz "gic-victim: "
s_from:     .asciz " changed: "
s_to:       .asciz " -> "
s_irq:      .asciz "gic-victim: IRQ "
${names}
${INMATE_DEV_LIB_DATA}
${INMATE_LIB_DATA}
        .balign 8
last:   .skip ${4 * WATCHED.length}
`;
