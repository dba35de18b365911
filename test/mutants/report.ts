/**
 * The mutation report: baseline rows first, then one row per mutant and mode (cli-table3), and
 * a summary per mode; or all of it as one JSON object.
 */
import Table from 'cli-table3';
import type { Budget, Result } from './campaign.js';
import type { Minimized, Replays } from './replay.js';

export interface Report {
  budget: Budget;
  modes: { name: string; args: readonly string[]; unsupported?: string }[];
  baseline: Result[];
  results: Result[];
  /** The catalogue's notes on why a mutant may survive, by id. */
  notes: Record<string, string>;
}

/** Per mode: mutants caught out of those run (unsupported and errors left out). */
export function summary(r: Report): { mode: string; caught: number; ran: number; survivors: string[] }[] {
  return r.modes.map((m) => {
    const rows = r.results.filter((x) => x.mode === m.name && (x.verdict === 'caught' || x.verdict === 'survived'));
    return { mode: m.name, caught: rows.filter((x) => x.verdict === 'caught').length, ran: rows.length, survivors: rows.filter((x) => x.verdict === 'survived').map((x) => x.mutant) };
  });
}

function throughput(row: Result, base: Result | undefined): string {
  if (!row.opsPerSec) return '-';
  if (!base?.opsPerSec || row === base) return String(row.opsPerSec);
  return `${row.opsPerSec} (${((row.opsPerSec / base.opsPerSec) * 100).toFixed(0)}%)`;
}

/** failed/tried, and how: s a schedule file replayed, r the command re-run. */
function replays(r: Replays | undefined): string {
  return r ? `${r.failed}/${r.tried} ${r.via === 'schedule' ? 's' : 'r'}` : '-';
}

/** Preemptions before → after, and the minimised schedule's replays. */
function minimised(z: Minimized | undefined): string {
  if (!z) return '-';
  if (!z.file) return 'failed';
  return `${z.preemptionsBefore}→${z.preemptionsAfter} pre, ${replays(z.replays)}`;
}

/** Results in catalogue order (the order they ran in), modes in command-line order. */
function sorted(r: Report): Result[] {
  const ids = [...new Set(r.results.map((x) => x.mutant))];
  const modes = r.modes.map((m) => m.name);
  return [...r.results].sort((a, b) => ids.indexOf(a.mutant) - ids.indexOf(b.mutant) || modes.indexOf(a.mode) - modes.indexOf(b.mode));
}

export function renderTable(r: Report): string {
  const t = new Table({
    head: ['mutant', 'mode', 'profile', 'verdict', 'how', 'runs', 'ops to 1st', 's to 1st', 'points / preempt', 'replays', 'minimised', 'ops/s', 'first failure'],
    colWidths: [33, 10, 15, 10, 11, 6, 8, 7, 10, 9, 13, 12, 40],
    wordWrap: true,
    style: { head: [], border: [] },
  });
  const base = (row: Result): Result | undefined => r.baseline.find((b) => b.mode === row.mode && b.profile === row.profile);
  for (const row of [...r.baseline, ...sorted(r)]) {
    const failed = row.verdict === 'caught' || row.verdict === 'NOISY';
    t.push([
      row.mutant,
      row.mode,
      row.profile,
      row.verdict,
      row.how ?? '-',
      row.runs,
      failed ? row.ops : `(${row.ops})`,
      failed ? row.seconds.toFixed(1) : `(${row.seconds.toFixed(0)})`,
      row.schedule ? `${row.schedule.steps} / ${row.schedule.preemptions}` : '-',
      replays(row.replays),
      minimised(row.minimized),
      row.verdict === 'caught' ? '-' : throughput(row, base(row)),
      row.message ?? '',
    ]);
  }
  const lines = [t.toString()];
  lines.push(
    'ops/s: operations per second of run time, against the baseline of the same profile and mode (of a search that found nothing: a mutant that only slows the machine down shows here);',
    '(n): the whole search, nothing failed; s to 1st: wall-clock seconds including each run\'s start-up; points / preempt: a controlled failing run\'s schedule points and preemptions;',
    'replays: failures again out of tries; s: the failing schedule replayed with jhsim replay (must be all), r: the failing command re-run (real threads);',
    'minimised: jhsim replay --minimize (preemptions before→after) and replays of the minimised schedule.',
  );
  for (const row of r.results) {
    if (row.replays?.firstDifference) lines.push(`NOT REPRODUCED ${row.mutant} [${row.mode}]: ${row.replays.different} of ${row.replays.tried} replays of ${row.bundle}/schedule.json differed: ${row.replays.firstDifference}`);
    if (row.minimized?.message) lines.push(`minimisation of ${row.mutant} [${row.mode}]: ${row.minimized.message}`);
    const retries = (row.startupRetries ?? 0) + (row.replays?.startupRetries ?? 0) + (row.minimized?.replays?.startupRetries ?? 0);
    if (retries) lines.push(`${row.mutant} [${row.mode}]: ${retries} run${retries > 1 ? 's' : ''} started again: the CPU workers did not join within the watchdog (a loaded host)`);
    const z = row.minimized?.replays;
    if (z?.firstDifference) lines.push(`NOT REPRODUCED ${row.mutant} [${row.mode}]: ${z.different} of ${z.tried} replays of ${row.minimized!.file} differed: ${z.firstDifference}`);
  }
  for (const m of r.modes) if (m.unsupported) lines.push(`mode ${m.name} (${m.args.join(' ')}): unsupported by this jhsim: ${m.unsupported}`);
  for (const s of summary(r)) {
    if (!s.ran) continue;
    lines.push(`mode ${s.mode}: caught ${s.caught} of ${s.ran} mutants${s.survivors.length ? `; survived: ${s.survivors.join(', ')}` : ''}`);
  }
  const survivors = [...new Set(r.results.filter((x) => x.verdict === 'survived').map((x) => x.mutant))];
  for (const id of survivors) if (r.notes[id]) lines.push(`  ${id}: ${r.notes[id]}`);
  const noisy = r.baseline.filter((b) => b.verdict === 'NOISY');
  for (const b of noisy) lines.push(`BASELINE NOT CLEAN (${b.profile}, mode ${b.mode}): the unmutated build failed (${b.message}); re-run: ${b.command}. Mutant results for it are noise and were skipped.`);
  return lines.join('\n');
}

export function renderJson(r: Report): string {
  return JSON.stringify({ ...r, summary: summary(r), ok: r.baseline.every((b) => b.verdict === 'clean') });
}
