/**
 * Built-in device models a board's PCIe topology can name. IDs are those of the real parts
 * where one exists (the seed notes' RK3588 root port and Xilinx 7014 endpoint, QEMU's generic
 * PCIe parts, a PLX switch); capability layouts follow the captured or documented ones.
 */
import type { FunctionSpec } from './function-model.js';
import { PciExpType } from './regs.js';

const T = PciExpType;

export const MODELS: Record<string, FunctionSpec> = {
  /** QEMU's gpex host bridge at 00:00.0 (no capabilities). */
  'qemu-host-bridge': { vendor: 0x1b36, device: 0x0008, classCode: 0x060000, headerType: 0 },
  /** QEMU pcie-root-port. */
  'qemu-root-port': {
    vendor: 0x1b36, device: 0x000c, classCode: 0x060400, headerType: 1, interruptPin: 1,
    caps: [{ id: 'pcie', portType: T.ROOT_PORT, slot: true, mpsSupported: 2 }, { id: 'msix', vectors: 1, tableBir: 0, tableOffset: 0, pbaBir: 0, pbaOffset: 0x800 }, { id: 'pm' }],
    bars: [{ kind: 'mem32', size: 0x1000 }],
    extCaps: [{ id: 'aer' }],
  },
  /**
   * Rockchip RK3588 root port as captured in the seed notes (00:00.0): its host controller
   * driver presets the bus numbers 00/01/ff before Linux scans, and Linux keeps them.
   */
  'rk3588-root-port': {
    vendor: 0x1d87, device: 0x3588, revision: 0x01, classCode: 0x060400, headerType: 1, interruptPin: 1, interruptLine: 0x70, io16: true,
    caps: [{ id: 'pm', at: 0x40 }, { id: 'msi', at: 0x50, vectors: 32, is64: true, maskable: true }, { id: 'pcie', at: 0x70, portType: T.ROOT_PORT, mpsSupported: 2, linkSpeed: 3, linkWidth: 4 }],
    extCaps: [{ id: 'aer' }],
    preset: [{ offset: 0x18, size: 4, value: 0x00ff0100 }],
  },
  /** Xilinx 7014 (7-series PCIe IP) from the seed notes: 512 KiB BAR0, caps at 0x80/0x90/0xc0, AER at 0x100. */
  'xilinx-7014': {
    vendor: 0x10ee, device: 0x7014, classCode: 0x058000, headerType: 0, subsystemVendor: 0x10ee, subsystemId: 0x0007,
    interruptPin: 1, interruptLine: 0xff,
    bars: [{ kind: 'mem32', size: 0x80000 }],
    caps: [{ id: 'pm', at: 0x80 }, { id: 'msi', at: 0x90, vectors: 1, is64: true, maskable: false }, { id: 'pcie', at: 0xc0, portType: T.ENDPOINT, linkSpeed: 2, linkWidth: 4 }],
    extCaps: [{ id: 'aer' }],
  },
  /** PLX (Broadcom) PEX 8747 switch ports: the same device ID on the upstream and downstream ports. */
  'pex8747-upstream': {
    vendor: 0x10b5, device: 0x8747, revision: 0xca, classCode: 0x060400, headerType: 1,
    caps: [{ id: 'pm' }, { id: 'msi', vectors: 1, is64: true, maskable: true }, { id: 'pcie', portType: T.UPSTREAM, mpsSupported: 2, linkSpeed: 3, linkWidth: 8 }],
    extCaps: [{ id: 'aer' }],
  },
  'pex8747-downstream': {
    vendor: 0x10b5, device: 0x8747, revision: 0xca, classCode: 0x060400, headerType: 1, interruptPin: 1,
    caps: [{ id: 'pm' }, { id: 'msi', vectors: 1, is64: true, maskable: true }, { id: 'pcie', portType: T.DOWNSTREAM, slot: true, mpsSupported: 2, linkSpeed: 3, linkWidth: 8 }],
    extCaps: [{ id: 'aer' }],
  },
  /** QEMU NVMe controller: 64-bit BAR0 with the MSI-X table and PBA in it. */
  'qemu-nvme': {
    vendor: 0x1b36, device: 0x0010, revision: 0x02, classCode: 0x010802, headerType: 0, subsystemVendor: 0x1af4, subsystemId: 0x1100, interruptPin: 1,
    bars: [{ kind: 'mem64', size: 0x4000 }, null],
    caps: [{ id: 'msix', vectors: 65, tableBir: 0, tableOffset: 0x2000, pbaBir: 0, pbaOffset: 0x3000 }, { id: 'pm' }, { id: 'pcie', portType: T.ENDPOINT }],
    extCaps: [{ id: 'aer' }],
  },
  /** QEMU pci-testdev: a small memory BAR and an I/O BAR. */
  'qemu-testdev': {
    vendor: 0x1b36, device: 0x0005, classCode: 0x00ff00, headerType: 0, subsystemVendor: 0x1af4, subsystemId: 0x1100,
    bars: [{ kind: 'mem32', size: 0x1000 }, { kind: 'io', size: 0x100 }],
    caps: [{ id: 'pcie', portType: T.ENDPOINT }],
  },
  /** QEMU pcie-pci-bridge (PCIe-to-PCI bridge, port type 0111b). */
  'qemu-pcie-pci-bridge': {
    vendor: 0x1b36, device: 0x000e, classCode: 0x060400, headerType: 1, interruptPin: 1,
    bars: [{ kind: 'mem64', size: 0x100 }, null],
    caps: [{ id: 'pcie', portType: T.PCIE_PCI_BRIDGE }, { id: 'msi', vectors: 1, is64: true, maskable: true }, { id: 'pm' }],
  },
  /** QEMU pci-serial on a conventional PCI bus (256-byte config space, I/O BAR, INTA). */
  'qemu-pci-serial': { vendor: 0x1b36, device: 0x0002, revision: 0x01, classCode: 0x070002, headerType: 0, subsystemVendor: 0x1af4, subsystemId: 0x1100, interruptPin: 1, conventional: true, bars: [{ kind: 'io', size: 8 }] },
  /** A Root Complex Event Collector (class 08 07 00, port type 1010b) associated with RCiEPs on devices 4..5 of bus 0. */
  rcec: {
    vendor: 0x1b36, device: 0x0100, classCode: 0x080700, headerType: 0,
    caps: [{ id: 'pcie', portType: T.RC_EC }, { id: 'msi', vectors: 1, is64: true, maskable: false }, { id: 'pm' }],
    extCaps: [{ id: 'aer' }, { id: 'rcec', bitmap: 0x30 }],
  },
  /** An integrated endpoint on the root bus (pci-testdev wired as RCiEP). */
  'qemu-rciep': {
    vendor: 0x1b36, device: 0x0005, classCode: 0x00ff00, headerType: 0, subsystemVendor: 0x1af4, subsystemId: 0x1100,
    bars: [{ kind: 'mem32', size: 0x1000 }],
    caps: [{ id: 'pcie', portType: T.RC_END }],
  },
};

export function modelNames(): string[] {
  return Object.keys(MODELS).sort();
}
