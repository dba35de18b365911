/**
 * Invariants of a quiescent machine (no syscall in flight), checked by the stress harness
 * after operations: CPU states against the online mask and the enabled flag, the driver's
 * cell table, the locks, pool usage, and what sysfs reports.
 */
import type { Machine } from '../actors/cpu/supervisor.js';
import { CpuState } from '../actors/cpu/layout.js';
import { KernelWord } from '../actors/cpu/linux/layout.js';
import { DrvWord, EPOCH_NO_RESULT, EpochWord, drvEpochWord, drvWord } from '../actors/hypervisor/driver/layout.js';
import { driverCells, driverWord } from './inspect.js';
import type { UserProcess } from './user.js';

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
}

/** Check the whole machine; returns violation messages (empty = all good). */
export async function checkQuiescent(m: Machine, checker: UserProcess, exp: Expectations): Promise<string[]> {
  const v: string[] = [];
  const enabled = driverWord(m, DrvWord.ENABLED) === 1;
  const online = new Set(m.onlineCpus());
  for (let cpu = 0; cpu < m.nr; cpu++) {
    const st = m.cpuState(cpu);
    const hv = m.hvActive(cpu);
    const name = m.cpuStateName(cpu);
    if (online.has(cpu)) {
      const want = enabled ? CpuState.GUEST : CpuState.LINUX;
      if (st !== want || hv !== enabled) v.push(`CPU ${cpu} is online but ${name}${hv ? ' under the hypervisor' : ''} (expected ${enabled ? 'guest under the hypervisor' : 'linux'})`);
    } else {
      const ok = enabled ? (st === CpuState.PARKED && hv) || (st === CpuState.OFFLINE && !hv) : st === CpuState.OFFLINE && !hv;
      if (!ok) v.push(`CPU ${cpu} is offline but ${name}${hv ? ' under the hypervisor' : ''}`);
    }
  }
  if (exp.enabledByResults !== undefined && exp.enabledByResults !== (enabled ? 1 : 0)) {
    v.push(`successful enables minus successful disables returned to callers is ${exp.enabledByResults}, but the driver says enabled=${enabled ? 1 : 0}`);
  }
  const cells = driverCells(m);
  if (enabled) {
    const root = cells.find((c) => c.id === 0);
    if (!root || !root.registered) v.push('enabled but the root cell is not registered in the driver');
    else if (root.cpus.join(',') !== exp.rootCpus.join(',')) v.push(`root cell CPUs ${root.cpus.join(',')} differ from the config's ${exp.rootCpus.join(',')}`);
    if (cells.length !== 1) v.push(`${cells.length} cells in the driver while only the root cell can exist`);
  } else if (cells.length) {
    v.push(`disabled but the driver still lists cells ${cells.map((c) => c.id).join(',')}`);
  }
  if (Atomics.load(m.k32, KernelWord.HOTPLUG_LOCK) !== 0) v.push(`cpu hotplug lock left at ${Atomics.load(m.k32, KernelWord.HOTPLUG_LOCK)}`);
  if (Atomics.load(m.k32, drvWord(DrvWord.LOCK)) !== 0) v.push('jailhouse_lock left held');

  const en = await checker.readText('/sys/devices/jailhouse/enabled');
  if (en !== (enabled ? '1\n' : '0\n')) v.push(`sysfs enabled reads ${JSON.stringify(en)} while the driver flag is ${enabled ? 1 : 0}`);
  const usedText = await checker.readText('/sys/devices/jailhouse/mem_pool_used');
  const used = typeof usedText === 'number' ? usedText : Number(usedText);
  if (!enabled && used !== 0) v.push(`mem_pool_used reads ${used} after disable (expected 0)`);
  if (enabled) {
    if (exp.postEnablePoolUsed === undefined) exp.postEnablePoolUsed = used;
    else if (used !== exp.postEnablePoolUsed) v.push(`mem_pool_used reads ${used}, expected ${exp.postEnablePoolUsed} as after every enable`);
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
