/**
 * `top` (the root shell; `cpus --watch` too): every CPU's state, cell, guest PC, instructions
 * per second and vmexits per second by reason, refreshed in place. Everything is read from
 * shared memory by the supervisor, so watching perturbs nothing (no sysfs, no hypercall).
 */
import Table from 'cli-table3';
import type { Machine } from '../../actors/cpu/supervisor.js';
import { cpuTopology } from '../../actors/cpu/board.js';
import { STAT_NAMES } from '../../actors/hypervisor/core/layout.js';
import { cpuViews, type CpuView } from './inspect.js';
import { cpuCellName } from './inspect-cells.js';
import { otherExits } from './exit-counters.js';

/** Column titles of the per-reason rates, in the hypervisor's counter order, then `other`. */
const RATE_TITLES = ['MMIO', 'MGMT', 'HCALL', 'MAINT', 'VIRQ', 'VSGI', 'PSCI', 'SMCCC', 'OTHER'];

interface Sample {
  t: number;
  views: CpuView[];
  insns: number[];
}

function sample(m: Machine): Sample {
  return { t: performance.now(), views: cpuViews(m, cpuTopology(m.board)), insns: Array.from({ length: m.nr }, (_, cpu) => m.guestRetired(cpu)) };
}

/** One CPU's counters as [total, categories…, other]. */
function counts(v: CpuView): number[] {
  return [...STAT_NAMES.map((n) => v.vmexits?.[n] ?? 0), otherExits(v.vmexits ?? {})];
}

/** The screen for the interval between two samples. */
export function renderTop(m: Machine, a: Sample, b: Sample): string {
  const secs = Math.max(1e-3, (b.t - a.t) / 1000);
  const cellOf = cpuCellName(m);
  const rate = (x: number): string => (x === 0 ? '0' : x < 10 ? x.toFixed(1) : String(Math.round(x)));
  const head = ['CPU', 'STATE', 'CELL', 'GUEST PC', 'INSN/s', 'EXITS/s', ...RATE_TITLES];
  const t = new Table({ style: { head: [], border: [] }, head, colAligns: head.map((_, i) => (i >= 4 ? 'right' : 'left')) });
  for (let cpu = 0; cpu < m.nr; cpu++) {
    const va = a.views[cpu]!;
    const vb = b.views[cpu]!;
    const ca = counts(va);
    const cb = counts(vb);
    // Counters restart when a CPU changes cell (the hypervisor zeroes them): no negative rates.
    const d = cb.map((x, i) => Math.max(0, x - ca[i]!) / secs);
    const g = vb.guest;
    const insns = Math.max(0, b.insns[cpu]! - a.insns[cpu]!) / secs;
    t.push([cpu, vb.state, cellOf(vb), g ? `0x${g.pc.toString(16)} EL${g.el}` : '-', g ? `${(insns / 1e6).toFixed(2)}M` : '-', rate(d[0]!), ...d.slice(1).map(rate)]);
  }
  return `jhsim top: ${m.nr} CPUs, rates over ${secs.toFixed(2)} s, read from shared memory (nothing perturbed); OTHER = exits counted only in the total (trapped ICC_SGI1R_EL1 writes)\n${t.toString()}\n`;
}

export interface TopOptions {
  intervalMs: number;
  /** Screens to print; undefined = until q or Ctrl-C. */
  count?: number;
  /** Clear the terminal before each screen (a terminal); otherwise screens follow each other. */
  inPlace: boolean;
  signal?: AbortSignal;
  keys?: (onKey: (key: string) => void) => () => void;
  out: (text: string) => void;
}

export async function runTop(m: Machine, o: TopOptions): Promise<number> {
  let quit = false;
  let wake: (() => void) | undefined;
  const stop = o.keys?.((k) => {
    if (k === 'q') {
      quit = true;
      wake?.();
    }
  });
  const onAbort = (): void => wake?.();
  o.signal?.addEventListener('abort', onAbort);
  try {
    let prev = sample(m);
    for (let n = 0; o.count === undefined || n < o.count; n++) {
      await new Promise<void>((r) => {
        const timer = setTimeout(r, o.intervalMs);
        wake = () => {
          clearTimeout(timer);
          r();
        };
      });
      wake = undefined;
      if (quit || o.signal?.aborted) return 0;
      const next = sample(m);
      o.out(`${o.inPlace ? '\x1b[2J\x1b[H' : ''}${renderTop(m, prev, next)}${o.inPlace ? 'q quits\n' : ''}`);
      prev = next;
    }
    return 0;
  } finally {
    stop?.();
    o.signal?.removeEventListener('abort', onAbort);
  }
}
