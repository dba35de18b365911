/**
 * PCIe actor: configuration space, topology, TLPs and ivshmem arrive with the PCIe capability.
 * The qemu-arm64 configs already describe the virtual PCI host (pci_mmconfig_base, ivshmem
 * devices); nothing is modelled here yet, so this module exports nothing.
 */
export {};
