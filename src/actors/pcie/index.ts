/**
 * PCIe actor: owns the fabric's shared state (pcie/layout.ts: every function's config space,
 * masks and BAR memory), the device models and the board topology they are placed in, the
 * routing of TLPs through root complex, bridges and switches (fabric.ts), Linux-style boot
 * enumeration (enumerate.ts) and the transaction-layer codec (tlp/, re-exported here).
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
export * from './enumerate.js';
export * from './root-complex.js';
export * from './tlp/index.js';
