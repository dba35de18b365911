/**
 * PCI device assignment end to end on the example board, driven through the CLI as a user
 * would: the Xilinx endpoint moves from root Linux to the pci-demo cell and back; inside the
 * cell, root's root port reads all ones, the own endpoint's BAR sizes on the hypervisor's
 * shadow, and a write to a function the cell does not own (or to a read-only header row)
 * fails the writing CPU.
 */
import { describe, expect, it } from 'vitest';
import { jhsim, modeFile } from './cli-process.js';

const BOARD = ['--board', 'configs/boards/rk3588-xilinx.json'];

function script(mode: number): string {
  const arg = modeFile(mode);
  return [
    'jailhouse enable configs/rk3588-xilinx.json',
    'ls /sys/bus/pci/devices',
    'jailhouse cell create configs/cells/pci-demo.json',
    'ls /sys/bus/pci/devices',
    `jailhouse cell load pci-demo configs/inmates/pci-probe.bin ${arg} -a 0x1000`,
    'jailhouse cell start pci-demo',
    'sleep 0.5',
    'jailhouse console',
    'jailhouse cell list',
    'jailhouse cell destroy pci-demo',
    'ls /sys/bus/pci/devices',
    'jailhouse disable',
  ].join('; ');
}

describe('PCI device assignment (example board)', () => {
  it('moves 01:00.0 to the cell and back; the cell sees all ones for root\'s function and sizes its own BAR', async () => {
    const r = await jhsim([...BOARD, 'run', '-c', script(0)]);
    expect(r.code, r.stderr).toBe(0);
    // The three listings: before create, while the cell exists, after destroy.
    expect(r.stdout.split('\n').filter((l) => /^0000:/.test(l))).toEqual(['0000:00:00.0', '0000:01:00.0', '0000:00:00.0', '0000:00:00.0', '0000:01:00.0']);
    expect(r.stdout).toContain('pci-probe: 00:00.0 (root\'s) vendor/device = 0xffffffff');
    expect(r.stdout).toContain('pci-probe: 01:00.0 (ours) vendor/device = 0x701410ee');
    expect(r.stdout).toContain('pci-probe: 01:00.0 BAR0 after writing all ones = 0xfff80000');
    expect(r.stdout).toContain('pci-probe: 01:00.0 BAR0 restored = 0xf0000000');
    expect(r.stdout).toContain('pci-probe: survived');
    expect(r.stdout).toMatch(/pci-demo\s+running\s+1\s/);
  });

  it.each([
    [1, 'device 00:00.0, reg: 0x4, size: 2'],
    [2, 'device 01:00.0, reg: 0x0, size: 2'],
  ])('mode %i: a forbidden config write panic-parks the cell\'s CPU (%s)', async (mode, what) => {
    const r = await jhsim([...BOARD, 'run', '-c', script(mode)]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`FATAL: Invalid PCI MMCONFIG write, ${what}`);
    expect(r.stdout).toMatch(/pci-demo\s+failed\s+1\s+1/);
    expect(r.stdout).not.toContain('pci-probe: survived');
  });
});
