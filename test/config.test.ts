import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import {
  adaptRootCpuSet,
  CELL_DESC_SIZE,
  cellCacheRegionsOffset,
  cellConfigSize,
  cellCpuSetOffset,
  cellIrqchipsOffset,
  cellMemRegionsOffset,
  cellPciCapsOffset,
  cellPciDevicesOffset,
  cellPioRegionsOffset,
  cellStreamIdsOffset,
  ConfigError,
  configToJson,
  decodeCellConfig,
  decodeSystemConfig,
  loadCellConfig,
  loadSystemConfig,
  MemFlags,
  parseCellConfig,
  parseSystemConfig,
  serializeCellConfig,
  serializeSystemConfig,
  SYS_OFF,
  systemConfigSize,
  type CellConfig,
  type SystemConfig,
} from '../src/shared/config/index.js';

const configPath = (name: string) => fileURLToPath(new URL(`../configs/${name}`, import.meta.url));
const ROOT = configPath('qemu-arm64.json');
const INMATE = configPath('qemu-arm64-inmate-demo.json');
const LINUX = configPath('qemu-arm64-linux-demo.json');

const tmp = mkdtempSync(join(tmpdir(), 'jhsim-config-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
function tmpFile(name: string, content: string | Uint8Array): string {
  const p = join(tmp, name);
  writeFileSync(p, content);
  return p;
}

const dvOf = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, b.byteLength);
const u8 = (b: Uint8Array, off: number) => b[off];
const u16 = (b: Uint8Array, off: number) => dvOf(b).getUint16(off, true);
const u32 = (b: Uint8Array, off: number) => dvOf(b).getUint32(off, true);
const u64 = (b: Uint8Array, off: number) => Number(dvOf(b).getBigUint64(off, true));
const ascii = (b: Uint8Array, off: number, len: number) => String.fromCharCode(...b.subarray(off, off + len));
const cstr = (b: Uint8Array, off: number, max: number) => {
  const s = b.subarray(off, off + max);
  const n = s.indexOf(0);
  return new TextDecoder().decode(n < 0 ? s : s.subarray(0, n));
};

const root4 = loadSystemConfig(ROOT);
const root16 = adaptRootCpuSet(root4.config, 16);
const rootBin = serializeSystemConfig(root16);
const inmate = loadCellConfig(INMATE);
const linux = loadCellConfig(LINUX);

/** A minimal valid cell in JSON form. */
function cellJson(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: 'c',
    cpus: [1],
    memory_regions: [{ phys_start: '0x1000', virt_start: 0, size: '0x1000', flags: ['READ'] }],
    ...extra,
  };
}

function catchConfigError(f: () => unknown): ConfigError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return e as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('serialized sizes match the reference', () => {
  it('root config with 16 CPUs is 1024 bytes', () => {
    expect(rootBin.length).toBe(1024);
    expect(root4.bytes.length).toBe(1024); // cpu_set_size stays 8
  });
  it('inmate-demo is 484 bytes, linux-demo 700 bytes', () => {
    expect(inmate.bytes.length).toBe(484);
    expect(linux.bytes.length).toBe(700);
  });
  it('cellConfigSize / systemConfigSize agree with the serializer', () => {
    expect(systemConfigSize(dvOf(rootBin))).toBe(rootBin.length);
    expect(cellConfigSize(dvOf(rootBin), SYS_OFF.root_cell) + 488 - 132).toBe(rootBin.length);
    expect(cellConfigSize(dvOf(inmate.bytes))).toBe(484);
    expect(cellConfigSize(dvOf(linux.bytes))).toBe(700);
    // a cell using every array type
    const c = parseCellConfig(
      cellJson({
        cpu_set_size: 16,
        cache_regions: [{ start: 0, size: 2, type: 'L3', flags: ['ROOTSHARED'] }],
        irqchips: [{ address: 0x08000000, pin_base: 32, pin_bitmap: [1, 2, 3, 4] }],
        pio_regions: [{ base: '0x3f8', length: 8 }],
        pci_devices: [{ type: 'DEVICE', bdf: '0x10', caps_start: 0, num_caps: 2 }],
        pci_caps: [
          { id: 5, start: '0x50', len: 14, flags: ['WRITE'] },
          { id: '0x8001', start: '0x100', len: 4 },
        ],
        stream_ids: [1, '0x20'],
      }),
    );
    const b = serializeCellConfig(c);
    const dv = dvOf(b);
    expect(b.length).toBe(132 + 16 + 32 + 12 + 32 + 4 + 56 + 16 + 8);
    expect(cellConfigSize(dv)).toBe(b.length);
    expect(cellCpuSetOffset(dv)).toBe(132);
    expect(cellMemRegionsOffset(dv)).toBe(148);
    expect(cellCacheRegionsOffset(dv)).toBe(180);
    expect(cellIrqchipsOffset(dv)).toBe(192);
    expect(cellPioRegionsOffset(dv)).toBe(224);
    expect(cellPciDevicesOffset(dv)).toBe(228);
    expect(cellPciCapsOffset(dv)).toBe(284);
    expect(cellStreamIdsOffset(dv)).toBe(300);
    expect(u16(b, 224)).toBe(0x3f8);
    expect(u16(b, 284)).toBe(5);
    expect(u16(b, 292)).toBe(0x8001);
    expect(u32(b, 304)).toBe(0x20);
    expect(decodeCellConfig(b)).toEqual({ ...c, comment: undefined });
    expect(serializeCellConfig(decodeCellConfig(b))).toEqual(b);
    // root cell offsets inside a system blob
    const rdv = dvOf(rootBin);
    expect(cellCpuSetOffset(rdv, SYS_OFF.root_cell)).toBe(488);
    expect(cellMemRegionsOffset(rdv, SYS_OFF.root_cell)).toBe(496);
    expect(cellIrqchipsOffset(rdv, SYS_OFF.root_cell)).toBe(496 + 12 * 32);
    expect(cellPciDevicesOffset(rdv, SYS_OFF.root_cell)).toBe(912);
  });
});

describe('byte layout of the shipped configs', () => {
  it('system header (qemu-arm64, 16 CPUs)', () => {
    const b = rootBin;
    expect(ascii(b, 0, 5)).toBe('JHSYS');
    expect(u8(b, 5)).toBe(2);
    expect(u16(b, 6)).toBe(14);
    expect(u32(b, 8)).toBe(1);
    expect(u64(b, 12)).toBe(0x7fc00000); // hypervisor_memory.phys_start
    expect(u64(b, 12 + 8)).toBe(0); // virt_start
    expect(u64(b, 12 + 16)).toBe(0x400000); // size
    expect(u64(b, 44)).toBe(0x09000000); // debug_console.address
    expect(u32(b, 52)).toBe(0x1000);
    expect(u16(b, 56)).toBe(3); // PL011
    expect(u16(b, 58)).toBe(3); // MMIO | REGDIST_4
    expect(u64(b, 76)).toBe(0x08e00000);
    expect(u8(b, 84)).toBe(0);
    expect(u8(b, 85)).toBe(1);
    expect(u16(b, 86)).toBe(1);
    expect(b.subarray(88, 312).every((x) => x === 0)).toBe(true); // iommu_units
    expect(u8(b, 312)).toBe(25);
    expect(u8(b, 313)).toBe(3);
    expect(u64(b, 316)).toBe(0x08000000);
    expect(u64(b, 324)).toBe(0);
    expect(u64(b, 348)).toBe(0x080a0000);
  });

  it('embedded root cell and its arrays', () => {
    const b = rootBin;
    expect(b.subarray(356, 364).every((x) => x === 0)).toBe(true); // signature/arch/revision zero
    expect(cstr(b, 356 + 8, 32)).toBe('qemu-arm64');
    expect(u32(b, 356 + 44)).toBe(0); // flags
    expect(u32(b, 356 + 48)).toBe(8); // cpu_set_size
    expect(u32(b, 356 + 52)).toBe(12);
    expect(u32(b, 356 + 56)).toBe(0);
    expect(u32(b, 356 + 60)).toBe(1);
    expect(u32(b, 356 + 68)).toBe(2);
    expect(u32(b, 356 + 80)).toBe(96);
    // CPU bitmap right after the 488-byte header
    expect([...b.subarray(488, 496)]).toEqual([0xff, 0xff, 0, 0, 0, 0, 0, 0]);
    expect([...root4.bytes.subarray(488, 496)]).toEqual([0x0f, 0, 0, 0, 0, 0, 0, 0]);
    // first memory region after the bitmap
    expect(u64(b, 496)).toBe(0x7faf0000);
    expect(u64(b, 504)).toBe(0x7faf0000);
    expect(u64(b, 512)).toBe(0x1000);
    expect(u64(b, 520)).toBe(MemFlags.READ);
    expect(b.subarray(496 + 6 * 32, 496 + 7 * 32).every((x) => x === 0)).toBe(true); // placeholder 6
    expect(u64(b, 496 + 7 * 32 + 24)).toBe(0x83);
    expect(u64(b, 496 + 9 * 32 + 16)).toBe(0x37000000);
    expect(u64(b, 496 + 10 * 32 + 24)).toBe(0x07);
    expect(u64(b, 496 + 11 * 32)).toBe(0x4010000000);
    // irqchip
    expect(u64(b, 880)).toBe(0x08000000);
    expect(u32(b, 888)).toBe(0);
    expect(u32(b, 892)).toBe(32);
    for (let w = 0; w < 4; w++) expect(u32(b, 896 + 4 * w)).toBe(0xffffffff);
    // ivshmem devices
    expect(u8(b, 912)).toBe(3);
    expect(u16(b, 914)).toBe(1);
    expect(u16(b, 916)).toBe(0);
    expect(u32(b, 918)).toBe(0xfffff000);
    expect(u32(b, 922)).toBe(0);
    expect(u8(b, 965)).toBe(3);
    expect(u16(b, 966)).toBe(0);
    expect(u16(b, 972)).toBe(8);
    expect(u32(b, 1016)).toBe(5);
    expect(u8(b, 1020)).toBe(0);
    expect(u8(b, 1021)).toBe(2);
    expect(u16(b, 1022)).toBe(1);
  });

  it('inmate-demo', () => {
    const b = inmate.bytes;
    expect(ascii(b, 0, 5)).toBe('JHCLL');
    expect(u8(b, 5)).toBe(2);
    expect(u16(b, 6)).toBe(14);
    expect(cstr(b, 8, 32)).toBe('inmate-demo');
    expect(u32(b, 40)).toBe(0);
    expect(u32(b, 44)).toBe(1);
    expect(u32(b, 48)).toBe(8);
    expect(u32(b, 52)).toBe(8);
    expect(u32(b, 80)).toBe(112);
    expect(u64(b, 100)).toBe(0x09000000);
    expect(u32(b, 108)).toBe(0);
    expect(u16(b, 112)).toBe(3);
    expect(u16(b, 114)).toBe(3);
    expect(u8(b, 132)).toBe(0x02);
    expect(u64(b, 140)).toBe(0x7faf0000);
    expect(u64(b, 140 + 24)).toBe(0x81);
    expect(u64(b, 140 + 5 * 32 + 24)).toBe(0x93);
    expect([u64(b, 332), u64(b, 340), u64(b, 348), u64(b, 356)]).toEqual([0x7fa00000, 0, 0x10000, 0x47]);
    expect([u64(b, 364), u64(b, 372), u64(b, 380), u64(b, 388)]).toEqual([0, 0x80000000, 0x1000, 0x23]);
    expect([u32(b, 412), u32(b, 416), u32(b, 420), u32(b, 424)]).toEqual([0, 0, 0, 0x00010000]);
    expect(u8(b, 428)).toBe(3);
    expect(u16(b, 430)).toBe(1);
    expect(u8(b, 480)).toBe(1);
    expect(u8(b, 481)).toBe(3);
  });

  it('linux-demo', () => {
    const b = linux.bytes;
    expect(cstr(b, 8, 32)).toBe('qemu-arm64-linux-demo');
    expect(u32(b, 44)).toBe(0x40000001);
    expect(u32(b, 52)).toBe(13);
    expect(u32(b, 80)).toBe(108);
    expect(u8(b, 132)).toBe(0x0c);
    expect(u64(b, 140 + 4 * 32 + 24)).toBe(0x83);
    expect(u64(b, 140 + 8 * 32 + 24)).toBe(0x83);
    expect(u64(b, 140 + 11 * 32 + 24)).toBe(0x4f);
    expect(u64(b, 140 + 12 * 32 + 8)).toBe(0x80000000);
    expect([u32(b, 572), u32(b, 576), u32(b, 580), u32(b, 584)]).toEqual([0x2, 0, 0, 0x3000]);
    expect(u16(b, 590)).toBe(1); // dev 0 domain
    expect(u8(b, 640)).toBe(2); // dev 0 shmem_dev_id
    expect(u16(b, 646)).toBe(0); // dev 1 domain 0
    expect(u16(b, 648)).toBe(8);
    expect(u32(b, 692)).toBe(5);
    expect(u8(b, 696)).toBe(1);
    expect(u8(b, 697)).toBe(2);
    expect(u16(b, 698)).toBe(1);
  });
});

describe('round trips', () => {
  const cases: [string, Uint8Array, (b: Uint8Array) => SystemConfig | CellConfig, (c: never) => Uint8Array][] = [
    ['root', rootBin, decodeSystemConfig, serializeSystemConfig as (c: never) => Uint8Array],
    ['inmate-demo', inmate.bytes, decodeCellConfig, serializeCellConfig as (c: never) => Uint8Array],
    ['linux-demo', linux.bytes, decodeCellConfig, serializeCellConfig as (c: never) => Uint8Array],
  ];
  for (const [name, bin, decode, serialize] of cases) {
    it(`${name}: JSON -> binary -> decode -> binary is byte-identical`, () => {
      expect(serialize(decode(bin) as never)).toEqual(bin);
    });
    it(`${name}: binary -> configToJson -> parse -> binary is byte-identical`, () => {
      const parse = name === 'root' ? parseSystemConfig : parseCellConfig;
      for (const opts of [{}, { symbolic: true }, { full: true }, { symbolic: true, full: true }]) {
        const json = configToJson(decode(bin), opts);
        expect(serialize(parse(JSON.parse(json)) as never)).toEqual(bin);
      }
    });
  }
  it('random cells survive serialize -> decode -> serialize', () => {
    const u = (bits: number) => fc.integer({ min: 0, max: 2 ** bits - 1 });
    const u64v = fc.maxSafeNat();
    const mem = fc.record({ phys_start: u64v, virt_start: u64v, size: u64v, flags: u64v });
    const cell = fc.record({
      signature: fc.string({ maxLength: 5, unit: fc.constantFrom('J', 'H', 'C', 'L', 'x') }),
      architecture: u(8),
      revision: u(16),
      name: fc.string({ maxLength: 31, unit: fc.constantFrom('a', 'b', '-', '1') }),
      id: u(32),
      flags: u(32),
      cpu_set_size: fc.constantFrom(0, 8, 16, 3),
      memory_regions: fc.array(mem, { maxLength: 4 }),
      cache_regions: fc.array(fc.record({ start: u(32), size: u(32), type: u(8), flags: u(16) }), { maxLength: 2 }),
      irqchips: fc.array(
        fc.record({ address: u64v, id: u(32), pin_base: u(32), pin_bitmap: fc.array(u(32), { minLength: 4, maxLength: 4 }) }),
        { maxLength: 2 },
      ),
      pio_regions: fc.array(fc.record({ base: u(16), length: u(16) }), { maxLength: 2 }),
      pci_devices: fc.array(
        fc.record({
          type: u(8), iommu: u(8), domain: u(16), bdf: u(16),
          bar_mask: fc.array(u(32), { minLength: 6, maxLength: 6 }),
          caps_start: u(16), num_caps: u(16), num_msi_vectors: u(8),
          msi_64bits: fc.constantFrom(0, 1), msi_maskable: fc.constantFrom(0, 1),
          num_msix_vectors: u(16), msix_region_size: u(16), msix_address: u64v,
          shmem_regions_start: u(32), shmem_dev_id: u(8), shmem_peers: u(8), shmem_protocol: u(16),
        }),
        { maxLength: 2 },
      ),
      pci_caps: fc.array(fc.record({ id: u(16), start: u(16), len: u(16), flags: u(16) }), { maxLength: 2 }),
      stream_ids: fc.array(u(32), { maxLength: 3 }),
      vpci_irq_base: u(32),
      cpu_reset_address: u64v,
      msg_reply_timeout: u64v,
      console: fc.record({ address: u64v, size: u(32), type: u(16), flags: u(16), divider: u(32), gate_nr: u(32), clock_reg: u64v }),
      cpuSeed: fc.array(fc.nat(127), { maxLength: 6 }),
    });
    fc.assert(
      fc.property(cell, ({ cpuSeed, ...c }) => {
        const cfg = { ...c, cpus: [...new Set(cpuSeed.filter((x) => x < c.cpu_set_size * 8))].sort((a, b) => a - b) };
        const b = serializeCellConfig(cfg);
        expect(b.length).toBe(cellConfigSize(dvOf(b)));
        const back = decodeCellConfig(b);
        expect(back).toEqual(cfg);
        expect(serializeCellConfig(parseCellConfig(JSON.parse(configToJson(back, { symbolic: true }))))).toEqual(b);
      }),
      { numRuns: 200 },
    );
  });
  it('iommu units round-trip through binary and JSON', () => {
    const s = parseSystemConfig({
      hypervisor_memory: { phys_start: '0x7fc00000', size: '0x400000' },
      platform_info: {
        iommu_units: [
          { type: 'AMD', base: '0xfeb80000', size: '0x80000', amd: { bdf: '0x02', base_cap: '0x40', msi_cap: '0x54', features: '0x80048824' } },
          { type: 0 },
          { type: 'PVU', base: '0x30f80000', size: '0x1000', tipvu: { tlb_base: '0x36000000', tlb_size: '0x40000' } },
        ],
      },
      root_cell: { name: 'r', cpus: '0-1' },
    });
    const b = serializeSystemConfig(s);
    expect(u32(b, 88)).toBe(1);
    expect(u64(b, 92)).toBe(0xfeb80000);
    expect(u16(b, 104)).toBe(2);
    expect(u32(b, 108)).toBe(0x80048824);
    expect(u32(b, 88 + 56)).toBe(4);
    expect(u64(b, 88 + 56 + 16)).toBe(0x36000000);
    expect(u32(b, 88 + 56 + 24)).toBe(0x40000);
    const back = decodeSystemConfig(b);
    expect(back.platform_info.iommu_units).toHaveLength(3);
    expect(serializeSystemConfig(back)).toEqual(b);
    expect(serializeSystemConfig(parseSystemConfig(JSON.parse(configToJson(back, { symbolic: true }))))).toEqual(b);
  });
  it('binary .cell files load with their bytes unchanged', () => {
    const p = tmpFile('inmate.cell', inmate.bytes);
    const l = loadCellConfig(p);
    expect(l.bytes).toEqual(inmate.bytes);
    expect(l.config.name).toBe('inmate-demo');
    const s = loadSystemConfig(tmpFile('root.cell', rootBin));
    expect(s.bytes).toEqual(rootBin);
    expect(s.config.root_cell.cpus).toHaveLength(16);
  });
  it('configToJson prints hex strings by default', () => {
    const j = JSON.parse(configToJson(inmate.config));
    expect(j.memory_regions[6]).toEqual({ phys_start: '0x7fa00000', virt_start: '0x0', size: '0x10000', flags: '0x47' });
    expect(j.flags).toBe('0x1');
  });
});

describe('schema', () => {
  it('defaults signature/architecture/revision and accepts alternative spellings', () => {
    const c = parseCellConfig(
      cellJson({
        cpus: '0,2-3',
        memory_regions: [
          { phys_start: '4096', virt_start: 4096, size: '0x1000', flags: 'READ|JAILHOUSE_MEM_WRITE' },
          { phys_start: 0, virt_start: 0, size: 0, flags: '0x93' },
          { phys_start: 0, virt_start: 0, size: 0, flags: ['read', 'io_32', '0x100000'] },
        ],
      }),
    );
    expect(c.signature).toBe('JHCLL');
    expect(c.architecture).toBe(2);
    expect(c.revision).toBe(14);
    expect(c.cpu_set_size).toBe(8);
    expect(c.cpus).toEqual([0, 2, 3]);
    expect(c.memory_regions.map((m) => m.flags)).toEqual([3, 0x93, 0x1 | 0x40000 | 0x100000]);
    expect(c.memory_regions[0]!.phys_start).toBe(4096);
    expect(parseCellConfig(cellJson({ console: { type: '8250' } })).console.type).toBe(2);
    expect(parseCellConfig(cellJson({ console: { type: 'JAILHOUSE_CON_TYPE_PL011' } })).console.type).toBe(3);
    const s = parseSystemConfig({ hypervisor_memory: { phys_start: 0, size: 0 }, root_cell: { name: 'r', cpus: [0] } });
    expect([s.signature, s.architecture, s.revision]).toEqual(['JHSYS', 2, 14]);
    expect([s.root_cell.signature, s.root_cell.architecture, s.root_cell.revision]).toEqual(['', 0, 0]);
  });

  it('accepts a wrong signature/revision/architecture and serializes them verbatim', () => {
    const c = parseCellConfig(cellJson({ signature: 'JHSYS', revision: 13, architecture: 'x86' }));
    const b = serializeCellConfig(c);
    expect(ascii(b, 0, 5)).toBe('JHSYS');
    expect(u8(b, 5)).toBe(0);
    expect(u16(b, 6)).toBe(13);
    const short = serializeCellConfig(parseCellConfig(cellJson({ signature: 'JH' })));
    expect([...short.subarray(0, 5)]).toEqual([0x4a, 0x48, 0, 0, 0]);
    const s = parseSystemConfig({
      signature: 'XXXXX',
      revision: '0xffff',
      architecture: 1,
      hypervisor_memory: { phys_start: 0, size: 0 },
      root_cell: { name: 'r', cpus: [0] },
    });
    const sb = serializeSystemConfig(s);
    expect(ascii(sb, 0, 5)).toBe('XXXXX');
    expect(u8(sb, 5)).toBe(1);
    expect(u16(sb, 6)).toBe(0xffff);
    expect(() => parseCellConfig(cellJson({ signature: 'JHCLLX' }))).toThrow(ConfigError);
  });

  it('reports an unknown flag name with file, field and value', () => {
    const json = JSON.parse(JSON.stringify(root4.config)) as Record<string, any>;
    json.root_cell.memory_regions[3].flags = ['READ', 'REED'];
    const e = catchConfigError(() => loadSystemConfig(tmpFile('x.json', JSON.stringify(json))));
    expect(e.field).toBe('root_cell.memory_regions.3.flags');
    expect(e.value).toBe('REED');
    expect(e.file).toMatch(/x\.json$/);
    expect(e.message).toContain('x.json: root_cell.memory_regions[3].flags: unknown flag "REED"');
  });

  it('reports a bad hex string', () => {
    const e = catchConfigError(() =>
      parseSystemConfig(
        { hypervisor_memory: { phys_start: '0x7fcz0000', size: 0 }, root_cell: { name: 'r', cpus: [0] } },
        'sys.json',
      ),
    );
    expect(e.field).toBe('hypervisor_memory.phys_start');
    expect(e.value).toBe('0x7fcz0000');
    expect(e.message).toMatch(/^sys\.json: hypervisor_memory\.phys_start: invalid number "0x7fcz0000"/);
  });

  it('reports unknown keys', () => {
    const e = catchConfigError(() => parseCellConfig(cellJson({ memory_region: [] }), 'c.json'));
    expect(e.field).toBe('memory_region');
    expect(e.message).toContain('c.json: memory_region: unknown key "memory_region"');
    const e2 = catchConfigError(() =>
      parseCellConfig(cellJson({ pci_devices: [{ type: 'IVSHMEM', bdf: 0, shmem_peer: 2 }] }), 'c.json'),
    );
    expect(e2.field).toBe('pci_devices.0.shmem_peer');
    expect(e2.value).toBe(2);
    expect(e2.message).toContain('pci_devices[0].shmem_peer');
  });

  it('reports a reversed CPU range and CPUs beyond cpu_set_size', () => {
    const e = catchConfigError(() => parseCellConfig(cellJson({ cpus: '3-1' }), 'c.json'));
    expect(e.field).toBe('cpus');
    expect(e.value).toBe('3-1');
    expect(e.message).toContain('c.json: cpus: invalid CPU range "3-1"');
    const e2 = catchConfigError(() => parseCellConfig(cellJson({ cpus: [64] }), 'c.json'));
    expect(e2.field).toBe('cpus');
    expect(e2.message).toContain('CPU 64');
    expect(parseCellConfig(cellJson({ cpus: [64], cpu_set_size: 16 })).cpus).toEqual([64]);
  });

  it('reports missing fields, wrong types and out-of-range numbers', () => {
    const e = catchConfigError(() => parseCellConfig({ cpus: [1] }, 'c.json'));
    expect(e.field).toBe('name');
    expect(e.message).toContain('missing');
    const e2 = catchConfigError(() =>
      parseCellConfig(cellJson({ memory_regions: [{ phys_start: true, virt_start: 0, size: 0, flags: 0 }] }), 'c.json'),
    );
    expect(e2.field).toBe('memory_regions.0.phys_start');
    expect(e2.value).toBe(true);
    expect(e2.message).toContain('memory_regions[0].phys_start');
    const e3 = catchConfigError(() =>
      parseCellConfig(cellJson({ pci_devices: [{ type: 3, bdf: 0, shmem_peers: 256 }] }), 'c.json'),
    );
    expect(e3.field).toBe('pci_devices.0.shmem_peers');
    expect(e3.message).toContain('out of range');
    const e4 = catchConfigError(() =>
      parseCellConfig(
        cellJson({ memory_regions: [{ phys_start: '0xffffffffffffffff', virt_start: 0, size: 0, flags: 0 }] }),
        'c.json',
      ),
    );
    expect(e4.field).toBe('memory_regions.0.phys_start');
    const e5 = catchConfigError(() => parseCellConfig(cellJson({ name: 'x'.repeat(33) }), 'c.json'));
    expect(e5.field).toBe('name');
  });

  it('loader errors: invalid JSON, unreadable file, truncated binary', () => {
    const e = catchConfigError(() => loadCellConfig(tmpFile('bad.json', '{"name": ')));
    expect(e.message).toContain('invalid JSON');
    const e2 = catchConfigError(() => loadCellConfig(join(tmp, 'missing.json')));
    expect(e2.message).toContain('ENOENT');
    const e3 = catchConfigError(() => loadCellConfig(tmpFile('short.cell', inmate.bytes.subarray(0, 400))));
    expect(e3.message).toContain('484');
    const e4 = catchConfigError(() => loadCellConfig(tmpFile('tiny.cell', inmate.bytes.subarray(0, 100))));
    expect(e4.message).toContain(String(CELL_DESC_SIZE));
    expect(() => decodeSystemConfig(rootBin.subarray(0, 1000))).toThrow(/1024/);
    // a corrupt but complete blob reaches the caller unchanged
    const corrupt = inmate.bytes.slice();
    corrupt[0] = 0x58;
    corrupt[6] = 13;
    const l = loadCellConfig(tmpFile('corrupt.cell', corrupt));
    expect(l.bytes).toEqual(corrupt);
    expect(l.config.signature).toBe('XHCLL');
    expect(l.config.revision).toBe(13);
  });
});

describe('adaptRootCpuSet', () => {
  it('replaces the root CPU set and leaves the original alone', () => {
    expect(root4.config.root_cell.cpus).toEqual([0, 1, 2, 3]);
    expect(root16.root_cell.cpus).toEqual([...Array(16).keys()]);
    expect(root16.root_cell.cpu_set_size).toBe(8);
    const big = adaptRootCpuSet(root4.config, 70);
    expect(big.root_cell.cpu_set_size).toBe(16);
    expect(serializeSystemConfig(big).length).toBe(1032);
    expect(root4.config.root_cell.cpus).toEqual([0, 1, 2, 3]);
  });
});
