/**
 * lspci/setpci front-end: byte-equality with stored real pciutils 3.9 output (made by
 * lspci-regen.test.ts; pciutils is not needed here), the seed's RK3588 + Xilinx 7014 vectors
 * (reference 6.1), filters, tree, setpci parsing/resolution and dump import.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  type LspciFunction,
  PciToolError,
  applySetpciWrite,
  formatLspci,
  formatSetpciRead,
  parseIdFilter,
  parseLspciDump,
  parseSetpci,
  parseSlotFilter,
  resolveSetpciOps,
} from '../src/cli/tools/pciutils/index.js';
import {
  Cfg,
  RK3588_ROWS,
  XILINX_ROWS,
  bdf,
  fabricFunctions,
  mem,
  seedFunctions,
  xilinxFull,
} from './fixtures/lspci/scenarios.js';
import { SCENARIOS, SETPCI_FIXTURES } from './fixtures/lspci/runs.js';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'lspci');

const lines = (s: string): string[] => s.split('\n');
const reader = (config: Uint8Array) => (off: number, size: 1 | 2 | 4): number => {
  let v = 0;
  for (let i = size - 1; i >= 0; i--) v = v * 256 + (config[off + i] ?? 0xff);
  return v;
};

/** The seed's dump after `setpci -s 01:00.0 0x10.L=0xffffffff`. */
const XILINX_SIZED = XILINX_ROWS.replace('10: 00 00 00 f0', '10: 00 00 f8 ff');

describe('lspci output equals real pciutils 3.9 output (test/fixtures/lspci)', () => {
  for (const sc of SCENARIOS) {
    for (const r of sc.runs) {
      it(`${sc.name}: lspci ${r.args.join(' ')} (${r.file})`, () => {
        const expected = readFileSync(join(FIXTURES, r.file), 'utf8');
        const actual = formatLspci(sc.funcs(), r.options);
        // Debug aid: LSPCI_ACTUAL=dir writes our output there for diffing against the fixture.
        if (process.env.LSPCI_ACTUAL) writeFileSync(join(process.env.LSPCI_ACTUAL, r.file), actual);
        expect(actual).toBe(expected);
      });
    }
  }
});

describe('setpci reads equal real setpci 3.9 output', () => {
  for (const sp of SETPCI_FIXTURES) {
    it(`setpci -s ${sp.slot} ... (${sp.file})`, () => {
      const config = sp.func().config;
      const ops = resolveSetpciOps(parseSetpci(['-s', sp.slot, ...sp.tokens]), reader(config));
      const out = ops.map((o) => formatSetpciRead(reader(config)(o.offset, o.width), o.width) + '\n').join('');
      expect(out).toBe(readFileSync(join(FIXTURES, sp.file), 'utf8'));
    });
  }
});

describe('seed vectors (reference 6.1)', () => {
  it('formats the Xilinx 7014 with the synthetic capability words like the seed -v capture', () => {
    const f: LspciFunction = { domain: 0, bdf: bdf(1, 0, 0), config: xilinxFull().take(), resources: [mem(0, 0xf0000000n, 0x80000n)] };
    expect(formatLspci([f], { verbose: 1 })).toBe(
      [
        '01:00.0 Memory controller: Xilinx Corporation Device 7014',
        '\tSubsystem: Xilinx Corporation Device 0007',
        '\tFlags: fast devsel, IRQ 255',
        '\tMemory at f0000000 (32-bit, non-prefetchable) [disabled] [size=512K]',
        '\tCapabilities: [80] Power Management version 3',
        '\tCapabilities: [90] MSI: Enable- Count=1/1 Maskable- 64bit+',
        '\tCapabilities: [c0] Express Endpoint, MSI 00',
        '\tCapabilities: [100] Advanced Error Reporting',
        '',
        '',
      ].join('\n'),
    );
  });

  it('shows the kernel address when it differs from the register (the seed printed f0200000)', () => {
    const f: LspciFunction = { domain: 0, bdf: bdf(1, 0, 0), config: xilinxFull().take(), resources: [mem(0, 0xf0200000n, 0x80000n)] };
    expect(formatLspci([f], { verbose: 1 })).toContain('\tMemory at f0200000 (32-bit, non-prefetchable) [disabled] [size=512K]\n');
  });

  it('prints the title line of the seed and, as non-root (64 bytes), <access denied> for caps', () => {
    const out = formatLspci(seedFunctions(), { verbose: 1 });
    expect(lines(out)).toContain('01:00.0 Memory controller: Xilinx Corporation Device 7014');
    expect(out.match(/\tCapabilities: <access denied>\n/g)).toHaveLength(2);
    expect(formatLspci(seedFunctions(), {})).toBe(
      '00:00.0 PCI bridge: Fuzhou Rockchip Electronics Co., Ltd Device 3588 (rev 01)\n' +
        '01:00.0 Memory controller: Xilinx Corporation Device 7014\n',
    );
  });

  it('-x of the sized BAR shows 10: 00 00 f8 ff, as in the seed', () => {
    const f: LspciFunction = { domain: 0, bdf: bdf(1, 0, 0), config: new Cfg().rows(XILINX_SIZED).take(64), resources: [] };
    const out = formatLspci([f], { hex: 1 });
    expect(out).toBe(`01:00.0 Memory controller: Xilinx Corporation Device 7014\n${XILINX_SIZED.trim()}\n\n`);
    expect(lines(out)[2]).toBe('10: 00 00 f8 ff 00 00 00 00 00 00 00 00 00 00 00 00');
  });

  it('decodes the RK3588 root port bridge lines', () => {
    const out = lines(formatLspci(seedFunctions(), { verbose: 1, slot: '00:00.0' }));
    expect(out).toEqual([
      '00:00.0 PCI bridge: Fuzhou Rockchip Electronics Co., Ltd Device 3588 (rev 01) (prog-if 00 [Normal decode])',
      '\tFlags: bus master, fast devsel, latency 0, IRQ 112',
      '\tBus: primary=00, secondary=01, subordinate=ff, sec-latency=0',
      '\tI/O behind bridge: [disabled] [16-bit]',
      '\tMemory behind bridge: f0000000-f00fffff [size=1M] [32-bit]',
      '\tPrefetchable memory behind bridge: [disabled] [64-bit]',
      '\tCapabilities: <access denied>',
      '',
      '',
    ]);
    const vvv = formatLspci(seedFunctions(), { verbose: 3, slot: '00:00.0' });
    expect(vvv).toContain('\tI/O behind bridge: f000-0fff [disabled] [16-bit]\n');
    expect(vvv).toContain('\tPrefetchable memory behind bridge: 00000000fff00000-00000000000fffff [disabled] [64-bit]\n');
    expect(vvv).toContain('\tBridgeCtl: Parity- SERR+ NoISA- VGA- VGA16- MAbort- >Reset- FastB2B-\n');
  });

  it('draws the seed tree with the root port range 01-ff', () => {
    expect(formatLspci(seedFunctions(), { tree: true })).toBe('-[0000:00]---00.0-[01-ff]----00.0\n');
    expect(formatLspci(seedFunctions(), { tree: true, verbose: 1 })).toBe(
      '-[0000:00]---00.0-[01-ff]----00.0  Xilinx Corporation Device 7014\n',
    );
  });

  it('-vv decodes the capability bodies', () => {
    const f: LspciFunction = { domain: 0, bdf: bdf(1, 0, 0), config: xilinxFull().take(), resources: [] };
    const out = formatLspci([f], { verbose: 2 });
    expect(out).toContain('\tCapabilities: [90] MSI: Enable- Count=1/1 Maskable- 64bit+\n\t\tAddress: 0000000000000000  Data: 0000\n');
    expect(out).toContain('\tCapabilities: [c0] Express (v2) Endpoint, MSI 00\n');
    expect(out).toContain('\tCapabilities: [100 v1] Advanced Error Reporting\n');
    expect(out).toContain('\tRegion 0: Memory at f0000000 (32-bit, non-prefetchable) [disabled]\n');
  });
});

describe('names and numbers', () => {
  it('-n / -nn / -D', () => {
    expect(formatLspci(seedFunctions(), { numeric: 1 })).toBe('00:00.0 0604: 1d87:3588 (rev 01)\n01:00.0 0580: 10ee:7014\n');
    expect(formatLspci(seedFunctions(), { numeric: 2, domains: true, slot: '1:' })).toBe(
      '0000:01:00.0 Memory controller [0580]: Xilinx Corporation Device [10ee:7014]\n',
    );
  });

  it('unknown vendors, classes and subclasses print like pciutils', () => {
    const f = (vendor: number, cls: number): LspciFunction => ({
      domain: 0, bdf: 0, config: new Cfg().header({ vendor, device: 0x7021, cls }).take(64), resources: [],
    });
    expect(formatLspci([f(0x10ef, 0x057700)], {})).toBe('00:00.0 Memory controller [0577]: Device 10ef:7021\n');
    expect(formatLspci([f(0x10ee, 0x997700)], { numeric: 2 })).toBe('00:00.0 Class [9977]: Xilinx Corporation Device [10ee:7021]\n');
    expect(formatLspci([f(0x110a, 0xff0000)], {})).toBe('00:00.0 Unassigned class [ff00]: Siemens AG Device 7021\n');
    expect(formatLspci([f(0x8086, 0x080700)], {})).toBe('00:00.0 Root Complex Event Collector: Intel Corporation Device 7021\n');
  });

  it('knows the Jailhouse ivshmem and QEMU bridge names', () => {
    const names = formatLspci(fabricFunctions(), {});
    expect(names).toContain('04:00.0 Unassigned class [ff00]: Siemens AG Inter-VM shared memory\n');
    expect(names).toContain('00:00.0 Host bridge: Red Hat, Inc. QEMU PCIe Host bridge\n');
    expect(names).toContain('00:01.0 PCI bridge: Red Hat, Inc. QEMU PCIe Root port\n');
    expect(names).toContain('00:03.0 PCI bridge: Red Hat, Inc. QEMU PCIe-to-PCI bridge\n');
    expect(names).toContain('06:01.0 PCI bridge: Red Hat, Inc. QEMU PCI-PCI bridge\n');
  });
});

describe('slot and id filters', () => {
  it('parses [[domain]:][bus]:[dev][.[fn]] with * and omitted parts as wildcards', () => {
    expect(parseSlotFilter('01:00.0')).toEqual({ domain: undefined, bus: 1, dev: 0, fn: 0 });
    expect(parseSlotFilter('1:')).toEqual({ domain: undefined, bus: 1, dev: undefined, fn: undefined });
    expect(parseSlotFilter('0.3')).toEqual({ domain: undefined, bus: undefined, dev: 0, fn: 3 });
    expect(parseSlotFilter('.1')).toEqual({ domain: undefined, bus: undefined, dev: undefined, fn: 1 });
    expect(parseSlotFilter('0001:*:1f.*')).toEqual({ domain: 1, bus: undefined, dev: 0x1f, fn: undefined });
    expect(parseSlotFilter('')).toEqual({ domain: undefined, bus: undefined, dev: undefined, fn: undefined });
  });

  it('rejects bad slots naming the bad part', () => {
    expect(() => parseSlotFilter('1:0.8')).toThrow(/function "8" out of range/);
    expect(() => parseSlotFilter('100:')).toThrow(/bus "100" out of range/);
    expect(() => parseSlotFilter('20')).toThrow(/device \(slot\) "20" out of range/);
    expect(() => parseSlotFilter('x:')).toThrow(/invalid bus "x"/);
    expect(() => parseSlotFilter('1:2:3:4')).toThrow(PciToolError);
  });

  it('selects functions by slot, wildcard and id', () => {
    const pick = (o: { slot?: string; device?: string }): string[] =>
      lines(formatLspci(fabricFunctions(), o)).filter(Boolean).map((l) => l.slice(0, 7));
    expect(pick({ slot: '03:' })).toEqual(['03:00.0', '03:01.0']);
    expect(pick({ slot: '*:1' })).toEqual(['00:01.0', '03:01.0', '06:01.0']);
    expect(pick({ slot: '0:0.0' })).toEqual(['00:00.0']);
    expect(pick({ slot: '07:02.1' })).toEqual([]);
    expect(pick({ device: '1af4:' })).toEqual(['01:00.0', '07:02.0']);
    expect(pick({ device: ':8233' })).toEqual(['03:00.0', '03:01.0']);
    expect(pick({ device: '::ff00' })).toEqual(['04:00.0']);
    expect(parseIdFilter('10ee:7014')).toEqual({ vendor: 0x10ee, device: 0x7014, cls: undefined, progIf: undefined });
    expect(() => parseIdFilter('10ee')).toThrow(/-d "10ee"/);
    expect(() => parseIdFilter('10eee:')).toThrow(/vendor "10eee" out of range/);
  });
});

describe('tree', () => {
  it('draws switches, empty buses and siblings', () => {
    expect(formatLspci(fabricFunctions(), { tree: true })).toBe(
      [
        '-[0000:00]-+-00.0',
        '           +-01.0-[01]----00.0',
        '           +-02.0-[02-05]----00.0-[03-05]--+-00.0-[04]----00.0',
        '           |                               \\-01.0-[05]--',
        '           +-03.0-[06-07]----01.0-[07]----02.0',
        '           +-04.0',
        '           \\-05.0',
        '',
      ].join('\n'),
    );
  });

  it('lists each bus a bridge owns when no deeper bridge claims it', () => {
    const rp = new Cfg().header({ vendor: 0x1b36, device: 0x000c, cls: 0x060400, htype: 1 }).b(0x19, 1).b(0x1a, 3);
    const ep = new Cfg().header({ vendor: 0x1af4, device: 0x1041, cls: 0x020000 });
    const funcs: LspciFunction[] = [
      { domain: 0, bdf: bdf(0, 1, 0), config: rp.take(64), resources: [] },
      { domain: 0, bdf: bdf(3, 0, 0), config: ep.take(64), resources: [] },
    ];
    // Checked against `lspci -F` on the same two functions.
    expect(formatLspci(funcs, { tree: true })).toBe('-[0000:00]---01.0-[01-03]--+-[0000:01]-\n                           \\-[0000:03]---00.0\n');
  });
});

describe('setpci parsing', () => {
  it('parses names with default widths, numbers, offsets and width suffixes', () => {
    const cmd = parseSetpci(['-s', '01:00.0', 'COMMAND', 'base_address_0', '0x10.L', 'CAP_EXP+8.w', 'ECAP_AER+4.L', '3c.b', 'STATUS.b', 'CAP10+2.W', 'ECAP1.l']);
    expect(cmd.groups).toHaveLength(1);
    expect(cmd.groups[0]!.slot).toEqual({ domain: undefined, bus: 1, dev: 0, fn: 0 });
    const ops = cmd.groups[0]!.ops.map((o) => [o.base, o.add, o.width]);
    expect(ops).toEqual([
      [{ kind: 'offset', offset: 0x04 }, 0, 2],
      [{ kind: 'offset', offset: 0x10 }, 0, 4],
      [{ kind: 'offset', offset: 0x10 }, 0, 4],
      [{ kind: 'cap', extended: false, id: 0x10, name: 'CAP_EXP' }, 8, 2],
      [{ kind: 'cap', extended: true, id: 1, name: 'ECAP_AER' }, 4, 4],
      [{ kind: 'offset', offset: 0x3c }, 0, 1],
      [{ kind: 'offset', offset: 0x06 }, 0, 1],
      [{ kind: 'cap', extended: false, id: 0x10, name: 'CAP10' }, 2, 2],
      [{ kind: 'cap', extended: true, id: 1, name: 'ECAP1' }, 0, 4],
    ]);
  });

  it('knows the bridge and header register names', () => {
    const widths = parseSetpci(['-s', '0:0.0', 'PRIMARY_BUS', 'SECONDARY_BUS', 'SUBORDINATE_BUS', 'SEC_LATENCY_TIMER', 'IO_BASE', 'IO_LIMIT', 'SEC_STATUS',
      'MEMORY_BASE', 'MEMORY_LIMIT', 'PREF_MEMORY_BASE', 'PREF_MEMORY_LIMIT', 'PREF_BASE_UPPER32', 'IO_BASE_UPPER16', 'BRIDGE_ROM_ADDRESS', 'BRIDGE_CONTROL',
      'CAPABILITIES', 'HEADER_TYPE', 'CLASS_DEVICE', 'SUBSYSTEM_ID', 'ROM_ADDRESS', 'INTERRUPT_PIN', 'MAX_LAT'])
      .groups[0]!.ops.map((o) => `${(o.base as { offset: number }).offset.toString(16)}.${o.width}`);
    expect(widths).toEqual(['18.1', '19.1', '1a.1', '1b.1', '1c.1', '1d.1', '1e.2', '20.2', '22.2', '24.2', '26.2', '28.4', '30.2', '38.4', '3e.2',
      '34.1', 'e.1', 'a.2', '2e.2', '30.4', '3d.1', '3f.1']);
  });

  it('parses values, masks, multiple values, options and several selections', () => {
    const cmd = parseSetpci(['-v', '-D', '-s', '01:00.0', '0x10.L=0xffffffff', 'COMMAND=0002:0006', '-d', '10ee:7014', '-s', '1:0', '40.b=1,2,ff']);
    expect(cmd.verbose).toBe(true);
    expect(cmd.demo).toBe(true);
    expect(cmd.groups).toHaveLength(2);
    expect(cmd.groups[0]!.ops[0]!.values).toEqual([{ value: 0xffffffff, mask: 0xffffffff }]);
    expect(cmd.groups[0]!.ops[1]!.values).toEqual([{ value: 2, mask: 6 }]);
    expect(cmd.groups[1]!.device).toEqual({ vendor: 0x10ee, device: 0x7014, cls: undefined, progIf: undefined });
    expect(cmd.groups[1]!.slot?.bus).toBe(1);
    expect(cmd.groups[1]!.ops[0]!.values?.map((v) => v.value)).toEqual([1, 2, 0xff]);
  });

  it.each([
    [['COMMAND'], /before any -s or -d/],
    [['-s', '1:0.0'], /not followed by any register/],
    [[], /no -s or -d/],
    [['-s', '1:0.0', 'FOO'], /unknown register "FOO" in "FOO"/],
    [['-s', '1:0.0', 'CAP_EXP'], /missing width in "CAP_EXP"/],
    [['-s', '1:0.0', '10'], /missing width in "10"/],
    [['-s', '1:0.0', 'COMMAND.q'], /invalid width "\.q" in "COMMAND\.q"/],
    [['-s', '1:0.0', '2.l'], /unaligned 4-byte register 02 in "2\.l"/],
    [['-s', '1:0.0', 'COMMAND+1'], /unaligned 2-byte register 05 in "COMMAND\+1"/],
    [['-s', '1:0.0', '1000.b'], /register 1000 in "1000\.b" is out of range/],
    [['-s', '1:0.0', 'COMMAND=10000'], /value "10000" in "COMMAND=10000" does not fit 2 byte/],
    [['-s', '1:0.0', 'COMMAND=xyz'], /invalid value "xyz"/],
    [['-s', '1:0.0', 'COMMAND=1:'], /invalid mask ""/],
    [['-s', '1:0.0', 'COMMAND='], /missing value after "=" in "COMMAND="/],
    [['-s', '1:0.0', 'COMMAND+zz'], /invalid offset "\+zz"/],
    [['-s', '1:0.8', 'COMMAND'], /function "8" out of range/],
    [['-s', '1:0.0', '-x', 'COMMAND'], /option "-x"/],
    [['-s'], /-s needs an argument/],
  ])('rejects %j', (args, message) => {
    expect(() => parseSetpci(args)).toThrow(PciToolError);
    expect(() => parseSetpci(args)).toThrow(message);
  });
});

describe('setpci resolution and output', () => {
  const xilinx = xilinxFull().take();

  it('turns capability names into offsets through the chains', () => {
    const cmd = parseSetpci(['-s', '01:00.0', 'CAP_EXP+2.w', 'CAP_PM+4.w', 'CAP_MSI+2.w', 'ECAP_AER+4.l', '0x10.L', 'CAP_EXP+0x40.l']);
    const ops = resolveSetpciOps(cmd, reader(xilinx));
    expect(ops.map((o) => [o.offset, o.width])).toEqual([[0xc2, 2], [0x84, 2], [0x92, 2], [0x104, 4], [0x10, 4], [0x100, 4]]);
    expect(ops[0]!.cap).toEqual({ id: 0x10, extended: false, pos: 0xc0 });
    expect(formatSetpciRead(reader(xilinx)(ops[0]!.offset, 2), 2)).toBe('0002');
    expect(formatSetpciRead(reader(xilinx)(ops[5]!.offset, 4), 4)).toBe('00010001');
  });

  it('fails clearly when the function lacks the capability', () => {
    const cmd = parseSetpci(['-s', '01:00.0', 'CAP_MSIX+2.w']);
    expect(() => resolveSetpciOps(cmd, reader(xilinx))).toThrow(/"CAP_MSIX\+2\.w": the function has no capability 11 \(CAP_MSIX\)/);
    const noExt = xilinxFull().l(0x100, 0).take();
    expect(() => resolveSetpciOps(parseSetpci(['-s', '1:', 'ECAP_DSN.l']), reader(noExt))).toThrow(/no extended capability 0003 \(ECAP_DSN\)/);
    expect(() => resolveSetpciOps(parseSetpci(['-s', '1:', 'CAP_EXP+f40.l']), reader(xilinx))).toThrow(/past the 4 KB/);
    const two = parseSetpci(['-s', '1:', 'COMMAND', '-s', '2:', 'COMMAND']);
    expect(() => resolveSetpciOps(two, reader(xilinx))).toThrow(/2 device selections/);
    expect(resolveSetpciOps(two.groups[1]!, reader(xilinx))).toEqual([{ token: 'COMMAND', offset: 4, width: 2 }]);
  });

  it('expands multi-value writes to successive registers and applies masks', () => {
    const ops = resolveSetpciOps(parseSetpci(['-s', '1:', 'CAP_MSI+4.l=fee00000,0', 'COMMAND=2:6']), reader(xilinx));
    expect(ops.map((o) => [o.offset, o.write?.value])).toEqual([[0x94, 0xfee00000], [0x98, 0], [0x04, 2]]);
    expect(applySetpciWrite(0x0507, ops[2]!.write!)).toBe(0x0503);
  });

  it('reproduces the seed BAR sizing: 0x10.L=0xffffffff then reading 0x10.L gives fff80000', () => {
    const config = xilinxFull().take();
    const [write] = resolveSetpciOps(parseSetpci(['-s', '01:00.0', '0x10.L=0xffffffff']), reader(config));
    // A 512K non-prefetchable BAR keeps its low 19 address bits at zero (reference 2.5).
    const sized = applySetpciWrite(reader(config)(write!.offset, 4), write!.write!) & 0xfff80000;
    expect(formatSetpciRead(sized, 4)).toBe('fff80000');
    expect(formatSetpciRead(0x10, 1)).toBe('10');
    expect(formatSetpciRead(0x1ffff, 2)).toBe('ffff');
  });
});

describe('dump import', () => {
  it('round-trips -x, -xxx and -xxxx dumps (bytes, slot, domain)', () => {
    const funcs = fabricFunctions();
    for (const [hex, len] of [[1, 64], [3, 256], [4, 4096]] as const) {
      const back = parseLspciDump(formatLspci(funcs, { hex, domains: hex === 4 }));
      expect(back).toHaveLength(funcs.length);
      for (const f of back) {
        const orig = funcs.find((o) => o.bdf === f.bdf)!;
        expect(f.domain).toBe(0);
        expect(f.config).toEqual(orig.config.slice(0, len));
      }
    }
  });

  it('recovers kernel resources, IRQ and driver from -vv and -v lines', () => {
    const funcs = fabricFunctions();
    for (const verbose of [1, 2]) {
      const back = parseLspciDump(formatLspci(funcs, { verbose, hex: 4 }));
      for (const f of back) {
        const orig = funcs.find((o) => o.bdf === f.bdf)!;
        // -v has no "Region N:", and 00:04.0's only BAR is virtual (register 0): its number is lost.
        if (verbose === 1 && f.bdf === bdf(0, 4, 0)) continue;
        const key = (r: { bar: number; start: bigint; size: bigint; kind: string; prefetch: boolean }): string =>
          `${r.bar}:${r.start.toString(16)}:${r.size}:${r.kind}${r.bar === 6 ? '' : `:${r.prefetch}`}`;
        expect(f.resources.map(key)).toEqual(orig.resources.map(key));
        expect(f.driver).toBe(orig.driver);
        // Printed IRQs are the kernel's, or the Interrupt Line register when it gave none.
        if (orig.irq) expect(f.irq).toBe(orig.irq);
      }
      if (verbose === 2) expect(formatLspci(back, { verbose: 2 })).toBe(formatLspci(funcs, { verbose: 2 }));
    }
  });

  it('imports real lspci -v -xxx and -xxxx output (fixtures made by pciutils)', () => {
    const funcs = fabricFunctions();
    const real = parseLspciDump(readFileSync(join(FIXTURES, 'fabric.vxxx.txt'), 'utf8'));
    expect(real.map((f) => f.bdf)).toEqual([...funcs].sort((a, b) => a.bdf - b.bdf).map((f) => f.bdf));
    for (const f of real) {
      const orig = funcs.find((o) => o.bdf === f.bdf)!;
      expect(f.config).toEqual(orig.config.slice(0, 256));
      expect(f.driver).toBe(orig.driver);
      if (f.bdf !== bdf(0, 4, 0)) expect(f.resources.map((r) => [r.bar, r.start, r.size])).toEqual(orig.resources.map((r) => [r.bar, r.start, r.size]));
    }
    const [x] = parseLspciDump(readFileSync(join(FIXTURES, 'xilinx.xxxx.txt'), 'utf8'));
    expect(x!.config).toEqual(xilinxFull().take());
    expect(x!.headerLine).toBe('01:00.0 Memory controller: Xilinx Corporation Device 7014');
  });

  it('keeps the title line and reads domains', () => {
    const [f] = parseLspciDump('0001:02:1f.7 Memory controller: Xilinx Corporation Device 7014\n' + XILINX_ROWS.trim() + '\n');
    expect(f!.domain).toBe(1);
    expect(f!.bdf).toBe(bdf(2, 0x1f, 7));
    expect(f!.headerLine).toBe('0001:02:1f.7 Memory controller: Xilinx Corporation Device 7014');
    expect(f!.resources).toEqual([]);
  });

  it('reads the seed\'s squashed one-line captures', () => {
    const both =
      'root@kylin:~# lspci -x 00:00.0 PCI bridge: Fuzhou Rockchip Electronics Co., Ltd Device 3588 (rev 01) ' +
      RK3588_ROWS.trim().replace(/\n/g, ' ') +
      ' 01:00.0 Memory controller: Xilinx Corporation Device 7014 ' +
      XILINX_ROWS.trim().replace(/\n/g, ' ').replace('30: 00 00 00 00 80 00 00 00 00 00 00 00 ff 01', '30: 00 00 00 00 80 00 00 00 00 00 00 00 00 01');
    const funcs = parseLspciDump(both);
    expect(funcs.map((f) => f.bdf)).toEqual([0, 0x100]);
    expect(funcs[0]!.config).toEqual(new Cfg().rows(RK3588_ROWS).take(64));
    expect(funcs[1]!.config[0x3c]).toBe(0);
    expect(funcs[0]!.headerLine).toBe('00:00.0 PCI bridge: Fuzhou Rockchip Electronics Co., Ltd Device 3588 (rev 01)');

    const sized = parseLspciDump(
      'setpci --dumpregs setpci -s 01:00.0 0x10.L=0xffffffff root@kylin:~# lspci -s 01:00.0 -x 01:00.0 Memory controller: Xilinx Corporation Device 7014 ' +
        XILINX_SIZED.trim().replace(/\n/g, ' '),
    );
    expect(sized).toHaveLength(1);
    expect(sized[0]!.config).toEqual(new Cfg().rows(XILINX_SIZED).take(64));

    const verbose = parseLspciDump(
      'root@kylin:~# lspci -s 01:00.0 -v 01:00.0 Memory controller: Xilinx Corporation Device 7014 Subsystem: Xilinx Corporation Device 0007 ' +
        'Flags: fast devsel, IRQ 255 Memory at f0200000 (32-bit, non-prefetchable) [disabled] [size=512K] Capabilities: [80] Power Management version 3 ' +
        'Capabilities: [90] MSI: Enable- Count=1/1 Maskable- 64bit+ Capabilities: [c0] Express Endpoint, MSI 00 Capabilities: [100] Advanced Error Reporting ' +
        'lspci: Unable to load libkmod resources: error -2',
    );
    expect(verbose).toHaveLength(1);
    expect(verbose[0]!.config).toHaveLength(0);
    expect(verbose[0]!.irq).toBe(255);
    expect(verbose[0]!.resources).toEqual([{ bar: 0, start: 0xf0200000n, size: 0x80000n, kind: 'mem32', prefetch: false, disabled: true }]);
  });

  it('gives line numbers for garbage', () => {
    expect(() => parseLspciDump('01:00.0 Memory controller: X\n00: ee 10\n')).toThrow(/line 2: not lspci output: "00: ee 10"/);
    expect(() => parseLspciDump('00: ' + '00 '.repeat(16))).toThrow(/line 1: hex row before any function title/);
    expect(() => parseLspciDump('01:00.0 X\n10: ' + '00 '.repeat(16))).toThrow(/line 2: hex row at 10 but 0 was expected/);
    expect(() => parseLspciDump('01:00.0 X\nhello world\n')).toThrow(/line 2: not lspci output: "hello world"/);
    expect(() => parseLspciDump('\tFlags: fast devsel')).toThrow(/line 1: -v line before any function title/);
    expect(() => parseLspciDump('garbage 01:00.0 Memory controller: X 00: ' + '00 '.repeat(16))).toThrow(/line 1: unexpected text before the dump: "garbage"/);
    expect(() => parseLspciDump('\n\n')).toThrow(/no PCI function/);
  });
});
