/**
 * The `perf kvm stat report`-style tables of a profile: per exit reason its samples, share of
 * samples and of handling time, and min/max/avg handling time; for all CPUs, per CPU and per
 * cell, sortable and filtered. Also the breakdowns (MMIO addresses and handlers, IRQs,
 * hypercalls and PSCI calls) and the same as JSON or CSV.
 */
import { borderlessTable, tableLines } from '../plain-table.js';
import type { Agg, ProfileData } from './profile-collector.js';
import { aggAvg, aggTotal, newAgg } from './profile-collector.js';
import { REASON_NAMES, handlerName, hypercallName, inEventClass, smcName, type EventClass } from './profile-names.js';
import { RECORDER_TIMING } from '../../actors/cpu/exit-recorder.js';

export const SORT_KEYS = ['samples', 'time', 'min', 'max', 'avg', 'reason'] as const;
export type SortKey = (typeof SORT_KEYS)[number];

export interface ReportOptions {
  sort?: SortKey;
  cpus?: number[];
  /** Cell names or ids. */
  cells?: string[];
  event?: EventClass;
}

export interface ReasonRow {
  reason: string;
  samples: number;
  samples_pct: number;
  time_pct: number;
  /** Handling times in µs. */
  min_us: number;
  max_us: number;
  avg_us: number;
  total_us: number;
  /** Exits of `samples` the recorder timed (all of them unless exits came in a flood). */
  timed: number;
}

export interface ReportSection {
  scope: 'all' | 'cpu' | 'cell';
  cpu?: number;
  cell?: string;
  samples: number;
  rows: ReasonRow[];
}

export interface ProfileReport {
  duration_s: number;
  exits: number;
  /** Records the CPUs could not write (ring full) and records not kept for the trace. */
  ring_dropped: number;
  trace_dropped: number;
  sections: ReportSection[];
  mmio: { address: string; handler: string; reads: number; writes: number; samples: number; avg_us: number }[];
  irqs: { intid: number; samples: number; avg_us: number }[];
  calls: { call: string; samples: number; avg_us: number; max_us: number }[];
  cells: { cell: string; exits: number; time_us: number }[];
}

const us = (ms: number): number => Math.round(ms * 1e6) / 1e3;

function rows(groups: Map<number, Agg>, sort: SortKey): ReasonRow[] {
  let samples = 0;
  let time = 0;
  for (const a of groups.values()) {
    samples += a.samples;
    time += aggTotal(a);
  }
  const out = [...groups].map(([reason, a]) => ({
    reason: REASON_NAMES[reason] ?? `reason ${reason}`,
    samples: a.samples,
    samples_pct: samples ? Math.round((a.samples / samples) * 1e4) / 100 : 0,
    time_pct: time ? Math.round((aggTotal(a) / time) * 1e4) / 100 : 0,
    min_us: a.timed ? us(a.min) : 0,
    max_us: us(a.max),
    avg_us: us(aggAvg(a)),
    total_us: us(aggTotal(a)),
    timed: a.timed,
  }));
  const key: Record<SortKey, (r: ReasonRow) => number | string> = {
    samples: (r) => -r.samples, time: (r) => -r.total_us, min: (r) => -r.min_us, max: (r) => -r.max_us, avg: (r) => -r.avg_us, reason: (r) => r.reason,
  };
  const k = key[sort];
  return out.sort((a, b) => {
    const x = k(a);
    const y = k(b);
    return x < y ? -1 : x > y ? 1 : 0;
  });
}

/** The report's numbers, filtered and sorted as asked. */
export function buildReport(d: ProfileData, o: ReportOptions = {}): ProfileReport {
  const sort = o.sort ?? 'samples';
  const ids = new Map<string, number>([...d.cellNames].map(([id, name]) => [name, id]));
  const wantCell = (name: string): boolean => !o.cells || o.cells.some((c) => c === name || c === String(ids.get(name)));
  const all = new Map<number, Agg>();
  const byCpu = new Map<number, Map<number, Agg>>();
  const byCell = new Map<string, Map<number, Agg>>();
  const add = (m: Map<number, Agg>, reason: number, a: Agg): void => {
    let t = m.get(reason);
    if (!t) m.set(reason, (t = newAgg()));
    t.samples += a.samples;
    t.timed += a.timed;
    t.time += a.time;
    t.min = Math.min(t.min, a.min);
    t.max = Math.max(t.max, a.max);
  };
  let exits = 0;
  for (const g of d.groups.values()) {
    if (o.cpus && !o.cpus.includes(g.cpu)) continue;
    if (!wantCell(g.cell)) continue;
    if (o.event && !inEventClass(o.event, g.reason, g.ec)) continue;
    exits += g.agg.samples;
    add(all, g.reason, g.agg);
    if (!byCpu.has(g.cpu)) byCpu.set(g.cpu, new Map());
    add(byCpu.get(g.cpu)!, g.reason, g.agg);
    if (!byCell.has(g.cell)) byCell.set(g.cell, new Map());
    add(byCell.get(g.cell)!, g.reason, g.agg);
  }
  const total = (m: Map<number, Agg>): number => [...m.values()].reduce((s, a) => s + a.samples, 0);
  const sections: ReportSection[] = [{ scope: 'all', samples: exits, rows: rows(all, sort) }];
  for (const cpu of [...byCpu.keys()].sort((a, b) => a - b)) sections.push({ scope: 'cpu', cpu, samples: total(byCpu.get(cpu)!), rows: rows(byCpu.get(cpu)!, sort) });
  for (const cell of byCell.keys()) sections.push({ scope: 'cell', cell, samples: total(byCell.get(cell)!), rows: rows(byCell.get(cell)!, sort) });
  const unfiltered = !o.cpus && !o.cells;
  const top = <T>(xs: T[], n: number, by: (x: T) => number): T[] => xs.sort((a, b) => by(b) - by(a)).slice(0, n);
  return {
    duration_s: Math.round(d.end - d.start) / 1000,
    exits,
    ring_dropped: d.ringDropped.reduce((s, x) => s + x, 0),
    trace_dropped: d.traceDropped,
    sections,
    // The breakdowns are machine-wide (they are not kept per CPU and cell).
    mmio: unfiltered && (!o.event || o.event === 'mmio')
      ? top([...d.mmio].map(([a, e]) => ({ address: `0x${a.toString(16)}`, handler: handlerName(e.handler), reads: e.reads, writes: e.writes, samples: e.agg.samples, avg_us: us(aggAvg(e.agg)) })), 20, (x) => x.samples)
      : [],
    irqs: unfiltered && (!o.event || o.event === 'irq' || o.event === 'sgi')
      ? top([...d.irqs].map(([intid, a]) => ({ intid, samples: a.samples, avg_us: us(aggAvg(a)) })), 20, (x) => x.samples)
      : [],
    calls: unfiltered && (!o.event || o.event === 'hvc' || o.event === 'psci')
      ? top([...d.calls].map(([k, a]) => {
          const [kind, code] = k.split(':') as [string, string];
          return { call: kind === 'hvc' ? hypercallName(Number(code)) : smcName(Number(code)), samples: a.samples, avg_us: us(aggAvg(a)), max_us: us(a.max) };
        }), 20, (x) => x.samples)
      : [],
    cells: sections.filter((s) => s.scope === 'cell').map((s) => ({ cell: s.cell!, exits: s.samples, time_us: Math.round(s.rows.reduce((t, r) => t + r.total_us, 0)) })),
  };
}

function table(head: string[], body: (string | number)[][]): string {
  const t = borderlessTable(head, head.map(() => 'right'), '  ');
  for (const r of body) t.push(r);
  return tableLines(t).join('\n');
}

const fmtUs = (v: number): string => `${v.toFixed(2)}us`;

function sectionText(s: ReportSection): string {
  const title = s.scope === 'all' ? 'all CPUs, all cells' : s.scope === 'cpu' ? `CPU ${s.cpu}` : `cell ${s.cell}`;
  const body = s.rows.map((r) => [r.reason, r.samples, `${r.samples_pct.toFixed(2)}%`, `${r.time_pct.toFixed(2)}%`, fmtUs(r.min_us), fmtUs(r.max_us), fmtUs(r.avg_us)]);
  return `Analyze events for ${title}:\n\n${table(['VM-EXIT', 'Samples', 'Samples%', 'Time%', 'Min Time', 'Max Time', 'Avg time'], body)}\n\nTotal Samples:${s.samples}\n`;
}

/** The report as text, as `perf kvm stat report` prints it, then the breakdowns. */
export function reportText(r: ProfileReport): string {
  const parts = [`jhsim profile: ${r.exits} exits in ${r.duration_s.toFixed(2)} s (ring drops ${r.ring_dropped}, trace records not kept ${r.trace_dropped})\n`];
  const all = r.sections.find((s) => s.scope === 'all');
  const timed = all ? all.rows.reduce((t, x) => t + x.timed, 0) : 0;
  if (all && timed < all.samples) parts.push(`Handling times from ${timed} of ${all.samples} exits: in floods of exits the recorder times a sample (the first ${RECORDER_TIMING.timedPerTick} of each 5 ms drain interval, then one in ${RECORDER_TIMING.sampleEvery}) and counts every exit; Time% is estimated from the timed ones.\n`);
  for (const s of r.sections) parts.push(sectionText(s));
  if (r.mmio.length) parts.push(`Top MMIO addresses:\n\n${table(['ADDRESS', 'HANDLER', 'READS', 'WRITES', 'Avg time'], r.mmio.map((m) => [m.address, m.handler, m.reads, m.writes, fmtUs(m.avg_us)]))}\n`);
  if (r.irqs.length) parts.push(`Top IRQ exits (first INTID acknowledged):\n\n${table(['INTID', 'Samples', 'Avg time'], r.irqs.map((i) => [i.intid, i.samples, fmtUs(i.avg_us)]))}\n`);
  if (r.calls.length) parts.push(`Hypercalls and SMC calls:\n\n${table(['CALL', 'Samples', 'Avg time', 'Max Time'], r.calls.map((c) => [c.call, c.samples, fmtUs(c.avg_us), fmtUs(c.max_us)]))}\n`);
  return parts.join('\n');
}

/** One CSV line per section row. */
export function reportCsv(r: ProfileReport): string {
  const lines = ['scope,cpu,cell,reason,samples,samples_pct,time_pct,min_us,max_us,avg_us'];
  for (const s of r.sections) for (const x of s.rows) lines.push([s.scope, s.cpu ?? '', s.cell ?? '', x.reason, x.samples, x.samples_pct, x.time_pct, x.min_us, x.max_us, x.avg_us].join(','));
  return `${lines.join('\n')}\n`;
}

