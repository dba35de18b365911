/**
 * CPU actor: one worker thread per physical CPU and the root-cell Linux model it runs.
 * Owns the per-CPU control slots (layout.ts), the kernel's shared memory (linux/layout.ts),
 * the worker loop (actor.ts, worker.ts; threads kept between machines in cpu-threads.ts), the main-thread supervisor (supervisor.ts, with the
 * user-space task queue in machine-tasks.ts), the A64 instruction set tools and interpreter
 * (a64/), the guest engine that runs A64 code on a CPU under the hypervisor (guest/: memory over the software TLB, exits to EL2, timer) and the
 * memory-mapped devices guest code reaches directly (devices/: the PL011 UARTs).
 */
export { Machine, type MachineOptions } from './supervisor.js';
export { CpuThreads, type ThreadKeeper } from './cpu-threads.js';
export { waitChange, type HangReport, type SyscallOptions } from './machine-tasks.js';
export {
  CpuState, CpuWord, CpuTime, MachineWord, TaskStatus, CPU_STATE_NAMES, GuestCmd, GuestStatus, GUEST_STATUS_NAMES, cpuTimeIndex, cpuWord,
} from './layout.js';
export { GuestEngine, type SliceEnd } from './guest/engine.js';
export { CpuGuestMemory } from './guest/memory.js';
export { Sys, SmpFunc, userBuffer } from './linux/layout.js';
