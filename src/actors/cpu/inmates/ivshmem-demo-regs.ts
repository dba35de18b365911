/**
 * The ivshmem v2 device as ivshmem-demo (ivshmem-demo.ts) programs it: where it finds the
 * virtual PCI host, where it places the BARs, the config-space and BAR0 register offsets it uses,
 * and the doorbell SPIs and message count of the ping-pong.
 */

/** The virtual PCI host's ECAM window (qemu-arm64.json pci_mmconfig_base, bus 0 only). */
export const IVSHMEM_DEMO_ECAM = 0x08e00000;
/** Where the inmate places BAR0 (registers) and BAR1 (MSI-X): not RAM, so every access traps. */
export const IVSHMEM_DEMO_BAR0 = 0x10000000;
export const IVSHMEM_DEMO_BAR1 = 0x10001000;
/** Peer n's doorbell SPI (the data of its MSI-X vector 0): the SPI its cell owns. */
export const IVSHMEM_DEMO_SPI_BASE = 150;
/** Messages each way. */
export const IVSHMEM_DEMO_ROUNDS = 10;

/** Vendor and device ID (110a:4106) of an ivshmem function. */
export const IVSHMEM_ID = 0x4106110a;
/** Config-space offsets (ivshmem v2 virtual configuration space). */
export const CFG = { ID: 0x00, COMMAND: 0x04, CLASS: 0x08, BAR0: 0x10, BAR1: 0x14, VNDR: 0x40, MSIX_CTRL: 0x62 } as const;
/** Command register: memory decoding and bus mastering. */
export const CMD_MEM_MASTER = (1 << 1) | (1 << 2);
/** MSI-X message control: MSI-X Enable. */
export const MSIX_ENABLE = 0x8000;
/** BAR0 registers. */
export const REG = { ID: 0x00, MAX_PEERS: 0x04, INT_CONTROL: 0x08, DOORBELL: 0x0c, STATE: 0x10 } as const;
