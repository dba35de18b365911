/**
 * `jailhouse cell stats { ID | [--name] NAME }` (tools/jailhouse-cell-stats): the statistics
 * of a cell read from sysfs, as the real tool's screen (COUNTER, SUM, PER SEC; the first
 * redraw after 1 s, then every 4 s; q quits, c cycles through the CPUs, a shows all CPUs).
 * `--once` prints the counters with per-second rates over `--interval` ms, `--json` the same as
 * one JSON object with a timestamp, for scripts. Through sysfs each counter read is a hypercall
 * on the reading CPU, so root's own counters grow with the sampling; `--unperturbed` reads them
 * from the hypervisor's memory instead (what a debugger would see), and the output says which.
 */
import { strerror } from '../../shared/errno.js';
import { hvCells } from '../inspect/inspect-cells.js';
import { vmexits } from '../inspect/inspect.js';
import { OTHER_NOTE, otherExits } from '../inspect/exit-counters.js';
import type { ToolContext } from './tool-context.js';
import { CELL_STATS_USAGE, parseSelector } from './jailhouse-cell.js';

const CELLS = '/sys/devices/jailhouse/cells';

export interface CellStatsSample {
  id: number;
  name: string;
  cpus: number[];
  /** Cell-wide sums. */
  counters: Record<string, number>;
  /** Per CPU: counter values. */
  perCpu: Record<string, Record<string, number>>;
}

async function resolveId(ctx: ToolContext, args: string[]): Promise<{ id: number; name: string } | undefined> {
  const p = parseSelector(args);
  if (!p) return undefined;
  const u = ctx.user;
  if (p.sel.id >= 0) {
    const name = await u.readText(`${CELLS}/${p.sel.id}/name`);
    return { id: p.sel.id, name: typeof name === 'number' ? '' : name.trim() };
  }
  const ids = await u.listDir(CELLS);
  if (typeof ids !== 'number') {
    for (const id of ids) {
      const name = await u.readText(`${CELLS}/${id}/name`);
      if (typeof name !== 'number' && name.trim() === p.sel.name) return { id: Number(id), name: p.sel.name };
    }
  }
  return { id: -1, name: p.sel.name };
}

/** One sample of every vmexits_* file of the cell and of each of its CPUs. */
export async function sampleCellStats(ctx: ToolContext, id: number, name: string): Promise<CellStatsSample | number> {
  const u = ctx.user;
  const dir = `${CELLS}/${id}/statistics`;
  const entries = await u.listDir(dir);
  if (typeof entries === 'number') return entries;
  const counterNames = entries.filter((e) => e.startsWith('vmexits_'));
  const cpus = entries.filter((e) => e.startsWith('cpu')).map((e) => Number(e.slice(3))).sort((a, b) => a - b);
  const read = async (path: string): Promise<number | undefined> => {
    const t = await u.readText(path);
    return typeof t === 'number' ? undefined : Number(t.trim());
  };
  const counters: Record<string, number> = {};
  for (const c of counterNames) counters[c] = (await read(`${dir}/${c}`)) ?? 0;
  const perCpu: Record<string, Record<string, number>> = {};
  for (const cpu of cpus) {
    const row: Record<string, number> = {};
    for (const c of counterNames) row[c] = (await read(`${dir}/cpu${cpu}/${c}`)) ?? 0;
    perCpu[`cpu${cpu}`] = row;
  }
  return { id, name, cpus, counters, perCpu };
}

/** The same counters read from hypervisor memory by the supervisor: no hypercall, nothing perturbed. */
export function sampleUnperturbed(ctx: ToolContext, id: number, name: string): CellStatsSample | number {
  const cell = hvCells(ctx.user.m).find((c) => c.id === id);
  if (!cell) return -2;
  const counters: Record<string, number> = {};
  const perCpu: Record<string, Record<string, number>> = {};
  for (const cpu of cell.cpus) {
    const row = vmexits(ctx.user.m, cpu) ?? {};
    perCpu[`cpu${cpu}`] = row;
    for (const [k, v] of Object.entries(row)) counters[k] = (counters[k] ?? 0) + v;
  }
  return { id, name, cpus: cell.cpus, counters, perCpu };
}

/** The counters a view shows: the cell-wide sums, or one CPU's. */
function viewValues(s: CellStatsSample, view: number | 'all'): Record<string, number> {
  return view === 'all' ? s.counters : (s.perCpu[`cpu${view}`] ?? {});
}

/** The real tool's screen as text lines (no curses: the caller clears the terminal). */
export function renderCellStats(s: CellStatsSample, view: number | 'all', prev: Record<string, number> | undefined, elapsedS: number): string {
  const values = viewValues(s, view);
  const names = Object.keys(values);
  const delta = (n: string): number => (prev ? values[n]! - (prev[n] ?? 0) : 0);
  names.sort((a, b) => (prev ? delta(b) - delta(a) : 0) || values[b]! - values[a]! || a.localeCompare(b));
  const lines: string[] = [`Statistics for ${s.name} cell`, ''];
  const head = `COUNTER ${view === 'all' ? '(All CPUs)' : `(CPU ${view})`}`.padEnd(30) + 'SUM'.padStart(10) + 'PER SEC'.padStart(10);
  lines.push(`\x1b[7m${head}\x1b[0m`);
  for (const n of names) {
    const rate = prev && elapsedS > 0 ? String(Math.round(delta(n) / elapsedS)).padStart(10) : ''.padStart(10);
    lines.push(n.padEnd(30) + String(values[n]).padStart(10) + rate);
  }
  lines.push('');
  lines.push('\x1b[7m Q - Quit | C - Toggle CPU | A - All CPUs \x1b[0m');
  return `${lines.join('\n')}\n`;
}

/** Two samples `intervalMs` apart: values, per-second rates, `other`, a timestamp and the source. */
async function sampleWithRates(ctx: ToolContext, cell: { id: number; name: string }, intervalMs: number, unperturbed: boolean) {
  const take = async (): Promise<CellStatsSample | number> => (unperturbed ? sampleUnperturbed(ctx, cell.id, cell.name) : sampleCellStats(ctx, cell.id, cell.name));
  const a = await take();
  if (typeof a === 'number') return a;
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, intervalMs));
  const b = await take();
  if (typeof b === 'number') return b;
  const secs = (performance.now() - t0) / 1000;
  const rates = Object.fromEntries(Object.entries(b.counters).map(([k, v]) => [k, Math.round(((v - (a.counters[k] ?? 0)) / secs) * 10) / 10]));
  return {
    ...b,
    timestamp: new Date().toISOString(),
    source: unperturbed ? 'shared memory (unperturbed)' : 'sysfs (each read is a hypercall on the reading CPU)',
    interval_ms: Math.round(secs * 1000),
    rates,
    other: otherExits(b.counters),
  };
}

export async function cellStats(ctx: ToolContext, args: string[]): Promise<number> {
  const once = args.includes('--once');
  const json = args.includes('--json');
  const unperturbed = args.includes('--unperturbed');
  const iv = args.indexOf('--interval');
  const intervalArg = iv >= 0 ? args[iv + 1] : undefined;
  const intervalMs = intervalArg === undefined ? 1000 : Number(intervalArg);
  if (iv >= 0 && (intervalArg === undefined || !/^\d+$/.test(intervalArg) || intervalMs < 1 || intervalMs > 600_000)) {
    ctx.io.err(`jailhouse cell stats: --interval ${intervalArg ?? ''}: expected milliseconds from 1 to 600000\n`);
    return 1;
  }
  const rest = args.filter((a, i) => a !== '--once' && a !== '--json' && a !== '--unperturbed' && !(iv >= 0 && (i === iv || i === iv + 1)));
  if (rest[0] === '--help' || rest[0] === '-h') {
    ctx.io.out(CELL_STATS_USAGE);
    return 0;
  }
  const p = parseSelector(rest);
  if (!p || rest.length !== p.used) {
    ctx.io.out(CELL_STATS_USAGE);
    return 1;
  }
  const cell = await resolveId(ctx, rest);
  if (!cell) return 1;
  if (json || once || !ctx.keys) {
    const r = await sampleWithRates(ctx, cell, intervalMs, unperturbed);
    if (typeof r === 'number') {
      ctx.io.err(`reading stats: ${strerror(r)}\n`);
      return 1;
    }
    if (json) {
      ctx.io.out(`${JSON.stringify(r)}\n`);
      return 0;
    }
    ctx.io.out(renderOnce(r));
    return 0;
  }
  const s = await sampleCellStats(ctx, cell.id, cell.name);
  if (typeof s === 'number') {
    ctx.io.err(`reading stats: ${strerror(s)}\n`);
    return 1;
  }
  return liveView(ctx, cell, s);
}

/** `--once`: the counters, their rates over the interval and `other`, without the live screen's keys. */
function renderOnce(r: CellStatsSample & { timestamp: string; source: string; interval_ms: number; rates: Record<string, number>; other: number }): string {
  const names = Object.keys(r.counters).sort((a, b) => r.counters[b]! - r.counters[a]! || a.localeCompare(b));
  const lines = [`Statistics for ${r.name} cell`, ''];
  lines.push(`${'COUNTER (All CPUs)'.padEnd(30)}${'SUM'.padStart(10)}${'PER SEC'.padStart(10)}`);
  for (const n of names) lines.push(n.padEnd(30) + String(r.counters[n]).padStart(10) + String(r.rates[n] ?? 0).padStart(10));
  lines.push(`${'(other)'.padEnd(30)}${String(r.other).padStart(10)}`);
  lines.push('', `read from ${r.source} at ${r.timestamp}; rates over ${r.interval_ms} ms`, OTHER_NOTE);
  return `${lines.join('\n')}\n`;
}

/** The refreshing screen: until q (or Ctrl-C). */
async function liveView(ctx: ToolContext, cell: { id: number; name: string }, first: CellStatsSample): Promise<number> {
  let view: number | 'all' = 'all';
  let s = first;
  let prev: Record<string, number> | undefined;
  let t = performance.now();
  let key: string | undefined;
  let wake: (() => void) | undefined;
  const stop = ctx.keys!((k) => {
    key = k;
    wake?.();
  });
  const draw = (elapsed: number): void => ctx.io.out(`\x1b[2J\x1b[H${renderCellStats(s, view, prev, elapsed)}`);
  try {
    draw(0);
    let delay = 1000;
    for (;;) {
      await new Promise<void>((r) => {
        const timer = setTimeout(r, delay);
        wake = () => {
          clearTimeout(timer);
          r();
        };
        ctx.signal?.addEventListener('abort', wake, { once: true });
      });
      wake = undefined;
      if (ctx.signal?.aborted || key === 'q') return 0;
      if (key === 'c' || key === 'a') {
        view = key === 'a' ? 'all' : s.cpus[view === 'all' ? 0 : (s.cpus.indexOf(view) + 1) % s.cpus.length] ?? 'all';
        prev = undefined;
        delay = 1000;
      } else {
        prev = viewValues(s, view);
        delay = 4000;
      }
      key = undefined;
      const next = await sampleCellStats(ctx, cell.id, cell.name);
      if (typeof next === 'number') {
        ctx.io.err(`reading stats: ${strerror(next)}\n`);
        return 1;
      }
      const now = performance.now();
      s = next;
      draw(prev ? (now - t) / 1000 : 0);
      t = now;
    }
  } finally {
    stop();
  }
}
