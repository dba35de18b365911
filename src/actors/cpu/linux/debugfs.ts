/**
 * /sys/kernel/debug/jhsim: what the simulator knows and the real system hides, readable like a
 * debugfs file from the root cell without a hypercall (nothing here is Jailhouse's). Today the
 * isolation monitor's counts: `isolation_violations` (all CPUs) and `cpuN/isolation_violations`.
 */
import { Errno } from '../../../shared/errno.js';
import { encodeUtf8 } from '../../../shared/text.js';
import { CpuWord, cpuWord } from '../layout.js';
import type { Kernel } from './kernel.js';

export const JHSIM_DEBUGFS = '/sys/kernel/debug/jhsim';

function violations(k: Kernel, cpu: number): number {
  return Atomics.load(k.c.cpus, cpuWord(cpu, CpuWord.ISO_VIOLATIONS));
}

function cpuDir(k: Kernel, name: string | undefined): number {
  if (!name || !/^cpu\d+$/.test(name)) return -1;
  const n = Number(name.slice(3));
  return n < k.c.nr ? n : -1;
}

/** Directory listing below the jhsim debugfs directory (`rel`: path components). */
export function jhsimDebugList(k: Kernel, rel: string[]): string[] | number {
  if (rel.length === 0) return [...Array.from({ length: k.c.nr }, (_, i) => `cpu${i}`), 'isolation_violations'];
  if (rel.length === 1 && cpuDir(k, rel[0]) >= 0) return ['isolation_violations'];
  return rel.length === 1 && rel[0] === 'isolation_violations' ? -Errno.ENOTDIR : -Errno.ENOENT;
}

/** Contents of a file below the jhsim debugfs directory. */
export function jhsimDebugRead(k: Kernel, rel: string[]): Uint8Array | number {
  if (rel.length === 1 && rel[0] === 'isolation_violations') {
    let sum = 0;
    for (let cpu = 0; cpu < k.c.nr; cpu++) sum += violations(k, cpu);
    return encodeUtf8(`${sum}\n`);
  }
  const cpu = cpuDir(k, rel[0]);
  if (rel.length === 2 && cpu >= 0 && rel[1] === 'isolation_violations') return encodeUtf8(`${violations(k, cpu)}\n`);
  return rel.length === 0 || (rel.length === 1 && cpu >= 0) ? -Errno.EISDIR : -Errno.ENOENT;
}
