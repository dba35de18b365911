/**
 * A profile of the guest engine itself on real code, for the bench: realbench under `jhsim guest
 * run` in a child Node process started with `--cpu-prof`, and the CPU profile of the worker
 * that ran it summarised as shares of its time by what the code was doing (translated code,
 * dispatch, translation, memory access, the interpreter, ...). A run of its own: the profiler's
 * sampling slows the code it watches, so the timed runs go without it. Only the span from the
 * first to the last sample in translated code counts (the worker's start-up and the machine's
 * boot are not the engine's).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../paths.js';

export const ENGINE_CATEGORIES = [
  'translated code',
  'dispatch',
  'translation',
  'memory access',
  'interpreter',
  'translator runtime helpers',
  'hypervisor and devices',
  'V8 (compiler, runtime)',
  'garbage collection',
  'idle and waits',
  'other',
] as const;
export type EngineCategory = (typeof ENGINE_CATEGORIES)[number];

export interface EngineProfile {
  /** Milliseconds of the worker's profile counted (first to last sample in translated code). */
  span_ms: number;
  /** Percent of span_ms per category. */
  shares: Record<EngineCategory, number>;
  /** The functions with the most self time: name, file, percent. */
  top: { fn: string; file: string; pct: number }[];
}

/** Functions of jit.ts that translate or interpret (the rest of that file dispatches). */
const JIT_TRANSLATES = new Set(['compile', 'compileQueued', 'fetchPage']);
const JIT_INTERPRETS = new Set(['interpretOne', 'interpretBlock']);
const IDLE_FUNCTIONS = new Set(['(idle)', 'idleWait', 'waitUntil', 'wait', 'sleepMs']);

/** What a function of the profile is doing, from its name and its file under dist/. */
export function classify(fn: string, url: string): EngineCategory {
  if (fn.startsWith('block_')) return 'translated code';
  if (fn === '(garbage collector)') return 'garbage collection';
  if (fn === '(program)') return 'V8 (compiler, runtime)';
  if (IDLE_FUNCTIONS.has(fn)) return 'idle and waits';
  const path = url.replace(/^.*\/dist\//, '');
  if (path === 'actors/cpu/a64/jit.js') return JIT_TRANSLATES.has(fn) ? 'translation' : JIT_INTERPRETS.has(fn) ? 'interpreter' : 'dispatch';
  if (path === 'actors/cpu/guest/engine.js') return 'dispatch';
  if (/^actors\/cpu\/a64\/(jit-build|jit-emit[\w-]*|jit-simd|decode[\w-]*|insn[\w-]*)\.js$/.test(path)) return 'translation';
  if (/^actors\/cpu\/a64\/(jit-mem|mmu[\w-]*|interp-mem)\.js$/.test(path) || path === 'shared/phys-mem.js') return 'memory access';
  if (path === 'actors/cpu/a64/jit-runtime.js') return 'translator runtime helpers';
  if (/^actors\/cpu\/a64\/(interp[\w-]*|state)\.js$/.test(path) || path.startsWith('actors/cpu/a64/simd/')) return 'interpreter';
  if (/^actors\/(hypervisor|gic|pcie)\//.test(path) || path.startsWith('actors/cpu/devices/')) return 'hypervisor and devices';
  return 'other';
}

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string } }[];
  samples: number[];
  timeDeltas: number[];
}

/** Summarises one worker's profile (see the module comment); undefined if it ran no translated code. */
export function summarise(p: CpuProfile, topN = 8): EngineProfile | undefined {
  const byId = new Map(p.nodes.map((n) => [n.id, n.callFrame]));
  const frames = p.samples.map((id) => byId.get(id)!);
  const first = frames.findIndex((f) => f.functionName.startsWith('block_'));
  if (first < 0) return undefined;
  let last = frames.length - 1;
  while (!frames[last]!.functionName.startsWith('block_')) last--;
  const shares = Object.fromEntries(ENGINE_CATEGORIES.map((c) => [c, 0])) as Record<EngineCategory, number>;
  const self = new Map<string, number>();
  let total = 0;
  // timeDeltas[i] is the time from sample i - 1 to sample i: as in Chrome's DevTools, sample i
  // stands for the time until the next one.
  for (let i = first; i <= last; i++) {
    const f = frames[i]!;
    const dt = p.timeDeltas[i + 1] ?? 0;
    shares[classify(f.functionName, f.url)] += dt;
    const file = f.url.replace(/^.*\/dist\//, '');
    const key = `${f.functionName || '(anonymous)'}\u0000${f.functionName.startsWith('block_') ? '' : file}`;
    self.set(key, (self.get(key) ?? 0) + dt);
    total += dt;
  }
  if (total <= 0) return undefined;
  const pct = (x: number): number => Math.round((1000 * x) / total) / 10;
  for (const c of ENGINE_CATEGORIES) shares[c] = pct(shares[c]);
  // Generated blocks are many small functions: together they are one line of the top list.
  let blocks = 0;
  const named: [string, number][] = [];
  for (const [k, v] of self) {
    if (k.startsWith('block_')) blocks += v;
    else named.push([k, v]);
  }
  named.push(['translated blocks (all)\u0000', blocks]);
  const top = named
    .sort((a, b) => b[1] - a[1])
    .slice(0, topN)
    .map(([k, v]) => {
      const [fn, file] = k.split('\u0000');
      return { fn: fn!, file: file!, pct: pct(v) };
    });
  return { span_ms: Math.round(total / 1000), shares, top };
}

/**
 * Runs `jhsim guest run IMAGE` under `node --cpu-prof` and summarises the worker that ran the
 * most translated code. Undefined when the run failed or profiled nothing.
 */
export function profileEngine(image: string, timeoutMs = 300_000): EngineProfile | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'jhsim-engine-prof-'));
  try {
    // The built CLI, as users run it (also when this module runs from the sources under test).
    const main = join(PACKAGE_ROOT, 'dist', 'cli', 'main.js');
    const r = spawnSync(process.execPath, ['--cpu-prof', '--cpu-prof-dir', dir, main, 'guest', 'run', image], { cwd: PACKAGE_ROOT, encoding: 'utf8', timeout: timeoutMs });
    if (r.status !== 0) return undefined;
    let best: EngineProfile | undefined;
    let bestShare = -1;
    for (const f of readdirSync(dir)) {
      const s = summarise(JSON.parse(readFileSync(join(dir, f), 'utf8')) as CpuProfile);
      if (!s) continue;
      const ms = s.span_ms * s.shares['translated code'];
      if (ms > bestShare) {
        bestShare = ms;
        best = s;
      }
    }
    return best;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function formatEngineProfile(p: EngineProfile): string {
  const shares = ENGINE_CATEGORIES.filter((c) => p.shares[c] > 0).map((c) => `${c} ${p.shares[c]}%`).join(', ');
  const top = p.top.map((t) => `${t.fn}${t.file ? ` (${t.file})` : ''} ${t.pct}%`).join(', ');
  return `engine profile (realbench in a run of its own under --cpu-prof, the CPU worker's ${p.span_ms} ms): ${shares}\n  most self time: ${top}\n`;
}
