/**
 * The mutation harness's machinery (test/mutants/, run by `npm run mutants`, not by npm test):
 * every mutant's search text matches exactly once in the current sources and changes the
 * emitted JavaScript, a search that does not is refused loudly, and a mutant's tree runs its
 * own code (CPU workers included): a deterministic mutant is caught by one short stress run of
 * its tree's CLI, which the unmutated tree passes; and a controlled failure's bundle schedule
 * replays through the harness (every time) and shrinks with `replay --minimize`.
 */
import './dist-fresh.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { MUTANTS } from './mutants/catalogue.js';
import { minimizeSchedule, replaySchedule, scheduleOf } from './mutants/replay.js';
import { runStress } from './mutants/run.js';
import { applyEdits, buildTree, catalogueProblems } from './mutants/tree.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const BASE = mkdtempSync(join(tmpdir(), 'jhsim-mutants-test-'));
afterAll(() => rmSync(BASE, { recursive: true, force: true }));

describe('mutant catalogue', () => {
  it('has at least 15 mutants with unique ids, each matching its sources exactly once and changing the built JavaScript', () => {
    expect(MUTANTS.length).toBeGreaterThanOrEqual(15);
    expect(catalogueProblems(ROOT, MUTANTS)).toEqual([]);
  });

  it('refuses a search that matches no longer or more than once, naming the mutant', () => {
    const edit = (search: string) => [{ file: 'x.ts', search, replace: 'y' }];
    expect(() => applyEdits('m1', 'x.ts', 'a b a', edit('c'))).toThrow(/^mutant m1: edit 1 of src\/x\.ts matches 0 times \(must be exactly once\)/);
    expect(() => applyEdits('m1', 'x.ts', 'a b a', edit('a'))).toThrow(/matches 2 times/);
    expect(applyEdits('m1', 'x.ts', 'a b a', edit(' b '))).toBe('aya');
  });
});

describe('a mutant tree', () => {
  it('runs its own code: hv-create-clears-cell-bit is caught by one short --cells run that the unmutated tree passes', async () => {
    const mutant = MUTANTS.find((m) => m.id === 'hv-create-clears-cell-bit')!;
    const clean = buildTree(ROOT, BASE);
    const bad = buildTree(ROOT, BASE, mutant);
    expect(bad.cli).toBe(join(bad.dir, 'dist', 'cli', 'main.js'));
    const args = ['--cpus', '4', '--callers', '3', '--iterations', '150', '--seed', '1', '--cells', '--fail-fast'];
    const ok = await runStress(clean.cli, clean.dir, args, 50_000);
    expect(ok.message).toBeUndefined();
    expect(ok.outcome).toBe('pass');
    const caught = await runStress(bad.cli, bad.dir, args, 50_000);
    expect(caught.outcome).toBe('violation');
    expect(caught.message).toMatch(/^after operation \d+: driver cells \[.*\] differ from the hypervisor's \[.*\]$/);
    // --fail-fast: the run stopped at the first violation.
    expect(caught.operations).toBeLessThan(150);
    expect(caught.firstOp).toBeLessThanOrEqual(caught.operations);
  }, 110_000);
});

describe('a controlled failure', () => {
  it('writes its bundle where the harness says, and its schedule replays the same failure every time, minimised too', async () => {
    const mutant = MUTANTS.find((m) => m.id === 'hv-entry-barrier-one-short')!;
    const bad = buildTree(ROOT, BASE, mutant);
    // --watchdog 30000 (recorded, so every replay has it): a controlled run first waits, in host
    // time, for its CPU workers to join, which a loaded 2-core host can take more than 10 s for.
    const args = ['--cpus', '4', '--callers', '3', '--iterations', '200', '--seed', '1', '--hotplug', '--fail-cpu-rate', '0.1', '--schedule', 'pct', '--watchdog', '30000', '--fail-fast', '--bundle', 'bundles/pct-1'];
    const r = await runStress(bad.cli, bad.dir, args, 50_000);
    expect(r.outcome).not.toBe('pass');
    expect(r.bundle).toBe(join(bad.dir, 'bundles', 'pct-1'));
    expect(r.controlled?.strategy).toBe('pct');
    expect(r.controlled?.preemptions).toBeGreaterThan(0);
    const file = scheduleOf(r.bundle)!;
    expect(file).toBe(join(bad.dir, 'bundles', 'pct-1', 'schedule.json'));
    const rep = await replaySchedule(bad.cli, bad.dir, file, 2, 30, 50_000);
    expect(rep).toMatchObject({ failed: 2, tried: 2, via: 'schedule', different: 0 });
    // Budget 2 (the strict replay of the recording and the one cut to the operations started):
    // this checks the harness's plumbing (the .min.json, its figures, its replays), not how far
    // the minimiser gets.
    const min = await minimizeSchedule(bad.cli, bad.dir, file, 2, 1, 30, 50_000);
    expect(min.message).toBeUndefined();
    expect(min.file).toBe(join(bad.dir, 'bundles', 'pct-1', 'schedule.min.json'));
    expect(min.preemptionsAfter).toBeLessThanOrEqual(min.preemptionsBefore!);
    expect(min.replays).toMatchObject({ failed: 1, tried: 1 });
  }, 110_000);
});
