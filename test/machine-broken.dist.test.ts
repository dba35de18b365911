/**
 * After a watchdog report the machine is declared broken, not wedged: a cell whose inmate never
 * answers the comm region makes `jailhouse cell destroy` wait for its reply (Jailhouse would
 * wait forever); the watchdog turns that into EINTR and a hung CPU, which still holds the root
 * cell suspended. Every later command that needs a task then fails at once with one message
 * naming the hang, `cpus` still shows the machine, and the shell keeps answering.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { bootRootShell } from './root-shell.js';

vi.setConfig({ testTimeout: 60_000 });

const tmp = mkdtempSync(join(tmpdir(), 'jhsim-broken-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('a machine broken by a hang', () => {
  it('fails every later task at once with one message; cpus and the shell keep answering', async () => {
    // An inmate that never polls its comm region: `b .` at IPA 0.
    const spin = join(tmp, 'spin.bin');
    writeFileSync(spin, Uint8Array.of(0x00, 0x00, 0x00, 0x14));
    const b = await bootRootShell({ watchdogMs: 1000 });
    try {
      for (const line of ['jailhouse enable configs/qemu-arm64.json', 'jailhouse cell create configs/cells/hello.json', `jailhouse cell load hello ${spin}`, 'jailhouse cell start hello']) {
        expect((await b.run(line)).code, line).toBe(0);
      }
      const d = await b.run('jailhouse cell destroy hello');
      expect(d.code).not.toBe(0);
      expect(d.err).toContain('Interrupted system call');
      const t0 = Date.now();
      const c = await b.run('cat /sys/devices/jailhouse/enabled');
      expect(Date.now() - t0).toBeLessThan(1000);
      expect(c.code).toBe(1);
      expect(c.err).toMatch(/^jhsim: cat: the machine is broken: CPU \d+ hung in "cell_exchange_message: waiting for the reply of cell 1 to message 1" after \d+ ms/);
      expect((await b.run('jailhouse cell list')).err).toContain('the machine is broken');
      const cpus = await b.run('cpus');
      expect(cpus.code).toBe(0);
      expect(cpus.out).toMatch(/\n\d +0x0+\d+ hung /);
      expect((await b.run('help')).code).toBe(0);
    } finally {
      await b.m.shutdown();
    }
  });
});
