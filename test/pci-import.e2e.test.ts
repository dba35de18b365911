/**
 * Modelling a board from real hardware: an `lspci -vxxxx` capture imported as a device model
 * reads back byte for byte, and the bits the capture's BARs and capabilities make writable
 * behave (BAR sizing, MSI enable). A capture without BAR sizes is refused with the reason.
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jhsim } from './cli-process.js';

function boardImporting(dir: string, dump: string): string {
  writeFileSync(join(dir, 'ep.txt'), dump);
  const b = JSON.parse(readFileSync('configs/boards/rk3588-xilinx.json', 'utf8')) as { pci: { devices: { below: { model: unknown } }[] } };
  b.pci.devices[0]!.below.model = { import: 'ep.txt', slot: '01:00.0' };
  writeFileSync(join(dir, 'board.json'), JSON.stringify(b));
  return join(dir, 'board.json');
}

describe('device models imported from lspci dumps', () => {
  it('an imported Xilinx 7014 reads back as captured and sizes/enables like the original', async () => {
    const cap = await jhsim(['--board', 'configs/boards/rk3588-xilinx.json', 'run', '-c', 'lspci -s 01:00.0 -vxxxx']);
    expect(cap.code, cap.stderr).toBe(0);
    const board = boardImporting(mkdtempSync(join(tmpdir(), 'jhsim-imp-')), cap.stdout);
    const r = await jhsim(['--board', board, 'run', '-c', 'lspci -s 01:00.0 -vxxxx; setpci -s 01:00.0 0x10.L=0xffffffff; setpci -s 01:00.0 BASE_ADDRESS_0; setpci -s 01:00.0 CAP_MSI+2.w=1; lspci -s 01:00.0 -v']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.startsWith(cap.stdout)).toBe(true);
    expect(r.stdout).toContain('\nfff80000\n');
    expect(r.stdout).toContain('MSI: Enable+ Count=1/1 Maskable- 64bit+');
    expect(r.stdout).toContain('Capabilities: [100] Advanced Error Reporting');
  });

  it('refuses a capture that does not give a BAR size', async () => {
    const dump = '01:00.0 Memory controller: Xilinx Corporation Device 7014\n00: ee 10 14 70 00 00 10 00 00 00 80 05 00 00 00 00\n10: 00 00 00 f0 00 00 00 00 00 00 00 00 00 00 00 00\n20: 00 00 00 00 00 00 00 00 00 00 00 00 ee 10 07 00\n30: 00 00 00 00 80 00 00 00 00 00 00 00 ff 01 00 00\n';
    const board = boardImporting(mkdtempSync(join(tmpdir(), 'jhsim-imp-')), dump);
    const r = await jhsim(['--board', board, 'run', '-c', 'lspci']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/pci\.devices: import .*ep\.txt: 01:00\.0 .*BAR0 is 0xf0000000 but the dump gives no size/);
  });
});
