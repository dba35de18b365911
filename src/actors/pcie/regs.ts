/**
 * Configuration-space register offsets, bits and capability IDs (PCI Local Bus / PCIe Base
 * spec; the names are Linux's and Jailhouse's pci_defs.h names, so `grep PCI_COMMAND` finds the
 * model, the hypervisor's filter and the root-Linux model alike).
 */
export const PCI_VENDOR_ID = 0x00;
export const PCI_DEVICE_ID = 0x02;
export const PCI_COMMAND = 0x04;
export const PCI_STATUS = 0x06;
export const PCI_REVISION_ID = 0x08;
export const PCI_CLASS_PROG = 0x09;
export const PCI_CACHE_LINE_SIZE = 0x0c;
export const PCI_HEADER_TYPE = 0x0e;
export const PCI_BASE_ADDRESS_0 = 0x10;
export const PCI_SUBSYSTEM_VENDOR_ID = 0x2c;
export const PCI_ROM_ADDRESS = 0x30;
export const PCI_CAPABILITY_LIST = 0x34;
export const PCI_INTERRUPT_LINE = 0x3c;
export const PCI_INTERRUPT_PIN = 0x3d;
/** Type 1 header. */
export const PCI_PRIMARY_BUS = 0x18;
export const PCI_SECONDARY_BUS = 0x19;
export const PCI_SUBORDINATE_BUS = 0x1a;
export const PCI_IO_BASE = 0x1c;
export const PCI_IO_LIMIT = 0x1d;
export const PCI_SEC_STATUS = 0x1e;
export const PCI_MEMORY_BASE = 0x20;
export const PCI_MEMORY_LIMIT = 0x22;
export const PCI_PREF_MEMORY_BASE = 0x24;
export const PCI_PREF_MEMORY_LIMIT = 0x26;
export const PCI_PREF_BASE_UPPER32 = 0x28;
export const PCI_PREF_LIMIT_UPPER32 = 0x2c;
export const PCI_IO_BASE_UPPER16 = 0x30;
export const PCI_IO_LIMIT_UPPER16 = 0x32;
export const PCI_ROM_ADDRESS1 = 0x38;
export const PCI_BRIDGE_CONTROL = 0x3e;

/** Bytes of the standard header (Jailhouse's PCI_CONFIG_HEADER_SIZE). */
export const PCI_CONFIG_HEADER_SIZE = 0x40;
/** Conventional PCI config space; PCIe functions have 4 KiB. */
export const PCI_CFG_SPACE_SIZE = 0x100;
export const PCI_CFG_SPACE_EXP_SIZE = 0x1000;

export const PCI_CMD_IO = 1 << 0;
export const PCI_CMD_MEM = 1 << 1;
export const PCI_CMD_MASTER = 1 << 2;
export const PCI_CMD_PARITY = 1 << 6;
export const PCI_CMD_SERR = 1 << 8;
export const PCI_CMD_INTX_OFF = 1 << 10;

export const PCI_STATUS_CAP_LIST = 1 << 4;
/** Received Master Abort: a request of this function (or forwarded by this bridge) got UR. */
export const PCI_STATUS_REC_MASTER_ABORT = 1 << 13;
/** Status bits that are write-1-to-clear (8, 11..15). */
export const PCI_STATUS_W1C = 0xf900;

export const PCI_HEADER_TYPE_MFD = 0x80;

export const PCI_BASE_ADDRESS_SPACE_IO = 0x1;
export const PCI_BASE_ADDRESS_MEM_TYPE_64 = 0x4;
export const PCI_BASE_ADDRESS_MEM_PREFETCH = 0x8;
export const PCI_ROM_ADDRESS_ENABLE = 0x1;
export const PCI_ROM_ADDRESS_MASK = 0xfffff800;

/** Capability IDs (PCI_CAP_ID_*). */
export const PCI_CAP_ID_PM = 0x01;
export const PCI_CAP_ID_MSI = 0x05;
export const PCI_CAP_ID_VNDR = 0x09;
export const PCI_CAP_ID_EXP = 0x10;
export const PCI_CAP_ID_MSIX = 0x11;
/** Extended capability IDs (PCI_EXT_CAP_ID_*). */
export const PCI_EXT_CAP_ID_ERR = 0x0001;
export const PCI_EXT_CAP_ID_RCEC = 0x0007;

/** PCIe capability: Device/Port Type (cap + 2, bits 7:4). */
export const PciExpType = {
  ENDPOINT: 0x0,
  LEG_END: 0x1,
  ROOT_PORT: 0x4,
  UPSTREAM: 0x5,
  DOWNSTREAM: 0x6,
  PCIE_PCI_BRIDGE: 0x7,
  PCI_PCIE_BRIDGE: 0x8,
  RC_END: 0x9,
  RC_EC: 0xa,
} as const;
export type PciExpTypeValue = (typeof PciExpType)[keyof typeof PciExpType];

/** Port types below which only device 0 exists (Linux's pci_only_one_child / pcie_downstream_port). */
export function isDownstreamPort(t: number): boolean {
  return t === PciExpType.ROOT_PORT || t === PciExpType.DOWNSTREAM || t === PciExpType.PCI_PCIE_BRIDGE;
}

/** bus << 8 | dev << 3 | fn, printed bb:dd.f in hex like lspci. */
export function bdfString(bdf: number): string {
  const h = (v: number, n: number): string => v.toString(16).padStart(n, '0');
  return `${h(bdf >> 8, 2)}:${h((bdf >> 3) & 0x1f, 2)}.${bdf & 7}`;
}

export function makeBdf(bus: number, dev: number, fn: number): number {
  return ((bus & 0xff) << 8) | ((dev & 0x1f) << 3) | (fn & 7);
}
