/**
 * CPU hotplug of root-cell Linux (`echo 0|1 > /sys/devices/system/cpu/cpuN/online`): cpu_down
 * runs take_cpu_down on the target, which leaves the online mask and calls PSCI CPU_OFF (the
 * firmware powers it off, or Jailhouse parks it); cpu_up calls PSCI CPU_ON (firmware, or
 * Jailhouse's emulation, which only powers on parked CPUs of the caller's cell) and waits for
 * the target to come online. The hotplug lock excludes the driver's on_each_cpu windows.
 */
import { maskToCpus } from '../../../shared/cpumask.js';
import { Errno } from '../../../shared/errno.js';
import { signal, word } from '../../../shared/sync.js';
import { CpuState, CpuWord, MachineWord, TaskStatus, cpuWord, now } from '../layout.js';
import { KernelWord, SmpFunc } from './layout.js';
import type { Kernel } from './kernel.js';
import { LINUX_SECONDARY_ENTRY } from './kernel.js';
import { Psci, PsciRet } from '../../hypervisor/core/psci.js';
import { Sleep } from './sleep.js';
import { gicCpuInit, migrateIrqsOff } from './irq-gic.js';

/** How long __cpu_up waits for a started CPU to come online (arm64 Linux: 5000 ms). */
const CPU_UP_TIMEOUT_MS = 5000;

/** cpus_read_lock, waiting with interrupts enabled while a hotplug operation runs. */
export function cpusReadLock(k: Kernel): void {
  const k32 = k.c.k32;
  const take = (): boolean => {
    const v = Atomics.load(k32, KernelWord.HOTPLUG_LOCK);
    return v >= 0 && Atomics.compareExchange(k32, KernelWord.HOTPLUG_LOCK, v, v + 1) === v;
  };
  if (take()) return;
  // Register as a waiter so the writer's unlock kicks this CPU.
  const w = k.cpu < 32 ? KernelWord.HOTPLUG_WAITERS_LO : KernelWord.HOTPLUG_WAITERS_HI;
  const bit = 1 << (k.cpu & 31);
  Atomics.or(k32, w, bit);
  try {
    k.waitIrqsOn(take, 'cpus_read_lock', undefined, [word(k32, KernelWord.HOTPLUG_LOCK)]);
  } finally {
    Atomics.and(k32, w, ~bit);
  }
}

export function cpusReadUnlock(k: Kernel): void {
  Atomics.sub(k.c.k32, KernelWord.HOTPLUG_LOCK, 1);
  // A hotplug task sleeping on the lock word (requeued by the supervisor) retries now.
  Atomics.notify(k.c.k32, KernelWord.HOTPLUG_LOCK);
}

/** cpus_write_lock as a try: a busy lock puts the task to sleep before it changed anything. */
function cpusWriteTryLock(k: Kernel): void {
  const v = Atomics.compareExchange(k.c.k32, KernelWord.HOTPLUG_LOCK, 0, -1);
  if (v !== 0) throw new Sleep('kernel', KernelWord.HOTPLUG_LOCK, v, 'cpu_hotplug_lock');
}

function cpusWriteUnlock(k: Kernel): void {
  const k32 = k.c.k32;
  Atomics.store(k32, KernelWord.HOTPLUG_LOCK, 0);
  Atomics.notify(k32, KernelWord.HOTPLUG_LOCK);
  for (const cpu of maskToCpus(Atomics.load(k32, KernelWord.HOTPLUG_WAITERS_LO), Atomics.load(k32, KernelWord.HOTPLUG_WAITERS_HI))) k.c.kick(cpu);
}

const psciToErrno = (r: number): number => (r === PsciRet.DENIED ? -Errno.EPERM : r === PsciRet.NOT_SUPPORTED ? -Errno.EOPNOTSUPP : -Errno.EINVAL);

export function cpuDown(k: Kernel, target: number): number {
  const c = k.c;
  if (!k.isOnline(target)) return 0;
  if (k.numOnline() === 1) return -Errno.EBUSY;
  if (target === k.cpu) {
    // Linux migrates the writing task off the dying CPU first; here it is requeued elsewhere.
    const g = c.machine(MachineWord.SCHED_GEN);
    throw new Sleep('cpus', g, Atomics.load(c.cpus, g), 'migrating off the CPU to take down', target);
  }
  cpusWriteTryLock(k);
  const slot = cpuWord(target, CpuWord.TASK_STATUS);
  const st = Atomics.compareExchange(c.cpus, slot, TaskStatus.FREE, TaskStatus.RESERVED);
  if (st !== TaskStatus.FREE) {
    // The target runs a task; Linux would migrate it. Retry once it is free.
    cpusWriteUnlock(k);
    throw new Sleep('cpus', slot, st, `CPU ${target} busy with a task`);
  }
  try {
    return takeDownReserved(k, target);
  } finally {
    if (Atomics.load(c.cpus, slot) === TaskStatus.RESERVED) Atomics.store(c.cpus, slot, TaskStatus.FREE);
    cpusWriteUnlock(k);
  }
}

/** The body of cpu_down once the hotplug lock is held and the target's task slot reserved. */
function takeDownReserved(k: Kernel, target: number): number {
  const c = k.c;
  const slot = cpuWord(target, CpuWord.TASK_STATUS);
  if (!k.isOnline(target)) return 0;
  // The death is requested before the IPI (negative: not dying yet), so cpu_wait_death below
  // waits for this request's cpu_report_death: a target still busy elsewhere (suspended by a
  // hypervisor management call, say) has not run take_cpu_down yet, and must not count as dead.
  const dying = cpuWord(target, CpuWord.DYING);
  Atomics.store(c.cpus, dying, -(k.cpu + 1));
  k.smpCallFunctionSingle(target, SmpFunc.TAKE_CPU_DOWN, k.cpu, false);
  // cpu_wait_death, then op_cpu_kill: PSCI AFFINITY_INFO must report the CPU off.
  k.waitIrqsOn(() => Atomics.load(c.cpus, dying) === 0, `cpu_wait_death for CPU ${target}`, undefined, [word(c.cpus, dying)]);
  const mpidr = c.topo[target]!.mpidr;
  let off = false;
  for (let i = 0; i < 10 && !off; i++) off = k.smc(Psci.AFFINITY_INFO_64, mpidr).x0 === 1;
  if (!off) k.printk(`CPU${target} may not have shut down cleanly`);
  Atomics.store(c.cpus, slot, TaskStatus.OFFLINE);
  k.printk(`CPU${target}: shutdown`);
  k.printk(`psci: CPU${target} killed`);
  return 0;
}

/** cpus_write_lock from kernel code that cannot restart (a driver in the middle of an ioctl). */
function cpusWriteLockWait(k: Kernel, what: string): void {
  k.waitIrqsOn(() => Atomics.compareExchange(k.c.k32, KernelWord.HOTPLUG_LOCK, 0, -1) === 0, `cpu_hotplug_lock (${what})`, undefined, [word(k.c.k32, KernelWord.HOTPLUG_LOCK)]);
}

/**
 * remove_cpu, as the jailhouse driver calls it while holding its own lock: waits for the
 * hotplug lock and for the target's current task instead of restarting. The caller must not
 * run on the target (the driver migrates first).
 */
export function removeCpu(k: Kernel, target: number): number {
  const c = k.c;
  if (target === k.cpu) return -Errno.EINVAL;
  const lock = !k.hotplugHeld;
  if (lock) cpusWriteLockWait(k, `remove_cpu ${target}`);
  const slot = cpuWord(target, CpuWord.TASK_STATUS);
  try {
    if (!k.isOnline(target)) return 0;
    if (k.numOnline() === 1) return -Errno.EBUSY;
    k.waitIrqsOn(() => {
      const st = Atomics.load(c.cpus, slot);
      return st === TaskStatus.OFFLINE || (st === TaskStatus.FREE && Atomics.compareExchange(c.cpus, slot, TaskStatus.FREE, TaskStatus.RESERVED) === TaskStatus.FREE);
    }, `remove_cpu: CPU ${target} busy with a task`, undefined, [word(c.cpus, slot)]);
    return takeDownReserved(k, target);
  } finally {
    if (Atomics.load(c.cpus, slot) === TaskStatus.RESERVED) Atomics.store(c.cpus, slot, TaskStatus.FREE);
    if (lock) cpusWriteUnlock(k);
  }
}

/** add_cpu for the jailhouse driver: like cpu_up, waiting for the hotplug lock instead of restarting. */
export function addCpu(k: Kernel, target: number): number {
  const lock = !k.hotplugHeld;
  if (lock) cpusWriteLockWait(k, `add_cpu ${target}`);
  try {
    return bringUp(k, target);
  } finally {
    if (lock) cpusWriteUnlock(k);
  }
}

/**
 * Runs `fn` with the CPU hotplug write lock held throughout (removeCpu/addCpu inside do not take
 * it again), so no CPU can be brought up or down by anyone else in between: what the driver's
 * cell create needs between offlining the cell's CPUs and the CELL_CREATE hypercall (the window
 * upstream's driver leaves open; see MachineWord.UPSTREAM_RACES).
 */
export function withHotplugLocked<T>(k: Kernel, what: string, fn: () => T): T {
  cpusWriteLockWait(k, what);
  k.hotplugHeld = true;
  try {
    return fn();
  } finally {
    k.hotplugHeld = false;
    cpusWriteUnlock(k);
  }
}

/** take_cpu_down, in IPI context on the dying CPU. */
export function takeCpuDown(k: Kernel, requester: number): void {
  k.setOnline(k.cpu, false);
  migrateIrqsOff(k);
  Atomics.store(k.c.cpus, k.c.my(CpuWord.DYING), requester + 1);
}

/** The idle loop of a dying CPU: cpu_die → PSCI CPU_OFF (never returns to Linux). */
export function cpuDie(k: Kernel): void {
  const c = k.c;
  const requester = Atomics.load(c.cpus, c.my(CpuWord.DYING)) - 1;
  const r = k.smc(Psci.CPU_OFF);
  if (r.action.kind === 'resume') {
    k.printk(`CPU${k.cpu}: PSCI CPU_OFF returned ${r.x0}`);
  }
  Atomics.store(c.cpus, c.my(CpuWord.DYING), 0);
  if (requester >= 0) c.kick(requester);
}

export function cpuUp(k: Kernel, target: number): number {
  if (k.isOnline(target)) return 0;
  cpusWriteTryLock(k);
  try {
    return bringUp(k, target);
  } finally {
    cpusWriteUnlock(k);
  }
}

/** The body of cpu_up with the hotplug lock held: PSCI CPU_ON, then wait for the CPU to boot. */
function bringUp(k: Kernel, target: number): number {
  const c = k.c;
  if (k.isOnline(target)) return 0;
  Atomics.store(c.cpus, cpuWord(target, CpuWord.BOOT_NOTIFY), k.cpu + 1);
  const r = k.smc(Psci.CPU_ON_64, c.topo[target]!.mpidr, LINUX_SECONDARY_ENTRY, 0);
  if (r.x0 !== PsciRet.SUCCESS) {
    Atomics.store(c.cpus, cpuWord(target, CpuWord.BOOT_NOTIFY), 0);
    k.printk(`CPU${target}: failed to boot: ${psciToErrno(r.x0)}`);
    return psciToErrno(r.x0);
  }
  // __cpu_up: wait_for_completion_timeout(&cpu_running, 5 s), then -EIO. A CPU that was told
  // to start but never booted (the hypervisor kept it parked) leaves Linux with one CPU fewer,
  // not a hung hotplug lock.
  const deadline = now() + CPU_UP_TIMEOUT_MS;
  k.waitIrqsOn(() => k.isOnline(target) || now() >= deadline, `waiting for CPU ${target} to come online`, deadline);
  if (k.isOnline(target)) return 0;
  Atomics.store(c.cpus, cpuWord(target, CpuWord.BOOT_NOTIFY), 0);
  k.printk(`CPU${target}: failed to come online`);
  return -Errno.EIO;
}

/** secondary_start_kernel on a CPU that was powered on (by firmware or by Jailhouse). */
export function secondaryStart(k: Kernel): void {
  const c = k.c;
  c.setState(c.hvActive ? CpuState.GUEST : CpuState.LINUX);
  gicCpuInit(k);
  k.setOnline(k.cpu, true);
  k.printk(`CPU${k.cpu}: Booted secondary processor`);
  Atomics.store(c.cpus, c.my(CpuWord.TASK_STATUS), TaskStatus.FREE);
  signal(word(c.cpus, c.machine(MachineWord.SCHED_GEN)));
  const n = Atomics.exchange(c.cpus, c.my(CpuWord.BOOT_NOTIFY), 0);
  if (n > 0) c.kick(n - 1);
}
