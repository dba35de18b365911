/**
 * Controlled mode from the command line, as a user drives it: the same controlled stress run
 * twice prints byte-identical JSON (plain, hotplug, cells); a deliberately broken build (one
 * mutant of test/mutants) fails, writes a failure bundle, and `jhsim replay` reproduces the
 * failure 10 times out of 10, as does the minimised schedule; the upstream cell-create race is
 * found and replayed; an all-blocked deadlock is reported at once with its wait graph; a replay
 * refuses a changed config and a malformed file.
 */
import './dist-fresh.js';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, jhsim, type Result } from './cli-process.js';
import { MUTANTS } from './mutants/catalogue.js';
import { buildTree } from './mutants/tree.js';
import { Errno } from '../src/shared/errno.js';

const TMP = mkdtempSync(join(tmpdir(), 'jhsim-controlled-'));
afterAll(() => rmSync(TMP, { recursive: true, force: true }));

/** The CLI of a mutant tree (its own dist/). */
const mutantCli = (cli: string, args: string[]): Promise<Result> => jhsim(args, { cli });

/** `n` replays, two at a time (CI has two cores): how many reproduced the recorded failure. */
async function replays(cli: string, file: string, n: number): Promise<number> {
  let ok = 0;
  for (let i = 0; i < n; i += 2) {
    const rs = await Promise.all([0, 1].filter((k) => i + k < n).map(() => mutantCli(cli, ['replay', file])));
    for (const r of rs) if (r.code === 1 && r.stdout.includes('replayed: the recorded failure again')) ok++;
  }
  return ok;
}

describe('controlled mode', () => {
  it('gives byte-identical JSON for the same seed and options (plain, hotplug, cells)', async () => {
    for (const extra of [['--schedule', 'pct'], ['--schedule', 'random', '--hotplug'], ['--schedule', 'pct', '--cells']]) {
      const args = ['--cpus', '4', 'stress', '--callers', '3', '--iterations', '60', '--seed', '5', '--json', '--no-bundle', ...extra];
      const [a, b] = [await jhsim(args), await jhsim(args)];
      expect(a.stderr).toMatch(/^seed 5 \(re-run: jhsim stress .*--schedule/);
      expect(a.code).toBe(0);
      expect(b.stdout).toBe(a.stdout);
      const j = JSON.parse(a.stdout) as { operations: number; ops: unknown[]; controlled: { steps: number }; durationMs?: number };
      expect(j.operations).toBe(60);
      expect(j.ops).toHaveLength(60);
      expect(j.controlled.steps).toBeGreaterThan(100);
      expect(j.durationMs).toBeUndefined();
    }
  }, 200_000);

  it('a mutant build fails, its bundle replays the failure 10/10, and so does its minimised schedule', async () => {
    const mutant = MUTANTS.find((m) => m.id === 'hv-resume-wakes-before-state')!;
    const tree = buildTree(ROOT, TMP, mutant);
    const bundle = join(TMP, 'bundle');
    const r = await mutantCli(tree.cli, ['--cpus', '4', 'stress', '--callers', '3', '--iterations', '200', '--seed', '1', '--cells', '--hotplug', '--schedule', 'pct', '--bundle', bundle, '--json']);
    expect(r.code).toBe(1);
    const j = JSON.parse(r.stdout) as { violations: string[]; bundle: string; replay: string; operations: number };
    expect(j.violations[0]).toMatch(/is suspended under the hypervisor|online but suspended|offline but/);
    expect(j.bundle).toBe(bundle);
    for (const f of ['schedule.json', 'operations.json', 'report.txt', 'trace.txt', 'hv-console.txt', 'dmesg.txt', 'cpus.txt', 'REPLAY']) expect(existsSync(join(bundle, f)), f).toBe(true);
    expect(readFileSync(join(bundle, 'REPLAY'), 'utf8').trim()).toBe(`jhsim replay ${join(bundle, 'schedule.json')}`);
    expect(readFileSync(join(bundle, 'cpus.txt'), 'utf8')).toMatch(/^CPU\s+MPIDR\s+STATE/);
    const schedule = JSON.parse(readFileSync(join(bundle, 'schedule.json'), 'utf8')) as { format: string; command: string; decisions: string };
    expect(schedule.format).toBe('jhsim-schedule');
    expect(schedule.command).toContain('--schedule pct');

    expect(await replays(tree.cli, join(bundle, 'schedule.json'), 10)).toBe(10);

    const min = await mutantCli(tree.cli, ['replay', join(bundle, 'schedule.json'), '--minimize', '--budget', '12']);
    expect(min.stderr).toBe('');
    expect(min.code).toBe(0);
    expect(min.stdout).toMatch(/minimised in \d+ runs: CPUs \d+ → \d+, callers \d+ → \d+, operations \d+ → \d+, preemptions (\d+) → (\d+)/);
    const [, before, after] = /preemptions (\d+) → (\d+)/.exec(min.stdout)!;
    expect(Number(after)).toBeLessThanOrEqual(Number(before));
    expect(await replays(tree.cli, join(bundle, 'schedule.min.json'), 10)).toBe(10);
  }, 400_000);

  it('finds the upstream cell-create race (--upstream-races) and replays it with a trace', async () => {
    const bundle = join(TMP, 'race');
    const r = await jhsim(['--cpus', '4', '--upstream-races', 'stress', '--callers', '3', '--iterations', '300', '--seed', '4', '--cells', '--hotplug', '--schedule', 'random', '--bundle', bundle]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/CPU \d is online in root-cell Linux but belongs to cell \d/);
    expect(r.stdout).toContain(`replay it with: jhsim replay ${join(bundle, 'schedule.json')}`);
    const rp = await jhsim(['replay', join(bundle, 'schedule.json'), '--trace', '20']);
    expect(rp.code).toBe(1);
    expect(rp.stdout).toMatch(/replayed: the recorded failure again: CPU \d is online in root-cell Linux but belongs to cell \d/);
    const trace = rp.stdout.split('\n').filter((l) => l.startsWith('point '));
    expect(trace).toHaveLength(20);
    expect(trace.join('\n')).toMatch(/CPU \d\s+(lock|unlock|signal|wait|block|kick|trap)/);
  }, 200_000);

  it('reports an all-blocked deadlock at once, with the wait graph, long before any watchdog', async () => {
    const tree = buildTree(ROOT, TMP, MUTANTS.find((m) => m.id === 'drv-enable-unlock-after-check')!);
    const t0 = performance.now();
    const r = await mutantCli(tree.cli, ['--cpus', '4', '--watchdog', '600000', 'stress', '--callers', '3', '--iterations', '200', '--seed', '1', '--schedule', 'pct', '--no-bundle', '--json']);
    const wall = performance.now() - t0;
    expect(r.code).toBe(1);
    const j = JSON.parse(r.stdout) as { hangs: { what: string }[] };
    const what = j.hangs.map((h) => h.what).join('\n');
    expect(what).toMatch(/^deadlock at schedule point \d+ \(virtual [\d.]+ ms\): every agent waits and none has a deadline/m);
    expect(what).toMatch(/CPU 0: (waits in "|stopped)/);
    expect(what).toMatch(/user space \(the callers\): waits in "user space: \d+ waits" on cpus\[\d+\] \(CPU \d TASK_STATUS\)/);
    // The watchdog is 600 s: the whole run (boot included) ending within a minute shows it played no part.
    expect(wall).toBeLessThan(60_000);
  }, 100_000);

  it('two hotplug tasks waiting for each other\'s CPU back off instead of livelocking (seed 103)', async () => {
    // cpu_down(0) running on CPU 3 and cpu_down(3) running on CPU 0 each sleep until the
    // other's CPU is free, and both retry the moment the other sleeps. With PCT's fixed
    // priorities they met again on every retry until the step budget reported a livelock.
    const r = await jhsim(['--cpus', '4', 'stress', '--callers', '3', '--iterations', '400', '--seed', '103', '--hotplug', '--fail-cpu-rate', '0.1', '--schedule', 'pct', '--depth', '2', '--step-budget', '3000', '--no-bundle', '--json'], { timeoutMs: 120_000 });
    const j = JSON.parse(r.stdout) as { ok: boolean; operations: number; hangs: { what: string }[] };
    expect(j.hangs.map((h) => h.what.split('\n')[0])).toEqual([]);
    expect(j.operations).toBe(400);
    expect(r.code).toBe(0);
  }, 150_000);

  it('minimisation shrinks the machine too: fewer callers and CPUs that fail the same way', async () => {
    const tree = buildTree(ROOT, TMP, MUTANTS.find((m) => m.id === 'drv-enable-unlock-after-check')!);
    const bundle = join(TMP, 'shrink');
    const r = await mutantCli(tree.cli, ['--cpus', '4', 'stress', '--callers', '3', '--iterations', '200', '--seed', '1', '--schedule', 'pct', '--bundle', bundle, '--json']);
    expect(r.code).toBe(1);
    const file = join(bundle, 'schedule.json');
    const min = await mutantCli(tree.cli, ['replay', file, '--minimize', '--budget', '30']);
    expect(min.code).toBe(0);
    const m = /minimised in \d+ runs: CPUs 4 → (\d+), callers 3 → (\d+), operations (\d+) → (\d+)/.exec(min.stdout)!;
    expect(m, min.stdout).not.toBeNull();
    const [cpus, callers] = [Number(m[1]), Number(m[2])];
    expect(cpus < 4 || callers < 3, min.stdout).toBe(true);
    // The smaller scenario is what the minimised file records and replays.
    const small = JSON.parse(readFileSync(join(bundle, 'schedule.min.json'), 'utf8')) as { command: string };
    expect(small.command).toContain(`--cpus ${cpus} --callers ${callers}`);
    const rp = await mutantCli(tree.cli, ['replay', join(bundle, 'schedule.min.json')]);
    expect(rp.stdout).toContain('replayed: the recorded failure again');
  }, 200_000);

  it('replay refuses a schedule whose config changed, or a malformed file, with EINVAL and the field', async () => {
    const cfg = join(TMP, 'root.json');
    writeFileSync(cfg, readFileSync(join(ROOT, 'configs', 'qemu-arm64.json')));
    const file = join(TMP, 'rec.json');
    const r = await jhsim(['--cpus', '4', 'stress', '--callers', '2', '--iterations', '10', '--seed', '2', '--schedule', 'roundrobin', '--config', cfg, '--record', file]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`written to ${file}`);
    expect((await jhsim(['replay', file])).stdout).toContain('replayed: no failure, as recorded');
    writeFileSync(cfg, readFileSync(cfg, 'utf8').replace('"name"', ' "name"'));
    const changed = await jhsim(['replay', file]);
    expect(changed.code).toBe(1);
    expect(changed.stderr).toMatch(new RegExp(`the root config .*root\\.json changed since the schedule was recorded .*\\(EINVAL ${Errno.EINVAL}\\)`));
    const bad = join(TMP, 'bad.json');
    writeFileSync(bad, JSON.stringify({ ...JSON.parse(readFileSync(file, 'utf8')), version: 99 }));
    const b = await jhsim(['replay', bad]);
    expect(b.code).toBe(1);
    expect(b.stderr).toMatch(/bad\.json: version: this jhsim reads version 1, found 99/);
  }, 100_000);
});
