/**
 * `jhsim config check` / `jailhouse config check SYSCONFIG [CELLCONFIG...]`: upstream's checks
 * (tools/jailhouse-config-check: overlaps inside a cell, with the hypervisor memory, missing
 * MMCONFIG and GIC interception) and the set checks a cell set needs (revision, memory shared
 * between non-root cells without ROOTSHARED in both, CPUs and SPIs claimed twice or not root's),
 * each finding naming the file, the cell, the region index and the addresses; exit status 1.
 */
import './dist-fresh.js';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { BufferIo } from '../dist/cli/io.js';
import { configCheck } from '../dist/cli/tools/config-check.js';
import { loadCellConfig, serializeCellConfig } from '../dist/shared/config/index.js';
import { CELL_OFF } from '../dist/shared/config/layout.js';
import { jhsim } from './cli-process.js';
import { bootRootShell } from './root-shell.js';

vi.setConfig({ testTimeout: 60_000 });

const tmp = mkdtempSync(join(tmpdir(), 'jhsim-check-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const ROOT = 'configs/qemu-arm64.json';

function check(...files: string[]): { code: number; out: string; err: string } {
  const io = new BufferIo();
  const code = configCheck(files, {}, io);
  return { code, out: io.stdout, err: io.stderr };
}

type Json = Record<string, unknown> & { memory_regions: Record<string, unknown>[]; irqchips: Record<string, unknown>[]; cpus: number[]; name: string };

/** A shipped cell config edited and written to a temp file. */
function variant(name: string, out: string, edit: (c: Json) => void): string {
  const c = JSON.parse(readFileSync(`configs/cells/${name}.json`, 'utf8')) as Json;
  edit(c);
  const file = join(tmp, `${out}.json`);
  writeFileSync(file, JSON.stringify(c));
  return file;
}

describe('config check', () => {
  it('passes the shipped cells that run side by side, with upstream\'s report', () => {
    const r = check(ROOT, 'configs/cells/gic-demo.json', 'configs/cells/uart-demo.json', 'configs/cells/gic-attack.json');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toBe([
      'Reading configuration set:',
      '  Architecture:  arm64',
      `  Root cell:     qemu-arm64 (${ROOT})`,
      '  Non-root cell: gic-demo (configs/cells/gic-demo.json)',
      '  Non-root cell: uart-demo (configs/cells/uart-demo.json)',
      '  Non-root cell: gic-attack (configs/cells/gic-attack.json)',
      'Configuration revision and architecture: OK',
      'Overlapping memory regions inside cell: None',
      'Overlapping memory regions with hypervisor: None',
      'Missing PCI MMCONFIG interceptions: None',
      'Missing resource interceptions for architecture arm64: None',
      'Memory shared between non-root cells without ROOTSHARED in both: None',
      "CPUs claimed twice or not the root cell's: None",
      "Interrupts claimed twice or not the root cell's: None",
      '',
    ].join('\n'));
  });

  it('a cell whose RAM overlaps the hypervisor memory: the region, its addresses and the hypervisor region', () => {
    const bad = variant('hello', 'hv-overlap', (c) => (c.memory_regions[0]!.phys_start = '0x7fc00000'));
    const r = check(ROOT, bad);
    expect(r.code).toBe(1);
    expect(r.out).toContain([
      'Overlapping memory regions with hypervisor:', '', "In cell 'hello', region 0",
      '  phys_start: 0x000000007fc00000', '  virt_start: 0x0000000000000000', '  size:       0x0000000000010000',
      '  flags:      READ | WRITE | EXECUTE | LOADABLE', 'overlaps with hypervisor memory region',
      '  phys_start: 0x000000007fc00000',
    ].join('\n'));
    expect(r.err).toBe('1 finding\n');
  });

  it('overlaps inside a cell, missing MMCONFIG and GIC interception, and the findings in --json', () => {
    const bad = variant('gic-demo', 'many', (c) => {
      c.memory_regions.push({ phys_start: '0x7f808000', virt_start: '0x8000', size: '0x1000', flags: ['READ'] });
      c.memory_regions.push({ phys_start: '0x08e00000', virt_start: '0x08e00000', size: '0x1000', flags: ['READ', 'WRITE', 'IO'] });
      c.memory_regions.push({ phys_start: '0x08000000', virt_start: '0x08000000', size: '0x10000', flags: ['READ', 'WRITE', 'IO'] });
    });
    const r = check(ROOT, bad);
    expect(r.code).toBe(1);
    expect(r.out).toContain("In cell 'gic-demo', region 1");
    expect(r.out).toContain('physically and virtually overlaps with region 3');
    expect(r.out).toMatch(/Missing PCI MMCONFIG interceptions:\n\nIn cell 'gic-demo', region 4\n[^]*overlaps with MMCONFIG/);
    expect(r.out).toMatch(/Missing resource interceptions for architecture arm64:\n\nIn cell 'gic-demo', region 5\n[^]*overlaps with GICD/);
    const io = new BufferIo();
    expect(configCheck([ROOT, bad], { json: true }, io)).toBe(1);
    const j = JSON.parse(io.stdout) as { findings: string[]; ok: boolean };
    expect(j.ok).toBe(false);
    expect(j.findings).toEqual([
      `${bad}: cell 'gic-demo': region 1 (phys 0x7f800000, virt 0x0, size 0x10000) physically and virtually overlaps region 3 (phys 0x7f808000, virt 0x8000, size 0x1000)`,
      `${bad}: cell 'gic-demo': region 4 (phys 0x8e00000, size 0x1000) maps the MMCONFIG (0x8e00000) the hypervisor must intercept`,
      `${bad}: cell 'gic-demo': region 5 (phys 0x8000000, size 0x10000) maps the GICD (0x8000000) the hypervisor must intercept`,
    ]);
  });

  it('memory, CPUs and SPIs two cells both claim', () => {
    const a = variant('gic-attack', 'a', () => undefined);
    const b = variant('gic-demo', 'b', (c) => {
      c.name = 'thief';
      c.memory_regions[1]!.phys_start = '0x7f830000'; // gic-attack's RAM
      c.cpus = [3];
      c.irqchips = [{ address: '0x08000000', pin_base: 32, pin_bitmap: ['0x0', '0x0', '0x0', '0x10000'] }]; // SPI 144, gic-attack's
    });
    const r = check(ROOT, a, b);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/Memory shared between non-root cells without ROOTSHARED in both:\n\nRegion 1 of cell 'gic-attack'\n/);
    expect(r.out).toContain("CPU 3 is in cell 'gic-attack' and in cell 'thief'");
    expect(r.out).toContain("SPI 144 is in cell 'gic-attack' and in cell 'thief'");
    expect(r.err).toBe('3 findings\n');
    // Shared on purpose (ROOTSHARED in both, as ivshmem's state table): no finding.
    expect(check(ROOT, 'configs/cells/ivshmem-a.json', 'configs/cells/ivshmem-b.json').code).toBe(0);
  });

  it('a binary cell config of another revision, which the driver refuses', () => {
    const bytes = serializeCellConfig(loadCellConfig('configs/cells/hello.json').config);
    new DataView(bytes.buffer, bytes.byteOffset).setUint16(CELL_OFF.revision, 13, true);
    const file = join(tmp, 'rev13.cell');
    writeFileSync(file, bytes);
    const r = check(ROOT, file);
    expect(r.code).toBe(1);
    expect(r.out).toContain(`Configuration revision and architecture:\n\n${file}: revision 13, the driver accepts only 14\n`);
  });

  it('errors name the file: a missing one, a schema error, a cell config first', () => {
    expect(check(ROOT, join(tmp, 'nope.json')).err).toBe(`${join(tmp, 'nope.json')}: No such file or directory\n`);
    const bad = variant('hello', 'schema', (c) => (c.cpus = [99]));
    const r = check(ROOT, bad);
    expect(r.code).toBe(1);
    expect(r.err).toContain(bad);
    expect(check('configs/cells/hello.json', ROOT).err).toMatch(/the first file must be the system configuration/);
    expect(check('configs/cells/hello.json').out).toMatch(/^configs\/cells\/hello.json: valid cell configuration, \d+ bytes\n$/);
  });

  it('from the command line and from the shell as `jailhouse config check`', async () => {
    const bad = variant('hello', 'hv-overlap2', (c) => (c.memory_regions[0]!.phys_start = '0x7fc00000'));
    const cli = await jhsim(['config', 'check', ROOT, bad]);
    expect(cli.code).toBe(1);
    expect(cli.stdout).toContain('overlaps with hypervisor memory region');
    const b = await bootRootShell();
    try {
      const ok = await b.run(`jailhouse config check ${ROOT} configs/cells/hello.json`);
      expect(ok.code).toBe(0);
      expect(ok.out).toContain('Overlapping memory regions with hypervisor: None');
      expect((await b.run(`jailhouse config check ${ROOT} ${bad}`)).code).toBe(1);
      expect((await b.run('jailhouse config check -h')).out).toMatch(/^usage: jailhouse config check/);
    } finally {
      await b.m.shutdown();
    }
  });
});

describe('config create', () => {
  it('writes the bundled root config adapted to --cpus, which enables on that board and checks clean', async () => {
    const out = join(tmp, 'root8.json');
    const c = await jhsim(['config', 'create', '--cpus', '8', out]);
    expect(c.code, c.stderr).toBe(0);
    expect(c.stdout).toBe(`${out}: root cell "qemu-arm64" on CPUs 0-7 of qemu-arm64-virt\n`);
    const cfg = JSON.parse(readFileSync(out, 'utf8')) as { root_cell: { cpus: string | number[] } };
    expect(cfg.root_cell.cpus).toEqual('0-7');
    expect(check(out, 'configs/cells/hello.json').code).toBe(0);
    const r = await jhsim(['--cpus', '8', 'run', '-c', `jailhouse enable ${out}; cat /sys/devices/jailhouse/enabled; jailhouse disable`]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('1\n');
  });
});

describe('config import of what is not a config file', () => {
  it('a directory or a missing file: the errno and the name, exit 1, no stack trace', async () => {
    const dir = await jhsim(['config', 'import', 'configs']);
    expect(dir.code).toBe(1);
    expect(dir.stderr).toBe('jhsim: configs: Is a directory (EISDIR 21)\n');
    const missing = await jhsim(['config', 'import', 'no-such.cell']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe('jhsim: no-such.cell: No such file or directory (ENOENT 2)\n');
  });
});
