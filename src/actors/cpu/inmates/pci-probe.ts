/**
 * pci-probe: what a cell sees of the PCI config space through the hypervisor's ECAM trap, for
 * the example board (configs/boards/rk3588-xilinx.json, configs/cells/pci-demo.json).
 */
import { CMDLINE_NUMBER, SHOW } from './gic-attack.js';
import { INMATE_DEV_LIB, INMATE_DEV_LIB_DATA, inmateHead } from './dev-lib.js';
import { INMATE_LIB, INMATE_LIB_DATA } from './lib.js';

/** The example board's ECAM window (pci_mmconfig_base of configs/rk3588-xilinx.json). */
const ECAM = 0xa40000000;
const ROOT_PORT = ECAM + (0x000 << 12);
const ENDPOINT = ECAM + (0x100 << 12);

/**
 * pci-probe: reads the vendor/device word of the root port 00:00.0 (root's: all ones) and of the
 * Xilinx endpoint 01:00.0 (the cell's), sizes the endpoint's BAR0 (all ones written, the size
 * mask read back from the hypervisor's shadow) and restores it, then, chosen by the number at
 * IPA 0x1000 (`-s N -a 0x1000`): 1 writes the root port's Command register, 2 writes the
 * endpoint's read-only Vendor ID row; both are refused and the CPU is panic-parked. Prints
 * "pci-probe: survived" otherwise and answers comm-region messages.
 */
export const PCI_PROBE = `
${inmateHead('main')}
main:   bl    setup_stack
        adr   x0, vectors
        msr   vbar_el1, x0
        isb
        bl    attack_number
        mov   x19, x0
        mov64 x20, #${ROOT_PORT}
        mov64 x21, #${ENDPOINT}
        adr   x0, r_rp_id
        ldr   w1, [x20]
        bl    show
        adr   x0, r_ep_id
        ldr   w1, [x21]
        bl    show
        ldr   w22, [x21, #0x10]
        adr   x0, r_bar
        mov   w1, w22
        bl    show
        mov   w0, #-1
        str   w0, [x21, #0x10]
        adr   x0, r_sized
        ldr   w1, [x21, #0x10]
        bl    show
        str   w22, [x21, #0x10]
        adr   x0, r_restored
        ldr   w1, [x21, #0x10]
        bl    show
        cmp   x19, #1
        b.eq  wr_rp
        cmp   x19, #2
        b.eq  wr_ep
        b     survived
wr_rp:  adr   x0, d1
        bl    uart_puts
        mov   w0, #6
        strh  w0, [x20, #4]
        b     survived
wr_ep:  adr   x0, d2
        bl    uart_puts
        mov   w0, #0x1234
        strh  w0, [x21, #0]
survived:
        adr   x0, s_survived
        bl    uart_puts
        b     halt

${CMDLINE_NUMBER}
${SHOW}
irq_handler:
        ret

${INMATE_LIB}
${INMATE_DEV_LIB}
s_prefix:   .asciz "pci-probe: "
s_eq:       .asciz " = "
s_survived: .asciz "pci-probe: survived\\n"
r_rp_id:    .asciz "00:00.0 (root's) vendor/device"
r_ep_id:    .asciz "01:00.0 (ours) vendor/device"
r_bar:      .asciz "01:00.0 BAR0"
r_sized:    .asciz "01:00.0 BAR0 after writing all ones"
r_restored: .asciz "01:00.0 BAR0 restored"
d1:         .asciz "pci-probe: writing 00:00.0 COMMAND (root's device)\\n"
d2:         .asciz "pci-probe: writing 01:00.0 VENDOR_ID (read-only row)\\n"
${INMATE_DEV_LIB_DATA}
${INMATE_LIB_DATA}
`;
