/**
 * Per-CPU control through SGI_EVENT: suspend_cpu/resume_cpu with the cpu_suspended handshake,
 * park and reset requests, and check_events on the target CPU — the arm-common protocol,
 * with control_lock as a real lock in the per_cpu public area.
 */
import { signal, sleepMs, spinLock, spinUnlock, waitUntil, type Word } from '../../../shared/sync.js';
import { CpuState, CpuWord, MachineWord, now, type CpuStateValue } from '../../cpu/layout.js';
import { MgmtPhase } from '../../cpu/exit-ring-layout.js';
import { SGI_EVENT } from '../../gic/index.js';
import { irqchipCpuReset } from './irqchip.js';
import { cellOwnsCpu } from './cell.js';
import type { Hv } from './hv.js';
import { CELL, COMM, CellState, PSCI_INVALID_ADDRESS, PUB } from './layout.js';
import { printk } from './printk.js';

/** What the CPU does when it leaves the hypervisor after handling an event or a trap. */
export type CpuAction = { kind: 'resume' } | { kind: 'park' } | { kind: 'reset'; entry: number; context: number };

export const RESUME: CpuAction = { kind: 'resume' };

function lockOf(hv: Hv, cpu: number): Word {
  return hv.pubWord(cpu, PUB.CONTROL_LOCK);
}

function genOf(hv: Hv, cpu: number): Word {
  return hv.pubWord(cpu, PUB.CONTROL_GEN);
}

function field(hv: Hv, cpu: number, f: number): Word {
  return hv.pubWord(cpu, f);
}

/** arch_send_event: a physical SGI_EVENT to the target. */
export function archSendEvent(hv: Hv, target: number): void {
  hv.c.gic.sendSgi([target], SGI_EVENT);
}

/** suspend_cpu: request the target to stop in check_events and wait until it did. */
export function suspendCpu(hv: Hv, target: number): void {
  const lock = lockOf(hv, target);
  spinLock(hv.c.policy, lock, `control_lock of CPU ${target}`);
  hv.store(field(hv, target, PUB.SUSPEND_CPU), 1);
  const was = hv.load(field(hv, target, PUB.CPU_SUSPENDED));
  spinUnlock(lock);
  if (!was) {
    archSendEvent(hv, target);
    const suspended = field(hv, target, PUB.CPU_SUSPENDED);
    waitUntil(hv.c.policy, genOf(hv, target), () => hv.load(suspended) !== 0, `suspend_cpu: waiting for CPU ${target} to suspend`);
  }
}

/**
 * resume_cpu. Jailhouse does not wait for the target; on hardware it leaves its suspend loop
 * within nanoseconds. A worker thread may not run for milliseconds, which would open windows
 * hardware never shows (PSCI CPU_ON right after a destroy finding the CPU not yet parked), so
 * the simulation waits until the target has left check_events' wait loop.
 */
export function resumeCpu(hv: Hv, target: number): void {
  const lock = lockOf(hv, target);
  spinLock(hv.c.policy, lock, `control_lock of CPU ${target}`);
  hv.store(field(hv, target, PUB.SUSPEND_CPU), 0);
  spinUnlock(lock);
  signal(genOf(hv, target));
  const suspended = field(hv, target, PUB.CPU_SUSPENDED);
  const again = field(hv, target, PUB.SUSPEND_CPU);
  waitUntil(hv.c.policy, genOf(hv, target), () => hv.load(suspended) === 0 || hv.load(again) !== 0, `resume_cpu: waiting for CPU ${target} to leave check_events`);
}

export function archParkCpu(hv: Hv, target: number): void {
  hv.store(field(hv, target, PUB.PARK), 1);
  resumeCpu(hv, target);
}

export function archResetCpu(hv: Hv, target: number): void {
  hv.store(field(hv, target, PUB.RESET), 1);
  resumeCpu(hv, target);
}

export function cellSuspend(hv: Hv, cell: number): void {
  const t0 = hv.c.rec ? now() : 0;
  for (const cpu of hv.cellCpus(cell)) if (cpu !== hv.cpu) suspendCpu(hv, cpu);
  hv.c.rec?.phase(MgmtPhase.SUSPEND, t0);
}

export function cellResume(hv: Hv, cell: number): void {
  for (const cpu of hv.cellCpus(cell)) if (cpu !== hv.cpu) resumeCpu(hv, cpu);
}

/** check_events, run by the target CPU when it takes SGI_EVENT. */
export function checkEvents(hv: Hv): CpuAction {
  const me = hv.cpu;
  const c = hv.c;
  const lock = lockOf(hv, me);
  const suspend = field(hv, me, PUB.SUSPEND_CPU);
  const suspended = field(hv, me, PUB.CPU_SUSPENDED);
  const before = c.state;
  spinLock(c.policy, lock, 'control_lock (check_events)');
  while (hv.load(suspend)) {
    hv.store(suspended, 1);
    c.setState(CpuState.SUSPENDED);
    spinUnlock(lock);
    signal(genOf(hv, me));
    // A suspended CPU waits on the CPU that suspended it, which may itself be in a watched wait
    // (a cell's reply, a barrier): twice the watchdog lets that root cause be the hang reported,
    // not this consequence of it, whichever thread the host happened to run first.
    waitUntil({ ...c.policy, watchdogMs: 2 * c.policy.watchdogMs }, genOf(hv, me), () => hv.load(suspend) === 0, 'check_events: suspended, waiting for resume_cpu');
    spinLock(c.policy, lock, 'control_lock (check_events)');
  }
  // Still under control_lock: whoever needs the park/reset decisions below (PSCI CPU_ON, the
  // next suspend) takes this lock and so waits for them.
  let action: CpuAction = RESUME;
  const wfp = field(hv, me, PUB.WAIT_FOR_POWERON);
  if (hv.load(field(hv, me, PUB.PARK))) {
    hv.store(field(hv, me, PUB.PARK), 0);
    hv.store(wfp, 1);
  } else if (hv.load(field(hv, me, PUB.RESET))) {
    hv.store(field(hv, me, PUB.RESET), 0);
    const entry = c.mem.read64(hv.myPub + PUB.CPU_ON_ENTRY);
    if (entry !== PSCI_INVALID_ADDRESS) {
      hv.store(wfp, 0);
      action = { kind: 'reset', entry, context: c.mem.read64(hv.myPub + PUB.CPU_ON_CONTEXT) };
    } else {
      hv.store(wfp, 1);
    }
  }
  if (hv.load(field(hv, me, PUB.FLUSH_VCPU_CACHES))) {
    // arch_flush_cpu_vcpu_caches (TLBI VMALLS12E1): the guest engine drops its software TLB
    // before the next guest instruction.
    hv.store(field(hv, me, PUB.FLUSH_VCPU_CACHES), 0);
    Atomics.store(c.cpus, c.my(CpuWord.TLB_FLUSH), 1);
  }
  // The resumer goes on once cpu_suspended is cleared (resumeCpu waits for that), and may
  // return to Linux and user space before this CPU runs another line: so its state is settled
  // first. A CPU told to park is parked from here on, as on hardware, where it is in EL2 on its
  // way to arm_cpu_park and never runs its old context again. Putting back the state from before
  // the suspend (the cell's guest code, or FAILED) until arm_cpu_park ran showed a CPU that cell
  // destroy had given back to root, offline in Linux, as running guest code for as long as this
  // thread stayed descheduled (stress --hotplug --cells: "CPU n is offline but guest under the
  // hypervisor"). Upstream clears cpu_suspended before the park/reset decisions, but its
  // resume_cpu never waits for cpu_suspended, so the order is invisible there; the window was
  // jhsim's own (a host thread preempted in EL2 code), hence no --upstream-races variant.
  const park = hv.load(wfp) !== 0;
  if (park) c.setState(parkedState(hv));
  else if (c.state === CpuState.SUSPENDED) c.setState(before === CpuState.SUSPENDED ? CpuState.HYPERVISOR : before);
  if (hv.load(suspended)) {
    hv.store(suspended, 0);
    signal(genOf(hv, me));
  }
  spinUnlock(lock);
  if (park) {
    parkDelayHook(hv);
    return armCpuPark(hv);
  }
  // arm_cpu_reset: the vCPU's GIC interface starts clean (LRs, ring, PPIs disabled, VMCR 0).
  if (action.kind === 'reset') irqchipCpuReset(hv);
  return action;
}

/**
 * Test hook (Machine.delayNextPark): hold this CPU between check_events' park decision and
 * arm_cpu_park, where a slow host thread can sit for milliseconds, so a test can look at the
 * machine from inside that window every time.
 */
function parkDelayHook(hv: Hv): void {
  const c = hv.c;
  const w = c.machine(MachineWord.DELAY_PARK_CPU);
  if (Atomics.load(c.cpus, w) !== hv.cpu + 1 || Atomics.compareExchange(c.cpus, w, hv.cpu + 1, 0) !== hv.cpu + 1) return;
  sleepMs(Atomics.load(c.cpus, c.machine(MachineWord.DELAY_PARK_MS)), `test delay before CPU ${hv.cpu} parks`);
}

/** arm_cpu_park: the CPU ends up in the parking loop (wait_for_poweron). */
export function armCpuPark(hv: Hv): CpuAction {
  const lock = lockOf(hv, hv.cpu);
  spinLock(hv.c.policy, lock, 'control_lock (park)');
  hv.store(field(hv, hv.cpu, PUB.PARK), 0);
  hv.store(field(hv, hv.cpu, PUB.WAIT_FOR_POWERON), 1);
  spinUnlock(lock);
  irqchipCpuReset(hv);
  hv.c.setState(parkedState(hv));
  return { kind: 'park' };
}

/** How a parked CPU shows: FAILED after a panic_park of its cell, else PARKED. */
function parkedState(hv: Hv): CpuStateValue {
  return hv.load(field(hv, hv.cpu, PUB.FAILED)) ? CpuState.FAILED : CpuState.PARKED;
}

/** panic_park: a cell-caused fatal trap; the cell fails once all its CPUs have failed. */
export function panicPark(hv: Hv, reason: string): CpuAction {
  const cell = hv.thisCell();
  printk(hv, `${reason}\nParking CPU ${hv.cpu} (Cell: "${hv.cellName(cell)}")\n`);
  hv.store(field(hv, hv.cpu, PUB.FAILED), 1);
  const all = hv.cellCpus(cell).every((cpu) => hv.load(field(hv, cpu, PUB.FAILED)) !== 0);
  if (all) hv.c.mem.write32(cell + CELL.COMM_PAGE + COMM.CELL_STATE, CellState.FAILED);
  return armCpuPark(hv);
}

/** PSCI CPU_ON's request on a parked target of the caller's cell. */
export function requestCpuOn(hv: Hv, target: number, entry: number, context: number): 'ok' | 'already_on' {
  const lock = lockOf(hv, target);
  spinLock(hv.c.policy, lock, `control_lock of CPU ${target}`);
  let res: 'ok' | 'already_on' = 'already_on';
  if (hv.load(field(hv, target, PUB.WAIT_FOR_POWERON))) {
    hv.c.mem.write64(hv.pub(target) + PUB.CPU_ON_ENTRY, entry);
    hv.c.mem.write64(hv.pub(target) + PUB.CPU_ON_CONTEXT, context);
    hv.store(field(hv, target, PUB.RESET), 1);
    res = 'ok';
  }
  spinUnlock(lock);
  if (res === 'ok') archSendEvent(hv, target);
  return res;
}

export function waitsForPoweron(hv: Hv, cpu: number): boolean {
  return hv.load(field(hv, cpu, PUB.WAIT_FOR_POWERON)) !== 0;
}

export function cpuByMpidr(hv: Hv, cell: number, mpidr: number): number {
  for (const t of hv.c.topo) if (t.mpidr === mpidr && cellOwnsCpu(hv, cell, t.id)) return t.id;
  return -1;
}
