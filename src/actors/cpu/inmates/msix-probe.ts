/**
 * msix-probe: a cell programming the MSI-X table of a physical device it owns, on the default
 * board's NVMe 03:00.0 (configs/qemu-arm64-pcie.json, configs/cells/nvme-msix.json).
 */
import { GICD_SETSPI_NSR } from '../../gic/regs.js';
import { CMDLINE_NUMBER, SHOW } from './gic-attack.js';
import { INMATE_DEV_LIB, INMATE_DEV_LIB_DATA, inmateHead } from './dev-lib.js';
import { INMATE_LIB, INMATE_LIB_DATA } from './lib.js';

/** QEMU virt's ECAM (pci_mmconfig_base of configs/qemu-arm64-pcie.json) and the NVMe's function in it. */
const NVME_CFG = 0x4010000000 + (0x300 << 12);
/** The NVMe's MSI-X capability (Message Control at +2). */
const MSIX_CAP = 0x40;
/** The MSI-X table: BAR0 (0x10000000 as root Linux placed it) + 0x2000; 65 vectors, then the rest of the page. */
const TABLE = 0x10002000;
const BEYOND_VECTORS = 65 * 16;
/** QEMU virt's distributor (gicd_base of configs/qemu-arm64-pcie.json). */
const GICD_BASE = 0x08000000;
/**
 * GICD_SETSPI_NSR: without an ITS, a GICv3 turns a device's MSI write there into the SPI named by
 * the data (message-based SPIs); the cell's own SPIs 144/145 (nvme-msix.json).
 */
const SETSPI_NSR = GICD_BASE + GICD_SETSPI_NSR;
const SPI0 = 144;
const SPI1 = 145;

/** "<label> = 0x<the word loaded from addr>" through SHOW's show routine. */
const show = (label: string, addr: string): string => `adr   x0, ${label}
        ldr   w1, ${addr}
        bl    show`;

/**
 * msix-probe: reads the NVMe's ID and MSI-X capability through the trapped ECAM and vector 0 of
 * its table through the hypervisor's MSI-X handler (vector control comes from the hardware,
 * which does not decode while Memory Space is off after the reset at cell start), turns Memory
 * Space and Bus Master on, points vectors 0 and 1 at GICD_SETSPI_NSR with SPIs 144/145, unmasks
 * vector 0, enables MSI-X and reads everything back, including the table page beyond the 65
 * vectors. Then, chosen by the number at IPA 0x1000 (`-s N -a 0x1000`): 1 writes the entry after
 * the last vector, 2 reads a half-word of vector 0; both are invalid table/PBA accesses and the
 * CPU is panic-parked. Prints "msix-probe: survived" otherwise and answers comm-region messages.
 */
export const MSIX_PROBE = `
${inmateHead('main')}
main:   bl    setup_stack
        adr   x0, vectors
        msr   vbar_el1, x0
        isb
        bl    attack_number
        mov   x19, x0
        mov64 x20, #${NVME_CFG}
        mov64 x21, #${TABLE}
        ${show('r_id', '[x20]')}
        ${show('r_cap', `[x20, #${MSIX_CAP}]`)}
        ${show('r_v0_addr', '[x21]')}
        ${show('r_v0_ctrl_off', '[x21, #12]')}
        mov   w0, #6                    // Memory Space + Bus Master
        strh  w0, [x20, #4]
        ${show('r_v0_ctrl', '[x21, #12]')}
        mov64 x22, #${SETSPI_NSR}
        str   w22, [x21, #0]
        str   wzr, [x21, #4]
        mov   w0, #${SPI0}
        str   w0, [x21, #8]
        str   w22, [x21, #16]
        str   wzr, [x21, #20]
        mov   w0, #${SPI1}
        str   w0, [x21, #24]
        str   wzr, [x21, #12]           // unmask vector 0 only
        mov   w0, #0x8000               // MSI-X Enable
        strh  w0, [x20, #${MSIX_CAP + 2}]
        ${show('r_v0_addr', '[x21]')}
        ${show('r_v0_data', '[x21, #8]')}
        ${show('r_v0_ctrl', '[x21, #12]')}
        ${show('r_v1_data', '[x21, #24]')}
        ${show('r_v1_ctrl', '[x21, #28]')}
        ${show('r_cap', `[x20, #${MSIX_CAP}]`)}
        ${show('r_beyond', `[x21, #${BEYOND_VECTORS}]`)}
        cmp   x19, #1
        b.eq  wr_pba
        cmp   x19, #2
        b.eq  rd_half
        b     survived
wr_pba: adr   x0, d1
        bl    uart_puts
        mov   w0, #1
        str   w0, [x21, #${BEYOND_VECTORS}]
        b     survived
rd_half:
        adr   x0, d2
        bl    uart_puts
        ldrh  w0, [x21, #2]
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
s_prefix:     .asciz "msix-probe: "
s_eq:         .asciz " = "
s_survived:   .asciz "msix-probe: survived\\n"
r_id:         .asciz "03:00.0 vendor/device"
r_cap:        .asciz "MSI-X capability"
r_v0_addr:    .asciz "vector 0 address"
r_v0_data:    .asciz "vector 0 data"
r_v0_ctrl_off: .asciz "vector 0 control (Memory Space off)"
r_v0_ctrl:    .asciz "vector 0 control"
r_v1_data:    .asciz "vector 1 data"
r_v1_ctrl:    .asciz "vector 1 control"
r_beyond:     .asciz "table page after the last vector"
d1:           .asciz "msix-probe: writing the entry after the last vector\\n"
d2:           .asciz "msix-probe: reading a half-word of vector 0\\n"
${INMATE_DEV_LIB_DATA}
${INMATE_LIB_DATA}
`;
