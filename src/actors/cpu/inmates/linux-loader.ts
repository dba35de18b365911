/**
 * jhsim's linux-loader, the stage `jailhouse cell linux` loads at the cell's reset address (as
 * upstream's inmates/tools/arm64/linux-loader.c): it reads "kernel=ADDR dtb=ADDR" from the
 * command line 0x1000 bytes above itself, keeps the MMU off (arm64 Linux's boot protocol),
 * and jumps to the kernel with x0 = the device tree and x1-x3 = 0. Addresses are 0x-prefixed
 * hexadecimal or decimal, as strtoul(.., 0) reads them. Without kernel= it says so on the
 * hypervisor console and stops.
 */
import { INMATE_LIB, INMATE_LIB_DATA } from './lib.js';

export const LINUX_LOADER = `
_start: adr   x19, _start
        add   x20, x19, #0x1000
        mov   x21, #0                   // kernel entry
        mov   x22, #0                   // device tree
        mov   x23, #0                   // kernel= seen
token:  ldrb  w1, [x20]
        cbz   w1, go
        cmp   w1, #32
        b.ne  1f
        add   x20, x20, #1
        b     token
1:      mov   x0, x20
        adr   x1, key_kernel
        bl    match
        cbz   x0, 2f
        bl    number
        mov   x21, x0
        mov   x23, #1
        mov   x20, x1
        b     token
2:      mov   x0, x20
        adr   x1, key_dtb
        bl    match
        cbz   x0, 3f
        bl    number
        mov   x22, x0
        mov   x20, x1
        b     token
        // Anything else is skipped up to the next blank.
3:      ldrb  w1, [x20]
        cbz   w1, go
        cmp   w1, #32
        b.eq  token
        add   x20, x20, #1
        b     3b
go:     cbnz  x23, boot
        adr   x0, no_kernel
        bl    puts
stop:   wfi
        b     stop
boot:   mrs   x4, sctlr_el1
        and   x4, x4, #0xfffffffffffffffe
        mov   x0, x22
        mov   x1, #0
        mov   x2, #0
        mov   x3, #0
        msr   sctlr_el1, x4
        isb
        br    x21

// match: x0 = text, x1 = NUL-terminated key; x0 = text after the key, or 0
match:  ldrb  w2, [x1], #1
        cbz   w2, 1f
        ldrb  w3, [x0], #1
        cmp   w2, w3
        b.eq  match
        mov   x0, #0
1:      ret

// number: x0 = text; x0 = its value (0x hex or decimal), x1 = the text after it
number: mov   x1, x0
        mov   x0, #0
        mov   x4, #10
        ldrb  w2, [x1]
        cmp   w2, #48
        b.ne  1f
        ldrb  w2, [x1, #1]
        orr   w2, w2, #32
        cmp   w2, #120
        b.ne  1f
        add   x1, x1, #2
        mov   x4, #16
1:      ldrb  w2, [x1]
        sub   w3, w2, #48
        cmp   w3, #10
        b.lo  2f
        orr   w3, w2, #32
        sub   w3, w3, #87
        cmp   w3, #10
        b.lo  3f
        cmp   w3, w4
        b.hs  3f
2:      cmp   w3, w4
        b.hs  3f
        madd  x0, x0, x4, x3
        add   x1, x1, #1
        b     1b
3:      ret
${INMATE_LIB}
key_kernel: .asciz "kernel="
key_dtb:    .asciz "dtb="
no_kernel:  .asciz "linux-loader: no kernel= address in the command line at +0x1000\\n"
${INMATE_LIB_DATA}
`;
