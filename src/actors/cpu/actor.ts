/**
 * The CPU actor: one physical CPU's life in its worker thread. It idles in WFI (Atomics.wait
 * on its wake word), takes interrupts, runs user-space tasks (syscalls) posted to its mailbox,
 * dies and comes back through PSCI, and sits in the hypervisor's parking loop when parked.
 */
import { HangError, signal, word } from '../../shared/sync.js';
import { SchedAbort } from '../../shared/sched/scheduler.js';
import { controlledWorker, setJoined } from '../../shared/sched/current.js';
import { AgentState, AgentWord, PointKind, SchedWord } from '../../shared/sched/layout.js';
import { gicCpuInit, gicDistInit } from './linux/irq-gic.js';
import { cellPageTable } from '../hypervisor/core/page-tables.js';
import { publishGuestState } from './guest/observe.js';
import { GuestEngine } from './guest/engine.js';
import { armCpuPark, type CpuAction } from '../hypervisor/core/percpu-control.js';
import { enterHypervisor, leaveHypervisor } from '../hypervisor/driver/main.js';
import type { HvCpuContext } from './hv-context.js';
import { physicalIrqExit, sampleIrqLines } from './irq-exit.js';
import { CpuState, CpuWord, GuestCmd, GuestStatus, MachineWord, TaskStatus, loadWordPair, storeWordPair } from './layout.js';
import { cpuDie, secondaryStart, takeCpuDown } from './linux/hotplug.js';
import { Kernel, LINUX_SECONDARY_ENTRY } from './linux/kernel.js';
import { SmpFunc } from './linux/layout.js';
import { ContextLost, Sleep } from './linux/sleep.js';
import { doSyscall } from './linux/syscalls.js';
import { Errno } from '../../shared/errno.js';

/** Reports to the supervisor (main thread). */
export type ActorReport =
  | { type: 'ready'; cpu: number }
  | { type: 'hang'; cpu: number; what: string; ms: number }
  | { type: 'fault'; cpu: number; message: string };

const IDLE_SLICE_MS = 250;
/** Guest instructions between checks for interrupts, flush requests and shutdown. */
const GUEST_SLICE = 20_000;
/** How long before a guest timer's deadline a CPU in WFI stops sleeping and polls the clock. */
const TIMER_POLL_MS = 1.5;
/** Virtual ns an exception taken by guest code costs under the controlled scheduler. */
const EXCEPTION_NS = 100;
/** Longest WFE wait: stores that clear another CPU's exclusive monitor send no event here. */
const WFE_WAIT_MS = 0.05;

export class CpuActor {
  readonly k: Kernel;
  /** Guest code engine, once guest code owns this CPU. */
  private guest: GuestEngine | undefined;

  constructor(
    readonly c: HvCpuContext,
    private readonly report: (r: ActorReport) => void,
  ) {
    this.k = new Kernel(c);
    // The generic timers drive their PPIs while guest code owns the CPU.
    c.sampleIrqLines = () => sampleIrqLines(c, c.state === CpuState.GUEST ? this.guest?.timer : undefined);
    this.k.smpHandler = (k, func, arg) => {
      switch (func) {
        case SmpFunc.ENTER_HYPERVISOR:
          return enterHypervisor(k);
        case SmpFunc.LEAVE_HYPERVISOR:
          return leaveHypervisor(k);
        case SmpFunc.TAKE_CPU_DOWN:
          return takeCpuDown(k, arg);
      }
    };
  }

  run(): void {
    // Linux booted on every CPU: the boot CPU set up the distributor, each CPU its redistributor.
    if (this.c.cpu === 0) gicDistInit(this.k);
    gicCpuInit(this.k);
    this.report({ type: 'ready', cpu: this.c.cpu });
    for (;;) {
      try {
        if (!this.step()) return;
      } catch (e) {
        if (e instanceof SchedAbort) {
          // The controlled run stopped (deadlock, livelock): the supervisor reports it.
          this.sleepUntilShutdown();
          return;
        }
        if (e instanceof HangError) {
          this.c.setState(CpuState.HUNG);
          Atomics.add(this.c.cpus, this.c.machine(MachineWord.HANGS), 1);
          this.report({ type: 'hang', cpu: this.c.cpu, what: e.what, ms: e.waitedMs });
          this.failTask(-Errno.EINTR);
          this.leaveSchedule();
          this.sleepUntilShutdown();
          return;
        }
        if (e instanceof ContextLost) {
          this.report({ type: 'fault', cpu: this.c.cpu, message: e.message });
          this.failTask(-Errno.EIO);
          continue;
        }
        this.report({ type: 'fault', cpu: this.c.cpu, message: e instanceof Error ? `${e.message}\n${e.stack}` : String(e) });
        this.c.setState(CpuState.HUNG);
        this.failTask(-Errno.EIO);
        this.leaveSchedule();
        this.sleepUntilShutdown();
        return;
      }
    }
  }

  /** One pass of the CPU's loop; false once the machine shuts down. */
  private step(): boolean {
    const c = this.c;
    // The recorder's open batch of merged exits ends with the pass that made it, before the
    // CPU waits or runs on (exit-recorder.ts).
    c.rec?.flush();
    if (c.shuttingDown) return false;
    if (c.sched?.controlled && c.sched.agentWord(c.cpu, AgentWord.STATE) === AgentState.FREE) {
      // A controlled run starts with every CPU here, at the top of its loop.
      setJoined(true);
      c.sched.join();
    }
    const gen = Atomics.load(c.wake.view, c.wake.index);
    switch (c.state) {
      case CpuState.OFFLINE:
        if (Atomics.exchange(c.cpus, c.my(CpuWord.POWER_ON), 0)) {
          secondaryStart(this.k);
          return true;
        }
        break;
      case CpuState.PARKED:
      case CpuState.FAILED:
        // Linux is not running here: no task may be posted to this CPU (PSCI CPU_ON and
        // secondary_start make it available again).
        Atomics.compareExchange(c.cpus, c.my(CpuWord.TASK_STATUS), TaskStatus.FREE, TaskStatus.OFFLINE);
        if (this.irqExit()) return true;
        break;
      case CpuState.GUEST:
      case CpuState.LINUX:
        if (c.state === CpuState.GUEST && this.guest) return this.guestStep(gen);
        if (Atomics.load(c.cpus, c.my(CpuWord.GUEST_CMD)) !== GuestCmd.NONE) {
          this.startGuest();
          return true;
        }
        if (this.k.pollIrq()) return true;
        if (Atomics.load(c.cpus, c.my(CpuWord.DYING)) > 0) {
          cpuDie(this.k);
          return true;
        }
        if (Atomics.load(c.cpus, c.my(CpuWord.TASK_STATUS)) === TaskStatus.POSTED) {
          this.runTask();
          return true;
        }
        break;
      default:
        break;
    }
    this.idleWait(gen, undefined, 'idle');
    Atomics.add(c.cpus, c.my(CpuWord.WAKEUPS), 1);
    return true;
  }

  /**
   * Sleep on the wake word until it moves from `gen`: at most `ms` on the host (IDLE_SLICE_MS
   * when undefined), or, under the controlled scheduler, blocked on the word until it moves or
   * the virtual clock passes `ms` (no deadline when undefined: a kick always comes).
   */
  private idleWait(gen: number, ms: number | undefined, what: string): void {
    const c = this.c;
    // Only once joined: a CPU that has not yet seen the run start waits as a free thread (a kick
    // brings it to the top of its loop, where it joins).
    const s = controlledWorker();
    if (s) {
      s.block([{ view: c.wake.view, index: c.wake.index, value: gen }], ms === undefined ? undefined : s.nowMs() + ms, `CPU ${c.cpu} ${what}`);
      return;
    }
    Atomics.wait(c.wake.view, c.wake.index, gen, ms ?? IDLE_SLICE_MS);
  }

  /** A CPU that hung or stopped leaves the controlled scheduler's run (the others go on). */
  private leaveSchedule(): void {
    controlledWorker()?.exit();
    // Out of the schedule for good: what the CPU does on its way out (sleepUntilShutdown
    // signals SCHED_GEN) is no schedule point; a point would wait for a turn it never gets.
    setJoined(false);
  }

  /**
   * A physical interrupt exits to EL2 (SGI_EVENT, SGI_INJECT): from the parking loop (wfi;
   * b .-4 at IPA 0) or between slices of guest code.
   */
  private irqExit(): boolean {
    const action = physicalIrqExit(this.c);
    if (!action) return false;
    this.apply(action);
    return true;
  }

  /** What the hypervisor decided for this CPU when it returned from EL2. */
  private apply(action: CpuAction): void {
    // arm_cpu_reset wipes the timers whether the CPU parks or restarts.
    if (action.kind !== 'resume') this.guest?.timer.reset();
    if (action.kind === 'park' && this.guest) {
      this.setGuestStatus(this.c.state === CpuState.FAILED ? GuestStatus.FAILED : GuestStatus.OFF);
      return;
    }
    if (action.kind !== 'reset') return;
    const hv = this.c.hv;
    if (hv && !hv.isRootCell(hv.thisCell())) {
      // A CPU of a non-root cell: cell start or PSCI CPU_ON runs the cell's code at the entry.
      this.guest ??= new GuestEngine(this.c);
      this.guest.budget = 0;
      this.resetGuest(action.entry, action.context);
      return;
    }
    if (this.guest && action.entry !== LINUX_SECONDARY_ENTRY) {
      // Guest code owns this root CPU (the harness): PSCI CPU_ON restarts it at the entry.
      this.resetGuest(action.entry, action.context);
      return;
    }
    if (action.entry !== LINUX_SECONDARY_ENTRY) this.k.printk(`CPU${this.c.cpu}: reset to unexpected entry 0x${action.entry.toString(16)}`);
    // Back in the root cell: Linux boots this CPU as a secondary (the cell's code is gone).
    if (this.guest) {
      this.guest = undefined;
      this.setGuestStatus(GuestStatus.NONE);
    }
    secondaryStart(this.k);
  }

  /**
   * The harness's kexec: root-cell Linux on this CPU hands the CPU to guest code at EL1 under
   * the hypervisor (the root cell's stage 2, identity mapped). Linux does not come back here.
   */
  private startGuest(): void {
    const c = this.c;
    const off = Atomics.exchange(c.cpus, c.my(CpuWord.GUEST_CMD), GuestCmd.NONE) === GuestCmd.START_OFF;
    const hv = c.hv;
    if (!hv) {
      this.setGuestStatus(GuestStatus.REFUSED);
      return;
    }
    Atomics.compareExchange(c.cpus, c.my(CpuWord.TASK_STATUS), TaskStatus.FREE, TaskStatus.OFFLINE);
    signal(word(c.cpus, c.machine(MachineWord.SCHED_GEN)));
    this.guest = new GuestEngine(c);
    const entry = loadWordPair(c.cpus, c.my(CpuWord.GUEST_ENTRY_LO));
    this.guest.budget = loadWordPair(c.cpus, c.my(CpuWord.GUEST_BUDGET_LO));
    this.resetGuest(entry, Atomics.load(c.cpus, c.my(CpuWord.GUEST_X0)) >>> 0);
    // Powered off like after PSCI CPU_OFF (arm_cpu_park): the guest's CPU_ON resets it.
    if (off) this.apply(armCpuPark(hv));
  }

  private resetGuest(entry: number, context: number): void {
    const hv = this.c.hv;
    const g = this.guest!;
    const budget = g.budget;
    g.reset(entry, BigInt(context), hv ? cellPageTable(hv, hv.thisCell()) : null);
    g.budget = budget;
    this.c.setState(CpuState.GUEST);
    this.setGuestStatus(GuestStatus.RUNNING);
  }

  private setGuestStatus(s: number): void {
    // The supervisor may end its recording on this status: the exits before it are in the ring.
    this.c.rec?.flush();
    Atomics.store(this.c.cpus, this.c.my(CpuWord.GUEST_STATUS), s);
    signal(word(this.c.cpus, this.c.machine(MachineWord.SCHED_GEN)));
  }

  private publishRetired(): void {
    storeWordPair(this.c.cpus, this.c.my(CpuWord.GUEST_INSNS_LO), this.guest!.retired);
    storeWordPair(this.c.cpus, this.c.my(CpuWord.GUEST_BLOCKS_LO), this.guest!.jit.stats.blocks);
    publishGuestState(this.c, this.guest!);
  }

  /** One slice of guest code, then interrupts; WFI/WFE wait on the wake word. */
  private guestStep(gen: number): boolean {
    const c = this.c;
    const g = this.guest!;
    if (Atomics.load(c.cpus, c.my(CpuWord.GUEST_STATUS)) === GuestStatus.BUDGET) {
      this.idleWait(gen, undefined, 'guest budget used up');
      return true;
    }
    if (this.irqExit()) return true;
    const s = controlledWorker();
    const retired0 = g.retired;
    const exceptions0 = g.exceptionsTaken;
    const end = g.runSlice(s ? Atomics.load(s.i32, SchedWord.GUEST_SLICE) : GUEST_SLICE, gen);
    this.publishRetired();
    if (s) {
      // Virtual time: 1 ns per guest instruction, EXCEPTION_NS per exception taken (entry and
      // return cost hundreds of cycles on hardware; a guest looping on an undefined instruction
      // must not take a million slices per virtual millisecond). A slice ends in a schedule point.
      s.advance(g.retired - retired0 + (g.exceptionsTaken - exceptions0) * EXCEPTION_NS);
      if (end.kind === 'running') s.point(PointKind.GUEST_SLICE);
    }
    switch (end.kind) {
      case 'running':
        return true;
      case 'budget':
        this.setGuestStatus(GuestStatus.BUDGET);
        return true;
      case 'action':
        this.apply(end.action);
        return true;
      case 'wfi':
      case 'wfe':
        // Re-check under the captured generation: an interrupt posted after the slice ended
        // bumps the wake word, so the wait returns at once. WFE may also wake spuriously (no
        // global monitor events are modelled), so it waits briefly.
        // The deadline first, then the lines: a timer firing in between is either on its line
        // already or still ahead of the wait (msUntilFire skips a timer that has fired).
        const toTimer = g.timer.msUntilFire();
        c.sampleIrqLines();
        if (!c.gicc.signalled() && !c.gicc.vSignalled()) {
          // The slice's exits are in the ring before the CPU sleeps (up to IDLE_SLICE_MS).
          c.rec?.flush();
          // The guest's timer fires without anyone notifying: sleep until shortly before its
          // deadline (a host timed wait can overshoot by a fraction of a millisecond), then poll.
          // The virtual clock needs no margin.
          if (s) {
            const wait = end.kind === 'wfi' ? toTimer : Math.min(WFE_WAIT_MS, toTimer);
            this.idleWait(gen, wait === Infinity ? undefined : wait, end.kind === 'wfi' ? 'guest WFI' : 'guest WFE');
          } else if (toTimer <= TIMER_POLL_MS) {
            const until = performance.now() + toTimer;
            while (performance.now() < until && Atomics.load(c.wake.view, c.wake.index) === gen) {
              /* the last fraction of a millisecond before the timer fires */
            }
          } else {
            this.idleWait(gen, Math.min(end.kind === 'wfi' ? IDLE_SLICE_MS : WFE_WAIT_MS, toTimer - TIMER_POLL_MS), '');
          }
          Atomics.add(c.cpus, c.my(CpuWord.WAKEUPS), 1);
        }
        return true;
    }
  }

  private runTask(): void {
    const c = this.c;
    const status = c.my(CpuWord.TASK_STATUS);
    // No notify: the caller waits for DONE or BLOCKED, and a task waiting for this CPU to be
    // free for FREE (release); waking either here only makes it look and sleep again.
    Atomics.store(c.cpus, status, TaskStatus.RUNNING);
    const op = Atomics.load(c.cpus, c.my(CpuWord.TASK_OP));
    const caller = Atomics.load(c.cpus, c.my(CpuWord.TASK_CALLER));
    try {
      const ret = doSyscall(this.k, caller, op);
      // The caller may end its recording once the task is done: its exits are in the ring first.
      c.rec?.flush();
      Atomics.store(c.cpus, c.my(CpuWord.TASK_RET), ret);
      Atomics.store(c.cpus, status, TaskStatus.DONE);
    } catch (e) {
      if (!(e instanceof Sleep)) throw e;
      c.rec?.flush();
      Atomics.store(c.cpus, c.my(CpuWord.TASK_BLOCK_INDEX), e.index);
      Atomics.store(c.cpus, c.my(CpuWord.TASK_BLOCK_VALUE), e.value);
      Atomics.store(c.cpus, c.my(CpuWord.TASK_BLOCK_BUF), e.buf === 'kernel' ? 0 : 1);
      Atomics.store(c.cpus, c.my(CpuWord.TASK_BLOCK_MIGRATE), e.migrateFrom === undefined ? 0 : e.migrateFrom + 1);
      Atomics.store(c.cpus, status, TaskStatus.BLOCKED);
    }
    Atomics.notify(c.cpus, status);
  }

  /** A task interrupted by a fatal simulator condition completes with an error. */
  private failTask(errno: number): void {
    const c = this.c;
    const status = c.my(CpuWord.TASK_STATUS);
    c.rec?.flush();
    if (Atomics.load(c.cpus, status) === TaskStatus.RUNNING) {
      Atomics.store(c.cpus, c.my(CpuWord.TASK_RET), errno);
      Atomics.store(c.cpus, status, TaskStatus.DONE);
      Atomics.notify(c.cpus, status);
    }
  }

  private sleepUntilShutdown(): void {
    this.c.rec?.flush();
    Atomics.compareExchange(this.c.cpus, this.c.my(CpuWord.TASK_STATUS), TaskStatus.FREE, TaskStatus.OFFLINE);
    signal(word(this.c.cpus, this.c.machine(MachineWord.SCHED_GEN)));
    while (!this.c.shuttingDown) Atomics.wait(this.c.wake.view, this.c.wake.index, Atomics.load(this.c.wake.view, this.c.wake.index), IDLE_SLICE_MS);
  }
}
