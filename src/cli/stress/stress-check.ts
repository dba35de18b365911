/**
 * Invariants of a quiescent machine (no syscall in flight), checked by the stress harness
 * after operations: CPU states against the online mask and the enabled flag, the driver's
 * cell table, the locks, pool usage, what sysfs reports, and that the isolation monitor found
 * nothing.
 */
import type { Machine } from '../../actors/cpu/supervisor.js';
import { CpuState, CpuWord, TaskStatus } from '../../actors/cpu/layout.js';
import { KernelWord } from '../../actors/cpu/linux/layout.js';
import { DrvWord, EPOCH_NO_RESULT, EpochWord, drvEpochWord, drvWord } from '../../actors/hypervisor/driver/layout.js';
import { driverCells, driverWord, isolationViolations, type DriverCellView } from '../inspect/inspect.js';
import { hvCells, hvCpuCells, type HvCellView } from '../inspect/inspect-cells.js';
import { MemFlags } from '../../shared/config/layout.js';
import type { MemRegion } from '../../actors/hypervisor/core/hv-view.js';
import type { PagingRange } from '../../actors/hypervisor/core/paging.js';
import type { UserProcess } from '../shell/user.js';
import { GicCpuWord, ICC_IGRPEN1_EN, ICH_VMCR_VENG1, gicCpuWord } from '../../actors/gic/index.js';

export interface Expectations {
  /** CPUs of the root cell config. */
  rootCpus: number[];
  /** mem_pool_used right after a successful enable (learned from the first one). */
  postEnablePoolUsed?: number;
  /**
   * Successful enables minus successful disables as the callers saw them returned. Enable only
   * succeeds when disabled and disable only when enabled, so at a quiescent point this must be
   * exactly the enabled flag.
   */
  enabledByResults?: number;
  /** Non-root cells may exist (stress --cells): check isolation and driver/hypervisor agreement. */
  cells?: boolean;
}

/**
 * With cells: the driver's and the hypervisor's cell lists agree (ids, names, CPU sets), every
 * CPU's per_cpu points at the cell that owns it, and no physical page private to a non-root cell
 * is reachable through the root's or another cell's stage 2 (COMM_REGION/ROOTSHARED regions, and
 * LOADABLE ones while the cell is loadable, are shared by design).
 */
function checkCells(m: Machine, drv: DriverCellView[], hv: HvCellView[]): string[] {
  const v: string[] = [];
  const key = (c: { id: number; name: string; cpus: number[] }): string => `${c.id}:${c.name}:${c.cpus.join(',')}`;
  const a = drv.map(key).sort().join(' ');
  const b = hv.map(key).sort().join(' ');
  if (a !== b) v.push(`driver cells [${a}] differ from the hypervisor's [${b}]`);
  const perCpu = hvCpuCells(m);
  for (const c of hv) for (const cpu of c.cpus) if (perCpu[cpu] !== c.addr) v.push(`CPU ${cpu} is in cell ${c.id}'s set but its per_cpu points elsewhere`);
  v.push(...checkIrqOwnership(m, hv));
  const root = hv.find((c) => c.id === 0);
  if (root) v.push(...checkRootMemory(root, hv));
  for (const c of hv) {
    if (c.id === 0) continue;
    if (c.state < 0 || c.state > 4) v.push(`cell ${c.id} has comm-region state ${c.state}`);
    const priv = privateRegions(c);
    for (const other of hv) {
      if (other === c) continue;
      for (const r of priv) {
        const hit = other.mapped.find((x) => x.phys < r.phys + r.size && r.phys < x.phys + x.size);
        if (hit) v.push(`cell ${c.id}'s page 0x${Math.max(hit.phys, r.phys).toString(16)} is mapped in cell ${other.id} at IPA 0x${(hit.virt + Math.max(0, r.phys - hit.phys)).toString(16)}`);
      }
    }
  }
  return v;
}

/** A non-root cell's memory no other cell may map: not COMM_REGION/ROOTSHARED, nor LOADABLE while the cell is loadable. */
function privateRegions(c: HvCellView): MemRegion[] {
  const shared = MemFlags.COMM_REGION | MemFlags.ROOTSHARED;
  return c.regions.filter((r) => r.size > 0 && !(r.flags & shared) && !(c.loadable && r.flags & MemFlags.LOADABLE));
}

/**
 * Memory goes back to root: every page of the root cell's own (page-granular) regions that no
 * non-root cell holds privately is mapped by root's stage 2, at its IPA and to its physical
 * page, as cell destroy (remap_to_root_cell), set_loadable and failed creates leave it. A page
 * that neither root nor any cell can reach any more is lost to the machine, a leak no pool
 * counter shows (the root's 2 MiB blocks come back without a new table).
 */
function checkRootMemory(root: HvCellView, hv: HvCellView[]): string[] {
  const held = hv.filter((c) => c !== root).flatMap(privateRegions).map((r) => [r.phys, r.phys + r.size] as const);
  const leaves = root.mapped;
  const out: string[] = [];
  for (const r of root.regions) {
    if (r.size === 0 || r.phys % PAGE || r.virt % PAGE || r.size % PAGE) continue;
    // The parts of [phys, phys + size) no cell holds, walked in order.
    let gaps: [number, number][] = [[r.phys, r.phys + r.size]];
    for (const [a, b] of held) gaps = gaps.flatMap(([x, y]) => (b <= x || a >= y ? [[x, y]] : ([[x, Math.max(x, a)], [Math.min(y, b), y]] as [number, number][]).filter(([p, q]) => q > p)));
    const bad = gaps.map(([x, y]) => firstUnmapped(leaves, r.virt + (x - r.phys), r.virt + (y - r.phys), r.phys - r.virt)).find((a) => a !== undefined);
    if (bad !== undefined) out.push(`root cell's page 0x${(bad + r.phys - r.virt).toString(16)} (IPA 0x${bad.toString(16)}, its config region at 0x${r.phys.toString(16)}) is held by no cell but not mapped by root's stage 2`);
  }
  return out;
}

const PAGE = 0x1000;

/** The first IPA of [v0, v1) that `leaves` (ascending, disjoint) do not map to IPA + delta, or undefined. */
function firstUnmapped(leaves: readonly PagingRange[], v0: number, v1: number, delta: number): number | undefined {
  let lo = 0;
  let hi = leaves.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (leaves[mid]!.virt + leaves[mid]!.size <= v0) lo = mid + 1;
    else hi = mid;
  }
  let at = v0;
  for (let i = lo; at < v1; i++) {
    const l = leaves[i];
    if (!l || l.virt > at) return at;
    if (l.phys - l.virt !== delta) return at;
    at = l.virt + l.size;
  }
  return undefined;
}

/**
 * Interrupt ownership after every config_commit: no SPI in two cells' irq_bitmaps, and every
 * implemented SPI a cell owns is routed (GICD_IROUTER) to one of that cell's CPUs.
 */
function checkIrqOwnership(m: Machine, hv: HvCellView[]): string[] {
  const v: string[] = [];
  const owner = new Map<number, HvCellView>();
  for (const c of hv) {
    for (const irq of c.spis) {
      const o = owner.get(irq);
      if (o) v.push(`SPI ${irq} is in the irq_bitmap of cell ${o.id} and of cell ${c.id}`);
      else owner.set(irq, c);
    }
  }
  for (const [irq, c] of owner) {
    if (irq >= m.gic.nrIrqs) continue;
    const target = m.gic.spiTarget(irq);
    if (target >= 0 && !c.cpus.includes(target)) v.push(`SPI ${irq} of cell ${c.id} is routed to CPU ${target}, outside the cell`);
  }
  return v;
}

/**
 * Linux marks a CPU online only after gic_cpu_init has set up its redistributor and CPU
 * interface (secondary_start_kernel: the GIC's starting callback, then set_cpu_online), so an
 * online root-Linux CPU has group-1 interrupts enabled as Linux sees them: ICC_IGRPEN1_EL1
 * natively, the virtual interface's VMCR.VENG1 under the hypervisor (which a park's reset
 * clears). Without it the CPU would take no IPI, and an on_each_cpu to it would wait.
 */
function irqsUp(m: Machine, cpu: number, hv: boolean): boolean {
  const load = (w: number): number => Atomics.load(m.gic.i32, gicCpuWord(cpu, w));
  return hv ? (load(GicCpuWord.ICH_VMCR) & ICH_VMCR_VENG1) !== 0 : (load(GicCpuWord.ICC_IGRPEN1) & ICC_IGRPEN1_EN) !== 0;
}

/** What a violation report adds about a CPU: its task slot, hotplug death word and last kernel lines. */
function cpuDetail(m: Machine, cpu: number): string {
  const task = Object.entries(TaskStatus).find(([, v]) => v === m.cpuWord(cpu, CpuWord.TASK_STATUS))?.[0] ?? '?';
  const lines = m.kernelLog().text.split('\n').filter((l) => new RegExp(`CPU${cpu}\\b|CPU ${cpu}\\b`).test(l)).slice(-3);
  return `task slot ${task}, dying ${m.cpuWord(cpu, CpuWord.DYING)}, last kernel lines: ${lines.length ? lines.map((l) => JSON.stringify(l.trim())).join(' ') : 'none'}`;
}

/** Check the whole machine; returns violation messages (empty = all good). */
export async function checkQuiescent(m: Machine, checker: UserProcess, exp: Expectations): Promise<string[]> {
  const v: string[] = [];
  const enabled = driverWord(m, DrvWord.ENABLED) === 1;
  const online = new Set(m.onlineCpus());
  const cells = driverCells(m);
  // The hypervisor's cells, with what their stage-2 tables map when cells are being checked.
  const hvList = hvCells(m, !!exp.cells);
  const hvStates = new Map(hvList.map((c) => [c.id, c.state]));
  const owner = new Map<number, number>();
  for (const c of cells) for (const cpu of c.cpus) owner.set(cpu, c.id);
  for (let cpu = 0; cpu < m.nr; cpu++) {
    const st = m.cpuState(cpu);
    const hv = m.hvActive(cpu);
    const name = m.cpuStateName(cpu);
    const inCell = enabled && (owner.get(cpu) ?? 0) !== 0;
    if (online.has(cpu)) {
      const want = enabled ? CpuState.GUEST : CpuState.LINUX;
      if (inCell) v.push(`CPU ${cpu} is online in root-cell Linux but belongs to cell ${owner.get(cpu)}`);
      else if (st !== want || hv !== enabled) v.push(`CPU ${cpu} is online but ${name}${hv ? ' under the hypervisor' : ''} (expected ${enabled ? 'guest under the hypervisor' : 'linux'})`);
      else if (!irqsUp(m, cpu, hv)) v.push(`CPU ${cpu} is online in root-cell Linux but its GIC CPU interface has group-1 interrupts disabled (${hv ? 'ICH_VMCR.VENG1' : 'ICC_IGRPEN1_EL1'} = 0): online before gic_cpu_init`);
    } else if (inCell) {
      // A cell that timed out on a message is FAILED with its CPUs left suspended (Jailhouse).
      const timedOut = st === CpuState.SUSPENDED && hvStates.get(owner.get(cpu)!) === 3;
      if (!hv || (st !== CpuState.GUEST && st !== CpuState.PARKED && st !== CpuState.FAILED && !timedOut)) v.push(`CPU ${cpu} of cell ${owner.get(cpu)} is ${name}${hv ? ' under the hypervisor' : ''}`);
    } else {
      const ok = enabled ? (st === CpuState.PARKED && hv) || (st === CpuState.OFFLINE && !hv) : st === CpuState.OFFLINE && !hv;
      if (!ok) v.push(`CPU ${cpu} is offline but ${name}${hv ? ' under the hypervisor' : ''} (${cpuDetail(m, cpu)})`);
    }
  }
  if (exp.enabledByResults !== undefined && exp.enabledByResults !== (enabled ? 1 : 0)) {
    v.push(`successful enables minus successful disables returned to callers is ${exp.enabledByResults}, but the driver says enabled=${enabled ? 1 : 0}`);
  }
  if (enabled) {
    const root = cells.find((c) => c.id === 0);
    if (!root || !root.registered) v.push('enabled but the root cell is not registered in the driver');
    const assigned = cells.flatMap((c) => c.cpus).sort((a, b) => a - b);
    if (assigned.join(',') !== exp.rootCpus.join(',')) v.push(`the cells' CPUs ${assigned.join(',')} are not exactly the system's ${exp.rootCpus.join(',')} (each CPU in exactly one cell)`);
    if (!exp.cells && cells.length !== 1) v.push(`${cells.length} cells in the driver while only the root cell can exist`);
    for (const c of cells) if (!c.registered) v.push(`cell ${c.id} ("${c.name}") is still half-created in the driver`);
    if (exp.cells) v.push(...checkCells(m, cells, hvList));
  } else if (cells.length) {
    v.push(`disabled but the driver still lists cells ${cells.map((c) => c.id).join(',')}`);
  }
  // jhsim's isolation monitor: no emulated access may have changed another cell's state.
  isolationViolations(m).forEach((n, cpu) => {
    if (n) v.push(`the isolation monitor reported ${n} violation${n > 1 ? 's' : ''} by CPU ${cpu}'s guest (see jailhouse console)`);
  });
  if (Atomics.load(m.k32, KernelWord.HOTPLUG_LOCK) !== 0) v.push(`cpu hotplug lock left at ${Atomics.load(m.k32, KernelWord.HOTPLUG_LOCK)}`);
  if (Atomics.load(m.k32, drvWord(DrvWord.LOCK)) !== 0) v.push('jailhouse_lock left held');

  const en = await checker.readText('/sys/devices/jailhouse/enabled');
  if (en !== (enabled ? '1\n' : '0\n')) v.push(`sysfs enabled reads ${JSON.stringify(en)} while the driver flag is ${enabled ? 1 : 0}`);
  const usedText = await checker.readText('/sys/devices/jailhouse/mem_pool_used');
  const used = typeof usedText === 'number' ? usedText : Number(usedText);
  if (!enabled && used !== 0) v.push(`mem_pool_used reads ${used} after disable (expected 0)`);
  if (enabled && cells.length === 1) {
    if (exp.postEnablePoolUsed === undefined) exp.postEnablePoolUsed = used;
    else if (used !== exp.postEnablePoolUsed) v.push(`mem_pool_used reads ${used} with only the root cell, expected ${exp.postEnablePoolUsed} as after every enable`);
  }
  return v;
}

/** Per-CPU results of the caller's last enable/disable round, if still in the log. */
export function epochResults(m: Machine, caller: number): { kind: number; expected: number; results: Map<number, number> } | undefined {
  const e = Atomics.load(m.k32, drvWord(DrvWord.CALLER_EPOCH + caller));
  if (!e || Atomics.load(m.k32, drvEpochWord(e, EpochWord.EPOCH)) !== e) return undefined;
  const results = new Map<number, number>();
  for (let cpu = 0; cpu < m.nr; cpu++) {
    const r = Atomics.load(m.k32, drvEpochWord(e, EpochWord.RESULTS + cpu));
    if (r !== EPOCH_NO_RESULT) results.set(cpu, r);
  }
  return { kind: Atomics.load(m.k32, drvEpochWord(e, EpochWord.KIND)), expected: Atomics.load(m.k32, drvEpochWord(e, EpochWord.EXPECTED)), results };
}
