/**
 * The race in the driver's cell create (driver/cell.c jailhouse_cmd_cell_create): each
 * remove_cpu takes and releases the CPU hotplug lock, and the CELL_CREATE hypercall comes after,
 * so a concurrent `echo 1 > /sys/devices/system/cpu/cpuN/online` can bring one of the new cell's
 * CPUs back into root Linux in between. The hypervisor then gives that CPU to the cell, and Linux
 * is left with a CPU it thinks is online but which runs the cell: it waits for the CPU forever
 * (found by `stress --hotplug --cells`, e.g. `--cpus 8 --callers 4 --iterations 1500 --seed 1`).
 *
 * The test holds the window open (Machine.delayNextCellCreate) and brings the CPU up inside it.
 * By default jhsim holds the hotplug lock from the first remove_cpu to the hypercall: the online
 * request waits, then finds the CPU in the cell and fails with EPERM (PSCI CPU_ON DENIED), and
 * everything stays consistent. With --upstream-races the window is Jailhouse's.
 */
import './dist-fresh.js';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { driverCells } from '../dist/cli/inspect/inspect.js';
import { bootRootShell, sleep, type RootShell } from './root-shell.js';
import { Shell } from '../dist/cli/shell/shell.js';
import { BufferIo } from '../dist/cli/io.js';

vi.setConfig({ testTimeout: 60_000 });

const tmp = mkdtempSync(join(tmpdir(), 'jhsim-race-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** hello.json on CPU 2 only. */
function cellOnCpu2(): string {
  const c = JSON.parse(readFileSync('configs/cells/hello.json', 'utf8')) as { cpus: number[] };
  const file = join(tmp, 'cpu2.json');
  writeFileSync(file, JSON.stringify({ ...c, cpus: [2] }));
  return file;
}

/** Create the cell with the window held open 500 ms; bring CPU 2 online from a second shell inside it. */
async function race(b: RootShell): Promise<{ create: number; online: { code: number; err: string } }> {
  expect((await b.run('jailhouse enable configs/qemu-arm64.json')).code).toBe(0);
  b.m.delayNextCellCreate(500);
  const create = b.run(`jailhouse cell create ${cellOnCpu2()}`);
  // Wait until CPU 2 is offline (the driver's remove_cpu), then race it.
  const t0 = Date.now();
  while (b.m.onlineCpus().includes(2) && Date.now() - t0 < 5000) await sleep(5);
  const io = new BufferIo();
  const other = new Shell(b.m, io, 1);
  const code = await other.runLine('echo 1 > /sys/devices/system/cpu/cpu2/online');
  return { create: (await create).code, online: { code, err: io.stderr } };
}

describe('cell create against a concurrent CPU online', () => {
  it('by default the hotplug lock is held until the hypercall: the online request fails with EPERM and nothing is inconsistent', async () => {
    const b = await bootRootShell({ watchdogMs: 3000 });
    try {
      const r = await race(b);
      expect(r.create).toBe(0);
      expect(r.online.code).toBe(1);
      expect(r.online.err).toBe('echo: write error on /sys/devices/system/cpu/cpu2/online: Operation not permitted\n');
      expect((await b.run('cat /sys/devices/system/cpu/online')).out).toBe('0-1,3\n');
      expect(b.m.hangs).toEqual([]);
      expect((await b.run('jailhouse cell destroy hello')).code).toBe(0);
      expect((await b.run('cat /sys/devices/system/cpu/online')).out).toBe('0-3\n');
    } finally {
      await b.m.shutdown();
    }
  });

  it('with --upstream-races the CPU comes back into Linux inside the window and the cell takes it from under Linux', async () => {
    const b = await bootRootShell({ watchdogMs: 3000, upstreamRaces: true });
    try {
      const r = await race(b);
      // The online request finished inside the window; then the hypercall took CPU 2.
      expect(r.online.code).toBe(0);
      expect(r.create).toBe(0);
      // The stress invariant "CPU 2 is online in root-cell Linux but belongs to cell 1".
      expect(b.m.onlineCpus()).toContain(2);
      expect(driverCells(b.m).find((c) => c.name === 'hello')?.cpus).toEqual([2]);
    } finally {
      await b.m.shutdown();
    }
  });
});
