/**
 * The GICv3 hardware as every CPU worker sees it: its interrupt state, sources and routing with
 * the kick of the target CPU (gic-state.ts), and the memory-mapped register files of the
 * distributor (distributor.ts) and of one redistributor per CPU (redistributor.ts). Register
 * accesses arrive here from the hypervisor's MMIO handlers after their ownership filters
 * (mmio_perform_access), or directly from native Linux.
 */
import { GicState } from './gic-state.js';
import { distAccess } from './distributor.js';
import { redistAccess } from './redistributor.js';

export class Gic extends GicState {
  /** A GICD register access of `size` bytes at `off` (mmio_perform_access on the distributor). */
  distAccess(off: number, size: number, isWrite: boolean, value: bigint): bigint {
    return distAccess(this, off, size, isWrite, value);
  }

  /** A GICR register access at `off` within `cpu`'s frames (RD_base, then SGI_base at GICR_SGI_BASE). */
  redistAccess(cpu: number, off: number, size: number, isWrite: boolean, value: bigint): bigint {
    return redistAccess(this, cpu, off, size, isWrite, value);
  }
}
