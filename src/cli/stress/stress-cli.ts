/**
 * `jhsim stress`: options, the seed line first, a progress bar on a terminal, then the report
 * (or one JSON object). Exit status 1 on any violation or hang.
 */
import { checkProfileTarget, saveProfile } from '../profile/profile-output.js';
import { progressBar } from '../progress.js';
import Table from 'cli-table3';
import { Errno, ErrnoError } from '../../shared/errno.js';
import { randomSeed } from '../../shared/rng.js';
import { boardFrom, firmwareFrom, globalRerunOptions, isolationFrom, parseIntOption, watchdogFrom, type GlobalOptions } from '../machine-options.js';
import { resolveUserPath } from '../paths.js';
import { stress, type StressResult } from './stress.js';
import { campaign } from './stress-campaign.js';

export interface StressCliOptions {
  callers: string;
  iterations: string;
  seed?: string;
  hotplug?: boolean;
  cells?: boolean;
  failCpuRate: string;
  delayPpm: string;
  config: string;
  json?: boolean;
  failFast?: boolean;
  runs: string;
  parallel: string;
}

export function rerunCommand(g: GlobalOptions, o: StressCliOptions, cpus: number, seed: number): string {
  const parts = ['jhsim stress', `--cpus ${cpus}`, `--callers ${o.callers}`, `--iterations ${o.iterations}`, `--seed ${seed}`];
  if (o.hotplug) parts.push('--hotplug');
  if (o.cells) parts.push('--cells');
  if (Number(o.failCpuRate) > 0) parts.push(`--fail-cpu-rate ${o.failCpuRate}`);
  if (o.delayPpm !== '20000') parts.push(`--delay-ppm ${o.delayPpm}`);
  if (o.config !== 'configs/qemu-arm64.json') parts.push(`--config ${o.config}`);
  if (o.failFast) parts.push('--fail-fast');
  parts.splice(1, 0, ...globalRerunOptions(g));
  return parts.join(' ');
}

export async function runStress(g: GlobalOptions, o: StressCliOptions): Promise<number> {
  const board = boardFrom(g);
  const callers = parseIntOption('--callers', o.callers, 1, 63)!;
  const iterations = parseIntOption('--iterations', o.iterations, 1, 10_000_000)!;
  const seed = parseIntOption('--seed', o.seed, 0, 0xffffffff) ?? randomSeed();
  const delayPpm = parseIntOption('--delay-ppm', o.delayPpm, 0, 1_000_000)!;
  const rate = Number(o.failCpuRate);
  if (!Number.isFinite(rate) || rate < 0 || rate > 1) throw new ErrnoError(Errno.EINVAL, `--fail-cpu-rate ${o.failCpuRate}: expected a probability from 0 to 1`);
  const watchdogMs = watchdogFrom(g);

  const runs = parseIntOption('--runs', o.runs, 1, 100_000)!;
  const parallel = parseIntOption('--parallel', o.parallel, 1, 64)!;
  if (g.profile !== undefined) {
    if (runs > 1) throw new ErrnoError(Errno.EINVAL, `--profile ${g.profile}: records one run; drop --runs ${runs} (re-run the seed you want to look at)`);
    checkProfileTarget(g.profile);
  }
  if (runs > 1) return runCampaign(g, o, { board, callers, iterations, seed, delayPpm, rate, watchdogMs, runs, parallel });
  const rerun = rerunCommand(g, o, board.cpus, seed);
  // The seed comes first, so a run that hangs or crashes can still be repeated.
  const seedLine = `seed ${seed} (re-run: ${rerun})`;
  if (o.json) process.stderr.write(`${seedLine}\n`);
  else process.stdout.write(`${seedLine}\n`);

  const bar = progressBar('stress', iterations, { quiet: o.json, format: 'stress [{bar}] {value}/{total} ops | {eta_formatted} left' });
  let res: StressResult;
  try {
    res = await stress({
      board,
      firmware: firmwareFrom(g),
      callers,
      iterations,
      seed,
      hotplug: !!o.hotplug,
      cells: !!o.cells,
      failCpuRate: rate,
      delayPpm,
      configFile: resolveUserPath(o.config),
      watchdogMs,
      isolation: isolationFrom(g),
      upstreamRaces: !!g.upstreamRaces,
      onProgress: (n) => bar?.update(n),
      profile: g.profile !== undefined,
      failFast: !!o.failFast,
    });
  } finally {
    bar?.stop();
  }
  if (res.profile && g.profile !== undefined) {
    saveProfile(res.profile, g.profile, (l) => process.stderr.write(l));
  }
  delete res.profile;
  const failed = res.violations.length > 0 || res.hangs.length > 0;
  if (o.json) {
    process.stdout.write(`${JSON.stringify({ ...res, rerun, ok: !failed })}\n`);
    return failed ? 1 : 0;
  }
  const t = new Table({ style: { head: [], border: [] }, head: ['operation', 'result', 'count'] });
  for (const [op, outcomes] of Object.entries(res.results)) for (const [r, n] of Object.entries(outcomes)) t.push([op, r, n]);
  const out: string[] = [];
  out.push(`${res.operations} operations by ${res.callers} callers on ${res.cpus} CPUs in ${(res.durationMs / 1000).toFixed(1)} s (${Math.round((res.operations * 1000) / Math.max(1, res.durationMs))} ops/s), ${res.checks} invariant checks, ${res.injections} injected cpu_init failures`);
  out.push(t.toString());
  out.push(`violations: ${res.violations.length}`);
  for (const v of res.violations.slice(0, 20)) out.push(`  ${v}`);
  out.push(`hangs: ${res.hangs.length}`);
  for (const h of res.hangs) out.push(`  ${h.cpu >= 0 ? `CPU ${h.cpu}` : 'harness'}: ${h.what} (${h.ms} ms)`);
  if (failed) out.push(`FAILED — re-run with: ${rerun}`);
  else out.push('no violation, no hang');
  process.stdout.write(`${out.join('\n')}\n`);
  return failed ? 1 : 0;
}

interface Parsed {
  board: ReturnType<typeof boardFrom>;
  callers: number;
  iterations: number;
  seed: number;
  delayPpm: number;
  rate: number;
  watchdogMs: number;
  runs: number;
  parallel: number;
}

/** --runs R: seeds seed..seed+R-1 as a campaign of pooled runs. */
async function runCampaign(g: GlobalOptions, o: StressCliOptions, p: Parsed): Promise<number> {
  const seeds = Array.from({ length: p.runs }, (_, i) => (p.seed + i) >>> 0);
  const first = `seeds ${seeds[0]}..${seeds[seeds.length - 1]} in ${p.runs} runs, ${p.parallel} at a time (re-run one: ${rerunCommand(g, o, p.board.cpus, seeds[0]!)}, with its seed)`;
  if (o.json) process.stderr.write(`${first}\n`);
  else process.stdout.write(`${first}\n`);
  const bar = progressBar('campaign', p.runs * p.iterations, { quiet: o.json, format: 'campaign [{bar}] {value}/{total} ops' });
  const perSeed = new Map<number, number>();
  let res;
  try {
    res = await campaign(
      {
        board: p.board,
        firmware: firmwareFrom(g),
        callers: p.callers,
        iterations: p.iterations,
        hotplug: !!o.hotplug,
        cells: !!o.cells,
        failCpuRate: p.rate,
        delayPpm: p.delayPpm,
        configFile: resolveUserPath(o.config),
        watchdogMs: p.watchdogMs,
        isolation: isolationFrom(g),
        upstreamRaces: !!g.upstreamRaces,
        failFast: !!o.failFast,
      },
      seeds,
      p.parallel,
      (seed, n) => {
        perSeed.set(seed, n);
        bar?.update([...perSeed.values()].reduce((a, b) => a + b, 0));
      },
    );
  } finally {
    bar?.stop();
  }
  const failed = res.violations.length > 0 || res.hangs.length > 0;
  if (o.json) {
    process.stdout.write(`${JSON.stringify({ seed: seeds[0], seeds, operations: res.operations, violations: res.violations, hangs: res.hangs, results: res.results, runs: res.runs, ok: !failed })}\n`);
    return failed ? 1 : 0;
  }
  const t = new Table({ style: { head: [], border: [] }, head: ['seed', 'operations', 'enables ok', 'violations', 'hangs', 'seconds'] });
  for (const r of res.runs) t.push([r.seed, r.operations, r.results.enable?.ok ?? 0, r.violations.length, r.hangs.length, (r.durationMs / 1000).toFixed(1)]);
  const out = [t.toString(), `${res.operations} operations in ${p.runs} runs; violations: ${res.violations.length}; hangs: ${res.hangs.length}`];
  for (const v of res.violations.slice(0, 20)) out.push(`  ${v}`);
  for (const h of res.hangs) out.push(`  seed ${h.seed}: ${h.cpu >= 0 ? `CPU ${h.cpu}` : 'harness'}: ${h.what}`);
  const bad = [...new Set([...res.runs.filter((r) => r.violations.length || r.hangs.length).map((r) => r.seed)])];
  for (const s of bad) out.push(`FAILED seed ${s} — re-run with: ${rerunCommand(g, o, p.board.cpus, s)}`);
  if (!failed) out.push('no violation, no hang');
  process.stdout.write(`${out.join('\n')}\n`);
  return failed ? 1 : 0;
}
