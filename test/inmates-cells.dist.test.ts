/**
 * The device inmates' cells on real CPU workers, as far as the simulation goes without a GIC or
 * PL011 model: every cell config creates beside the others it can share the board with, loads
 * its image (gic-attack with its attack number in the command-line area) and destroys; uart-demo
 * runs in a variant of its cell that prints through the hypervisor's virtual console only.
 */
import './dist-fresh.js';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { bootRootShell, enableRoot, sleep, type RootShell } from './root-shell.js';
import { Machine } from '../dist/actors/cpu/supervisor.js';

vi.setConfig({ testTimeout: 120_000, hookTimeout: 30_000 });

const JH = '/sys/devices/jailhouse';
let m: Machine | undefined;
afterEach(async () => {
  await m?.shutdown();
  m = undefined;
});

async function enabled(): Promise<RootShell> {
  const b = await bootRootShell();
  m = b.m;
  return enableRoot(b);
}

describe('device inmate cells', () => {
  it('create side by side, load (gic-attack with -s N -a 0x1000) and destroy with the qemu-arm64 root cell', async () => {
    const b = await enabled();
    const used0 = Number((await b.run(`cat ${JH}/mem_pool_used`)).out);
    for (const n of ['gic-demo', 'uart-demo', 'gic-attack']) {
      const r = await b.run(`jailhouse cell create configs/cells/${n}.json`);
      expect(r.code, r.err).toBe(0);
    }
    expect((await b.run('jailhouse cell list')).out).toBe(
      'ID      Name                    State             Assigned CPUs           Failed CPUs             \n' +
        '0       qemu-arm64              running           0                                               \n' +
        '1       gic-demo                shut down         1                                               \n' +
        '2       uart-demo               shut down         2                                               \n' +
        '3       gic-attack              shut down         3                                               \n',
    );
    expect((await b.run('jailhouse cell load gic-demo configs/inmates/gic-demo.bin')).code).toBe(0);
    expect((await b.run('jailhouse cell load uart-demo configs/inmates/uart-demo.bin')).code).toBe(0);
    expect((await b.run('jailhouse cell load gic-attack configs/inmates/gic-attack.bin -s 6 -a 0x1000')).code).toBe(0);
    // the image, then the string over its command-line area (cell RAM at host 0x7f830000)
    const img = new Uint8Array(readFileSync('configs/inmates/gic-attack.bin'));
    expect(b.m.mem.copyOut(0x7f830000, 0x1000)).toEqual(img.subarray(0, 0x1000));
    expect([...b.m.mem.copyOut(0x7f831000, 4)]).toEqual([0x36, 0, 0, 0]);
    expect(b.m.mem.copyOut(0x7f831100, 0x100)).toEqual(img.subarray(0x1100, 0x1200));
    for (const n of ['gic-demo', 'uart-demo', 'gic-attack']) expect((await b.run(`jailhouse cell destroy ${n}`)).code).toBe(0);
    expect((await b.run('jailhouse cell create configs/cells/sgi-pingpong.json; jailhouse cell load sgi-pingpong configs/inmates/sgi-pingpong.bin')).code).toBe(0);
    expect((await b.run('jailhouse cell list')).out).toMatch(/^1 +sgi-pingpong +shut down +2-3 /m);
    expect((await b.run('jailhouse cell destroy sgi-pingpong')).code).toBe(0);
    expect((await b.run('cat /sys/devices/system/cpu/online')).out).toBe('0-3\n');
    // the cells' RAM split root's 2 MiB block at 0x7f800000 into a page table, which stays
    expect(Number((await b.run(`cat ${JH}/mem_pool_used`)).out)).toBe(used0 + 1);
    expect((await b.run('jailhouse disable')).code).toBe(0);
  });

  it('uart-demo prints through the virtual console when its cell says VIRTUAL_CONSOLE_ACTIVE and has no UART console', async () => {
    const dir = mkdtempSync('/tmp/jhsim-inmates-');
    const cfg = JSON.parse(readFileSync('configs/cells/uart-demo.json', 'utf8')) as Record<string, unknown>;
    cfg.flags = ['VIRTUAL_CONSOLE_ACTIVE'];
    cfg.console = { address: '0x0', type: 'NONE', flags: [] };
    writeFileSync(`${dir}/uart-demo.json`, JSON.stringify(cfg));
    const b = await enabled();
    expect((await b.run(`jailhouse cell create ${dir}/uart-demo.json; jailhouse cell load uart-demo configs/inmates/uart-demo.bin; jailhouse cell start uart-demo`)).code).toBe(0);
    const t0 = Date.now();
    let con = '';
    while (!/Hello 2 from cell!\n/.test(con) && Date.now() - t0 < 30_000) {
      await sleep(100);
      con = (await b.run(`cat ${JH}/console`)).out;
    }
    expect(con).toMatch(/Hello 1 from cell!\n(.*\n)*Hello 2 from cell!\n/);
    const stats = JSON.parse((await b.run('jailhouse cell stats uart-demo --json')).out) as { counters: Record<string, number> };
    // one hypercall per character, nothing else but the management exits of start
    expect(stats.counters.vmexits_mmio).toBe(0);
    expect(stats.counters.vmexits_virt_irq).toBe(0);
    expect(stats.counters.vmexits_hypercall).toBeGreaterThanOrEqual('Hello 1 from cell!\n'.length * 2);
    // the inmate approves the shutdown request (it polls between chunks of its busy loop)
    expect((await b.run('jailhouse cell shutdown uart-demo')).code).toBe(0);
    expect((await b.run(`cat ${JH}/cells/1/state`)).out).toBe('shut down\n');
    expect((await b.run('jailhouse cell destroy uart-demo; jailhouse disable')).code).toBe(0);
  });
});
