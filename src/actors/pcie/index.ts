/**
 * PCIe actor: owns the fabric's shared state (pcie/layout.ts: every function's config space,
 * masks and BAR memory), the device models and the board topology they are placed in, the
 * routing of TLPs through root complex, bridges and switches (fabric.ts), the transaction-layer
 * codec (tlp/, re-exported here) and the pciutils capture format boards import functions from
 * (lspci-dump/). Root Linux's boot enumeration is the Linux model's (cpu/linux/pci-enumerate.ts);
 * the lspci/setpci tools are user space (cli/pciutils).
 */
export * from './regs.js';
export * from './layout.js';
export * from './function-image.js';
export * from './function-model.js';
export * from './caps.js';
export * from './models.js';
export * from './topology.js';
export * from './config-space.js';
export * from './fabric.js';
export * from './root-complex.js';
export * from './tlp/index.js';
