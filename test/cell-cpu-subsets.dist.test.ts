/**
 * Cells on any CPU set: create and destroy a cell on every non-empty proper subset of a 4-CPU
 * board's CPUs, and on a spread of subsets of 8 and 16 CPUs (the boot CPU, the last one, both
 * ends, halves, odd and even, all but one). The driver hot-unplugs the new cell's CPUs from
 * root Linux, migrating the calling task off each of them (a cell on CPUs 0 and 1 used to bounce
 * the task between those two forever: no watchdog, no report), and destroy brings them back.
 */
import './dist-fresh.js';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { BoardSchema, DEFAULT_BOARD } from '../dist/actors/cpu/board.js';
import { adaptRootCpuSet, configToJson, loadSystemConfig } from '../dist/shared/config/index.js';
import { bootRootShell } from './root-shell.js';

vi.setConfig({ testTimeout: 240_000, hookTimeout: 60_000 });

const tmp = mkdtempSync(join(tmpdir(), 'jhsim-subsets-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);
const list = (cpus: number[]): string => cpus.join(',');

/** The bundled root config adapted to `n` CPUs, and hello.json on `cpus`, as files. */
function configs(n: number, subsets: number[][]): { root: string; cells: { cpus: number[]; file: string }[] } {
  const root = join(tmp, `root-${n}.json`);
  writeFileSync(root, configToJson(adaptRootCpuSet(loadSystemConfig('configs/qemu-arm64.json').config, n)));
  const hello = JSON.parse(readFileSync('configs/cells/hello.json', 'utf8')) as { cpus: number[]; name: string };
  const cells = subsets.map((cpus, i) => {
    const file = join(tmp, `cell-${n}-${i}.json`);
    writeFileSync(file, JSON.stringify({ ...hello, name: 'subset', cpus }));
    return { cpus, file };
  });
  return { root, cells };
}

async function createDestroyAll(n: number, subsets: number[][]): Promise<void> {
  const { root, cells } = configs(n, subsets);
  const b = await bootRootShell({ board: BoardSchema.parse({ ...DEFAULT_BOARD, cpus: n }), watchdogMs: 5000 });
  try {
    expect((await b.run(`jailhouse enable ${root}`)).code).toBe(0);
    const all = `0-${n - 1}\n`;
    for (const { cpus, file } of cells) {
      // A livelock would never return: fail fast with the CPU set instead of the test timeout.
      const c = await Promise.race([
        b.run(`jailhouse cell create ${file}`),
        new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`cell create on CPUs ${list(cpus)} did not return in 30 s`)), 30_000).unref()),
      ]);
      expect(c.code, `create on CPUs ${list(cpus)}: ${c.err}`).toBe(0);
      const online = range(n).filter((cpu) => !cpus.includes(cpu));
      expect((await b.run('cat /sys/devices/jailhouse/cells/1/cpus_assigned_list')).out, `CPUs ${list(cpus)}`).toBe(`${formatList(cpus)}\n`);
      expect((await b.run('cat /sys/devices/system/cpu/online')).out, `online with a cell on ${list(cpus)}`).toBe(`${formatList(online)}\n`);
      const d = await b.run('jailhouse cell destroy subset');
      expect(d.code, `destroy on CPUs ${list(cpus)}: ${d.err}`).toBe(0);
      expect((await b.run('cat /sys/devices/system/cpu/online')).out).toBe(all);
    }
    expect((await b.run('jailhouse disable')).code).toBe(0);
    expect(b.m.hangs).toEqual([]);
  } finally {
    await b.m.shutdown();
  }
}

/** Linux's cpulist format: 0-2,5. */
function formatList(cpus: number[]): string {
  const out: string[] = [];
  for (let i = 0; i < cpus.length; i++) {
    let j = i;
    while (j + 1 < cpus.length && cpus[j + 1] === cpus[j]! + 1) j++;
    out.push(i === j ? `${cpus[i]}` : `${cpus[i]}-${cpus[j]}`);
    i = j;
  }
  return out.join(',');
}

/** Subsets of an n-CPU board that stress the driver's CPU handling. */
function spread(n: number): number[][] {
  const all = range(n);
  return [
    [0], [n - 1], [0, 1], [0, n - 1], all.slice(0, n / 2), all.slice(n / 2), all.filter((c) => c % 2 === 0),
    all.filter((c) => c % 2 === 1), all.slice(0, n - 1), all.slice(1), [1, n - 2],
  ];
}

describe('cell create and destroy on any CPU set', () => {
  it('every non-empty proper subset of 4 CPUs', async () => {
    const subsets = range(15).slice(1).map((mask) => range(4).filter((c) => (mask >> c) & 1));
    expect(subsets).toHaveLength(14);
    await createDestroyAll(4, subsets);
  });

  it('subsets of 8 CPUs', async () => {
    await createDestroyAll(8, spread(8));
  });

  it('subsets of 16 CPUs', async () => {
    await createDestroyAll(16, spread(16));
  });
});
