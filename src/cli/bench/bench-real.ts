/**
 * The bench's real-code workload: test/guest-programs/realbench.c (list search and merge sort,
 * a matrix multiply, a state machine, CRCs and checksums, calls through function pointers,
 * double math and varargs formatting; C at -O2 with standard flags) under `jhsim guest run` on
 * one CPU and, where installed, under qemu-aarch64 as a Linux process, in the same bench run.
 * Each side reports its time per iteration from the guest's own generic-timer counter, so
 * process start, boot and loading are not part of the comparison; jhsim's first output line
 * must equal qemu-aarch64's for the same iteration count (realbench.expected).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BoardSchema, DEFAULT_BOARD } from '../../actors/cpu/board.js';
import { DEFAULT_GUEST_CONFIG, runGuest } from '../commands/guest-run.js';
import { PACKAGE_ROOT, resolveUserPath } from '../paths.js';
import { type EngineProfile, formatEngineProfile, profileEngine } from './bench-engine-profile.js';

export interface RealCodeRow {
  program: string;
  /** Microseconds per iteration under jhsim (guest counter), and its iterations. */
  jhsim_us_per_iter: number;
  jhsim_iterations: number;
  /** Guest instructions per second over the whole jhsim run (one CPU). */
  jhsim_insns_per_s: number;
  /** Translated blocks entered per second over the whole run, and instructions per block entered. */
  jhsim_blocks_per_s: number;
  jhsim_insns_per_block: number;
  /** Where the engine's time goes (a run of its own under --cpu-prof); undefined if that run failed. */
  engine?: EngineProfile;
  /** jhsim's first output line equals qemu-aarch64's for the same iterations. */
  output_matches: boolean;
  /** Undefined without qemu-aarch64. */
  qemu_us_per_iter?: number;
  qemu_iterations?: number;
  /** jhsim time per iteration ÷ qemu-aarch64's (1 = as fast; the issue's target is ≤ 3). */
  ratio?: number;
  /** The same after each side's first quarter of iterations (translated and optimised code). */
  jhsim_steady_us_per_iter: number;
  qemu_steady_us_per_iter?: number;
  steady_ratio?: number;
}

const DIR = join(PACKAGE_ROOT, 'test', 'guest-programs');

/**
 * "realbench: N ticks per iteration at F Hz" and "... after the first W" → µs per iteration over
 * the whole run and after the warm-up, and the iteration count line.
 */
export function parseRealbench(output: string): { usPerIter: number; steadyUsPerIter: number; iterations: number; first: string } | undefined {
  const ticks = /realbench: (\d+) ticks per iteration at (\d+) Hz/.exec(output);
  const steady = /realbench: (\d+) ticks per iteration after the first \d+/.exec(output);
  const iters = /realbench: (\d+) iterations,/.exec(output);
  if (!ticks || !steady || !iters) return undefined;
  const first = output.split('\n').find((l) => l.startsWith('realbench: ') && l.includes(' iterations,')) ?? '';
  const us = (t: string): number => (Number(t) * 1e6) / Number(ticks[2]);
  return { usPerIter: us(ticks[1]!), steadyUsPerIter: us(steady[1]!), iterations: Number(iters[1]), first };
}

export async function measureRealCode(): Promise<RealCodeRow> {
  const r = await runGuest({
    board: BoardSchema.parse({ ...DEFAULT_BOARD, cpus: 2 }),
    image: new Uint8Array(readFileSync(join(DIR, 'realbench.elf'))),
    name: 'realbench.elf',
    configFile: resolveUserPath(DEFAULT_GUEST_CONFIG),
    maxInstructions: 0,
    allCpus: false,
    timeoutMs: 300_000,
  });
  const j = parseRealbench(r.output);
  if (!j) throw new Error(`realbench under jhsim printed no timing: ${JSON.stringify(r.output.slice(0, 300))}`);
  const expected = readFileSync(join(DIR, 'realbench.expected'), 'utf8').trim();
  const row: RealCodeRow = {
    program: 'realbench (C, -O2, standard flags)',
    jhsim_us_per_iter: round(j.usPerIter),
    jhsim_iterations: j.iterations,
    jhsim_insns_per_s: Math.round(r.cpus[0]!.instructions / (r.durationMs / 1000)),
    jhsim_blocks_per_s: Math.round(r.cpus[0]!.blocks / (r.durationMs / 1000)),
    jhsim_insns_per_block: round(r.cpus[0]!.instructions / Math.max(1, r.cpus[0]!.blocks)),
    output_matches: j.first === expected,
    jhsim_steady_us_per_iter: round(j.steadyUsPerIter),
  };
  const engine = profileEngine(join(DIR, 'realbench.elf'));
  if (engine) row.engine = engine;
  if (spawnSync('qemu-aarch64', ['--version'], { stdio: 'ignore' }).status !== 0) return row;
  const q = spawnSync('qemu-aarch64', [join(DIR, 'realbench.linux.elf')], { encoding: 'utf8', timeout: 120_000 });
  const qj = q.status === 0 ? parseRealbench(q.stdout) : undefined;
  if (!qj) throw new Error(`realbench under qemu-aarch64 failed (status ${q.status}): ${q.stderr.slice(0, 300)}`);
  row.qemu_us_per_iter = round(qj.usPerIter);
  row.qemu_iterations = qj.iterations;
  row.ratio = round(j.usPerIter / qj.usPerIter);
  row.qemu_steady_us_per_iter = round(qj.steadyUsPerIter);
  row.steady_ratio = round(j.steadyUsPerIter / qj.steadyUsPerIter);
  return row;
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}

export function formatRealCode(r: RealCodeRow): string {
  const q = r.qemu_us_per_iter === undefined
    ? 'qemu-aarch64 not installed: no comparison'
    : `qemu-aarch64 ${r.qemu_us_per_iter} µs per iteration (${r.qemu_iterations} iterations), ${r.qemu_steady_us_per_iter} after the first quarter; ` +
      `jhsim ÷ qemu ${r.ratio} over the whole runs, ${r.steady_ratio} after the warm-up (target ≤ 3: ${r.steady_ratio! <= 3 ? 'met' : 'MISSED'})`;
  return `real code, ${r.program}: jhsim ${r.jhsim_us_per_iter} µs per iteration (${r.jhsim_iterations} iterations, ${(r.jhsim_insns_per_s / 1e6).toFixed(1)} M insns/s, ` +
    `${(r.jhsim_blocks_per_s / 1e6).toFixed(2)} M translated blocks entered/s, ${r.jhsim_insns_per_block} instructions per block entered), ` +
    `${r.jhsim_steady_us_per_iter} after the first quarter, output ${r.output_matches ? 'matches' : 'DIFFERS from'} qemu-aarch64's; ${q}\n` +
    (r.engine ? formatEngineProfile(r.engine) : 'engine profile: the run under --cpu-prof failed\n');
}
