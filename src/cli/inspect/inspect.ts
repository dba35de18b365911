/**
 * Read-only views of a running machine for the CLI (the `cpus` shell command, stress
 * invariants, demo): read straight from shared memory, so looking never perturbs the counts
 * the way reading sysfs (CPU_GET_INFO hypercalls) would.
 */
import type { Machine } from '../../actors/cpu/supervisor.js';
import { STAT_NAMES } from '../../actors/hypervisor/core/layout.js';
import { HvView } from '../../actors/hypervisor/core/hv-view.js';
import { extractDelta, snapshotConsolePage } from '../../actors/hypervisor/driver/console.js';
import { decodeLatin1 } from '../../shared/text.js';
import { CELL_SLOTS, CellSlotWord, DrvWord, drvCellWord, drvWord, readCellCpus, readCellName } from '../../actors/hypervisor/driver/layout.js';
import { CpuState, CpuWord, GuestStatus } from '../../actors/cpu/layout.js';

export interface CpuView {
  cpu: number;
  mpidr: number;
  state: string;
  online: boolean;
  hypervisor: boolean;
  vmexits?: Record<string, number>;
  /** jhsim's isolation monitor: violations found in this CPU's guest accesses (CpuWord.ISO_VIOLATIONS). */
  isolationViolations: number;
  /** Where the CPU's guest code is, while the A64 engine runs it (cells, guest run). */
  guest?: GuestView;
}

export interface GuestView {
  pc: number;
  el: number;
  /** Set while the PC is in the guest's EL1 vector table: what sent it there. */
  vector?: { esr: number; elr: number; far: number; insn: number | null };
}

const u64 = (m: Machine, cpu: number, lo: number): number =>
  (m.cpuWord(cpu, lo + 1) >>> 0) * 0x1_0000_0000 + (m.cpuWord(cpu, lo) >>> 0);

/** The guest engine's published state (guest/observe.ts), or undefined when the engine is not running there. */
export function guestView(m: Machine, cpu: number): GuestView | undefined {
  if (m.cpuWord(cpu, CpuWord.GUEST_STATUS) === GuestStatus.NONE) return undefined;
  const out: GuestView = { pc: u64(m, cpu, CpuWord.GUEST_PC_LO), el: m.cpuWord(cpu, CpuWord.GUEST_EL) };
  if (m.cpuWord(cpu, CpuWord.GUEST_VEC_VALID)) {
    const insn = m.cpuWord(cpu, CpuWord.GUEST_VEC_INSN);
    out.vector = {
      esr: m.cpuWord(cpu, CpuWord.GUEST_VEC_ESR) >>> 0,
      elr: u64(m, cpu, CpuWord.GUEST_VEC_ELR_LO),
      far: u64(m, cpu, CpuWord.GUEST_VEC_FAR_LO),
      insn: insn === -1 ? null : insn >>> 0,
    };
  }
  return out;
}

export function driverWord(m: Machine, w: number): number {
  return Atomics.load(m.k32, drvWord(w));
}

/** Physical base of the mapped hypervisor memory, or 0. */
export function hvBase(m: Machine): number {
  return (driverWord(m, DrvWord.HV_MEM_LO) >>> 0) + (driverWord(m, DrvWord.HV_MEM_HI) >>> 0) * 0x1_0000_0000;
}

/** The mapped hypervisor's memory, decoded (undefined while none is mapped). */
export function hvView(m: Machine): HvView | undefined {
  const base = hvBase(m);
  return base ? new HvView(m.mem, base) : undefined;
}

/** The nine vmexit counters of a CPU from its per_cpu area (undefined when never enabled). */
export function vmexits(m: Machine, cpu: number): Record<string, number> | undefined {
  const hv = hvView(m);
  if (!hv || cpu >= hv.maxCpus) return undefined;
  const stats = hv.stats(cpu);
  return Object.fromEntries(STAT_NAMES.map((name, i) => [name, stats[i]!]));
}

export function cpuViews(m: Machine, topo: { mpidr: number }[]): CpuView[] {
  const online = new Set(m.onlineCpus());
  return Array.from({ length: m.nr }, (_, cpu) => ({
    cpu,
    mpidr: topo[cpu]!.mpidr,
    state: m.cpuStateName(cpu),
    online: online.has(cpu),
    hypervisor: m.hvActive(cpu),
    vmexits: m.hvActive(cpu) || m.cpuState(cpu) === CpuState.PARKED ? vmexits(m, cpu) : undefined,
    isolationViolations: m.cpuWord(cpu, CpuWord.ISO_VIOLATIONS),
    guest: guestView(m, cpu),
  }));
}

/** Isolation violations the monitor reported, per CPU (CpuWord.ISO_VIOLATIONS). */
export function isolationViolations(m: Machine): number[] {
  return Array.from({ length: m.nr }, (_, cpu) => m.cpuWord(cpu, CpuWord.ISO_VIOLATIONS));
}

export interface DriverCellView {
  id: number;
  name: string;
  cpus: number[];
  registered: boolean;
}

/** The driver's cell table (registered and prepared cells). */
export function driverCells(m: Machine): DriverCellView[] {
  const out: DriverCellView[] = [];
  for (let s = 0; s < CELL_SLOTS; s++) {
    const used = Atomics.load(m.k32, drvCellWord(s, CellSlotWord.USED));
    if (!used) continue;
    out.push({ id: Atomics.load(m.k32, drvCellWord(s, CellSlotWord.ID)), name: readCellName(m.k32, s), cpus: readCellCpus(m.k32, s), registered: used === 1 });
  }
  return out;
}

/**
 * Console characters written after position `from` (the console's tail numbering), read from
 * the hypervisor console page the way the driver reads it, and how many were overwritten
 * before they could be read.
 */
export function hvConsoleSince(m: Machine, from: number): { text: string; tail: number; lost: number } {
  const base = hvBase(m);
  if (!base) return { text: '', tail: from, lost: 0 };
  const d = extractDelta(snapshotConsolePage(m.mem, base + driverWord(m, DrvWord.CONSOLE_PAGE_OFF)), from);
  return { text: decodeLatin1(d.bytes), tail: d.newHead, lost: d.missed };
}
