/**
 * Read-only views of a running machine for the CLI (the `cpus` shell command, stress
 * invariants, demo): read straight from shared memory, so looking never perturbs the counts
 * the way reading sysfs (CPU_GET_INFO hypercalls) would.
 */
import type { Machine } from '../actors/cpu/supervisor.js';
import { CONSOLE, HDR, NUM_CPU_STATS, PERCPU, PUB, STAT_NAMES } from '../actors/hypervisor/core/layout.js';
import { CELL_SLOTS, CellSlotWord, DrvWord, drvCellWord, drvWord, readCellCpus, readCellName } from '../actors/hypervisor/driver/layout.js';
import { CpuWord } from '../actors/cpu/layout.js';

export interface CpuView {
  cpu: number;
  mpidr: number;
  state: string;
  online: boolean;
  hypervisor: boolean;
  vmexits?: Record<string, number>;
}

export function driverWord(m: Machine, w: number): number {
  return Atomics.load(m.k32, drvWord(w));
}

/** Physical base of the mapped hypervisor memory, or 0. */
export function hvBase(m: Machine): number {
  return (driverWord(m, DrvWord.HV_MEM_LO) >>> 0) + (driverWord(m, DrvWord.HV_MEM_HI) >>> 0) * 0x1_0000_0000;
}

/** The nine vmexit counters of a CPU from its per_cpu area (undefined when never enabled). */
export function vmexits(m: Machine, cpu: number): Record<string, number> | undefined {
  const base = hvBase(m);
  if (!base) return undefined;
  const maxCpus = m.mem.read32(base + HDR.MAX_CPUS);
  if (cpu >= maxCpus) return undefined;
  const pub = base + m.mem.read64(base + HDR.CORE_SIZE) + cpu * m.mem.read64(base + HDR.PERCPU_SIZE) + PERCPU.PUBLIC;
  const out: Record<string, number> = {};
  for (let i = 0; i < NUM_CPU_STATS; i++) out[STAT_NAMES[i]!] = m.mem.read32(pub + PUB.STATS + i * 4);
  return out;
}

export function cpuViews(m: Machine, topo: { mpidr: number }[]): CpuView[] {
  const online = new Set(m.onlineCpus());
  return Array.from({ length: m.nr }, (_, cpu) => ({
    cpu,
    mpidr: topo[cpu]!.mpidr,
    state: m.cpuStateName(cpu),
    online: online.has(cpu),
    hypervisor: m.hvActive(cpu),
    vmexits: m.hvActive(cpu) || m.cpuState(cpu) === 4 ? vmexits(m, cpu) : undefined,
  }));
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

export function entryResults(m: Machine): { cpu: number; result: number; epoch: number }[] {
  return Array.from({ length: m.nr }, (_, cpu) => ({
    cpu,
    result: m.cpuWord(cpu, CpuWord.ENTRY_RESULT),
    epoch: m.cpuWord(cpu, CpuWord.ENTRY_EPOCH),
  }));
}

/**
 * A consistent copy of the hypervisor console page (retry while a writer holds it busy or the
 * tail moves), or undefined when the hypervisor was never loaded. `tail` counts every character
 * ever written, so a reader can tell how much it missed.
 */
export function hvConsole(m: Machine): { tail: number; content: Uint8Array } | undefined {
  const base = hvBase(m);
  if (!base) return undefined;
  const page = base + driverWord(m, DrvWord.CONSOLE_PAGE_OFF);
  const busy = m.mem.atomicWord(page + CONSOLE.BUSY);
  const tailW = m.mem.atomicWord(page + CONSOLE.TAIL);
  for (;;) {
    if (Atomics.load(busy.view, busy.index)) continue;
    const tail = Atomics.load(tailW.view, tailW.index) >>> 0;
    const content = m.mem.copyOut(page + CONSOLE.CONTENT, CONSOLE.CONTENT_SIZE);
    if (!Atomics.load(busy.view, busy.index) && Atomics.load(tailW.view, tailW.index) >>> 0 === tail) return { tail, content };
  }
}

/** Console characters written after position `from` (tail numbering), and how many were overwritten before they could be read. */
export function hvConsoleSince(m: Machine, from: number): { text: string; tail: number; lost: number } {
  const snap = hvConsole(m);
  if (!snap) return { text: '', tail: from, lost: 0 };
  const start = Math.max(from, snap.tail - CONSOLE.CONTENT_SIZE);
  let text = '';
  for (let i = start; i < snap.tail; i++) text += String.fromCharCode(snap.content[i % CONSOLE.CONTENT_SIZE]!);
  return { text, tail: snap.tail, lost: start - from };
}
