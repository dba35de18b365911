/**
 * The PCIe fabric without CPUs: config-space access types, BAR sizing, capability chains, the
 * seed notes' RK3588 + Xilinx 7014 board byte for byte after Linux-style enumeration, bus
 * numbering of a switch hierarchy (reference §4.2), TLP routing with Type 1 -> Type 0
 * conversion, and memory requests through bridge windows.
 */
import { describe, expect, it } from 'vitest';
import { KERNEL_SAB_BYTES } from '../src/actors/cpu/linux/layout.js';
import { pciDevBdfs } from '../src/actors/cpu/linux/pci-devs.js';
import { Enumerator } from '../src/actors/cpu/linux/pci-enumerate.js';
import { PcieFabric, bdfString, buildFunction, findCap, findExtCap, imageFromCapture, type PcieNodeInput, type Tlp } from '../src/actors/pcie/index.js';
import { loadBoard } from '../src/actors/cpu/board.js';

const policy = { cpu: -1, watchdogMs: 1000, spins: 0 };

/** The kernel buffer root Linux's scan records its pci_dev table in (cpu/linux/pci-layout.ts). */
const kernelWords = (): Int32Array => new Int32Array(new SharedArrayBuffer(KERNEL_SAB_BYTES));

function boot(nodes: PcieNodeInput[], mem = { memBase: 0xf0000000, memSize: 0x0e00000, ioSize: 0x100000 }, k32 = kernelWords()): PcieFabric {
  const f = new PcieFabric(new SharedArrayBuffer(PcieFabric.sabSize(nodes)), nodes, policy);
  f.resetHardware();
  new Enumerator(f, mem, k32).run();
  return f;
}

const hex = (f: PcieFabric, bdf: number, n = 64): string[] => {
  const rows: string[] = [];
  for (let r = 0; r < n; r += 16) {
    const b: string[] = [];
    for (let i = 0; i < 16; i += 4) {
      const v = f.configRead(bdf, r + i, 4);
      for (let j = 0; j < 4; j++) b.push(((v >>> (8 * j)) & 0xff).toString(16).padStart(2, '0'));
    }
    rows.push(`${r.toString(16).padStart(2, '0')}: ${b.join(' ')}`);
  }
  return rows;
};

describe('the seed notes board (RK3588 root port + Xilinx 7014)', () => {
  const board = loadBoard('configs/boards/rk3588-xilinx.json');
  const f = boot(board.pci.devices);

  it('reads back the captured headers after enumeration', () => {
    expect(hex(f, 0x000)).toEqual([
      '00: 87 1d 88 35 07 05 10 00 01 00 04 06 00 00 01 00',
      '10: 00 00 00 00 00 00 00 00 00 01 ff 00 f0 00 00 00',
      '20: 00 f0 00 f0 f1 ff 01 00 00 00 00 00 00 00 00 00',
      '30: 00 00 00 00 40 00 00 00 00 00 00 00 70 01 02 00',
    ]);
    expect(hex(f, 0x100)).toEqual([
      '00: ee 10 14 70 00 00 10 00 00 00 80 05 00 00 00 00',
      '10: 00 00 00 f0 00 00 00 00 00 00 00 00 00 00 00 00',
      '20: 00 00 00 00 00 00 00 00 00 00 00 00 ee 10 07 00',
      '30: 00 00 00 00 80 00 00 00 00 00 00 00 ff 01 00 00',
    ]);
  });

  it('sizes BAR0 as 512 KiB: all ones reads back fff80000, and only that dword changes', () => {
    const before = hex(f, 0x100);
    f.configWrite(0x100, 0x10, 4, 0xffffffff);
    expect(f.configRead(0x100, 0x10, 4) >>> 0).toBe(0xfff80000);
    const after = hex(f, 0x100);
    expect(after[1]).toBe('10: 00 00 f8 ff 00 00 00 00 00 00 00 00 00 00 00 00');
    expect([after[0], after[2], after[3]]).toEqual([before[0], before[2], before[3]]);
    f.configWrite(0x100, 0x10, 4, 0xf0000000);
  });

  it('chains the capabilities at 0x80 -> 0x90 -> 0xc0 and AER at 0x100 with the synthetic words', () => {
    expect(f.configRead(0x100, 0x80, 4) >>> 0).toBe(0x00039001);
    expect(f.configRead(0x100, 0x90, 4) >>> 0).toBe(0x0080c005);
    expect(f.configRead(0x100, 0xc0, 4) >>> 0).toBe(0x00020010);
    expect(f.configRead(0x100, 0x100, 4) >>> 0).toBe(0x00010001);
  });

  it('answers an absent function with all ones (UR) and counts it', () => {
    const ur = f.unsupportedRequests;
    expect(f.configRead(0x108, 0, 4) >>> 0).toBe(0xffffffff);
    expect(f.configRead(0x300, 0, 2)).toBe(0xffff);
    expect(f.unsupportedRequests).toBe(ur + 2);
  });

  it('routes memory to the BAR only while Memory Space is enabled', () => {
    expect(f.memRead(0xf0000010, 4)).toBe(0xffffffffn);
    f.configWrite(0x100, 0x04, 2, 0x0002);
    expect(f.memWrite(0xf0000010, 4, 0x12345678n)).toBe(true);
    expect(f.memRead(0xf0000010, 4)).toBe(0x12345678n);
    expect(f.memRead(0xf0000012, 2)).toBe(0x1234n);
    // Beyond the 512 KiB BAR but inside the bridge window: nothing decodes it.
    expect(f.memRead(0xf0080000, 4)).toBe(0xffffffffn);
    f.configWrite(0x100, 0x04, 2, 0);
  });
});

describe('config-space access types', () => {
  it('keeps read-only bits, clears write-1-to-clear bits, writes only enabled bytes', () => {
    const f = boot([{ type: 'root_port', device: 1, below: { type: 'endpoint', device: 0, model: 'xilinx-7014' } }]);
    f.configWrite(0x100, 0x00, 4, 0); // vendor/device are read-only
    expect(f.configRead(0x100, 0, 4) >>> 0).toBe(0x701410ee);
    // Status: Received Master Abort set by hardware, cleared by writing 1.
    f.fn(1).cfg[0x07] |= 0x20;
    f.configWrite(0x100, 0x06, 2, 0x0010);
    expect(f.configRead(0x100, 0x06, 2)).toBe(0x2010);
    f.configWrite(0x100, 0x06, 2, 0x2000);
    expect(f.configRead(0x100, 0x06, 2)).toBe(0x0010);
    f.configWrite(0x100, 0x3c, 1, 0x42); // interrupt line only
    expect(f.configRead(0x100, 0x3c, 4) >>> 0).toBe(0x00000142);
  });

  it('sizes 64-bit, I/O and ROM BARs like __pci_read_base', () => {
    const img = buildFunction({ vendor: 0x1234, device: 1, classCode: 0xff0000, headerType: 0, bars: [{ kind: 'mem64', size: 0x200000000, prefetch: true }, null, { kind: 'io', size: 0x40 }], romSize: 0x10000 });
    expect(img.bars.map((b) => [b.index, b.kind, b.size])).toEqual([[0, 'mem64', 0x200000000], [2, 'io', 0x40]]);
    const f = boot([{ type: 'root_port', device: 1, below: { type: 'endpoint', device: 0, model: 'qemu-nvme' } }]);
    f.configWrite(0x100, 0x10, 4, 0xffffffff);
    f.configWrite(0x100, 0x14, 4, 0xffffffff);
    expect(f.configRead(0x100, 0x10, 4) >>> 0).toBe(0xffffc004);
    expect(f.configRead(0x100, 0x14, 4) >>> 0).toBe(0xffffffff);
  });

  it('infers the writable bits of a captured function from its BARs and capabilities', () => {
    const cfg = new Uint8Array(256);
    cfg.set([0xee, 0x10, 0x14, 0x70, 0, 0, 0x10, 0, 0, 0, 0x80, 0x05], 0);
    cfg[0x34] = 0x90;
    cfg.set([0x05, 0x00, 0x80, 0x00], 0x90);
    const img = imageFromCapture({ config: cfg, bars: [{ index: 0, kind: 'mem32', prefetch: false, size: 0x80000 }] });
    expect(img.wmask.subarray(0x10, 0x14)).toEqual(new Uint8Array([0, 0, 0xf8, 0xff]));
    expect(img.wmask[0x92]).toBe(0x71); // MSI enable + multiple message enable
    expect(findCap(img.config, 0x05)).toBe(0x90);
    expect(findExtCap(img.config, 1)).toBe(0);
  });
});

describe('topology and enumeration', () => {
  it('numbers the reference §4.2 hierarchy as Linux does', () => {
    const nodes: PcieNodeInput[] = [
      { type: 'root_port', device: 1, below: { type: 'switch', device: 0, downstream: [{ device: 1, below: { type: 'endpoint', device: 0 } }, { device: 2, below: { type: 'endpoint', device: 0 } }] } },
      { type: 'root_port', device: 2, below: { type: 'endpoint', device: 0 } },
    ];
    const f = boot(nodes);
    const bus = (bdf: number): string => {
      const v = f.configRead(bdf, 0x18, 4);
      return `${v & 0xff}/${(v >> 8) & 0xff}/${(v >> 16) & 0xff}`;
    };
    expect(bus(0x008)).toBe('0/1/4');
    expect(bus(0x100)).toBe('1/2/4');
    expect(bus(0x208)).toBe('2/3/3');
    expect(bus(0x210)).toBe('2/4/4');
    expect(bus(0x010)).toBe('0/5/5');
    for (const ep of [0x300, 0x400, 0x500]) expect(f.configRead(ep, 0, 2)).toBe(0x1b36);
  });

  it('converts Type 1 to Type 0 at the target bus (CfgRd1 to 04:00.0 through two bridges)', () => {
    const nodes: PcieNodeInput[] = [{ type: 'root_port', device: 1, below: { type: 'switch', device: 0, downstream: [{ device: 1, below: { type: 'endpoint', device: 0 } }, { device: 2, below: { type: 'endpoint', device: 0 } }] } }];
    const f = boot(nodes);
    const seen: { kind: string; at: string }[] = [];
    f.observer = (t: Tlp, at: string) => seen.push({ kind: t.kind, at });
    expect(f.configRead(0x400, 0, 4) >>> 0).toBe(0x00051b36);
    expect(seen.map((s) => s.kind)).toEqual(['CfgRd1', 'CfgRd0', 'CplD']);
    expect(seen[1]!.at).toContain('pex8747-downstream');
  });

  it('only device 0 answers below a downstream port; the port records the master abort', () => {
    const f = boot([{ type: 'root_port', device: 1, below: { type: 'endpoint', device: 0 } }]);
    expect(f.configRead(0x108, 0, 4) >>> 0).toBe(0xffffffff);
    expect(f.configRead(0x008, 0x1e, 2) & 0x2000).toBe(0x2000);
  });

  it('rejects impossible topologies with a clear message', () => {
    expect(() => loadBoardJson({ type: 'switch', device: 3 })).toThrow(/switch sits below a root port/);
    expect(() => loadBoardJson({ type: 'root_port', device: 1, below: { type: 'endpoint', device: 2 } })).toThrow(/only device 0 below it, not device 2/);
    expect(() => loadBoardJson({ type: 'endpoint', device: 1, model: 'nope' })).toThrow(/unknown device model/);
  });

  it('enumerates the default board: every kind of function, windows holding their BARs', () => {
    const board = loadBoard();
    const k32 = kernelWords();
    const f = boot(board.pci.devices, { memBase: board.pci.mmio_base, memSize: board.pci.mmio_size, ioSize: board.pci.pio_size }, k32);
    const found = pciDevBdfs(k32).map((bdf) => `${bdfString(bdf)} ${f.fn(f.resolve(bdf)!).slot.model}`);
    expect(found).toEqual([
      '00:00.0 qemu-host-bridge', '00:01.0 qemu-root-port', '01:00.0 pex8747-upstream', '02:00.0 pex8747-downstream', '03:00.0 qemu-nvme',
      '02:01.0 pex8747-downstream', '04:00.0 qemu-testdev', '00:02.0 qemu-root-port', '05:00.0 qemu-pcie-pci-bridge', '06:01.0 qemu-pci-serial',
      '00:03.0 rcec', '00:04.0 qemu-rciep',
    ]);
    // The conventional device has no extended space; its I/O BAR is reached through two windows.
    expect(f.configRead(0x608, 0x100, 4) >>> 0).toBe(0xffffffff);
    const io = f.configRead(0x608, 0x10, 4) & ~3;
    f.configWrite(0x608, 0x04, 2, 1);
    expect(f.memWrite(io, 1, 0x5an, true)).toBe(true);
    expect(f.memRead(io, 1, true)).toBe(0x5an);
  });
});

function loadBoardJson(node: unknown): unknown {
  const { writeFileSync, mkdtempSync } = require('node:fs') as typeof import('node:fs');
  const { join } = require('node:path') as typeof import('node:path');
  const { tmpdir } = require('node:os') as typeof import('node:os');
  const dir = mkdtempSync(join(tmpdir(), 'jhsim-board-'));
  const b = JSON.parse(JSON.stringify(loadBoard())) as { pci: { devices: unknown[] } };
  b.pci.devices = [node];
  writeFileSync(join(dir, 'b.json'), JSON.stringify(b));
  return loadBoard(join(dir, 'b.json'));
}
