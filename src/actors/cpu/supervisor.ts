/**
 * The machine supervisor (main thread): allocates the shared buffers, spawns one worker per
 * CPU, posts user-space tasks (syscalls) to free root-cell CPUs and requeues tasks that had to
 * sleep (machine-tasks.ts), collects hang reports, and shuts the workers down. It holds no
 * simulated state.
 */
import { Worker } from 'node:worker_threads';
import { cpuTopology, type Board } from './board.js';
import { PhysicalMemory, type RamBank } from '../../shared/phys-mem.js';
import { buildFirmwareImage } from '../hypervisor/core/firmware.js';
import type { ActorReport } from './actor.js';
import type { MachineBuffers, WorkerInit } from './context.js';
import { CPU_STATE_NAMES, CpuState, CpuWord, GuestCmd, GuestStatus, MachineWord, TaskStatus, cpuSabSize, cpuWord, loadWordPair, machineWord, storeWordPair, type CpuStateValue } from './layout.js';
import { TaskQueue, waitChange, type HangReport, type SyscallOptions } from './machine-tasks.js';
import { FIRMWARE_BYTE_BASE, FIRMWARE_MAX_BYTES, KERNEL_SAB_BYTES, KernelWord, LOG_BYTE_BASE, LOG_BYTES, MAX_CALLERS, userBuffer } from './linux/layout.js';
import { Gic, gicSabSize } from '../gic/index.js';
import { maskToCpus } from '../../shared/cpumask.js';
import { boardUarts } from './board.js';
import { uartSabSize } from './devices/pl011-layout.js';
import { resetPl011 } from './devices/pl011.js';
import { PcieFabric } from '../pcie/index.js';
import { Enumerator } from './linux/pci-enumerate.js';
import { exitRingBytes } from './exit-ring-layout.js';
import { ExitDrain } from './exit-drain.js';
import { kickCpu } from './wake.js';
import { schedBuffers } from './context.js';
import { SCHED_SAB_BYTES } from '../../shared/sched/layout.js';
import { Scheduler } from '../../shared/sched/scheduler.js';
import { setScheduler } from '../../shared/sched/current.js';
import { initControlled, type ControlledOptions } from '../../shared/sched/control.js';
import { MainAgent } from '../../shared/sched/main-agent.js';
import { cpuWordName } from './layout.js';
import { CpuThreads } from './cpu-threads.js';
import type { WorkerBoot } from './worker.js';

export interface MachineOptions {
  board: Board;
  /** jailhouse.bin as the firmware loader will find it (default: the built image). */
  firmware?: Uint8Array;
  seed?: number;
  /** Deadline for any single wait inside the machine (ms). */
  watchdogMs?: number;
  /** Stress: chance per schedule point (ppm) of a delay up to delayMaxUs. */
  delayPpm?: number;
  delayMaxUs?: number;
  /** IsolationMode bits: the isolation monitor off, jhsim's corrected filters on (default 0). */
  isolation?: number;
  /** Keep the upstream driver's race windows (default: closed). */
  upstreamRaces?: boolean;
  /** Record every vmexit of every CPU (the profiler's rings, drained through `exitDrain`). */
  profile?: boolean;
  /** Boot for controlled mode (`--schedule`): the scheduler's buffer; `runControlled` starts a run. */
  controlled?: boolean;
  /** Boot on the threads an earlier machine of as many CPUs left (`recycle`); new threads if they do not fit. */
  threads?: CpuThreads;
}

const WORKER_URL = new URL('./worker.js', import.meta.url);

export class Machine {
  readonly nr: number;
  readonly mem: PhysicalMemory;
  readonly cpus: Int32Array;
  readonly gic: Gic;
  readonly k32: Int32Array;
  readonly k8: Uint8Array;
  readonly hangs: HangReport[] = [];
  /** The vmexit recorder's rings, when the machine was booted with `profile`. */
  readonly exitDrain: ExitDrain | undefined;
  readonly faults: { cpu: number; message: string }[] = [];
  private readonly workers: Worker[] = [];
  private readonly tasks: TaskQueue;
  /** The controlled scheduler, as the main thread's agent sees it (booted with `controlled`). */
  readonly sched: Scheduler | undefined;
  /** The user-space agent while a controlled run is on. */
  private userAgent: MainAgent | undefined;
  private lastAgent: MainAgent | undefined;
  private exited = 0;
  private closed = false;

  private constructor(
    readonly board: Board,
    readonly buffers: MachineBuffers,
  ) {
    this.nr = board.cpus;
    this.mem = new PhysicalMemory(buffers.ram);
    this.cpus = new Int32Array(buffers.cpus);
    this.gic = new Gic(buffers.gic, this.nr, board.gic.nr_irqs, cpuTopology(board).map((t) => t.mpidr), this.cpus);
    this.k32 = new Int32Array(buffers.kernel);
    this.k8 = new Uint8Array(buffers.kernel);
    this.exitDrain = buffers.exits ? new ExitDrain(buffers.exits, this.nr) : undefined;
    if (buffers.sched) {
      const { list, names } = schedBuffers(buffers);
      this.sched = new Scheduler(buffers.sched, list, this.nr, names);
      // The main thread reads the virtual clock too (sleeps of a script, timestamps).
      setScheduler(this.sched, false);
    }
    this.tasks = new TaskQueue({
      nr: this.nr,
      cpus: this.cpus,
      k32: this.k32,
      hangs: this.hangs,
      faults: this.faults,
      closed: () => this.closed,
      cpuState: (cpu) => this.cpuState(cpu),
      onlineCpus: () => this.onlineCpus(),
      kick: (cpu) => this.kick(cpu),
      control: () => this.userAgent,
    });
  }

  static async boot(opts: MachineOptions): Promise<Machine> {
    const board = opts.board;
    const ram: RamBank[] = board.ram.map((b) => ({ base: b.base, size: b.size, sab: new SharedArrayBuffer(b.size) }));
    const buffers: MachineBuffers = {
      ram,
      cpus: new SharedArrayBuffer(cpuSabSize(board.cpus)),
      gic: new SharedArrayBuffer(gicSabSize(board.cpus)),
      kernel: new SharedArrayBuffer(KERNEL_SAB_BYTES),
      uarts: new SharedArrayBuffer(uartSabSize(boardUarts(board).length)),
      pcie: new SharedArrayBuffer(PcieFabric.sabSize(board.pci.devices)),
      ...(opts.profile ? { exits: new SharedArrayBuffer(exitRingBytes(board.cpus)) } : {}),
      ...(opts.controlled ? { sched: new SharedArrayBuffer(SCHED_SAB_BYTES) } : {}),
    };
    const m = new Machine(board, buffers);
    m.init(opts);
    await m.spawn(opts.threads?.take(board.cpus));
    return m;
  }

  private init(opts: MachineOptions): void {
    const mw = (w: number): number => machineWord(this.nr, w);
    this.gic.resetHardware();
    Atomics.store(this.cpus, mw(MachineWord.NR_CPUS), this.nr);
    Atomics.store(this.cpus, mw(MachineWord.SEED), (opts.seed ?? 0) | 0);
    Atomics.store(this.cpus, mw(MachineWord.WATCHDOG_MS), opts.watchdogMs ?? 10_000);
    Atomics.store(this.cpus, mw(MachineWord.ISOLATION), opts.isolation ?? 0);
    Atomics.store(this.cpus, mw(MachineWord.UPSTREAM_RACES), opts.upstreamRaces ? 1 : 0);
    this.setDelays(opts.delayPpm ?? 0, opts.delayMaxUs ?? 0);
    // Linux booted every CPU.
    for (let cpu = 0; cpu < this.nr; cpu++) {
      Atomics.store(this.cpus, cpuWord(cpu, CpuWord.STATE), CpuState.LINUX);
      Atomics.store(this.cpus, cpuWord(cpu, CpuWord.TASK_STATUS), TaskStatus.FREE);
      Atomics.or(this.k32, cpu < 32 ? KernelWord.ONLINE_LO : KernelWord.ONLINE_HI, 1 << (cpu & 31));
    }
    this.setFirmware(opts.firmware ?? buildFirmwareImage());
    const uarts = new Int32Array(this.buffers.uarts);
    for (let i = 0; i < boardUarts(this.board).length; i++) resetPl011(uarts, i);
    // Power-on, then Linux's boot-time PCI scan (before any CPU worker runs).
    const pci = this.board.pci;
    const fabric = new PcieFabric(this.buffers.pcie, pci.devices, { cpu: -1, watchdogMs: 10_000, spins: 0 });
    fabric.resetHardware();
    new Enumerator(fabric, { memBase: pci.mmio_base, memSize: pci.mmio_size, ioSize: pci.pio_size }, this.k32).run();
  }

  /** Replace /lib/firmware/jailhouse.bin (an empty image means "missing"). */
  setFirmware(img: Uint8Array): void {
    if (img.length > FIRMWARE_MAX_BYTES) throw new Error(`firmware image of ${img.length} bytes exceeds ${FIRMWARE_MAX_BYTES}`);
    this.k8.set(img, FIRMWARE_BYTE_BASE);
    Atomics.store(this.k32, KernelWord.FIRMWARE_SIZE, img.length);
  }

  setDelays(ppm: number, maxUs: number): void {
    Atomics.store(this.cpus, machineWord(this.nr, MachineWord.DELAY_PPM), ppm);
    Atomics.store(this.cpus, machineWord(this.nr, MachineWord.DELAY_MAX_US), maxUs);
  }

  /** Make the next hypervisor cpu_init on `cpu` fail with -errno (consumed once). */
  injectCpuInitFailure(cpu: number, errno: number): void {
    Atomics.store(this.cpus, machineWord(this.nr, MachineWord.FAIL_ERRNO), errno);
    Atomics.store(this.cpus, machineWord(this.nr, MachineWord.FAIL_CPU_INIT), cpu + 1);
  }

  clearCpuInitFailure(): void {
    Atomics.store(this.cpus, machineWord(this.nr, MachineWord.FAIL_CPU_INIT), 0);
  }

  /** Delay `cpu`'s next entry into the hypervisor by `ms` (test hook for the entry barrier). */
  delayNextEntry(cpu: number, ms: number): void {
    Atomics.store(this.cpus, machineWord(this.nr, MachineWord.DELAY_ENTRY_MS), ms);
    Atomics.store(this.cpus, machineWord(this.nr, MachineWord.DELAY_ENTRY_CPU), cpu + 1);
  }

  /** Test hook: the next cell create waits `ms` between offlining the cell's CPUs and its hypercall (widens the window). */
  delayNextCellCreate(ms: number): void {
    Atomics.store(this.cpus, machineWord(this.nr, MachineWord.DELAY_CELL_CREATE_MS), ms);
  }

  /** Test hook: `cpu`'s next park by check_events waits `ms` between the decision and arm_cpu_park. */
  delayNextPark(cpu: number, ms: number): void {
    Atomics.store(this.cpus, machineWord(this.nr, MachineWord.DELAY_PARK_MS), ms);
    Atomics.store(this.cpus, machineWord(this.nr, MachineWord.DELAY_PARK_CPU), cpu + 1);
  }

  private async spawn(reuse?: Worker[]): Promise<void> {
    const ready: Promise<void>[] = [];
    for (let cpu = 0; cpu < this.nr; cpu++) {
      const init: WorkerInit = { cpu, board: this.board, buffers: this.buffers };
      let w: Worker;
      if (reuse) {
        w = reuse[cpu]!;
        const msg: WorkerBoot = { type: 'boot', init };
        w.postMessage(msg);
      } else {
        w = new Worker(WORKER_URL, { workerData: init });
      }
      this.workers.push(w);
      ready.push(
        new Promise((resolve, reject) => {
          w.on('message', (r: ActorReport | { type: 'exited' }) => {
            if (r.type === 'ready') resolve();
            else if (r.type === 'hang') this.hangs.push({ cpu: r.cpu, what: r.what, ms: r.ms });
            else if (r.type === 'fault') this.faults.push({ cpu: r.cpu, message: r.message });
            else if (r.type === 'exited') this.exited++;
          });
          w.once('error', reject);
        }),
      );
    }
    await Promise.all(ready);
  }

  // --- inspection (reads shared state; never on a simulated path) --------------------------

  cpuState(cpu: number): CpuStateValue {
    return Atomics.load(this.cpus, cpuWord(cpu, CpuWord.STATE)) as CpuStateValue;
  }

  cpuStateName(cpu: number): string {
    return CPU_STATE_NAMES[this.cpuState(cpu)] ?? `unknown(${this.cpuState(cpu)})`;
  }

  hvActive(cpu: number): boolean {
    return Atomics.load(this.cpus, cpuWord(cpu, CpuWord.HV_ACTIVE)) === 1;
  }

  cpuWord(cpu: number, w: number): number {
    return Atomics.load(this.cpus, cpuWord(cpu, w));
  }

  onlineCpus(): number[] {
    return maskToCpus(Atomics.load(this.k32, KernelWord.ONLINE_LO), Atomics.load(this.k32, KernelWord.ONLINE_HI));
  }

  /** Kernel log bytes written since `from` (dmesg). */
  kernelLog(from = 0): { text: string; tail: number } {
    const tail = Atomics.load(this.k32, KernelWord.LOG_TAIL) >>> 0;
    const start = Math.max(from, tail - LOG_BYTES);
    let s = '';
    for (let i = start; i < tail; i++) s += String.fromCharCode(this.k8[LOG_BYTE_BASE + (i % LOG_BYTES)]!);
    return { text: s, tail };
  }

  // --- guest harness ---------------------------------------------------------------------

  /**
   * Hands `cpu` from root-cell Linux to guest code at `entry` (EL1, x0 = `x0`), stopping after
   * `budget` instructions (0 = no limit). The CPU refuses (GuestStatus.REFUSED) unless the
   * hypervisor is enabled on it. With `off`, the CPU leaves Linux powered off instead: it waits
   * for the guest's PSCI CPU_ON, which gives the entry point and x0.
   */
  startGuest(cpu: number, entry: number, x0: number, budget: number, off = false): void {
    const set = (w: number, v: number): void => {
      Atomics.store(this.cpus, cpuWord(cpu, w), v);
    };
    storeWordPair(this.cpus, cpuWord(cpu, CpuWord.GUEST_ENTRY_LO), entry);
    set(CpuWord.GUEST_X0, x0);
    storeWordPair(this.cpus, cpuWord(cpu, CpuWord.GUEST_BUDGET_LO), budget);
    set(CpuWord.GUEST_STATUS, GuestStatus.NONE);
    set(CpuWord.GUEST_CMD, off ? GuestCmd.START_OFF : GuestCmd.START);
    this.kick(cpu);
  }

  /** GuestStatus of `cpu`. */
  guestStatus(cpu: number): number {
    return Atomics.load(this.cpus, cpuWord(cpu, CpuWord.GUEST_STATUS));
  }

  /** Guest instructions retired on `cpu` (published after every slice). */
  guestRetired(cpu: number): number {
    return loadWordPair(this.cpus, cpuWord(cpu, CpuWord.GUEST_INSNS_LO));
  }

  /** Translated blocks `cpu`'s guest engine entered (published with guestRetired). */
  guestBlocks(cpu: number): number {
    return loadWordPair(this.cpus, cpuWord(cpu, CpuWord.GUEST_BLOCKS_LO));
  }

  /** Resolves when some CPU's scheduling state changes (or after timeoutMs, virtual in a controlled run). */
  async waitSched(timeoutMs: number): Promise<void> {
    const g = machineWord(this.nr, MachineWord.SCHED_GEN);
    const value = Atomics.load(this.cpus, g);
    if (this.userAgent) await this.userAgent.wait(this.cpus, g, value, timeoutMs);
    else await waitChange(this.cpus, g, value, timeoutMs);
  }

  /**
   * Sleep `ms` as user space (a script's `sleep`): on the host clock, or on the virtual clock
   * during a controlled run. `signal` ends it early (Ctrl-C): false.
   */
  async sleep(ms: number, signal?: AbortSignal): Promise<boolean> {
    if (this.userAgent) {
      await this.userAgent.sleep(ms);
      return true;
    }
    return new Promise<boolean>((r) => {
      const timer = setTimeout(() => r(true), ms);
      signal?.addEventListener('abort', () => {
        clearTimeout(timer);
        r(false);
      });
    });
  }


  // --- user space ------------------------------------------------------------------------

  userBuffer(caller: number): number {
    if (caller < 0 || caller >= MAX_CALLERS) throw new RangeError(`caller ${caller} out of range`);
    return userBuffer(caller);
  }

  /**
   * Run a syscall as a task of `caller` on a free online CPU. Tasks that must sleep are
   * requeued once the word they wait for changes (and may move to another CPU).
   */
  syscall(caller: number, op: number, args: number[], opts: SyscallOptions = {}): Promise<number> {
    return this.tasks.syscall(caller, op, args, opts);
  }

  /**
   * Throws MachineBrokenError once any CPU has hung: its report (the worker's message), or
   * already its HUNG state in shared memory while the report is on its way.
   */
  checkBroken(): void {
    this.tasks.checkBroken();
  }

  private kick(cpu: number): void {
    kickCpu(this.cpus, cpu);
  }

  /**
   * A controlled run (the machine booted with `controlled`): every CPU joins the scheduler at the
   * top of its loop, then `body` (the user-space side) runs as one agent among the CPUs, one at a
   * time, until it ends or the run stops (its syscalls then fail with ScheduleStopped). Back to
   * free-running threads afterwards.
   */
  async runControlled<T>(o: ControlledOptions, body: () => Promise<T>): Promise<T> {
    const s = this.sched;
    if (!s) throw new Error('the machine was not booted for controlled mode');
    initControlled(s, this.nr + 1, o);
    const watchdogMs = Atomics.load(this.cpus, machineWord(this.nr, MachineWord.WATCHDOG_MS)) || 10_000;
    const agent = new MainAgent(s, watchdogMs, (i) => cpuWordName(this.nr, i));
    await agent.awaitJoined(this.nr, (cpu) => this.kick(cpu));
    this.userAgent = agent;
    this.lastAgent = agent;
    try {
      return await agent.run(body);
    } finally {
      this.userAgent = undefined;
    }
  }

  /** Why the last controlled run stopped, if it did (deadlock, livelock, divergence). */
  get controlledStop(): string[] | undefined {
    return this.lastAgent?.stopError?.report;
  }

  async shutdown(): Promise<void> {
    if (await this.stopCpus()) await Promise.all(this.workers.map((w) => w.terminate()));
  }

  /**
   * Shut down, keeping the CPU threads for the next machine of as many CPUs (`threads` of
   * MachineOptions). Threads are kept only if every CPU left its loop; otherwise they end, and
   * the result is undefined.
   */
  async recycle(): Promise<CpuThreads | undefined> {
    if (!(await this.stopCpus())) return undefined;
    if (this.exited < this.nr) {
      await Promise.all(this.workers.map((w) => w.terminate()));
      return undefined;
    }
    return new CpuThreads(this.workers);
  }

  /** Ask every CPU to leave its loop and wait (2 s at most) until they did; false if already closed. */
  private async stopCpus(): Promise<boolean> {
    if (this.closed) return false;
    this.closed = true;
    Atomics.store(this.cpus, machineWord(this.nr, MachineWord.SHUTDOWN), 1);
    for (let cpu = 0; cpu < this.nr; cpu++) this.kick(cpu);
    const deadline = Date.now() + 2000;
    while (this.exited < this.nr && Date.now() < deadline) await new Promise((r) => setTimeout(r, 1));
    return true;
  }
}

export { CPU_STATE_NAMES };
