/**
 * ivshmem-demo: two cells exchange messages through an ivshmem v2 device, modelled on Jailhouse's
 * inmates/demos/ivshmem-demo.c (MSI-X doorbells instead of its INTx, a fixed ping-pong instead of
 * its free-running counter).
 */
import { COMM } from '../../hypervisor/core/layout.js';
import { INMATE_DEV_LIB, INMATE_DEV_LIB_DATA, inmateHead } from './dev-lib.js';
import { IVSHMEM_DEMO_MESSAGES } from './ivshmem-demo-messages.js';
import {
  CFG, CMD_MEM_MASTER, IVSHMEM_DEMO_BAR0, IVSHMEM_DEMO_BAR1, IVSHMEM_DEMO_ECAM, IVSHMEM_DEMO_SPI_BASE, IVSHMEM_ID, MSIX_ENABLE, REG,
} from './ivshmem-demo-regs.js';
import { COMM_REGION_BASE, INMATE_LIB, INMATE_LIB_DATA } from './lib.js';

/**
 * ivshmem-demo, one image for both peers (cells ivshmem-a and ivshmem-b). At start-up it reads
 * the config space of 00:00.0, a function it does not own, and prints what it gets ("00:00.0
 * reads ffffffff"); with a command line starting with 'f' (`-s foreign-write -a 0x1000`) it then
 * writes that function's command register, which the hypervisor refuses by panic-parking the CPU.
 * It scans bus 0 of the virtual PCI host through ECAM for the first 110a:4106 function with class
 * 0xff, places BAR0 and BAR1, enables memory decoding and bus mastering, reads its peer ID and the
 * vendor capability (state table, R/W and output section sizes, shared-memory base), programs
 * MSI-X vector 0 with SPI 150 + ID, unmasks it and enables MSI-X (a device without MSI-X, bar_mask
 * INTX, interrupts on INTx instead: SPI 32 + vpci_irq_base + pin - 1), enables the SPI in the GIC, sets
 * INT_CONTROL and writes STATE = 1 (the hypervisor copies it into the state table and interrupts
 * the other peer).
 *
 * A message in a peer's output section is a u32 number followed by NUL-terminated text; the
 * number is written after the text, then the sender rings the other peer's doorbell (vector 0).
 * Peer 0 waits until the state table says peer 1 is up, then sends "ping 1". Each interrupt whose
 * peer output section carries a new number (a state change also raises vector 0 and is ignored)
 * is printed as "ivshmem-demo: [got] <text>"; peer 1 answers ping n with "pong n", peer 0 answers
 * pong n with ping n+1 up to n = 10. After the last message each prints "ivshmem-demo: id N done,
 * 10 messages received". Idles in WFI and answers comm-region messages after each wake-up.
 */
export const IVSHMEM_DEMO = `
${inmateHead('main')}
main:   bl    setup_stack
        adr   x0, vectors
        msr   vbar_el1, x0
        isb
        mov64 x20, #${IVSHMEM_DEMO_ECAM}
        // A function this cell does not own: reads all ones.
        ldr   w19, [x20]
        adr   x0, s_foreign
        bl    uart_puts
        mov   x0, x19
        bl    puthex_raw
        mov   x0, #10
        bl    uart_putc
        adr   x1, cmdline
        ldrb  w0, [x1]
        cmp   w0, #'f'
        b.ne  1f
        adr   x0, s_fwrite
        bl    uart_puts
        mov   w0, #${CMD_MEM_MASTER}
        strh  w0, [x20, #${CFG.COMMAND}]
        adr   x0, s_fwrite_ok
        bl    uart_puts
        b     halt

        // Find the ivshmem function on bus 0.
1:      mov   x19, #0                   // bdf
        mov64 x1, #${IVSHMEM_ID}
2:      add   x21, x20, x19, lsl #12
        ldr   w0, [x21, #${CFG.ID}]
        cmp   w0, w1
        b.ne  3f
        ldr   w0, [x21, #${CFG.CLASS}]
        lsr   w0, w0, #24
        cmp   w0, #0xff
        b.eq  4f
3:      add   x19, x19, #1
        cmp   x19, #0x100
        b.lo  2b
        adr   x0, s_nodev
        bl    uart_puts
        b     halt
4:      adr   x0, s_found
        bl    uart_puts
        lsr   x0, x19, #8
        bl    puthex2
        mov   x0, #':'
        bl    uart_putc
        ubfx  x0, x19, #3, #5
        bl    puthex2
        mov   x0, #'.'
        bl    uart_putc
        and   x0, x19, #7
        add   x0, x0, #'0'
        bl    uart_putc
        mov   x0, #10
        bl    uart_putc

        // BARs, then memory decoding and bus mastering.
        mov64 x22, #${IVSHMEM_DEMO_BAR0}
        mov64 x23, #${IVSHMEM_DEMO_BAR1}
        str   w22, [x21, #${CFG.BAR0}]
        str   w23, [x21, #${CFG.BAR1}]
        mov   w0, #${CMD_MEM_MASTER}
        strh  w0, [x21, #${CFG.COMMAND}]
        ldr   w24, [x22, #${REG.ID}]
        ldr   w25, [x22, #${REG.MAX_PEERS}]
        cmp   w24, #0
        cset  w0, eq                    // the other peer: 1 for peer 0, else 0
        adr   x1, v_id
        str   w24, [x1]
        adr   x1, v_peer
        str   w0, [x1]

        // The vendor capability: section sizes and the shared-memory base.
        ldr   w26, [x21, #${CFG.VNDR + 0x04}]       // state table size
        ldr   w0, [x21, #${CFG.VNDR + 0x08}]
        ldr   w1, [x21, #${CFG.VNDR + 0x0c}]
        orr   x27, x0, x1, lsl #32                 // R/W section size
        ldr   w0, [x21, #${CFG.VNDR + 0x10}]
        ldr   w1, [x21, #${CFG.VNDR + 0x14}]
        orr   x28, x0, x1, lsl #32                 // output section size
        ldr   w0, [x21, #${CFG.VNDR + 0x18}]
        ldr   w1, [x21, #${CFG.VNDR + 0x1c}]
        orr   x19, x0, x1, lsl #32                 // base: the state table
        adr   x1, v_state
        str   x19, [x1]
        add   x2, x19, x26
        add   x2, x2, x27                          // output section of peer 0
        madd  x3, x24, x28, x2
        adr   x1, v_myout
        str   x3, [x1]
        str   wzr, [x3]                            // no message yet
        adr   x1, v_peer
        ldr   w4, [x1]
        madd  x3, x4, x28, x2
        adr   x1, v_peerout
        str   x3, [x1]
        adr   x0, s_id
        bl    uart_puts
        mov   x0, x24
        bl    uart_putdec
        adr   x0, s_of
        bl    uart_puts
        mov   x0, x25
        bl    uart_putdec
        adr   x0, s_base
        bl    uart_puts
        mov   x0, x19
        bl    uart_puthex
        adr   x0, s_st
        bl    uart_puts
        mov   x0, x26
        bl    uart_puthex
        adr   x0, s_rw
        bl    uart_puts
        mov   x0, x27
        bl    uart_puthex
        adr   x0, s_out
        bl    uart_puts
        mov   x0, x28
        bl    uart_puthex
        mov   x0, #10
        bl    uart_putc

        // The vendor capability's next pointer: MSI-X (at 0x60), or none and the device uses INTx.
        ldrb  w0, [x21, #${CFG.VNDR + 1}]
        cbz   w0, 5f
        // MSI-X vector 0 raises our own SPI; unmask it, enable MSI-X.
        add   w19, w24, #${IVSHMEM_DEMO_SPI_BASE}
        str   wzr, [x23, #0x0]          // message address (unused on arm)
        str   wzr, [x23, #0x4]
        str   w19, [x23, #0x8]          // message data: the SPI
        str   wzr, [x23, #0xc]          // vector control: unmasked
        mov   w0, #${MSIX_ENABLE}
        strh  w0, [x21, #${CFG.MSIX_CTRL}]
        adr   x25, s_ready1
        b     6f
        // INTx: pin (device & 3) + 1 is SPI 32 + the comm region's vpci_irq_base + pin - 1.
5:      mov64 x1, #${COMM_REGION_BASE + COMM.VPCI_IRQ_BASE}
        ldr   w19, [x1]
        sub   x2, x21, x20
        ubfx  x2, x2, #15, #2           // device & 3 of the bdf at offset bdf << 12
        add   w19, w19, w2
        add   w19, w19, #32
        adr   x25, s_ready_intx
6:      adr   x1, v_irq
        str   w19, [x1]
        bl    gic_init
        mov   x0, x19
        bl    irq_enable
        mov   w0, #1
        str   w0, [x22, #${REG.INT_CONTROL}]
        mov   x0, x25
        bl    uart_puts
        mov   x0, x19
        bl    uart_putdec
        mov   x0, #10
        bl    uart_putc
        dsb   ish
        mov   w0, #1
        str   w0, [x22, #${REG.STATE}]
        cbnz  w24, idle

        // Peer 0: wait until the other peer is up (IRQs masked around the check, so a state
        // interrupt arriving before the WFI still wakes it), then the first ping.
        adr   x1, v_peer
        ldr   w2, [x1]
        adr   x1, v_state
        ldr   x20, [x1]
        add   x20, x20, x2, lsl #2      // the peer's state-table slot
1:      msr   daifset, #2
        ldr   w0, [x20]
        cbnz  w0, 2f
        wfi
        msr   daifclr, #2
        isb
        bl    comm_poll
        b     1b
2:      adr   x0, s_peerup
        bl    uart_puts
        mov   x0, #1
        bl    send
        msr   daifclr, #2

idle:   msr   daifclr, #2
1:      wfi
        bl    comm_poll
        b     1b
` + IVSHMEM_DEMO_MESSAGES + `
// puthex_raw: x0 in hex without a prefix
puthex_raw:
        mov   x1, #0
        mov   x2, #0
        mov   x3, #16
        b     uart_putnum

// puthex2: x0 & 0xff as two hex digits
puthex2:
        stp   x19, x30, [sp, #-16]!
        and   x19, x0, #0xff
        lsr   x0, x19, #4
        bl    hexdigit
        and   x0, x19, #0xf
        bl    hexdigit
        ldp   x19, x30, [sp], #16
        ret
hexdigit:
        cmp   x0, #10
        add   x0, x0, #'0'
        b.lo  uart_putc
        add   x0, x0, #('a' - '0' - 10)
        b     uart_putc
${INMATE_LIB}
${INMATE_DEV_LIB}
s_foreign:   .asciz "ivshmem-demo: 00:00.0 reads "
s_fwrite:    .asciz "ivshmem-demo: writing the command register of 00:00.0, which this cell does not own\\n"
s_fwrite_ok: .asciz "ivshmem-demo: the write to 00:00.0 was let through\\n"
s_nodev:     .asciz "ivshmem-demo: no 110a:4106 function (class ff) on bus 0\\n"
s_found:     .asciz "ivshmem-demo: found 110a:4106 at "
s_id:        .asciz "ivshmem-demo: id "
s_of:        .asciz " of "
s_base:      .asciz " peers, shared memory at "
s_st:        .asciz ": state table "
s_rw:        .asciz ", R/W section "
s_out:       .asciz ", output sections "
s_ready1:    .asciz "ivshmem-demo: MSI-X vector 0 is SPI "
s_ready_intx: .asciz "ivshmem-demo: INTx is SPI "
s_peerup:    .asciz "ivshmem-demo: peer 1 is up\\n"
s_ping:      .asciz "ping "
s_pong:      .asciz "pong "
s_got:       .asciz "ivshmem-demo: [got] "
s_done1:     .asciz "ivshmem-demo: id "
s_done2:     .asciz " done, "
s_done3:     .asciz " messages received\\n"
${INMATE_DEV_LIB_DATA}
${INMATE_LIB_DATA}
        .balign 8
v_state:   .quad 0
v_myout:   .quad 0
v_peerout: .quad 0
v_id:      .word 0
v_peer:    .word 0
v_irq:     .word 0
v_last:    .word 0
v_count:   .word 0
        .word 0
`;
