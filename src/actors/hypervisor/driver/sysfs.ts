/**
 * /sys/devices/jailhouse (driver/sysfs.c): global attributes, cells/<id>/ with state and CPU
 * sets, and the statistics tree summed from CPU_GET_INFO. Formats follow the reference.
 */
import { Errno } from '../../../shared/errno.js';
import { formatMaskHex, formatMaskList } from '../../../shared/cpumask.js';
import { CPU_INFO_STAT_BASE, CpuInfoState, Hc, STAT_NAMES } from '../core/layout.js';
import { GetInfo } from '../core/control.js';
import type { Kernel } from '../../cpu/linux/kernel.js';
import { sysfsConsole } from './console.js';
import { CellSlotWord, DrvWord } from './layout.js';
import { lockJailhouse, unlockJailhouse } from './lock.js';
import { DriverState } from './state.js';
import { encodeUtf8 } from '../../../shared/text.js';

export const JAILHOUSE_SYSFS = '/sys/devices/jailhouse';

const STATE_NAMES = ['running', 'running/locked', 'shut down', 'failed', 'Comm ABI mismatch'];

const text = encodeUtf8;

export type SysfsResult = Uint8Array | number;

/** Directory listing of a path under /sys/devices/jailhouse (relative parts), or an errno. */
export function jailhouseList(k: Kernel, parts: string[]): string[] | number {
  const d = new DriverState(k);
  if (parts.length === 0) {
    const files = ['cells', 'console', 'enabled', 'mem_pool_size', 'mem_pool_used', 'remap_pool_size', 'remap_pool_used'];
    if (d.get(DrvWord.CORE_FILE_SIZE)) files.push('core');
    return files.sort();
  }
  if (parts[0] !== 'cells') return -Errno.ENOTDIR;
  if (parts.length === 1) return d.cellSlots().map((s) => String(d.cellWord(s, CellSlotWord.ID)));
  const slot = cellSlot(d, parts[1]!);
  if (slot < 0) return -Errno.ENOENT;
  if (parts.length === 2) return ['cpus_assigned', 'cpus_assigned_list', 'cpus_failed', 'cpus_failed_list', 'name', 'state', 'statistics'];
  if (parts[2] !== 'statistics') return -Errno.ENOTDIR;
  const counters = STAT_NAMES.slice();
  if (parts.length === 3) return [...counters, ...d.cellCpus(slot).map((c) => `cpu${c}`)];
  if (parts.length === 4 && /^cpu\d+$/.test(parts[3]!) && d.cellCpus(slot).includes(Number(parts[3]!.slice(3)))) return counters;
  return -Errno.ENOENT;
}

function cellSlot(d: DriverState, idText: string): number {
  if (!/^\d+$/.test(idText)) return -1;
  return d.findSlotById(Number(idText));
}

export function jailhouseRead(k: Kernel, caller: number, parts: string[]): SysfsResult {
  const d = new DriverState(k);
  if (parts.length === 1) {
    switch (parts[0]) {
      case 'enabled':
        return text(d.enabled ? '1\n' : '0\n');
      case 'mem_pool_size':
        return poolInfo(k, caller, GetInfo.MEM_POOL_SIZE);
      case 'mem_pool_used':
        return poolInfo(k, caller, GetInfo.MEM_POOL_USED);
      case 'remap_pool_size':
        return poolInfo(k, caller, GetInfo.REMAP_POOL_SIZE);
      case 'remap_pool_used':
        return poolInfo(k, caller, GetInfo.REMAP_POOL_USED);
      case 'console': {
        lockJailhouse(k, caller);
        try {
          return sysfsConsole(d);
        } finally {
          unlockJailhouse(k);
        }
      }
      case 'core': {
        const size = d.get(DrvWord.CORE_FILE_SIZE);
        if (!size) return -Errno.ENOENT;
        const base = d.get64(DrvWord.HV_MEM_LO, DrvWord.HV_MEM_HI);
        return base ? k.c.mem.copyOut(base, size) : new Uint8Array(0);
      }
      case 'cells':
        return -Errno.EISDIR;
      default:
        return -Errno.ENOENT;
    }
  }
  if (parts[0] !== 'cells' || parts.length < 3) return parts[0] === 'cells' ? -Errno.EISDIR : -Errno.ENOENT;
  const slot = cellSlot(d, parts[1]!);
  if (slot < 0) return -Errno.ENOENT;
  const id = d.cellWord(slot, CellSlotWord.ID);
  const cpus = d.cellCpus(slot);
  const nr = k.c.nr;
  if (parts.length === 3) {
    switch (parts[2]) {
      case 'name':
        return text(`${d.cellName(slot)}\n`);
      case 'state': {
        const s = k.hypercall(Hc.CELL_GET_STATE, id);
        return text(`${(s >= 0 && STATE_NAMES[s]) || 'invalid'}\n`);
      }
      case 'cpus_assigned':
        return text(`${formatMaskHex(cpus, nr)}\n`);
      case 'cpus_assigned_list':
        return text(`${formatMaskList(cpus)}\n`);
      case 'cpus_failed':
        return text(`${formatMaskHex(failedCpus(k, cpus), nr)}\n`);
      case 'cpus_failed_list':
        return text(`${formatMaskList(failedCpus(k, cpus))}\n`);
      case 'statistics':
        return -Errno.EISDIR;
      default:
        return -Errno.ENOENT;
    }
  }
  if (parts[2] !== 'statistics') return -Errno.ENOENT;
  if (parts.length === 4) {
    const stat = STAT_NAMES.indexOf(parts[3] as (typeof STAT_NAMES)[number]);
    if (stat < 0) return /^cpu\d+$/.test(parts[3]!) ? -Errno.EISDIR : -Errno.ENOENT;
    let sum = 0;
    for (const cpu of cpus) {
      const v = k.hypercall(Hc.CPU_GET_INFO, cpu, CPU_INFO_STAT_BASE + stat);
      if (v > 0) sum += v;
    }
    return text(`${sum}\n`);
  }
  if (parts.length === 5 && /^cpu\d+$/.test(parts[3]!)) {
    const cpu = Number(parts[3]!.slice(3));
    const stat = STAT_NAMES.indexOf(parts[4] as (typeof STAT_NAMES)[number]);
    if (!cpus.includes(cpu) || stat < 0) return -Errno.ENOENT;
    const v = k.hypercall(Hc.CPU_GET_INFO, cpu, CPU_INFO_STAT_BASE + stat);
    return text(`${v < 0 ? 0 : v}\n`);
  }
  return -Errno.ENOENT;
}

function failedCpus(k: Kernel, cpus: number[]): number[] {
  return cpus.filter((cpu) => k.hypercall(Hc.CPU_GET_INFO, cpu, 0) === CpuInfoState.FAILED);
}

function poolInfo(k: Kernel, caller: number, type: number): SysfsResult {
  const d = new DriverState(k);
  lockJailhouse(k, caller);
  try {
    if (!d.enabled) return text('0\n');
    const v = k.hypercall(Hc.HYPERVISOR_GET_INFO, type);
    return v < 0 ? v : text(`${v}\n`);
  } finally {
    unlockJailhouse(k);
  }
}
