/**
 * The message exchange of ivshmem-demo (ivshmem-demo.ts), as A64 assembly: sending "ping n" /
 * "pong n" through the output section and the other peer's doorbell, and the doorbell interrupt
 * handler that prints what the other peer sent and answers it.
 */
import { IVSHMEM_DEMO_BAR0, IVSHMEM_DEMO_ROUNDS, REG } from './ivshmem-demo-regs.js';

/**
 * Assembly: send, fmt_msg, irq_handler and done of ivshmem-demo (the peer's state and strings
 * are the program's: v_myout, v_peer, v_id, s_ping, ...).
 */
export const IVSHMEM_DEMO_MESSAGES = `
// send: x0 = message number; "ping n" (peer 0) or "pong n" (peer 1) into our output section,
// then the other peer's doorbell (vector 0)
send:   stp   x19, x30, [sp, #-16]!
        mov   x19, x0
        adr   x1, v_myout
        ldr   x0, [x1]
        add   x0, x0, #4
        adr   x1, s_ping
        adr   x3, v_id
        ldr   w3, [x3]
        cbz   w3, 1f
        adr   x1, s_pong
1:      mov   x2, x19
        bl    fmt_msg
        dmb   ish
        adr   x1, v_myout
        ldr   x0, [x1]
        str   w19, [x0]
        dsb   ish
        adr   x1, v_peer
        ldr   w0, [x1]
        lsl   w0, w0, #16               // target peer, vector 0
        mov64 x1, #${IVSHMEM_DEMO_BAR0}
        str   w0, [x1, #${REG.DOORBELL}]
        ldp   x19, x30, [sp], #16
        ret

// fmt_msg: x0 = destination, x1 = NUL-terminated prefix, x2 = number: "<prefix><decimal>\\0"
fmt_msg:
1:      ldrb  w3, [x1], #1
        cbz   w3, 2f
        strb  w3, [x0], #1
        b     1b
2:      sub   sp, sp, #32
        add   x4, sp, #32
        mov   x5, #10
3:      udiv  x6, x2, x5
        msub  x7, x6, x5, x2
        add   x7, x7, #'0'
        strb  w7, [x4, #-1]!
        mov   x2, x6
        cbnz  x2, 3b
        add   x5, sp, #32
4:      ldrb  w3, [x4], #1
        strb  w3, [x0], #1
        cmp   x4, x5
        b.lo  4b
        strb  wzr, [x0]
        add   sp, sp, #32
        ret

// irq_handler: x0 = INTID; our doorbell SPI with a new message from the other peer
irq_handler:
        adr   x1, v_irq
        ldr   w1, [x1]
        cmp   w0, w1
        b.ne  9f
        stp   x19, x20, [sp, #-32]!
        stp   x21, x30, [sp, #16]
        adr   x1, v_peerout
        ldr   x19, [x1]
        ldr   w20, [x19]                // the peer's message number
        adr   x1, v_last
        ldr   w2, [x1]
        cmp   w20, w2
        b.eq  8f                        // nothing new: a state change
        str   w20, [x1]
        dmb   ish
        adr   x1, v_count
        ldr   w2, [x1]
        add   w2, w2, #1
        str   w2, [x1]
        adr   x0, s_got
        bl    uart_puts
        add   x0, x19, #4
        bl    uart_puts
        mov   x0, #10
        bl    uart_putc
        adr   x1, v_id
        ldr   w21, [x1]
        cbz   w21, 2f
        mov   x0, x20                   // peer 1: pong n
        bl    send
        cmp   w20, #${IVSHMEM_DEMO_ROUNDS}
        b.lo  8f
        bl    done
        b     8f
2:      cmp   w20, #${IVSHMEM_DEMO_ROUNDS}
        b.hs  3f
        add   x0, x20, #1               // peer 0: the next ping
        bl    send
        b     8f
3:      bl    done
8:      ldp   x21, x30, [sp, #16]
        ldp   x19, x20, [sp], #32
9:      ret

// done: "ivshmem-demo: id N done, M messages received"
done:   stp   x19, x30, [sp, #-16]!
        adr   x0, s_done1
        bl    uart_puts
        adr   x1, v_id
        ldr   w0, [x1]
        bl    uart_putdec
        adr   x0, s_done2
        bl    uart_puts
        adr   x1, v_count
        ldr   w0, [x1]
        bl    uart_putdec
        adr   x0, s_done3
        bl    uart_puts
        ldp   x19, x30, [sp], #16
        ret
`;
