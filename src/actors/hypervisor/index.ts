/**
 * Hypervisor actor: the jailhouse.bin model (core/: entry rendezvous, page pools and page
 * tables, hypercalls, DISABLE, PSCI, per-CPU control over SGI_EVENT, printk, MMIO dispatch, the
 * irqchip, the PCI unit with physical devices' MSI-X tables, ivshmem) and the
 * jailhouse.ko model (driver/: ENABLE/DISABLE ioctls, console, sysfs). Both run inside the CPU
 * workers; nothing here runs on the main thread.
 */
export { buildFirmwareImage, readFirmwareHeader, FIRMWARE_NAME } from './core/firmware.js';
export { HDR, IMAGE, PERCPU, PUB, STAT_NAMES, Stat, Hc } from './core/layout.js';
export { JAILHOUSE_ENABLE, JAILHOUSE_DISABLE, JAILHOUSE_CELL_CREATE, JAILHOUSE_CELL_LOAD, JAILHOUSE_CELL_START, JAILHOUSE_CELL_DESTROY } from './driver/uapi.js';
