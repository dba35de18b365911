/**
 * User-space tasks on the root cell's CPUs, the supervisor's side (supervisor.ts): a syscall is
 * posted as a task to a free online CPU, a task that had to sleep is requeued once the word it
 * waits for changes (and may move to another CPU), and once a CPU has hung every later task
 * fails at once (MachineBrokenError).
 */
import type { Rng } from '../../shared/rng.js';
import { CpuState, CpuWord, MachineWord, TaskStatus, cpuWord, machineWord, type CpuStateValue } from './layout.js';

/**
 * A CPU hit a watchdog: its worker stopped, and whatever it held (locks, a suspended cell, a
 * barrier) stays held, so no later task can be trusted to finish. Every syscall from then on
 * fails at once with this error instead of waiting forever.
 */
export class MachineBrokenError extends Error {
  /** `why`: what stopped the CPU ("hung in … after … ms", or the internal error). */
  constructor(cpu: number, why: string) {
    super(`the machine is broken: CPU ${cpu} ${why}, and no task can run any more (\`cpus\` still shows every CPU; restart jhsim)`);
    this.name = 'MachineBrokenError';
  }
}

export interface HangReport {
  cpu: number;
  what: string;
  ms: number;
}

export interface SyscallOptions {
  /**
   * Prefer not to run on this CPU (the target of a hotplug operation); used only while another
   * CPU is online, as Linux would run the task there too.
   */
  avoid?: number;
  /** Pick among free CPUs at random (stress) instead of the lowest. */
  rng?: Rng;
}

/** What the task queue uses of the machine (supervisor.ts's Machine). */
export interface TaskMachine {
  readonly nr: number;
  /** The per-CPU control words. */
  readonly cpus: Int32Array;
  /** The kernel's shared words (where a blocked task may wait). */
  readonly k32: Int32Array;
  readonly hangs: readonly HangReport[];
  readonly faults: readonly { cpu: number; message: string }[];
  /** True once the machine is shut down. */
  closed(): boolean;
  cpuState(cpu: number): CpuStateValue;
  onlineCpus(): number[];
  /** Wakes `cpu`'s worker. */
  kick(cpu: number): void;
  /** The controlled scheduler's user-space agent while a controlled run is on (all waits go through it). */
  control(): UserControl | undefined;
}

/** How user space waits under the controlled scheduler (shared/sched/main-agent.ts). */
export interface UserControl {
  wait(view: Int32Array, index: number, value: number): Promise<void>;
  /** Resolves after `ms` of virtual time. */
  sleep(ms: number): Promise<void>;
  /** A syscall begins / ends (the agent yields once every one in flight waits). */
  enter(): void;
  leave(): void;
}

/** Requeues of one task before it backs off (controlled mode; TaskQueue.backoff). */
const BACKOFF_AFTER = 3;

/** Posts syscalls as tasks to the root cell's CPUs and collects their results. */
export class TaskQueue {
  constructor(private readonly m: TaskMachine) {}

  /**
   * Run a syscall as a task of `caller` on a free online CPU. Tasks that must sleep are
   * requeued once the word they wait for changes (and may move to another CPU).
   */
  async syscall(caller: number, op: number, args: number[], opts: SyscallOptions = {}): Promise<number> {
    const control = this.m.control();
    control?.enter();
    try {
      return await this.run(caller, op, args, opts);
    } finally {
      control?.leave();
    }
  }

  /** Resolve once view[index] differs from value: under the schedule, or after timeoutMs at most. */
  private wait(view: Int32Array, index: number, value: number, timeoutMs: number): Promise<void> {
    const control = this.m.control();
    return control ? control.wait(view, index, value) : waitChange(view, index, value, timeoutMs);
  }

  private async run(caller: number, op: number, args: number[], opts: SyscallOptions): Promise<number> {
    // Every CPU the task was migrated off stays avoided: a task that must leave several CPUs
    // (cell create taking CPUs 0 and 1) would otherwise bounce between them forever.
    const avoid = new Set<number>(opts.avoid === undefined ? [] : [opts.avoid]);
    let retries = 0;
    for (;;) {
      await this.hangReportsIn();
      this.checkBroken();
      const cpu = await this.claimCpu(opts, avoid);
      const w = (x: number): number => cpuWord(cpu, x);
      Atomics.store(this.m.cpus, w(CpuWord.TASK_OP), op);
      Atomics.store(this.m.cpus, w(CpuWord.TASK_CALLER), caller);
      for (let i = 0; i < 8; i++) Atomics.store(this.m.cpus, w(CpuWord.TASK_ARG0 + i), args[i] ?? 0);
      Atomics.store(this.m.cpus, w(CpuWord.TASK_STATUS), TaskStatus.POSTED);
      Atomics.notify(this.m.cpus, w(CpuWord.TASK_STATUS));
      this.m.kick(cpu);
      const st = await this.waitTask(cpu);
      if (st === TaskStatus.DONE) {
        const ret = Atomics.load(this.m.cpus, w(CpuWord.TASK_RET));
        this.release(cpu);
        return ret;
      }
      const buf = Atomics.load(this.m.cpus, w(CpuWord.TASK_BLOCK_BUF)) === 0 ? this.m.k32 : this.m.cpus;
      const index = Atomics.load(this.m.cpus, w(CpuWord.TASK_BLOCK_INDEX));
      const value = Atomics.load(this.m.cpus, w(CpuWord.TASK_BLOCK_VALUE));
      const migrate = Atomics.load(this.m.cpus, w(CpuWord.TASK_BLOCK_MIGRATE));
      // Linux migrates a task off a CPU that is going down: retry it elsewhere.
      if (migrate) avoid.add(migrate - 1);
      this.release(cpu);
      await this.wait(buf, index, value, 20);
      await this.backoff(caller, ++retries);
    }
  }

  /**
   * Under the controlled scheduler, a task that keeps being requeued waits a little virtual time
   * before its next try, more each time and different per caller. Two hotplug tasks that each
   * wait for the other's CPU (cpu_down of 0 running on 3 while cpu_down of 3 runs on 0) both
   * retry the moment the other sleeps; with a fixed order of agents they would meet again on
   * every retry, for ever. Real threads have the 20-ms poll and the host's jitter instead.
   */
  private async backoff(caller: number, retries: number): Promise<void> {
    const control = this.m.control();
    if (!control || retries < BACKOFF_AFTER) return;
    const span = 2 ** Math.min(retries - BACKOFF_AFTER + 1, 10);
    const us = 1 + ((Math.imul(caller + 1, 0x9e3779b1) ^ Math.imul(retries, 0x85ebca6b)) >>> 0) % span;
    await control.sleep(us / 1000);
  }

  /** A CPU is HUNG in shared memory but its report (a worker message) has not arrived: wait for it, briefly. */
  private async hangReportsIn(): Promise<void> {
    // Runs before every syscall: count without allocating.
    const hung = (): number => {
      let n = 0;
      for (let cpu = 0; cpu < this.m.nr; cpu++) if (this.m.cpuState(cpu) === CpuState.HUNG) n++;
      return n;
    };
    for (let i = 0; i < 50 && this.m.hangs.length + this.m.faults.length < hung(); i++) await new Promise((r) => setTimeout(r, 10));
  }

  /**
   * Throws MachineBrokenError once any CPU has hung: its report (the worker's message), or
   * already its HUNG state in shared memory while the report is on its way.
   */
  checkBroken(): void {
    const h = this.m.hangs[0];
    if (h) throw new MachineBrokenError(h.cpu, `hung in "${h.what}" after ${h.ms} ms`);
    for (let cpu = 0; cpu < this.m.nr; cpu++) {
      if (this.m.cpuState(cpu) !== CpuState.HUNG) continue;
      // A CPU stopped by an internal error (a fault report) rather than a watchdog.
      const f = this.m.faults.find((x) => x.cpu === cpu);
      throw new MachineBrokenError(cpu, f ? `stopped on an internal error (${f.message.split('\n')[0]})` : 'hung past its watchdog (the report is on its way)');
    }
  }

  private release(cpu: number): void {
    const s = cpuWord(cpu, CpuWord.TASK_STATUS);
    const cur = Atomics.load(this.m.cpus, s);
    if (cur === TaskStatus.DONE || cur === TaskStatus.BLOCKED) Atomics.compareExchange(this.m.cpus, s, cur, TaskStatus.FREE);
    // Tasks sleeping until this CPU is free (a hotplug of it) retry now.
    Atomics.notify(this.m.cpus, s);
    const g = machineWord(this.m.nr, MachineWord.SCHED_GEN);
    Atomics.add(this.m.cpus, g, 1);
    Atomics.notify(this.m.cpus, g);
  }

  /** A free CPU for a task: none of `avoid` while another CPU is online, as Linux would migrate. */
  private async claimCpu(opts: SyscallOptions, avoid: ReadonlySet<number>): Promise<number> {
    const g = machineWord(this.m.nr, MachineWord.SCHED_GEN);
    for (;;) {
      if (this.m.closed()) throw new Error('machine is shut down');
      this.checkBroken();
      const gen = Atomics.load(this.m.cpus, g);
      const free: number[] = [];
      for (let cpu = 0; cpu < this.m.nr; cpu++) {
        if (Atomics.load(this.m.cpus, cpuWord(cpu, CpuWord.TASK_STATUS)) === TaskStatus.FREE && this.m.cpuState(cpu) !== CpuState.HUNG) free.push(cpu);
      }
      if (avoid.size && this.m.onlineCpus().some((cpu) => !avoid.has(cpu))) {
        for (let i = free.length - 1; i >= 0; i--) if (avoid.has(free[i]!)) free.splice(i, 1);
      }
      while (free.length) {
        const i = opts.rng ? opts.rng.int(free.length) : 0;
        const cpu = free.splice(i, 1)[0]!;
        if (Atomics.compareExchange(this.m.cpus, cpuWord(cpu, CpuWord.TASK_STATUS), TaskStatus.FREE, TaskStatus.CLAIMED) === TaskStatus.FREE) return cpu;
      }
      await this.wait(this.m.cpus, g, gen, 50);
    }
  }

  private async waitTask(cpu: number): Promise<number> {
    const s = cpuWord(cpu, CpuWord.TASK_STATUS);
    let hungSeen = false;
    for (;;) {
      const st = Atomics.load(this.m.cpus, s);
      if (st === TaskStatus.DONE || st === TaskStatus.BLOCKED) return st;
      if (this.m.closed()) throw new Error('machine is shut down');
      // A CPU that hangs fails its task (EINTR) right after; one that hung before it took the
      // task never will.
      if (this.m.cpuState(cpu) === CpuState.HUNG) {
        if (hungSeen) this.checkBroken();
        hungSeen = true;
      }
      await this.wait(this.m.cpus, s, st, 100);
    }
  }
}

/** Resolve once view[index] differs from value, or after timeoutMs. */
export async function waitChange(view: Int32Array, index: number, value: number, timeoutMs: number): Promise<void> {
  const r = Atomics.waitAsync(view, index, value, timeoutMs);
  if (r.async) await r.value;
}
