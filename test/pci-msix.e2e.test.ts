/**
 * The MSI-X table of a physical device behind the hypervisor (pci_msix_access_handler), on real
 * CPU workers: with configs/qemu-arm64-pcie.json the default board's NVMe 03:00.0 moves to the
 * nvme-msix cell, whose msix-probe inmate programs two vectors through the trapped table page.
 * The test reads the device's real table out of the PCIe actor's shared memory to check what
 * reached the hardware (the shadow written through, the vector control dword straight), and
 * what the device reset at destroy leaves there. Invalid table accesses fail the cell's CPU.
 */
import './dist-fresh.js';
import { describe, expect, it, vi } from 'vitest';
import { PcieFabric, type ConfigSpace } from '../dist/actors/pcie/index.js';
import { DEFAULT_BOARD } from '../dist/actors/cpu/board.js';
import { jhsim, modeFile } from './cli-process.js';
import { cellStat, enabledPerTest, startCell, untilLine, type Booted } from './root-shell.js';

vi.setConfig({ testTimeout: 120_000, hookTimeout: 30_000 });

const SYSTEM = 'configs/qemu-arm64-pcie.json';
const CELL = 'configs/cells/nvme-msix.json';
const NVME = 0x300;
/** The NVMe's table: BAR0 + 0x2000, 65 vectors of 16 bytes. */
const TABLE = 0x2000;
const MSIX_CTRL = 0x42;
const SETSPI_NSR = 0x08000040;

const enabled = enabledPerTest(SYSTEM);

/** The NVMe function as the hardware holds it (the same SharedArrayBuffer the CPUs' bus reaches). */
function nvme(b: Booted): ConfigSpace {
  const fabric = new PcieFabric(b.m.buffers.pcie, DEFAULT_BOARD.pci.devices, { cpu: -1, watchdogMs: 10_000, spins: 0 });
  const slot = fabric.resolve(NVME);
  expect(slot).toBeDefined();
  return fabric.fn(slot!);
}

/** Vector n of the real table: address lo, address hi, data, vector control. */
const vector = (f: ConfigSpace, n: number): number[] => [0, 4, 8, 12].map((r) => f.memRead(0, TABLE + 16 * n + r, 4) >>> 0);

describe('MSI-X table of a physical device (NVMe 03:00.0 in cell nvme-msix)', () => {
  it('the cell programs vectors through the shadow; the hardware follows; destroy masks them and root gets the device back', async () => {
    const b = await enabled();
    const f = nvme(b);
    // Every vector comes out of the device's reset masked.
    expect(vector(f, 0)).toEqual([0, 0, 0, 1]);
    const devs = async (): Promise<string[]> => (await b.run('ls /sys/bus/pci/devices')).out.trim().split('\n');
    expect(await devs()).toContain('0000:03:00.0');

    await startCell(b, CELL, 'nvme-msix', 'configs/inmates/msix-probe.bin');
    expect(await devs()).not.toContain('0000:03:00.0');
    const l = await untilLine(b, 'nvme-msix', /survived/);
    expect(l).toEqual([
      'msix-probe: 03:00.0 vendor/device = 0x101b36',
      'msix-probe: MSI-X capability = 0x404c11',
      // The shadow after the reset at start: address and data 0.
      'msix-probe: vector 0 address = 0x0',
      // Vector control comes from the hardware, which decodes nothing with Memory Space off.
      'msix-probe: vector 0 control (Memory Space off) = 0xffffffff',
      'msix-probe: vector 0 control = 0x1',
      'msix-probe: vector 0 address = 0x8000040',
      'msix-probe: vector 0 data = 0x90',
      'msix-probe: vector 0 control = 0x0',
      'msix-probe: vector 1 data = 0x91',
      'msix-probe: vector 1 control = 0x1',
      'msix-probe: MSI-X capability = 0x80404c11',
      'msix-probe: table page after the last vector = 0x0',
      'msix-probe: survived',
    ]);
    // What reached the device: both vectors (arm writes the shadow through unmodified), vector 0
    // unmasked, the others as the reset left them; MSI-X enabled, Memory Space and Bus Master on.
    expect(vector(f, 0)).toEqual([SETSPI_NSR, 0, 144, 0]);
    expect(vector(f, 1)).toEqual([SETSPI_NSR, 0, 145, 1]);
    expect(vector(f, 2)).toEqual([0, 0, 0, 1]);
    expect(f.read(MSIX_CTRL, 2)).toBe(0x8040);
    expect(f.read(0x04, 2)).toBe(0x0006);
    // Every table access trapped: 2 config reads, 1 command write, 1 MSI-X control write, 7
    // table writes and 10 table reads (CPU 1 is the cell's; cell 1).
    expect(await cellStat(b, 1, 1, 'mmio')).toBe(21);

    expect((await b.run('jailhouse cell destroy nvme-msix')).code).toBe(0);
    // pci_reset_device: every vector masked in the table, MSI-X off, command = INTX_OFF.
    expect(vector(f, 0)).toEqual([SETSPI_NSR, 0, 144, 1]);
    expect(f.read(MSIX_CTRL, 2)).toBe(0x0040);
    expect(f.read(0x04, 2)).toBe(0x0400);
    expect(await devs()).toContain('0000:03:00.0');
    const con = (await b.run('cat /sys/devices/jailhouse/console')).out;
    expect(con).toContain('Removing PCI device 03:00.0 from cell "qemu-arm64-pcie"\nAdding PCI device 03:00.0 to cell "nvme-msix"\n');
    expect(con).toContain('Removing PCI device 03:00.0 from cell "nvme-msix"\nAdding PCI device 03:00.0 to cell "qemu-arm64-pcie"\n');
  });

  it('root keeps its MSI-X state: the handover mask is lifted by the commit at enable, its own writes are shadowed and performed, and disable leaves them', async () => {
    const b = await enabled();
    const f = nvme(b);
    // Root enables MSI-X on its NVMe under Jailhouse: trapped, shadowed and performed.
    const out = (await b.run('lspci -vv -s 03:00.0; setpci -s 03:00.0 CAP_MSIX+2.w=8000; lspci -vv -s 03:00.0; jailhouse disable; lspci -vv -s 03:00.0; lspci -vv -s 00:01.0')).out;
    expect(out.split('\n').filter((x) => x.includes('MSI-X:')).map((x) => x.trim())).toEqual([
      'Capabilities: [40] MSI-X: Enable- Count=65 Masked-',
      'Capabilities: [40] MSI-X: Enable+ Count=65 Masked-',
      'Capabilities: [40] MSI-X: Enable+ Count=65 Masked-',
      'Capabilities: [7c] MSI-X: Enable- Count=1 Masked-',
    ]);
    expect(f.read(MSIX_CTRL, 2)).toBe(0x8040);
  });
});

describe('invalid MSI-X table accesses fail the cell\'s CPU', () => {
  it.each([
    [1, 'writing the entry after the last vector'],
    [2, 'reading a half-word of vector 0'],
  ])('mode %i: %s', async (mode, what) => {
    const arg = modeFile(mode);
    const r = await jhsim(['run', '-c', [
      `jailhouse enable ${SYSTEM}`,
      `jailhouse cell create ${CELL}`,
      `jailhouse cell load nvme-msix configs/inmates/msix-probe.bin ${arg} -a 0x1000`,
      'jailhouse cell start nvme-msix',
      'sleep 0.5',
      'jailhouse console',
      'jailhouse cell list',
      'jailhouse cell destroy nvme-msix',
      'lspci -s 03:00.0',
      'jailhouse disable',
    ].join('; ')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`msix-probe: ${what}`);
    expect(r.stdout).toContain('FATAL: Invalid PCI MSI-X table/PBA access, device 03:00.0');
    expect(r.stdout).toMatch(/nvme-msix\s+failed\s+1\s+1/);
    expect(r.stdout).not.toContain('msix-probe: survived');
    // Root is unharmed and has the device back.
    expect(r.stdout).toContain('03:00.0 Non-Volatile memory controller');
  });
});
