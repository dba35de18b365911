/**
 * `jhsim stress --schedule exhaustive` as a user runs it: a small scenario (2 CPUs, 2 callers,
 * 4 operations) searched to exhaustion under a delay bound and a preemption bound, the same
 * search twice giving the same schedules and outcomes, an unfinished search saying so, a
 * failing schedule of a mutant build written as a bundle that `jhsim replay` reproduces, and bad
 * option combinations refused before anything boots.
 */
import './dist-fresh.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, jhsim } from './cli-process.js';
import { MUTANTS } from './mutants/catalogue.js';
import { buildTree } from './mutants/tree.js';
import { Errno } from '../src/shared/errno.js';

const TMP = mkdtempSync(join(tmpdir(), 'jhsim-explore-'));
afterAll(() => rmSync(TMP, { recursive: true, force: true }));

const SMALL = ['--cpus', '2', 'stress', '--callers', '2', '--iterations', '4', '--seed', '1', '--schedule', 'exhaustive'];

interface Explored {
  schedules: number;
  exhausted: boolean;
  stoppedBy?: string;
  choicePoints: [number, number];
  outcomes: number;
  operations: number;
  open: number;
  durationMs: number;
  verdict: string;
  boundKind: string;
  rerun: string;
  ok: boolean;
}

describe('exhaustive exploration', () => {
  it('exhausts a small scenario under a delay bound, the same way every time', async () => {
    const a = await jhsim([...SMALL, '--delay-bound', '1', '--json'], { timeoutMs: 120_000 });
    expect(a.code).toBe(0);
    expect(a.stderr).toMatch(/^seed 1 \(re-run: jhsim stress --cpus 2 --callers 2 --iterations 4 --seed 1 --schedule exhaustive --delay-bound 1\)/);
    const j = JSON.parse(a.stdout) as Explored;
    expect(j.exhausted).toBe(true);
    expect(j.boundKind).toBe('delays');
    expect(j.verdict).toBe('the state space is exhausted: every schedule with at most 1 delay ran');
    // Each choice point adds one schedule per agent it may pass over, so there are more
    // schedules than choice points in one run, and different schedules end differently.
    expect(j.schedules).toBeGreaterThan(j.choicePoints[0]);
    expect(j.outcomes).toBeGreaterThan(1);
    expect(j.operations).toBe(4 * j.schedules);
    // Deterministic: the same search runs the same schedules to the same outcomes.
    const b = JSON.parse((await jhsim([...SMALL, '--delay-bound', '1', '--json'], { timeoutMs: 120_000 })).stdout) as Explored;
    expect({ ...b, durationMs: 0 }).toEqual({ ...j, durationMs: 0 });
  }, 300_000);

  it('a preemption bound of 0 explores every way of going on after a block; a limit stops the search unfinished', async () => {
    const r = await jhsim([...SMALL, '--preemption-bound', '0'], { timeoutMs: 120_000 });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/exhaustive search, preemption bound 0: (\d+) schedules in [\d.]+ s \([\d.]+ schedules\/s\), \d+ operations/);
    expect(r.stdout).toContain('the state space is exhausted: every schedule with at most 0 preemptions ran');
    const n = Number(/preemption bound 0: (\d+) schedules/.exec(r.stdout)![1]);
    expect(n).toBeGreaterThan(1);
    const cut = JSON.parse((await jhsim([...SMALL, '--preemption-bound', '2', '--max-schedules', '5', '--json'], { timeoutMs: 120_000 })).stdout) as Explored;
    expect(cut.schedules).toBe(5);
    expect(cut.exhausted).toBe(false);
    expect(cut.stoppedBy).toBe('max-schedules');
    expect(cut.open).toBeGreaterThan(0);
    expect(cut.verdict).toMatch(/^NOT exhausted: --max-schedules 5 reached with \d+ choice points? of the current path still open$/);
    expect(cut.rerun).toContain('--max-schedules 5');
  }, 300_000);

  it('stops at a mutant build\'s failing schedule; its bundle replays the failure', async () => {
    const tree = buildTree(ROOT, TMP, MUTANTS.find((m) => m.id === 'drv-enable-unlock-after-check')!);
    const bundle = join(TMP, 'bundle');
    const r = await jhsim([...SMALL, '--delay-bound', '2', '--bundle', bundle], { cli: tree.cli, timeoutMs: 200_000 });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/schedule \d+ failed; the search stopped there/);
    expect(r.stdout).toContain(`replay it with: jhsim replay ${join(bundle, 'schedule.json')}`);
    const rp = await jhsim(['replay', join(bundle, 'schedule.json')], { cli: tree.cli, timeoutMs: 120_000 });
    expect(rp.stdout).toContain('replayed: the recorded failure again');
  }, 300_000);

  it('a run on CPU threads kept from an earlier run is the run a fresh process gives', async () => {
    // A campaign's pool threads boot each run on the previous run's CPU threads.
    const args = ['--cpus', '4', 'stress', '--callers', '2', '--iterations', '40', '--schedule', 'pct', '--json'];
    const camp = JSON.parse((await jhsim([...args, '--seed', '1', '--runs', '4'], { timeoutMs: 120_000 })).stdout) as { runs: { seed: number; ops: unknown[]; controlled: { steps: number; preemptions: number } }[] };
    const one = JSON.parse((await jhsim([...args, '--seed', '4'], { timeoutMs: 120_000 })).stdout) as { ops: unknown[]; controlled: { steps: number; preemptions: number } };
    const r = camp.runs.find((x) => x.seed === 4)!;
    expect(r.ops).toEqual(one.ops);
    expect([r.controlled.steps, r.controlled.preemptions]).toEqual([one.controlled.steps, one.controlled.preemptions]);
  }, 200_000);

  it('refuses bad combinations with EINVAL before it boots anything', async () => {
    const cases: [string[], RegExp][] = [
      [['stress', '--delay-bound', '1'], /--delay-bound 1: only --schedule exhaustive has a delay bound/],
      [['stress', '--schedule', 'pct', '--max-schedules', '9'], /--max-schedules 9: only --schedule exhaustive runs a number of schedules/],
      [[...SMALL, '--runs', '2'], /--runs 2: --schedule exhaustive is one search, not a campaign of seeds/],
      [[...SMALL, '--delay-bound', '1', '--preemption-bound', '3'], /the search bounds one of them; give one/],
      [[...SMALL, '--delay-bound', 'x'], /--delay-bound x/],
      [['--cpus', '31', 'stress', '--schedule', 'exhaustive'], /--schedule exhaustive: 31 CPUs; the search handles at most 30/],
      [['run', '--schedule', 'exhaustive', '-c', 'cpus'], /exhaustive/],
    ];
    for (const [args, msg] of cases) {
      const r = await jhsim(args, { timeoutMs: 30_000 });
      expect(r.code, args.join(' ')).not.toBe(0);
      expect(r.stderr, args.join(' ')).toMatch(msg);
      if (!args.includes('run')) expect(r.stderr).toContain(`(EINVAL ${Errno.EINVAL})`);
    }
  }, 120_000);
});
