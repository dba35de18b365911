/**
 * A small vendor/device/subsystem name table (facts from the public pci.ids list) covering the
 * devices the simulation builds. Rockchip keeps the older "Fuzhou Rockchip ..." spelling with no
 * entry for 3588 because that is what the seed capture printed ("... Ltd Device 3588").
 */

export const VENDORS: ReadonlyMap<number, string> = new Map([
  [0x104c, 'Texas Instruments'],
  [0x10ee, 'Xilinx Corporation'],
  [0x110a, 'Siemens AG'],
  [0x1af4, 'Red Hat, Inc.'],
  [0x1b36, 'Red Hat, Inc.'],
  [0x1d87, 'Fuzhou Rockchip Electronics Co., Ltd'],
  [0x8086, 'Intel Corporation'],
]);

/** Key: vendor<<16 | device. */
export const DEVICES: ReadonlyMap<number, string> = new Map([
  [dev(0x104c, 0x8232), 'XIO3130 PCI Express Switch (Upstream)'],
  [dev(0x104c, 0x8233), 'XIO3130 PCI Express Switch (Downstream)'],
  [dev(0x10ee, 0x7011), '7-Series FPGA Hard PCIe block (AXI/debug)'],
  [dev(0x10ee, 0x7038), 'FPGA Card XC7VX690T'],
  [dev(0x110a, 0x4106), 'Inter-VM shared memory'],
  [dev(0x1af4, 0x1000), 'Virtio network device'],
  [dev(0x1af4, 0x1001), 'Virtio block device'],
  [dev(0x1af4, 0x1002), 'Virtio memory balloon'],
  [dev(0x1af4, 0x1003), 'Virtio console'],
  [dev(0x1af4, 0x1004), 'Virtio SCSI'],
  [dev(0x1af4, 0x1005), 'Virtio RNG'],
  [dev(0x1af4, 0x1009), 'Virtio filesystem'],
  [dev(0x1af4, 0x1041), 'Virtio 1.0 network device'],
  [dev(0x1af4, 0x1042), 'Virtio 1.0 block device'],
  [dev(0x1af4, 0x1043), 'Virtio 1.0 console'],
  [dev(0x1af4, 0x1044), 'Virtio 1.0 RNG'],
  [dev(0x1af4, 0x1045), 'Virtio 1.0 memory balloon'],
  [dev(0x1af4, 0x1048), 'Virtio 1.0 SCSI'],
  [dev(0x1af4, 0x1049), 'Virtio 1.0 filesystem'],
  [dev(0x1af4, 0x1050), 'Virtio 1.0 GPU'],
  [dev(0x1af4, 0x1052), 'Virtio 1.0 input'],
  [dev(0x1af4, 0x1053), 'Virtio 1.0 socket'],
  [dev(0x1af4, 0x1110), 'Inter-VM shared memory'],
  [dev(0x1b36, 0x0001), 'QEMU PCI-PCI bridge'],
  [dev(0x1b36, 0x0002), 'QEMU PCI 16550A Adapter'],
  [dev(0x1b36, 0x0008), 'QEMU PCIe Host bridge'],
  [dev(0x1b36, 0x0009), 'QEMU PCI Expander bridge'],
  [dev(0x1b36, 0x000b), 'QEMU PCIe Expander bridge'],
  [dev(0x1b36, 0x000c), 'QEMU PCIe Root port'],
  [dev(0x1b36, 0x000d), 'QEMU XHCI Host Controller'],
  [dev(0x1b36, 0x000e), 'QEMU PCIe-to-PCI bridge'],
  [dev(0x1b36, 0x0010), 'QEMU NVM Express Controller'],
  [dev(0x1d87, 0x0100), 'RK3399 PCI Express Root Port'],
]);

/** Key: `vvvv:dddd:ssss:ssss` (device, then subsystem vendor:id). */
export const SUBSYSTEMS: ReadonlyMap<string, string> = new Map([
  ['1b36:0002:1af4:1100', 'QEMU Virtual Machine'],
  ['1b36:0100:1af4:1100', 'QEMU Virtual Machine'],
  ['1af4:1110:1af4:1100', 'QEMU Virtual Machine'],
]);

export function dev(vendor: number, device: number): number {
  return vendor * 0x10000 + device;
}
