/**
 * The CPU actor's shared block: one 256-byte slot per physical CPU (so no two CPUs share a
 * cache line) followed by a machine-wide control slot. Owned by the CPU actor; the supervisor
 * uses it to post user-space tasks (syscalls) and to read CPU states.
 */
import { controlledScheduler } from '../../shared/sched/current.js';

export const CPU_SLOT_WORDS = 64;

/** Word offsets inside one CPU's slot. */
export const CpuWord = {
  /** Generation word: bumped and notified (kickCpu, wake.ts) by anyone who wants this CPU to look for work (IPIs, posted tasks, power-on). */
  WAKE: 0,
  /** CpuState, written only by the CPU itself. */
  STATE: 1,
  /**
   * 1 while Jailhouse owns EL2 on this CPU (between activation and arch_shutdown_self): written
   * only with the CPU context's EL2 handle (CpuContext.setHv), for the supervisor to read.
   */
  HV_ACTIVE: 2,
  /** Firmware PSCI CPU_ON request (hypervisor not active): 1 = power on and enter Linux. */
  POWER_ON: 3,
  /** TaskStatus of the syscall mailbox. */
  TASK_STATUS: 4,
  /** Syscall number (Sys). */
  TASK_OP: 5,
  /** Eight syscall arguments (user pointers into RAM are split lo/hi where needed). */
  TASK_ARG0: 6,
  /** Syscall return value (negative errno on failure). */
  TASK_RET: 14,
  /** When BLOCKED: which kernel word the task sleeps on, and the value it saw. */
  TASK_BLOCK_INDEX: 15,
  TASK_BLOCK_VALUE: 16,
  /** Caller (user-space thread) id of the task, for user-memory placement and logs. */
  TASK_CALLER: 17,
  /** Result the last enter_hypervisor returned on this CPU (observability: all must agree). */
  ENTRY_RESULT: 18,
  /** Result the last leave_hypervisor (DISABLE hypercall) returned on this CPU. */
  LEAVE_RESULT: 19,
  /** Enable/disable attempt counter this CPU last took part in (pairs with ENTRY_RESULT). */
  ENTRY_EPOCH: 20,
  LEAVE_EPOCH: 21,
  /** Interrupts this CPU took (physical exceptions into Linux or EL2). */
  IRQS: 22,
  /** Times this CPU left Atomics.wait (idle wake-ups). */
  WAKEUPS: 23,
  /**
   * Hotplug death of this CPU: -(requester + 1) once cpu_down asked for it, requester + 1 once
   * take_cpu_down ran here (IRQ context; the idle loop then dies), 0 after cpu_die's CPU_OFF
   * (cpu_report_death: what the requester's cpu_wait_death waits for).
   */
  DYING: 24,
  /** CPU id + 1 to kick once this CPU has come online (cpu_up's requester). */
  BOOT_NOTIFY: 25,
  /** When BLOCKED: 0 = TASK_BLOCK_INDEX is a kernel word, 1 = a word of this buffer. */
  TASK_BLOCK_BUF: 26,
  /** When BLOCKED: CPU id + 1 the task must migrate away from (0 = none). */
  TASK_BLOCK_MIGRATE: 27,
  /** Trace sequence number (MachineWord.TRACE_SEQ) taken when this CPU called entry(). */
  ENTERED_SEQ: 28,
  /** Trace sequence number taken when it left entry barrier A. */
  BARRIER_A_SEQ: 29,
  /**
   * Id of the cell this CPU belongs to (its config's id), written by the hypervisor wherever
   * it changes per_cpu(cpu).cell: enable (root), cell create (the new cell's CPUs), cell
   * destroy and a create's rollback (root again), arch_shutdown_self and a failed enable (0).
   * 0 = the root cell, or no hypervisor (the CPU is root Linux's). Devices that tag what a CPU
   * writes with its cell (the PL011s) read this word, never hypervisor memory.
   */
  CELL_ID: 30,
  // Words 32..35 hold the CpuTime float64 timestamps.
  /** Guest harness request (GuestCmd), written by the supervisor, consumed by this CPU. */
  GUEST_CMD: 36,
  /** GuestStatus of the guest code on this CPU, written by the CPU. */
  GUEST_STATUS: 37,
  /** Guest entry point (IPA, lo/hi) and x0 at entry. */
  GUEST_ENTRY_LO: 38,
  GUEST_ENTRY_HI: 39,
  GUEST_X0: 40,
  /** Instruction budget (lo/hi; 0 = unlimited): the guest stops once it retired this many. */
  GUEST_BUDGET_LO: 41,
  GUEST_BUDGET_HI: 42,
  /** Guest instructions retired on this CPU (lo/hi), published after every slice. */
  GUEST_INSNS_LO: 43,
  GUEST_INSNS_HI: 44,
  /** 1 = flush the guest software TLB before the next guest instruction (TLBI ...IS, flush_vcpu_caches). */
  TLB_FLUSH: 45,
  /**
   * jhsim's isolation monitor (not Jailhouse state): violations it found in accesses this CPU's
   * guest made, i.e. emulated writes that changed interrupt, PCI or ivshmem state of another cell.
   */
  ISO_VIOLATIONS: 46,
  /** The guest engine's PC (lo/hi) and exception level, published after every slice (guest/observe.ts). */
  GUEST_PC_LO: 47,
  GUEST_PC_HI: 48,
  GUEST_EL: 49,
  /** 1 while the PC lies in the guest's vector table; then the registers that sent it there. */
  GUEST_VEC_VALID: 50,
  GUEST_VEC_ESR: 51,
  GUEST_VEC_ELR_LO: 52,
  GUEST_VEC_ELR_HI: 53,
  GUEST_VEC_FAR_LO: 54,
  GUEST_VEC_FAR_HI: 55,
  /** The instruction word at ELR_EL1 (-1 if it cannot be fetched). */
  GUEST_VEC_INSN: 56,
  /** Translated blocks the guest engine entered since its reset (lo/hi), published with GUEST_INSNS. */
  GUEST_BLOCKS_LO: 57,
  GUEST_BLOCKS_HI: 58,
} as const;

/** CpuWord.GUEST_CMD values. */
export const GuestCmd = {
  NONE: 0,
  /** Leave root-cell Linux and run guest code from GUEST_ENTRY (the harness's kexec). */
  START: 1,
  /**
   * Leave root-cell Linux for guest code, but powered off (as PSCI CPU_OFF leaves a CPU): it
   * waits in the hypervisor's parking loop until a PSCI CPU_ON of the guest (QEMU virt's
   * convention for secondary CPUs).
   */
  START_OFF: 2,
} as const;

/** CpuWord.GUEST_STATUS values. */
export const GuestStatus = {
  NONE: 0,
  RUNNING: 1,
  /** Stopped after GUEST_BUDGET instructions. */
  BUDGET: 2,
  /** Turned itself off (PSCI CPU_OFF: parked by the hypervisor). */
  OFF: 3,
  /** Panic-parked by the hypervisor after a fatal trap. */
  FAILED: 4,
  /** The start request was refused: the hypervisor is not enabled on this CPU. */
  REFUSED: 5,
} as const;
export const GUEST_STATUS_NAMES = ['none', 'running', 'budget', 'off', 'failed', 'refused'] as const;

/**
 * Float64 timestamps (ms, performance.timeOrigin + now, comparable across workers) in the
 * second half of each CPU slot, for causality checks in tests and traces.
 */
export const CpuTime = {
  /** When this CPU called the hypervisor's entry(). */
  ENTERED_AT: 0,
  /** When it left entry barrier A (entered_cpus == online_cpus). */
  BARRIER_A_AT: 1,
} as const;
export const CPU_TIME_BASE_WORD = 32;

export function cpuTimeIndex(cpu: number, t: number): number {
  return (cpu * CPU_SLOT_WORDS + CPU_TIME_BASE_WORD) / 2 + t;
}

/** performance.timeOrigin of this thread, read once (the getter costs as much as now() itself). */
const TIME_ORIGIN = performance.timeOrigin;

/**
 * The machine's clock, ms: the host's monotonic clock, or the virtual clock of the controlled
 * scheduler while the machine runs controlled.
 */
export function now(): number {
  const s = controlledScheduler();
  return s === undefined ? TIME_ORIGIN + performance.now() : s.nowMs();
}

export const CpuState = {
  OFFLINE: 0,
  /** EL1 Linux with no hypervisor underneath. */
  LINUX: 1,
  /** EL1 guest code under the hypervisor (root-cell Linux or a cell's inmate). */
  GUEST: 2,
  /** Executing hypervisor code at EL2. */
  HYPERVISOR: 3,
  /** Parked by the hypervisor: wfi loop at IPA 0 waiting for power-on. */
  PARKED: 4,
  /** Held in check_events by suspend_cpu. */
  SUSPENDED: 5,
  /** Panic-parked after a fatal trap (parked and marked failed). */
  FAILED: 6,
  /** The worker hit a watchdog deadline and stopped (a simulated hang). */
  HUNG: 7,
} as const;
export type CpuStateValue = (typeof CpuState)[keyof typeof CpuState];
export const CPU_STATE_NAMES = ['offline', 'linux', 'guest', 'hypervisor', 'parked', 'suspended', 'failed', 'hung'] as const;

export const TaskStatus = {
  /** Online root CPU, ready for a task. */
  FREE: 0,
  /** The supervisor is filling in the mailbox. */
  CLAIMED: 1,
  POSTED: 2,
  RUNNING: 3,
  DONE: 4,
  /** The task must sleep (mutex held elsewhere): the supervisor requeues it. */
  BLOCKED: 5,
  /** Reserved by a CPU-hotplug operation that targets this CPU. */
  RESERVED: 6,
  /** CPU not online in Linux: no task may be posted. */
  OFFLINE: 7,
} as const;

/** Word offsets in the machine-wide slot (after the last CPU slot). */
export const MachineWord = {
  NR_CPUS: 0,
  /** 1 = workers exit their loops. */
  SHUTDOWN: 1,
  /** Bumped when any mailbox becomes FREE (the supervisor waits on it for a CPU). */
  SCHED_GEN: 2,
  /** Stress: probability (parts per million) that a schedule point injects a delay. */
  DELAY_PPM: 3,
  /** Stress: longest injected delay in microseconds. */
  DELAY_MAX_US: 4,
  /** Fault injection: CPU id + 1 whose hypervisor cpu_init fails (0 = none); consumed once. */
  FAIL_CPU_INIT: 5,
  /** Errno (positive) the injected cpu_init failure returns. */
  FAIL_ERRNO: 6,
  /** Watchdog deadline for any single wait, ms. */
  WATCHDOG_MS: 7,
  /** Number of CPUs that hit a watchdog (hangs). */
  HANGS: 8,
  /** Seed of the run (for the per-CPU PRNG streams). */
  SEED: 9,
  /** Test hook: CPU id + 1 whose next hypervisor entry is delayed before entering (0 = none). */
  DELAY_ENTRY_CPU: 10,
  DELAY_ENTRY_MS: 11,
  /** Machine-wide trace sequence: a total order of protocol events across CPUs (causality in tests). */
  TRACE_SEQ: 12,
  /** IsolationMode bits: the isolation monitor and which filters the hypervisor runs. */
  ISOLATION: 13,
  /**
   * 1 = the driver keeps upstream's race windows (--upstream-races): cell create releases the
   * CPU hotplug lock between offlining the cell's CPUs and the CELL_CREATE hypercall.
   */
  UPSTREAM_RACES: 14,
  /** Test hook: ms the driver's next cell create waits between offlining its CPUs and CELL_CREATE (0 = none); consumed once. */
  DELAY_CELL_CREATE_MS: 15,
  /**
   * Test hook: CPU id + 1 whose next park decided in check_events waits DELAY_PARK_MS before
   * arm_cpu_park, control_lock already released (0 = none); consumed once.
   */
  DELAY_PARK_CPU: 16,
  DELAY_PARK_MS: 17,
} as const;

/** MachineWord.ISOLATION bits (0 = monitor on, Jailhouse's own filters). */
export const IsolationMode = {
  /** The isolation monitor is off. */
  MONITOR_OFF: 1,
  /** The hypervisor runs jhsim's corrected filters instead of upstream's (--filters fixed). */
  FIXED_FILTERS: 2,
} as const;

export function cpuSabSize(nrCpus: number): number {
  return (nrCpus + 1) * CPU_SLOT_WORDS * 4;
}

export function cpuWord(cpu: number, w: number): number {
  return cpu * CPU_SLOT_WORDS + w;
}

export function machineWord(nrCpus: number, w: number): number {
  return nrCpus * CPU_SLOT_WORDS + w;
}

const TWO32 = 0x1_0000_0000;

/** A count or address (below 2^53) in a _LO/_HI pair of words: `i` is the index of _LO, _HI follows it. */
export function loadWordPair(a: Int32Array, i: number): number {
  return (Atomics.load(a, i + 1) >>> 0) * TWO32 + (Atomics.load(a, i) >>> 0);
}

/** Stores `v` into the _LO/_HI pair at `i` (see loadWordPair). */
export function storeWordPair(a: Int32Array, i: number, v: number): void {
  Atomics.store(a, i, v % TWO32);
  Atomics.store(a, i + 1, Math.floor(v / TWO32));
}

/** A word of the CPUs' buffer by name ("CPU 2 WAKE", "machine SCHED_GEN"), for wait graphs. */
export function cpuWordName(nrCpus: number, index: number): string | undefined {
  const slot = Math.floor(index / CPU_SLOT_WORDS);
  const w = index % CPU_SLOT_WORDS;
  const table: Record<string, number> = slot < nrCpus ? CpuWord : slot === nrCpus ? MachineWord : {};
  const name = Object.keys(table).find((k) => table[k] === w);
  if (!name) return undefined;
  return slot < nrCpus ? `CPU ${slot} ${name}` : `machine ${name}`;
}
