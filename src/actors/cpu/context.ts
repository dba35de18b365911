/**
 * What one CPU worker knows about the machine: its id, the shared buffers and typed views over
 * them, its wait policy (watchdog, stress delays) and its private PRNG stream. Created once per
 * worker; the Linux model, the driver and the hypervisor all run against it.
 */
import type { Board, CpuTopology } from './board.js';
import { cpuTopology } from './board.js';
import { PhysicalMemory, type RamBank } from '../../shared/phys-mem.js';
import { Gic, GicCpuInterface } from '../gic/index.js';
import { Rng } from '../../shared/rng.js';
import { type WaitPolicy, type Word } from '../../shared/sync.js';
import { CpuState, CpuWord, MachineWord, TaskStatus, cpuWord, machineWord, type CpuStateValue } from './layout.js';
import { kickCpu, wakeWord } from './wake.js';
import { DeviceBus } from './devices/bus.js';
import { PcieFabric } from '../pcie/index.js';
import { ExitRecorder } from './exit-recorder.js';
import { controlledWorker, setJoined, setScheduler } from '../../shared/sched/current.js';
import { PointKind } from '../../shared/sched/layout.js';
import { Scheduler } from '../../shared/sched/scheduler.js';

export interface MachineBuffers {
  ram: RamBank[];
  cpus: SharedArrayBuffer;
  gic: SharedArrayBuffer;
  kernel: SharedArrayBuffer;
  /** State of the board's PL011 UARTs (devices/pl011-layout.ts). */
  uarts: SharedArrayBuffer;
  /** The PCIe fabric: config spaces and BAR memory of every function (pcie/layout.ts). */
  pcie: SharedArrayBuffer;
  /** The vmexit recorder's rings (exit-ring-layout.ts), present only while profiling. */
  exits?: SharedArrayBuffer;
  /** The controlled scheduler's state (shared/sched/layout.ts), present only for `--schedule`. */
  sched?: SharedArrayBuffer;
}

/**
 * The buffers an agent of the controlled scheduler may wait on, in a fixed order (their index
 * is the buffer id in schedule traces and wait graphs), and their names.
 */
export function schedBuffers(b: MachineBuffers): { list: SharedArrayBuffer[]; names: string[] } {
  const list = [b.cpus, b.kernel, b.gic, b.uarts, b.pcie, ...b.ram.map((r) => r.sab)];
  const names = ['cpus', 'kernel', 'gic', 'uarts', 'pcie', ...b.ram.map((r) => `ram@0x${r.base.toString(16)}`)];
  return { list, names };
}

export interface WorkerInit {
  cpu: number;
  board: Board;
  buffers: MachineBuffers;
}

/**
 * `El2` is the type of the handle the software at EL2 keeps per CPU (Jailhouse's: hypervisor/
 * core/hv.ts's Hv, see hv-context.ts); the context stores it without naming that type, since
 * the hypervisor reaches the machine through this context.
 */
/** How often an idle wait at EL2 samples the interrupt lines again (guest timers), ms. */
const IDLE_SAMPLE_MS = 50;

export class CpuContext<El2 = unknown> {
  readonly cpu: number;
  readonly nr: number;
  readonly topo: CpuTopology[];
  readonly mem: PhysicalMemory;
  readonly cpus: Int32Array;
  /** The GIC hardware (distributor, redistributors) as this CPU reaches it. */
  readonly gic: Gic;
  /** This CPU's GIC CPU interfaces (physical ICC, virtual ICH/ICV). */
  readonly gicc: GicCpuInterface;
  /** The PCIe hierarchy as this CPU reaches it through the root complex. */
  readonly pcie: PcieFabric;
  readonly k32: Int32Array;
  readonly k8: Uint8Array;
  readonly wake: Word;
  readonly policy: WaitPolicy;
  readonly rng: Rng;
  /** IsolationMode bits the machine was booted with (fixed for its lifetime). */
  readonly isolation: number;
  /** The driver keeps upstream's race windows (MachineWord.UPSTREAM_RACES). */
  readonly upstreamRaces: boolean;
  /** Linux's PSTATE.I for this CPU: false inside IRQ handlers and irq-off sections. */
  irqsEnabled = true;
  /** This CPU's vmexit recorder; undefined unless the machine was booted with profiling. */
  readonly rec: ExitRecorder | undefined;
  /** The controlled scheduler's handle, when the machine was booted for controlled mode. */
  readonly sched: Scheduler | undefined;
  private readonly cellIdIndex: number;
  /**
   * Drives this CPU's level-sensitive PPI lines into its redistributor (the generic timers of
   * guest code, the GIC maintenance interrupt). The CPU actor installs it (irq-exit.ts); every
   * look at the physical IRQ line that may find a line's interrupt samples first.
   */
  sampleIrqLines: () => void = () => {};
  /** The EL2 handle while a hypervisor runs under this CPU (between activation and shutdown). */
  private el2: El2 | undefined = undefined;

  constructor(
    init: WorkerInit,
    readonly board: Board = init.board,
  ) {
    this.cpu = init.cpu;
    this.nr = board.cpus;
    this.topo = cpuTopology(board);
    this.mem = new PhysicalMemory(init.buffers.ram);
    this.cpus = new Int32Array(init.buffers.cpus);
    this.gic = new Gic(init.buffers.gic, this.nr, board.gic.nr_irqs, this.topo.map((t) => t.mpidr), this.cpus);
    this.gicc = new GicCpuInterface(this.gic, this.cpu);
    this.k32 = new Int32Array(init.buffers.kernel);
    this.k8 = new Uint8Array(init.buffers.kernel);
    // Guest loads and stores reach the board's devices; a UART tags what it transmits with
    // the cell this CPU belongs to at that moment.
    this.wake = wakeWord(this.cpus, this.cpu);
    this.policy = {
      cpu: this.cpu,
      watchdogMs: Atomics.load(this.cpus, machineWord(this.nr, MachineWord.WATCHDOG_MS)) || 10_000,
      spins: 200,
    };
    this.pcie = new PcieFabric(init.buffers.pcie, board.pci.devices, this.policy);
    // Guest loads and stores reach the board's devices; a UART tags what it transmits with
    // the cell this CPU belongs to at that moment (CpuWord.CELL_ID, which the hypervisor keeps).
    this.mem.mmio = new DeviceBus(board, init.buffers.uarts, () => this.cellId, this.pcie);
    this.isolation = Atomics.load(this.cpus, machineWord(this.nr, MachineWord.ISOLATION));
    this.upstreamRaces = Atomics.load(this.cpus, machineWord(this.nr, MachineWord.UPSTREAM_RACES)) === 1;
    this.cellIdIndex = this.my(CpuWord.CELL_ID);
    this.rec = init.buffers.exits ? new ExitRecorder(init.buffers.exits, this.nr, this.cpu) : undefined;
    this.rng = new Rng(Atomics.load(this.cpus, machineWord(this.nr, MachineWord.SEED)) >>> 0, 1000 + this.cpu);
    if (init.buffers.sched) {
      const { list, names } = schedBuffers(init.buffers);
      this.sched = new Scheduler(init.buffers.sched, list, this.cpu, names);
      this.sched.context = () => (Atomics.load(this.cpus, this.my(CpuWord.TASK_STATUS)) === TaskStatus.RUNNING ? Atomics.load(this.cpus, this.my(CpuWord.TASK_CALLER)) + 1 : 0);
      setScheduler(this.sched, true);
    } else {
      this.sched = undefined;
      // A worker reused from an earlier machine (Machine.boot's `workers`) drops its handle.
      setScheduler(undefined, true);
    }
    setJoined(false);
  }


  /** A word of this CPU's slot. */
  my(w: number): number {
    return cpuWord(this.cpu, w);
  }

  machine(w: number): number {
    return machineWord(this.nr, w);
  }

  get state(): CpuStateValue {
    return Atomics.load(this.cpus, this.my(CpuWord.STATE)) as CpuStateValue;
  }

  setState(s: CpuStateValue): void {
    Atomics.store(this.cpus, this.my(CpuWord.STATE), s);
    this.rec?.state(s, this.cellId);
  }

  /**
   * The hypervisor's EL2 handle on this CPU, undefined while none runs under it: what the Linux
   * model, the guest engine and the actor trap into, and the one source of "hypervisor active".
   */
  get hv(): El2 | undefined {
    return this.el2;
  }

  /** Jailhouse owns EL2 on this CPU (between arch_cpu_activate_vmm and arch_shutdown_self). */
  get hvActive(): boolean {
    return this.el2 !== undefined;
  }

  /**
   * arch_cpu_activate_vmm (`hv`) or arch_shutdown_self / arch_cpu_restore (undefined): the
   * handle, and CpuWord.HV_ACTIVE, which publishes it to the supervisor.
   */
  setHv(hv: El2 | undefined): void {
    this.el2 = hv;
    Atomics.store(this.cpus, this.my(CpuWord.HV_ACTIVE), hv === undefined ? 0 : 1);
  }

  /** Id of the cell this CPU belongs to (CpuWord.CELL_ID: 0 = root, also without the hypervisor). */
  get cellId(): number {
    return Atomics.load(this.cpus, this.my(CpuWord.CELL_ID)) >>> 0;
  }

  /**
   * cellId by a plain read, for the vmexit recorder on every exit (the Atomics.load of cellId
   * showed as ~10 ns an exit in profiles of an MMIO flood). Another CPU changes the word only
   * while this one is suspended or parked (cell create and destroy), and this CPU resumes through
   * an atomic handshake, so the read is current.
   */
  get exitCellId(): number {
    return this.cpus[this.cellIdIndex]! >>> 0;
  }

  /** The hypervisor publishes that `cpu` now belongs to the cell with config id `id`. */
  setCellId(cpu: number, id: number): void {
    Atomics.store(this.cpus, cpuWord(cpu, CpuWord.CELL_ID), id | 0);
  }

  /** Wake another CPU so it re-checks whatever it is waiting for. */
  kick(cpu: number): void {
    kickCpu(this.cpus, cpu);
  }

  /**
   * WFI outside guest code (the hypervisor's own, as in PSCI CPU_SUSPEND): sleep on the wake word
   * until the physical IRQ line is asserted (sampled lines included), the CPU is woken (which a
   * WFI may take as its wake-up event) or the machine shuts down. No deadline: a CPU waiting for
   * an interrupt is idle, not hung, as a guest's own WFI; the lines are sampled again every
   * IDLE_SAMPLE_MS so a guest timer that expires meanwhile ends the wait.
   */
  waitForInterrupt(): void {
    // The vmexit recorder's waiting records are in the ring before the CPU sleeps.
    this.rec?.flush();
    const w = this.wake;
    const gen = Atomics.load(w.view, w.index);
    for (;;) {
      this.sampleIrqLines();
      if (this.gicc.signalled() || Atomics.load(w.view, w.index) !== gen || this.shuttingDown) return;
      const s = controlledWorker();
      if (s) s.block([{ view: w.view, index: w.index, value: gen }], s.nowMs() + IDLE_SAMPLE_MS, 'WFI at EL2 (PSCI CPU_SUSPEND)');
      else Atomics.wait(w.view, w.index, gen, IDLE_SAMPLE_MS);
    }
  }

  stateOf(cpu: number): CpuStateValue {
    return Atomics.load(this.cpus, cpuWord(cpu, CpuWord.STATE)) as CpuStateValue;
  }

  /**
   * A schedule point: in stress mode, a seeded chance of a short delay here, to widen race
   * windows between CPUs. Costs one load otherwise.
   */
  schedulePoint(): void {
    const s = controlledWorker();
    if (s) {
      s.point(PointKind.POINT);
      return;
    }
    const ppm = Atomics.load(this.cpus, this.machine(MachineWord.DELAY_PPM));
    if (ppm === 0 || this.rng.int(1_000_000) >= ppm) return;
    const maxUs = Atomics.load(this.cpus, this.machine(MachineWord.DELAY_MAX_US)) || 100;
    const until = performance.now() + (this.rng.int(maxUs) + 1) / 1000;
    while (performance.now() < until) {
      /* delay */
    }
  }

  get shuttingDown(): boolean {
    return Atomics.load(this.cpus, this.machine(MachineWord.SHUTDOWN)) === 1;
  }
}

export { CpuState };
