/**
 * The context of a CPU Jailhouse may run under: its EL2 handle is the hypervisor's Hv. The CPU
 * actor, the guest engine and the Linux model take the hypervisor from here (c.hv); the
 * hypervisor itself sees the plain CpuContext it runs on.
 */
import type { Hv } from '../hypervisor/core/hv.js';
import type { CpuContext } from './context.js';

export type HvCpuContext = CpuContext<Hv>;
