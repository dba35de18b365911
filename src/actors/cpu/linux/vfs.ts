/**
 * The few filesystem paths user space needs: the CPU hotplug files under
 * /sys/devices/system/cpu, the jailhouse driver's sysfs tree, PCI's, and jhsim's debugfs
 * directory (debugfs.ts). Whole-file read and write, and
 * directory listing, each returning bytes/names or a negative errno.
 */
import { Errno } from '../../../shared/errno.js';
import { formatMaskList } from '../../../shared/cpumask.js';
import { JAILHOUSE_SYSFS, jailhouseList, jailhouseRead } from '../../hypervisor/driver/sysfs.js';
import { cpuDown, cpuUp } from './hotplug.js';
import { PCI_SYSFS, pciSysfsList, pciSysfsRead, pciSysfsWrite } from './pci.js';
import type { Kernel } from './kernel.js';
import { JHSIM_DEBUGFS, jhsimDebugList, jhsimDebugRead } from './debugfs.js';
import { decodeUtf8, encodeUtf8 } from '../../../shared/text.js';

const CPU_DIR = '/sys/devices/system/cpu';
const text = encodeUtf8;

function split(path: string): string[] {
  return path.split('/').filter((p) => p !== '' && p !== '.');
}

function under(path: string, dir: string): string[] | undefined {
  const p = split(path);
  const d = split(dir);
  if (p.length < d.length || d.some((x, i) => p[i] !== x)) return undefined;
  return p.slice(d.length);
}

function cpuOf(k: Kernel, name: string | undefined): number {
  if (!name || !/^cpu\d+$/.test(name)) return -1;
  const n = Number(name.slice(3));
  return n < k.c.nr ? n : -1;
}

const DIRS: Record<string, string[]> = {
  '': ['dev', 'sys'],
  sys: ['bus', 'devices', 'kernel'],
  'sys/kernel': ['debug'],
  'sys/kernel/debug': ['jhsim'],
  'sys/bus': ['pci'],
  'sys/bus/pci': ['devices'],
  'sys/devices': ['jailhouse', 'system'],
  'sys/devices/system': ['cpu'],
  dev: ['jailhouse'],
};

export function vfsList(k: Kernel, path: string): string[] | number {
  const key = split(path).join('/');
  if (DIRS[key]) return DIRS[key]!;
  const cpu = under(path, CPU_DIR);
  if (cpu) {
    if (cpu.length === 0) return [...Array.from({ length: k.c.nr }, (_, i) => `cpu${i}`), 'offline', 'online', 'possible', 'present'];
    if (cpu.length === 1 && cpuOf(k, cpu[0]) >= 0) return ['online'];
    return cpuOf(k, cpu[0]) >= 0 || ['online', 'offline', 'possible', 'present'].includes(cpu[0]!) ? -Errno.ENOTDIR : -Errno.ENOENT;
  }
  const jh = under(path, JAILHOUSE_SYSFS);
  if (jh) return jailhouseList(k, jh);
  const pci = under(path, PCI_SYSFS);
  if (pci) return pciSysfsList(k, pci);
  const dbg = under(path, JHSIM_DEBUGFS);
  if (dbg) return jhsimDebugList(k, dbg);
  return -Errno.ENOENT;
}

export function vfsRead(k: Kernel, caller: number, path: string): Uint8Array | number {
  const cpu = under(path, CPU_DIR);
  if (cpu) {
    const all = Array.from({ length: k.c.nr }, (_, i) => i);
    if (cpu.length === 1) {
      const online = k.onlineCpus();
      switch (cpu[0]) {
        case 'online':
          return text(`${formatMaskList(online)}\n`);
        case 'offline':
          return text(`${formatMaskList(all.filter((c) => !online.includes(c)))}\n`);
        case 'possible':
        case 'present':
          return text(`${formatMaskList(all)}\n`);
      }
      if (cpuOf(k, cpu[0]) >= 0) return -Errno.EISDIR;
    }
    if (cpu.length === 2 && cpu[1] === 'online') {
      const n = cpuOf(k, cpu[0]);
      if (n >= 0) return text(k.isOnline(n) ? '1\n' : '0\n');
    }
    return cpu.length === 0 ? -Errno.EISDIR : -Errno.ENOENT;
  }
  const jh = under(path, JAILHOUSE_SYSFS);
  if (jh) return jh.length === 0 ? -Errno.EISDIR : jailhouseRead(k, caller, jh);
  const pci = under(path, PCI_SYSFS);
  if (pci) return pci.length === 0 ? -Errno.EISDIR : pciSysfsRead(k, pci);
  const dbg = under(path, JHSIM_DEBUGFS);
  if (dbg) return jhsimDebugRead(k, dbg);
  if (DIRS[split(path).join('/')]) return -Errno.EISDIR;
  if (split(path).join('/') === 'dev/jailhouse') return -Errno.EINVAL;
  return -Errno.ENOENT;
}

export function vfsWrite(k: Kernel, path: string, data: Uint8Array, offset = 0): number {
  const pci = under(path, PCI_SYSFS);
  if (pci && pci.length === 2) return pciSysfsWrite(k, pci, data, offset);
  const cpu = under(path, CPU_DIR);
  if (cpu && cpu.length === 2 && cpu[1] === 'online') {
    const n = cpuOf(k, cpu[0]);
    if (n < 0) return -Errno.ENOENT;
    // kstrtobool: "0"/"1" (also n/y), an optional trailing newline.
    const v = decodeUtf8(data).trim();
    if (v === '1' || v === 'y' || v === 'Y') return cpuUp(k, n);
    if (v === '0' || v === 'n' || v === 'N') return cpuDown(k, n);
    return -Errno.EINVAL;
  }
  // Any other existing file is read-only; decide from the directory listings, never by
  // reading it (a pool file would take the driver lock and make a hypercall).
  if (Array.isArray(vfsList(k, path))) return -Errno.EISDIR;
  const parts = split(path);
  const name = parts.pop();
  const siblings = vfsList(k, `/${parts.join('/')}`);
  return Array.isArray(siblings) && name !== undefined && siblings.includes(name) ? -Errno.EACCES : -Errno.ENOENT;
}
