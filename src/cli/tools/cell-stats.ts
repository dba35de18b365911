/**
 * `jailhouse cell stats { ID | [--name] NAME }` (tools/jailhouse-cell-stats): the statistics
 * of a cell read from sysfs, as the real tool's screen (COUNTER, SUM, PER SEC; the first
 * redraw after 1 s, then every 4 s; q quits, c cycles through the CPUs, a shows all CPUs).
 * `--once` prints one sample, `--json` one JSON object, for scripts.
 */
import { strerror } from '../../shared/errno.js';
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

export async function cellStats(ctx: ToolContext, args: string[]): Promise<number> {
  const once = args.includes('--once');
  const json = args.includes('--json');
  const rest = args.filter((a) => a !== '--once' && a !== '--json');
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
  let s = await sampleCellStats(ctx, cell.id, cell.name);
  if (typeof s === 'number') {
    ctx.io.err(`reading stats: ${strerror(s)}\n`);
    return 1;
  }
  if (json) {
    ctx.io.out(`${JSON.stringify(s)}\n`);
    return 0;
  }
  if (once || !ctx.keys) {
    ctx.io.out(renderCellStats(s, 'all', undefined, 0).replace(/\x1b\[\d+m/g, ''));
    return 0;
  }
  return liveView(ctx, cell, s);
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
