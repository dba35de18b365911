/**
 * GIC actor: the GICv3 interrupt controller's shared state and behaviour. Owns the GIC
 * SharedArrayBuffer (layout.ts: distributor words, then per CPU its redistributor and CPU
 * interfaces). Exports the hardware model (gic.ts: SPI/PPI/SGI sources, routing and the kick of
 * the target CPU in gic-state.ts, the GICD/GICR register files in distributor.ts and
 * redistributor.ts; what a register write changed, for the isolation monitor, in changes.ts),
 * the memory-mapped registers' offsets, fields and access sizes (regs.ts), the system
 * registers' encodings and fields (sysregs.ts) and the per-CPU interfaces (cpu-interface.ts:
 * physical ICC acknowledge/EOI/deactivate, the list registers and EL1's virtualised ICC_* view).
 */
export * from './layout.js';
export { Gic } from './gic.js';
export { GicField, type GicChange, type GicFieldValue } from './changes.js';
export { sizeMask } from './register-file.js';
export * from './regs.js';
export * from './sysregs.js';
export { GicCpuInterface, type IccReg } from './cpu-interface.js';
