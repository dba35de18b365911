/**
 * The runtime every built-in inmate shares, as A64 assembly: {@link INMATE_LIB}, console output
 * through the DEBUG_CONSOLE_PUTC hypercall (strings, decimal numbers), a spinlock for multi-CPU
 * output, and the cell side of the comm-region message protocol (answering SHUTDOWN_REQUEST
 * with APPROVED and RECONFIG_COMPLETED with RECEIVED, anything else with UNKNOWN). The device
 * runtime of the interrupt-capable inmates builds on it (dev-lib.ts).
 *
 * Inmates are linked at IPA 0 (cpu_reset_address 0) with 64 KiB of RAM, the comm region at
 * 0x80000000, as in Jailhouse's qemu-arm64 inmate-demo cell.
 */
import { COMM } from '../../hypervisor/core/layout.js';
import { CONSOLE_OFF } from '../../../shared/config/layout.js';

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

/** jailhouse_comm_region (revision 2) offsets the device runtime (dev-lib.ts, dev-lib-gic.ts) reads. */
export const COMM_FIELD = {
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
