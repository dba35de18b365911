/**
 * `jhsim fuzz`: seeded fast-check campaigns that feed jhsim everything a user can and check that
 * bad input gets a clear error and changes nothing, and that nothing goes silent or wedges.
 * The seed line (with the exact re-run command) comes first, then a progress line per target,
 * a summary table and every failure with its shrunk case, a reproducer and a replay command.
 *
 * Files (one concept each):
 *   index.ts               the command: options, campaign, report (this file)
 *   help.ts                the --help text (loaded without fast-check)
 *   types.ts               target interface, outcomes, FuzzFailure, the campaign environment
 *   runner.ts              one target as a fast-check run: timeouts, counting, shrinking
 *   invariants.ts          text checks: exception text, errno lines, silence
 *   host.ts                an in-process machine with its shell, snapshots, health checks
 *   quote.ts               shell quoting for reproducers
 *   config-mutation.ts     mutations of binary cell and system configs
 *   target-cell-config.ts  `jailhouse cell create` of mutated .cell files
 *   target-system-config.ts `jailhouse enable` of mutated root configs
 *   target-image.ts        `jailhouse cell load` images and `guest run` image parsing
 *   elf-mutation.ts        mutated ELF headers of the test guest programs
 *   target-guest-code.ts   random instruction words under `guest run`
 *   a64-words.ts           instruction words biased to the A64 encoding classes
 *   target-shell.ts        random shell lines
 *   shell-grammar.ts       the grammar those lines come from
 *   target-tlp.ts          `jhsim tlp decode|encode` inputs
 *   targets.ts             the registry
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Table from 'cli-table3';
import { Errno, ErrnoError } from '../../shared/errno.js';
import { randomSeed } from '../../shared/rng.js';
import type { Io } from '../io.js';
import { boardFrom, firmwareFrom, globalRerunOptions, isolationFrom, parseIntOption, watchdogFrom, type GlobalOptions } from '../machine-options.js';
import { indent } from './invariants.js';
import { runTarget, type FailureReport, type TargetReport } from './runner.js';
import { orderedTargets } from './targets.js';
import { TARGET_NAMES, type FuzzEnv, type TargetName } from './types.js';

export { TARGET_NAMES, type TargetName } from './types.js';
export { FUZZ_HELP } from './help.js';
export type { TargetReport, FailureReport } from './runner.js';

export interface FuzzCliOptions {
  target?: string[];
  runs: string;
  seed?: string;
  path?: string;
  shrinkSeconds: string;
  caseTimeout: string;
  workDir?: string;
  keepGoing?: boolean;
  json?: boolean;
}

export interface FuzzReport {
  seed: number;
  rerun: string;
  workDir: string;
  targets: TargetReport[];
  ok: boolean;
}

export interface CampaignOptions {
  targets: readonly TargetName[];
  /** Cases per target (one number for all, or per target). */
  runs: number | Partial<Record<TargetName, number>>;
  seed: number;
  path?: string;
  shrinkMs: number;
  keepGoing?: boolean;
  env: FuzzEnv;
  /** Progress lines (one per target at its end, and now and then during long ones). */
  onLine?: (line: string) => void;
  progressEveryMs?: number;
}


function plural(n: number, w: string): string {
  return `${n} ${w}${n === 1 ? '' : 's'}`;
}

export function progressLine(r: TargetReport, of?: number): string {
  const notes = Object.entries(r.notes).map(([k, v]) => `${k} ${v}`).join(', ');
  const head = `${r.target}: ${of !== undefined ? `${r.cases}/${of}` : r.cases} cases (${r.refused} refused, ${r.accepted} accepted), ${plural(r.failures.length, 'failure')}`;
  return `${head} in ${(r.durationMs / 1000).toFixed(1)} s (${r.casesPerSecond.toFixed(1)} cases/s)${notes ? ` [${notes}]` : ''}${r.error ? ` — ${r.error}` : ''}`;
}

/** Runs the targets one after the other (each has its own machines). */
export async function runCampaign(o: CampaignOptions): Promise<TargetReport[]> {
  const out: TargetReport[] = [];
  for (const t of orderedTargets(o.targets)) {
    const runs = typeof o.runs === 'number' ? o.runs : (o.runs[t.name] ?? 0);
    if (runs <= 0 && !o.path) continue;
    const r = await runTarget(t, o.env, {
      runs,
      seed: o.seed,
      path: o.path,
      shrinkMs: o.shrinkMs,
      keepGoing: o.keepGoing,
      progressEveryMs: o.progressEveryMs,
      onProgress: (p) => o.onLine?.(`  ${progressLine(p, runs)}`),
    });
    o.onLine?.(progressLine(r));
    out.push(r);
  }
  return out;
}

function parseTargets(list: string[] | undefined): TargetName[] {
  const words = (list ?? ['all']).flatMap((w) => w.split(',')).map((w) => w.trim()).filter(Boolean);
  if (!words.length || words.includes('all')) return [...TARGET_NAMES];
  for (const w of words) {
    if (!(TARGET_NAMES as readonly string[]).includes(w)) throw new ErrnoError(Errno.EINVAL, `--target ${w}: expected all or one of ${TARGET_NAMES.join(', ')}`);
  }
  return [...new Set(words)] as TargetName[];
}

export function fuzzRerun(g: GlobalOptions, targets: readonly TargetName[], o: FuzzCliOptions, seed: number, path?: string): string {
  const parts = ['jhsim', ...globalRerunOptions(g)];
  if (g.cpus !== undefined) parts.push(`--cpus ${g.cpus}`);
  parts.push('fuzz', '--target', targets.length === TARGET_NAMES.length ? 'all' : targets.join(','), '--runs', o.runs, '--seed', String(seed));
  if (o.shrinkSeconds !== '30') parts.push('--shrink-seconds', o.shrinkSeconds);
  if (o.caseTimeout !== '30') parts.push('--case-timeout', o.caseTimeout);
  if (o.keepGoing && path === undefined) parts.push('--keep-going');
  if (path !== undefined) parts.push('--path', path);
  if (o.json) parts.push('--json');
  return parts.join(' ');
}

/** The jhsim prefix of reproducers: the global options the machine depends on. */
function jhsimPrefix(g: GlobalOptions): string {
  return ['jhsim', ...globalRerunOptions(g), ...(g.cpus !== undefined ? [`--cpus ${g.cpus}`] : [])].join(' ');
}

export async function fuzzCli(g: GlobalOptions, o: FuzzCliOptions, io: Io): Promise<number> {
  const targets = parseTargets(o.target);
  const runs = parseIntOption('--runs', o.runs, 1, 100_000_000)!;
  const seed = parseIntOption('--seed', o.seed, 0, 0xffffffff) ?? randomSeed();
  const shrinkMs = parseIntOption('--shrink-seconds', o.shrinkSeconds, 0, 86_400)! * 1000;
  const caseTimeoutMs = parseIntOption('--case-timeout', o.caseTimeout, 1, 86_400)! * 1000;
  if (o.path !== undefined && (o.seed === undefined || targets.length !== 1)) throw new ErrnoError(Errno.EINVAL, '--path replays one case: give it with --seed and one --target');
  if (o.path !== undefined && !/^\d+(:\d+)*$/.test(o.path)) throw new ErrnoError(Errno.EINVAL, `--path ${o.path}: expected a fast-check path such as 12:0:3`);
  const board = boardFrom(g);
  const guestBoard = g.cpus !== undefined ? board : boardFrom({ ...g, cpus: '2' });
  const workDir = o.workDir ?? mkdtempSync(join(tmpdir(), `jhsim-fuzz-${seed}-`));
  const env: FuzzEnv = {
    board, guestBoard, watchdogMs: watchdogFrom(g), caseTimeoutMs, workDir, firmware: firmwareFrom(g),
    isolation: isolationFrom(g), upstreamRaces: !!g.upstreamRaces, jhsim: jhsimPrefix(g),
  };
  const rerun = fuzzRerun(g, targets, o, seed, o.path);
  // The seed first: a campaign that wedges the host process can still be repeated.
  const seedLine = `seed ${seed} (re-run: ${rerun})`;
  const line = (t: string): void => {
    if (o.json) process.stderr.write(`${t}\n`);
    else io.out(`${t}\n`);
  };
  line(seedLine);
  const reports = await runCampaign({ targets, runs, seed, path: o.path, shrinkMs, keepGoing: !!o.keepGoing, env, onLine: line });
  const ok = reports.every((r) => !r.failures.length && !r.error);
  if (ok && o.workDir === undefined) rmSync(workDir, { recursive: true, force: true });
  const report: FuzzReport = { seed, rerun, workDir, targets: reports, ok };
  if (o.json) {
    io.out(`${JSON.stringify(report)}\n`);
    return ok ? 0 : 1;
  }
  io.out(`${formatReport(report, (t, f) => fuzzRerun(g, [t], { ...o, json: false }, f.seed, f.path))}\n`);
  return ok ? 0 : 1;
}

/** The summary table and the failures, each with its case, reproducer and replay command. */
export function formatReport(r: FuzzReport, replay: (t: TargetName, f: FailureReport) => string): string {
  const t = new Table({ style: { head: [], border: [] }, head: ['target', 'cases', 'refused', 'accepted', 'failures', 'seconds', 'cases/s'] });
  for (const x of r.targets) t.push([x.target, x.cases, x.refused, x.accepted, x.failures.length + (x.error ? 1 : 0), (x.durationMs / 1000).toFixed(1), x.casesPerSecond.toFixed(1)]);
  const out = [t.toString()];
  for (const x of r.targets) {
    if (x.error) out.push(`FAILED ${x.target}: ${x.error}`);
    for (const f of x.failures) {
      out.push(`FAILED ${x.target} (${f.invariant}, shrunk ${plural(f.shrinks, 'time')}):`);
      out.push(indent(f.message, '  '));
      out.push(`  case: ${f.case}`);
      out.push(`  reproduce: ${f.reproduce}`);
      out.push(`  replay: ${replay(x.target, f)}`);
    }
  }
  out.push(r.ok ? 'no failure' : `re-run the campaign: ${r.rerun}\ncase files: ${r.workDir}`);
  return out.join('\n');
}
