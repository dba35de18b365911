/**
 * GIC actor: the GICv3 interrupt controller's shared state and behaviour. Owns the GIC
 * SharedArrayBuffer (layout.ts: distributor words, then per CPU its redistributor and CPU
 * interfaces). Exports the hardware model (gic.ts: GICD/GICR registers, SPI/PPI/SGI sources,
 * routing and the kick of the target CPU; what a register write changed, for the isolation
 * monitor), the memory-mapped registers' offsets, fields and access sizes (regs.ts), the system
 * registers' encodings and fields (sysregs.ts) and the per-CPU interfaces (cpu-interface.ts:
 * physical ICC acknowledge/EOI/deactivate, the list registers and EL1's virtualised ICC_* view).
 */
export * from './layout.js';
export { Gic, GicField, sizeMask, type GicChange, type GicFieldValue } from './gic.js';
export * from './regs.js';
export * from './sysregs.js';
export { GicCpuInterface, type IccReg } from './cpu-interface.js';
