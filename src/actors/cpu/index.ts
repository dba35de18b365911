/**
 * CPU actor: one worker thread per physical CPU and the root-cell Linux model it runs.
 * Owns the per-CPU control slots (layout.ts), the kernel's shared memory (linux/layout.ts),
 * the worker loop (actor.ts, worker.ts) and the main-thread supervisor (supervisor.ts).
 */
export { Machine, waitChange, type HangReport, type MachineOptions, type SyscallOptions } from './supervisor.js';
export { CpuState, CpuWord, CpuTime, MachineWord, TaskStatus, CPU_STATE_NAMES, cpuTimeIndex, cpuWord } from './layout.js';
export { Sys, SmpFunc, userBuffer } from './linux/layout.js';
