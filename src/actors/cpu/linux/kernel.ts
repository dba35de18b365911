/**
 * The root-cell Linux kernel as it runs on one CPU: interrupts (physical SGIs, or virtual ones
 * the hypervisor injected), IPIs and smp_call_function/on_each_cpu with per-sender
 * call_single_data, the HVC/SMC conduits (firmware or trapped by Jailhouse), the online mask
 * and the kernel log. Everything shared is in the kernel SharedArrayBuffer.
 */
import { waitUntil, word, type Word } from '../../../shared/sync.js';
import { ICC_SGI1R_EL1, LinuxIpi, encodeIccSgi1r } from '../../gic/index.js';
import { gicHandleIrq } from './irq-gic.js';
import type { CpuAction } from '../../hypervisor/core/percpu-control.js';
import { Psci, PsciRet } from '../../hypervisor/core/psci.js';
import { archHandleTrap } from '../../hypervisor/core/trap-dispatch.js';
import type { TrapRegs } from '../../hypervisor/core/trap-context.js';
import { esrForHvc, esrForSmc } from '../../../shared/arm64/esr.js';
import { esrForSysreg } from '../../../shared/arm64/iss-sysreg.js';
import { JAILHOUSE_HVC_CODE } from '../../hypervisor/core/layout.js';
import type { CpuContext } from '../context.js';
import type { HvCpuContext } from '../hv-context.js';
import { physicalIrqExit } from '../irq-exit.js';
import type { KernelCpu } from './kernel-cpu.js';
import { CpuState, CpuWord, cpuWord } from '../layout.js';
import { CSD_FLAG_LOCK, CsdWord, KernelWord, LOG_BYTE_BASE, LOG_BYTES, csdQueueWord, csdWord } from './layout.js';
import { ContextLost } from './sleep.js';
import { maskToCpus } from '../../../shared/cpumask.js';
import { Errno } from '../../../shared/errno.js';

const CSD_FLAG_SYNC = 2;

/** Physical address Linux's secondary CPUs start at (secondary_entry). */
export const LINUX_SECONDARY_ENTRY = 0x40081000;

export type SmpHandler = (k: Kernel, func: number, arg: number) => void;

export class Kernel implements KernelCpu {
  /** Runs smp functions by id (wired by the worker: driver and hotplug functions). */
  smpHandler: SmpHandler = () => {};
  /** Depth of interrupt handlers on the stack. */
  inIrq = 0;
  /** Set when the CPU left Linux (parked) inside an interrupt. */
  lost = false;
  /** The driver holds the CPU hotplug write lock across a whole operation (driverHotplugLock). */
  hotplugHeld = false;

  constructor(readonly c: HvCpuContext) {}

  get cpu(): number {
    return this.c.cpu;
  }

  // --- online mask -------------------------------------------------------------------------

  onlineCpus(): number[] {
    return maskToCpus(Atomics.load(this.c.k32, KernelWord.ONLINE_LO), Atomics.load(this.c.k32, KernelWord.ONLINE_HI));
  }

  numOnline(): number {
    return this.onlineCpus().length;
  }

  isOnline(cpu: number): boolean {
    const w = Atomics.load(this.c.k32, cpu < 32 ? KernelWord.ONLINE_LO : KernelWord.ONLINE_HI);
    return ((w >>> (cpu & 31)) & 1) === 1;
  }

  setOnline(cpu: number, on: boolean): void {
    const idx = cpu < 32 ? KernelWord.ONLINE_LO : KernelWord.ONLINE_HI;
    if (on) Atomics.or(this.c.k32, idx, 1 << (cpu & 31));
    else Atomics.and(this.c.k32, idx, ~(1 << (cpu & 31)));
  }

  // --- kernel log --------------------------------------------------------------------------

  printk(text: string): void {
    const line = `[cpu${this.cpu}] ${text}\n`;
    const k32 = this.c.k32;
    while (Atomics.compareExchange(k32, KernelWord.LOG_LOCK, 0, 1) !== 0) {
      /* short critical section */
    }
    let tail = Atomics.load(k32, KernelWord.LOG_TAIL) >>> 0;
    for (let i = 0; i < line.length; i++) {
      this.c.k8[LOG_BYTE_BASE + (tail % LOG_BYTES)] = line.charCodeAt(i) & 0xff;
      tail = (tail + 1) >>> 0;
    }
    Atomics.store(k32, KernelWord.LOG_TAIL, tail | 0);
    Atomics.store(k32, KernelWord.LOG_LOCK, 0);
  }

  // --- waiting with interrupts enabled -----------------------------------------------------

  /** Spin (cpu_relax) until cond holds, taking interrupts meanwhile. */
  waitIrqsOn(cond: () => boolean, what: string, deadlineMs?: number, also: readonly Word[] = []): void {
    const saved = this.c.irqsEnabled;
    this.c.irqsEnabled = true;
    try {
      waitUntil({ ...this.c.policy, onIdle: () => this.pollIrq() }, this.c.wake, cond, what, true, deadlineMs, also);
    } finally {
      this.c.irqsEnabled = saved;
    }
  }

  // --- interrupts --------------------------------------------------------------------------

  /** Take pending interrupts if interrupts are enabled; true if any was taken. */
  pollIrq(): boolean {
    if (!this.c.irqsEnabled || !this.irqLine()) return false;
    this.takeIrq();
    return true;
  }

  /** The IRQ line towards this CPU's EL1: physical (native, or exiting to EL2) or virtual. */
  irqLine(): boolean {
    const ic = this.c.gicc;
    return ic.signalled() || (this.c.hvActive && ic.vSignalled());
  }

  /** The IRQ exception: to EL2 first when Jailhouse is active, then Linux's handler. */
  takeIrq(): void {
    const c = this.c;
    c.irqsEnabled = false;
    this.inIrq++;
    try {
      // With Jailhouse underneath, a physical interrupt exits to EL2 first (HCR_EL2.IMO): the
      // exit counts the interrupt; without one, Linux's own exception does.
      const exit = physicalIrqExit(c);
      if (exit) this.afterTrap(exit, 'IRQ exit');
      else Atomics.add(c.cpus, c.my(CpuWord.IRQS), 1);
      const linuxIpis = gicHandleIrq(this);
      if ((linuxIpis >> LinuxIpi.CALL_FUNC) & 1) this.callFunctionInterrupt();
      // Linux's IPIs are SGIs 0-6 (only CALL_FUNC does work here); anything else is not its own.
      for (let sgi = 7; sgi < 16; sgi++) if ((linuxIpis >> sgi) & 1) this.printk(`CPU${this.cpu}: Unknown IPI message 0x${sgi.toString(16)}`);
    } finally {
      this.inIrq--;
      c.irqsEnabled = true;
    }
  }

  /** A trap's consequence for the Linux context running on this CPU. */
  afterTrap(action: CpuAction, what: string): void {
    if (action.kind === 'resume') return;
    // Parked (or reset) while Linux was running: the kernel context on this CPU is gone.
    this.lost = true;
    throw new ContextLost(this.cpu, `left Linux during ${what} (${action.kind})`);
  }

  // --- IPIs and cross calls ----------------------------------------------------------------

  /**
   * gic_ipi_send_mask: one ICC_SGI1R_EL1 write per affinity cluster. Under Jailhouse each
   * write traps (only vmexits_total counts the sender side).
   */
  sendIpi(targets: number[], ipi: number): void {
    const c = this.c;
    const hv = c.hv;
    if (hv) {
      const clusters = new Map<number, number>();
      for (const t of targets) {
        const mpidr = c.topo[t]!.mpidr;
        const key = Math.floor(mpidr / 256);
        clusters.set(key, (clusters.get(key) ?? 0) | (1 << (mpidr & 0xff)));
      }
      for (const [key, list] of clusters) {
        const value = encodeIccSgi1r({ targetList: list, aff1: key & 0xff, intid: ipi, aff2: (key >> 8) & 0xff, aff3: 0 });
        // msr icc_sgi1r_el1, x0
        const regs = new FrameRegs([value]);
        this.afterTrap(archHandleTrap(hv, { esr: ESR_SGI1R_X0, regs, far: 0, hpfar: 0, elr: 0 }).action, 'MSR ICC_SGI1R_EL1');
      }
    } else {
      c.gic.sendSgi(targets, ipi);
    }
  }

  private csd(target: number, w: number): number {
    return csdWord(this.cpu, target, w);
  }

  /** smp_call_function_many: queue func on every target, one IPI round, optionally wait. */
  smpCallFunctionMany(targets: number[], func: number, arg: number, wait: boolean): void {
    const k32 = this.c.k32;
    const list = targets.filter((t) => t !== this.cpu);
    for (const t of list) {
      const flags = this.csd(t, CsdWord.FLAGS);
      // csd_lock_wait: the previous call to this target must be done with our slot.
      this.waitIrqsOn(() => Atomics.load(k32, flags) === 0, `csd_lock_wait for CPU ${t}`, undefined, [word(k32, flags)]);
      Atomics.store(k32, this.csd(t, CsdWord.FUNC), func);
      Atomics.store(k32, this.csd(t, CsdWord.ARG), arg);
      Atomics.store(k32, flags, CSD_FLAG_LOCK | (wait ? CSD_FLAG_SYNC : 0));
      Atomics.or(k32, csdQueueWord(t, this.cpu >= 32), 1 << (this.cpu & 31));
    }
    this.c.schedulePoint();
    if (list.length) this.sendIpi(list, LinuxIpi.CALL_FUNC);
    if (wait) {
      for (const t of list) {
        const flags = this.csd(t, CsdWord.FLAGS);
        this.waitIrqsOn(() => Atomics.load(k32, flags) === 0, `smp_call_function wait for CPU ${t}`, undefined, [word(k32, flags)]);
      }
    }
  }

  /** on_each_cpu: the online CPUs get an IPI, the local CPU runs func with interrupts off. */
  onEachCpu(func: number, arg: number, wait: boolean): void {
    this.smpCallFunctionMany(this.onlineCpus(), func, arg, wait);
    const saved = this.c.irqsEnabled;
    this.c.irqsEnabled = false;
    try {
      this.smpHandler(this, func, arg);
    } finally {
      this.c.irqsEnabled = saved;
    }
  }

  smpCallFunctionSingle(target: number, func: number, arg: number, wait: boolean): void {
    this.smpCallFunctionMany([target], func, arg, wait);
  }

  /** generic_smp_call_function_interrupt. */
  private callFunctionInterrupt(): void {
    const k32 = this.c.k32;
    const senders: number[] = [];
    const lo = Atomics.exchange(k32, csdQueueWord(this.cpu, false), 0);
    const hi = Atomics.exchange(k32, csdQueueWord(this.cpu, true), 0);
    for (let s = 0; s < 32; s++) if ((lo >>> s) & 1) senders.push(s);
    for (let s = 0; s < 32; s++) if ((hi >>> s) & 1) senders.push(s + 32);
    for (const s of senders) {
      const flagsIdx = csdWord(s, this.cpu, CsdWord.FLAGS);
      const func = Atomics.load(k32, csdWord(s, this.cpu, CsdWord.FUNC));
      const arg = Atomics.load(k32, csdWord(s, this.cpu, CsdWord.ARG));
      const sync = (Atomics.load(k32, flagsIdx) & CSD_FLAG_SYNC) !== 0;
      if (!sync) this.csdUnlock(flagsIdx, s);
      this.smpHandler(this, func, arg);
      if (sync) this.csdUnlock(flagsIdx, s);
    }
  }

  private csdUnlock(flagsIdx: number, sender: number): void {
    Atomics.store(this.c.k32, flagsIdx, 0);
    this.c.kick(sender);
  }

  // --- conduits ----------------------------------------------------------------------------

  /** hvc #0x4a48 from EL1: a Jailhouse hypercall. Without Jailhouse, Linux's hyp stub refuses it. */
  hypercall(code: number, arg1 = 0, arg2 = 0): number {
    const hv = this.c.hv;
    if (!hv) return -Errno.ENOSYS;
    const regs = FrameRegs.of(code, arg1, arg2);
    // A successful DISABLE leaves the CPU without the hypervisor (arch_shutdown_self drops c.hv).
    const r = archHandleTrap(hv, { esr: ESR_HVC_JAILHOUSE, regs, far: 0, hpfar: 0, elr: 0 });
    this.afterTrap(r.action, `hypercall ${code}`);
    return regs.signed(0);
  }

  /**
   * smc #0 (PSCI conduit): trapped by Jailhouse when active, else the firmware's PSCI. Returns
   * x0 and the action (CPU_OFF parks or powers the CPU off).
   */
  smc(fid: number, x1 = 0, x2 = 0, x3 = 0): { x0: number; action: CpuAction } {
    const c = this.c;
    const hv = c.hv;
    if (hv) {
      const regs = FrameRegs.of(fid, x1, x2, x3);
      const r = archHandleTrap(hv, { esr: ESR_SMC0, regs, far: 0, hpfar: 0, elr: 0 });
      return { x0: regs.signed(0), action: r.action };
    }
    return firmwarePsci(c, fid, x1, x2);
  }

}

const ESR_HVC_JAILHOUSE = esrForHvc(JAILHOUSE_HVC_CODE);
const ESR_SMC0 = esrForSmc(0);
const ESR_SGI1R_X0 = esrForSysreg(ICC_SGI1R_EL1.op0, ICC_SGI1R_EL1.op1, ICC_SGI1R_EL1.crn, ICC_SGI1R_EL1.crm, ICC_SGI1R_EL1.op2, 0, false);

/** The trap frame of a Linux-model exit: x0..x3 as the kernel code loaded them. */
class FrameRegs implements TrapRegs {
  constructor(private readonly x: bigint[]) {}

  static of(...v: number[]): FrameRegs {
    return new FrameRegs(v.map((n) => BigInt.asUintN(64, BigInt(n))));
  }

  get(n: number): bigint {
    return n < this.x.length ? this.x[n]! : 0n;
  }

  set(n: number, value: bigint): void {
    this.x[n] = value;
  }

  /** x<n> as a signed 64-bit return value (e.g. -22). */
  signed(n: number): number {
    return Number(BigInt.asIntN(64, this.get(n)));
  }
}

/** QEMU's EL3 PSCI firmware for CPUs not under Jailhouse. */
function firmwarePsci(c: CpuContext, fid: number, x1: number, x2: number): { x0: number; action: CpuAction } {
  const resume: CpuAction = { kind: 'resume' };
  const byMpidr = (m: number): number => c.topo.findIndex((t) => t.mpidr === (m & 0xff00ffffff));
  switch (fid >>> 0) {
    case Psci.VERSION:
      return { x0: 0x10001, action: resume };
    case Psci.CPU_OFF:
      c.setState(CpuState.OFFLINE);
      return { x0: 0, action: { kind: 'park' } };
    case Psci.CPU_ON_32:
    case Psci.CPU_ON_64: {
      const t = byMpidr(x1);
      if (t < 0) return { x0: PsciRet.INVALID_PARAMETERS, action: resume };
      if (c.stateOf(t) !== CpuState.OFFLINE) return { x0: PsciRet.ALREADY_ON, action: resume };
      void x2;
      Atomics.store(c.cpus, cpuWord(t, CpuWord.POWER_ON), 1);
      c.kick(t);
      return { x0: PsciRet.SUCCESS, action: resume };
    }
    case Psci.AFFINITY_INFO_32:
    case Psci.AFFINITY_INFO_64: {
      const t = byMpidr(x1);
      if (t < 0) return { x0: PsciRet.INVALID_PARAMETERS, action: resume };
      return { x0: c.stateOf(t) === CpuState.OFFLINE ? 1 : 0, action: resume };
    }
    default:
      return { x0: PsciRet.NOT_SUPPORTED, action: resume };
  }
}

