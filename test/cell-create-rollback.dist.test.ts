/**
 * A cell create that fails after the new cell's CPUs were parked (the hypervisor's page pool
 * runs out while mapping a huge region page by page) must give the CPUs back to root Linux.
 * Upstream's rollback parks them a second time while they sit in the parking loop; the stale
 * `park` flag then swallows the driver's PSCI CPU_ON, so Linux's cpu_up times out after 5 s
 * ("CPUn: failed to come online") and the CPU stays offline until the next `echo 1 > online`.
 * jhsim's default rollback suspends them first, as cell destroy does; `--upstream-races` keeps
 * upstream's behaviour, and neither may hang the machine.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { bootRootShell, enableRoot } from './root-shell.js';

vi.setConfig({ testTimeout: 120_000, hookTimeout: 60_000 });

const tmp = mkdtempSync(join(tmpdir(), 'jhsim-rollback-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface Region { phys_start: string; virt_start: string; size: string; flags: string[] }

/**
 * c-inmate.json on CPU 3 only, its first region grown to 1.75 GiB at a base that is not 2 MiB
 * aligned: stage 2 needs ~900 page-table pages for it, more than the pool has left.
 */
function hugeCell(): string {
  const cfg = JSON.parse(readFileSync('configs/cells/c-inmate.json', 'utf8')) as { cpus: number[]; memory_regions: Region[] };
  cfg.cpus = [3];
  cfg.memory_regions[0]!.size = '0x6ff00000';
  const file = join(tmp, 'huge.json');
  writeFileSync(file, JSON.stringify(cfg));
  return file;
}

describe('cell create rollback after the CPUs were parked', () => {
  it('gives the CPU back to root Linux at once (default)', async () => {
    const b = await enableRoot(await bootRootShell({ watchdogMs: 8000 }));
    try {
      const c = await b.run(`jailhouse cell create ${hugeCell()}`);
      expect(c.code).not.toBe(0);
      expect(c.err).toContain('ENOMEM (12)');
      expect((await b.run('cat /sys/devices/system/cpu/online')).out).toBe('0-3\n');
      expect((await b.run('jailhouse cell list')).out).not.toContain('c-inmate');
      expect((await b.run('dmesg')).out).not.toContain('failed to come online');
      // The CPU is usable: a cell on it is created and destroyed.
      expect((await b.run('jailhouse cell create configs/cells/c-inmate.json')).code).toBe(0);
      expect((await b.run('jailhouse cell destroy c-inmate')).code).toBe(0);
      expect((await b.run('cat /sys/devices/system/cpu/online')).out).toBe('0-3\n');
      expect((await b.run('jailhouse disable')).code).toBe(0);
      expect(b.m.hangs).toEqual([]);
    } finally {
      await b.m.shutdown();
    }
  });

  it('keeps upstream\'s stale park with --upstream-races: cpu_up times out, the shell keeps working', async () => {
    const b = await enableRoot(await bootRootShell({ watchdogMs: 8000, upstreamRaces: true }));
    try {
      const c = await b.run(`jailhouse cell create ${hugeCell()}`);
      expect(c.err).toContain('ENOMEM (12)');
      expect(c.err).toContain('failed to bring CPU 3 back online');
      expect((await b.run('cat /sys/devices/system/cpu/online')).out).toBe('0-2\n');
      expect((await b.run('dmesg')).out).toContain('CPU3: failed to come online');
      // The PSCI CPU_ON consumed the stale park; the next one boots the CPU.
      expect((await b.run('echo 1 > /sys/devices/system/cpu/cpu3/online')).code).toBe(0);
      expect((await b.run('cat /sys/devices/system/cpu/online')).out).toBe('0-3\n');
      expect((await b.run('jailhouse disable')).code).toBe(0);
      expect(b.m.hangs).toEqual([]);
    } finally {
      await b.m.shutdown();
    }
  });
});
