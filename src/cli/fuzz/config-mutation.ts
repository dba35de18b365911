/**
 * Mutations of binary Jailhouse configs (a cell descriptor with its trailing arrays, or a system
 * header around the root cell's descriptor), as plain data so fast-check can shrink a list of
 * them and a failure can print them. The mutations aim where parsers break: element counts
 * that disagree with the file, CPU sets of every size, addresses and sizes at the edges of
 * 64-bit arithmetic and of the board's RAM, names without their NUL, truncation and garbage.
 */
import { writeFileSync } from 'node:fs';
import fc from 'fast-check';
import {
  CACHE_OFF, CACHE_SIZE, CELL_DESC_SIZE, CELL_NAME_FIELD_SIZE, CELL_OFF, CONSOLE_OFF, IOMMU_OFF, IOMMU_SIZE, IRQCHIP_OFF, IRQCHIP_SIZE, MAX_IOMMU_UNITS,
  MEM_OFF, MEMORY_SIZE, PCI_CAP_OFF, PCI_CAP_SIZE, PCI_DEV_OFF, PCI_DEVICE_SIZE, PIO_OFF, PIO_SIZE, SIGNATURE_LEN, STREAM_ID_SIZE, SYS_OFF,
  cellArrayOffsets, readCellCounts, type CellArrayOffsets,
} from '../../shared/config/index.js';

type Width = 1 | 2 | 4 | 8;
interface Field { off: number; width: Width }

const COUNT_FIELDS = ['cpu_set_size', 'num_memory_regions', 'num_cache_regions', 'num_irqchips', 'num_pio_regions', 'num_pci_devices', 'num_pci_caps', 'num_stream_ids'] as const;
type CountField = (typeof COUNT_FIELDS)[number];

const CELL_FIELDS: Record<string, Field> = {
  architecture: { off: CELL_OFF.architecture, width: 1 },
  revision: { off: CELL_OFF.revision, width: 2 },
  id: { off: CELL_OFF.id, width: 4 },
  flags: { off: CELL_OFF.flags, width: 4 },
  vpci_irq_base: { off: CELL_OFF.vpci_irq_base, width: 4 },
  cpu_reset_address: { off: CELL_OFF.cpu_reset_address, width: 8 },
  msg_reply_timeout: { off: CELL_OFF.msg_reply_timeout, width: 8 },
  'console.address': { off: CELL_OFF.console + CONSOLE_OFF.address, width: 8 },
  'console.size': { off: CELL_OFF.console + CONSOLE_OFF.size, width: 4 },
  'console.type': { off: CELL_OFF.console + CONSOLE_OFF.type, width: 2 },
  'console.flags': { off: CELL_OFF.console + CONSOLE_OFF.flags, width: 2 },
};

const SYSTEM_FIELDS: Record<string, Field> = {
  architecture: { off: SYS_OFF.architecture, width: 1 },
  revision: { off: SYS_OFF.revision, width: 2 },
  flags: { off: SYS_OFF.flags, width: 4 },
  'hypervisor_memory.phys_start': { off: SYS_OFF.hypervisor_memory + MEM_OFF.phys_start, width: 8 },
  'hypervisor_memory.size': { off: SYS_OFF.hypervisor_memory + MEM_OFF.size, width: 8 },
  'hypervisor_memory.flags': { off: SYS_OFF.hypervisor_memory + MEM_OFF.flags, width: 8 },
  'debug_console.address': { off: SYS_OFF.debug_console + CONSOLE_OFF.address, width: 8 },
  'debug_console.size': { off: SYS_OFF.debug_console + CONSOLE_OFF.size, width: 4 },
  'debug_console.type': { off: SYS_OFF.debug_console + CONSOLE_OFF.type, width: 2 },
  'debug_console.flags': { off: SYS_OFF.debug_console + CONSOLE_OFF.flags, width: 2 },
  pci_mmconfig_base: { off: SYS_OFF.pci_mmconfig_base, width: 8 },
  pci_mmconfig_end_bus: { off: SYS_OFF.pci_mmconfig_end_bus, width: 1 },
  pci_is_virtual: { off: SYS_OFF.pci_is_virtual, width: 1 },
  pci_domain: { off: SYS_OFF.pci_domain, width: 2 },
  arm_maintenance_irq: { off: SYS_OFF.arm_maintenance_irq, width: 1 },
  arm_gic_version: { off: SYS_OFF.arm_gic_version, width: 1 },
  arm_gicd_base: { off: SYS_OFF.arm_gicd_base, width: 8 },
  arm_gicc_base: { off: SYS_OFF.arm_gicc_base, width: 8 },
  arm_gich_base: { off: SYS_OFF.arm_gich_base, width: 8 },
  arm_gicv_base: { off: SYS_OFF.arm_gicv_base, width: 8 },
  arm_gicr_base: { off: SYS_OFF.arm_gicr_base, width: 8 },
};
for (let i = 0; i < MAX_IOMMU_UNITS; i += 7) {
  // The first and the last unit: the array's two ends.
  const o = SYS_OFF.iommu_units + i * IOMMU_SIZE;
  SYSTEM_FIELDS[`iommu_units[${i}].type`] = { off: o + IOMMU_OFF.type, width: 4 };
  SYSTEM_FIELDS[`iommu_units[${i}].base`] = { off: o + IOMMU_OFF.base, width: 8 };
  SYSTEM_FIELDS[`iommu_units[${i}].size`] = { off: o + IOMMU_OFF.size, width: 4 };
}

interface ArraySpec { key: keyof CellArrayOffsets; size: number; fields: Record<string, Field> }
const f = (off: number, width: Width): Field => ({ off, width });
const ARRAYS: Record<string, ArraySpec> = {
  memory_regions: { key: 'memRegions', size: MEMORY_SIZE, fields: { phys_start: f(MEM_OFF.phys_start, 8), virt_start: f(MEM_OFF.virt_start, 8), size: f(MEM_OFF.size, 8), flags: f(MEM_OFF.flags, 8) } },
  cache_regions: { key: 'cacheRegions', size: CACHE_SIZE, fields: { start: f(CACHE_OFF.start, 4), size: f(CACHE_OFF.size, 4), type: f(CACHE_OFF.type, 1), flags: f(CACHE_OFF.flags, 2) } },
  irqchips: { key: 'irqchips', size: IRQCHIP_SIZE, fields: { address: f(IRQCHIP_OFF.address, 8), id: f(IRQCHIP_OFF.id, 4), pin_base: f(IRQCHIP_OFF.pin_base, 4), 'pin_bitmap[0]': f(IRQCHIP_OFF.pin_bitmap, 4), 'pin_bitmap[3]': f(IRQCHIP_OFF.pin_bitmap + 12, 4) } },
  pio_regions: { key: 'pioRegions', size: PIO_SIZE, fields: { base: f(PIO_OFF.base, 2), length: f(PIO_OFF.length, 2) } },
  pci_devices: {
    key: 'pciDevices', size: PCI_DEVICE_SIZE, fields: {
      type: f(PCI_DEV_OFF.type, 1), bdf: f(PCI_DEV_OFF.bdf, 2), domain: f(PCI_DEV_OFF.domain, 2), 'bar_mask[0]': f(PCI_DEV_OFF.bar_mask, 4), caps_start: f(PCI_DEV_OFF.caps_start, 2),
      num_caps: f(PCI_DEV_OFF.num_caps, 2), num_msi_vectors: f(PCI_DEV_OFF.num_msi_vectors, 1), num_msix_vectors: f(PCI_DEV_OFF.num_msix_vectors, 2), msix_region_size: f(PCI_DEV_OFF.msix_region_size, 2),
      msix_address: f(PCI_DEV_OFF.msix_address, 8), shmem_regions_start: f(PCI_DEV_OFF.shmem_regions_start, 4), shmem_dev_id: f(PCI_DEV_OFF.shmem_dev_id, 1), shmem_peers: f(PCI_DEV_OFF.shmem_peers, 1), shmem_protocol: f(PCI_DEV_OFF.shmem_protocol, 2),
    },
  },
  pci_caps: { key: 'pciCaps', size: PCI_CAP_SIZE, fields: { id: f(PCI_CAP_OFF.id, 2), start: f(PCI_CAP_OFF.start, 2), len: f(PCI_CAP_OFF.len, 2), flags: f(PCI_CAP_OFF.flags, 2) } },
  stream_ids: { key: 'streamIds', size: STREAM_ID_SIZE, fields: { id: f(0, 4) } },
};

export type Mutation =
  /** Replace the CPU set with `size` bytes (arrays after it move along, so the file stays consistent). */
  | { op: 'cpuset'; size: number; fill: 'all' | 'none' | 'board' | 'beyond-board' | 'first' }
  | { op: 'count'; field: CountField; value: number }
  | { op: 'field'; field: string; value: bigint }
  | { op: 'element'; array: string; index: number; field: string; value: bigint }
  | { op: 'signature'; text: string }
  | { op: 'name'; bytes: number[] }
  | { op: 'byte'; at: number; value: number }
  | { op: 'truncate'; at: number }
  | { op: 'append'; length: number; fill: number };

export interface MutationSpace {
  /** 'cell': a .cell file (descriptor at 0); 'system': a system config (root cell descriptor inside the header). */
  kind: 'cell' | 'system';
  boardCpus: number;
  /** Addresses worth trying: the board's RAM edges, the base config's own regions. */
  addresses: bigint[];
}

const U64_EDGES = [0n, 1n, 0xfffn, 0x1000n, 0x7fff_ffffn, 0x8000_0000n, 0xffff_ffffn, 1n << 32n, 1n << 40n, 1n << 48n, (1n << 53n) - 1n, 1n << 53n, 1n << 63n, (1n << 64n) - 0x1000n, (1n << 64n) - 1n];
const U32_EDGES = [0, 1, 2, 7, 8, 16, 255, 256, 4096, 65535, 65536, 1_000_000, 0x7fff_ffff, 0x8000_0000, 0xffff_ffff];

function u64(space: MutationSpace): fc.Arbitrary<bigint> {
  const near = space.addresses.flatMap((a) => [a, a + 1n, a - 1n, a + 0x1000n, a - 0x1000n]).filter((a) => a >= 0n && a < 1n << 64n);
  return fc.oneof(fc.constantFrom(...U64_EDGES), fc.constantFrom(...near), fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), fc.bigInt({ min: 0n, max: 0xffffn }));
}

const u32 = fc.oneof(fc.constantFrom(...U32_EDGES), fc.integer({ min: 0, max: 64 }), fc.nat({ max: 0xffff_ffff }));

export function mutationArb(space: MutationSpace): fc.Arbitrary<Mutation> {
  const fields = space.kind === 'cell' ? CELL_FIELDS : { ...SYSTEM_FIELDS, ...prefixed(CELL_FIELDS, 'root_cell.') };
  const arrays = Object.keys(ARRAYS);
  const elementArb = fc.constantFrom(...arrays).chain((array) =>
    fc.record({
      op: fc.constant('element' as const),
      array: fc.constant(array),
      // Mostly elements the file holds (index 0..3), sometimes one far beyond.
      index: fc.oneof({ weight: 4, arbitrary: fc.nat({ max: 3 }) }, { weight: 1, arbitrary: fc.nat({ max: 40 }) }),
      field: fc.constantFrom(...Object.keys(ARRAYS[array]!.fields)),
      value: u64(space),
    }),
  );
  return fc.oneof(
    { weight: 3, arbitrary: fc.record({ op: fc.constant('count' as const), field: fc.constantFrom(...COUNT_FIELDS), value: u32 }) },
    { weight: 3, arbitrary: fc.record({ op: fc.constant('cpuset' as const), size: fc.oneof(fc.constantFrom(0, 1, 7, 8, 9, 16, 64, 4096, 65536), fc.nat({ max: 128 })), fill: fc.constantFrom('all' as const, 'none' as const, 'board' as const, 'beyond-board' as const, 'first' as const) }) },
    { weight: 5, arbitrary: elementArb },
    { weight: 3, arbitrary: fc.record({ op: fc.constant('field' as const), field: fc.constantFrom(...Object.keys(fields)), value: u64(space) }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('signature' as const), text: fc.oneof(fc.constantFrom('JHSYS', 'JHCLL', '', 'JHSY', '{"a"', 'JHCLLX'), fc.string({ maxLength: 6 })) }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('name' as const), bytes: fc.array(fc.integer({ min: 1, max: 255 }), { minLength: CELL_NAME_FIELD_SIZE, maxLength: CELL_NAME_FIELD_SIZE }) }) },
    { weight: 2, arbitrary: fc.record({ op: fc.constant('byte' as const), at: fc.double({ min: 0, max: 1, noNaN: true }), value: fc.nat({ max: 255 }) }) },
    { weight: 2, arbitrary: fc.record({ op: fc.constant('truncate' as const), at: fc.oneof(fc.double({ min: 0, max: 1, noNaN: true }), fc.constantFrom(0, 0.999)) }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('append' as const), length: fc.oneof(fc.nat({ max: 64 }), fc.constantFrom(4096, 600_000)), fill: fc.constantFrom(0, 0xff, 0x41) }) },
  );
}

function prefixed(fields: Record<string, Field>, prefix: string): Record<string, Field> {
  return Object.fromEntries(Object.entries(fields).map(([k, v]) => [prefix + k, { off: SYS_OFF.root_cell + v.off, width: v.width }]));
}

function setField(b: Uint8Array, off: number, width: Width, value: bigint): void {
  if (off < 0 || off + width > b.length) return;
  const d = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const v = value & ((1n << BigInt(8 * width)) - 1n);
  if (width === 8) d.setBigUint64(off, v, true);
  else if (width === 4) d.setUint32(off, Number(v), true);
  else if (width === 2) d.setUint16(off, Number(v), true);
  else d.setUint8(off, Number(v));
}

/** Phase of a mutation: structure first, then elements (at the offsets the counts give), then raw bytes, then length. */
const PHASE: Record<Mutation['op'], number> = { cpuset: 0, element: 1, field: 2, count: 2, signature: 2, name: 2, byte: 3, truncate: 4, append: 4 };

/** The base file with `muts` applied (a new buffer). */
export function applyMutations(base: Uint8Array, muts: readonly Mutation[], space: MutationSpace): Uint8Array {
  const desc = space.kind === 'cell' ? 0 : SYS_OFF.root_cell;
  let b: Uint8Array = new Uint8Array(base);
  const ordered = muts.map((m, i) => ({ m, i })).sort((x, y) => PHASE[x.m.op] - PHASE[y.m.op] || x.i - y.i).map((x) => x.m);
  for (const m of ordered) {
    const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
    const headerOk = b.length >= desc + CELL_DESC_SIZE;
    switch (m.op) {
      case 'cpuset': {
        if (!headerOk) break;
        const old = dv.getUint32(desc + CELL_OFF.cpu_set_size, true);
        const start = desc + CELL_DESC_SIZE;
        const set = new Uint8Array(m.size);
        if (m.fill === 'all') set.fill(0xff);
        else if (m.fill === 'board') for (let c = 0; c < Math.min(space.boardCpus, m.size * 8); c++) set[c >> 3]! |= 1 << (c & 7);
        else if (m.fill === 'beyond-board' && m.size * 8 > space.boardCpus) set[space.boardCpus >> 3]! |= 1 << (space.boardCpus & 7);
        else if (m.fill === 'first' && m.size > 0) set[0] = 1;
        const tail = b.slice(Math.min(b.length, start + old));
        const out = new Uint8Array(start + m.size + tail.length);
        out.set(b.subarray(0, start));
        out.set(set, start);
        out.set(tail, start + m.size);
        new DataView(out.buffer).setUint32(desc + CELL_OFF.cpu_set_size, m.size, true);
        b = out;
        break;
      }
      case 'element': {
        if (!headerOk) break;
        const spec = ARRAYS[m.array]!;
        const field = spec.fields[m.field]!;
        const offs = cellArrayOffsets(readCellCounts(dv, desc));
        setField(b, desc + offs[spec.key] + m.index * spec.size + field.off, field.width, m.value);
        break;
      }
      case 'field': {
        const fields = space.kind === 'cell' ? CELL_FIELDS : { ...SYSTEM_FIELDS, ...prefixed(CELL_FIELDS, 'root_cell.') };
        const fl = fields[m.field];
        if (fl) setField(b, fl.off, fl.width, m.value);
        break;
      }
      case 'count':
        setField(b, desc + CELL_OFF[m.field], 4, BigInt(m.value));
        break;
      case 'signature': {
        const sigOff = space.kind === 'cell' ? CELL_OFF.signature : SYS_OFF.signature;
        for (let i = 0; i < SIGNATURE_LEN && sigOff + i < b.length; i++) b[sigOff + i] = (m.text.charCodeAt(i) || 0) & 0xff;
        break;
      }
      case 'name':
        for (let i = 0; i < CELL_NAME_FIELD_SIZE && desc + CELL_OFF.name + i < b.length; i++) b[desc + CELL_OFF.name + i] = m.bytes[i] ?? 0x41;
        break;
      case 'byte':
        if (b.length) b[Math.min(b.length - 1, Math.floor(m.at * b.length))] = m.value;
        break;
      case 'truncate':
        b = b.slice(0, Math.floor(m.at * b.length));
        break;
      case 'append': {
        const out = new Uint8Array(b.length + m.length).fill(m.fill);
        out.set(b);
        b = out;
        break;
      }
    }
  }
  return b;
}

/** One line per mutation, for failure reports. */
/**
 * Writes `base` with `muts` applied to `file` (mutated once) and returns the file's path and its
 * bytes as latin1 text: a name or field the case wrote may come back in messages.
 */
export function writeMutated(file: string, base: Uint8Array, muts: readonly Mutation[], space: MutationSpace): { file: string; input: string } {
  const bytes = applyMutations(base, muts, space);
  writeFileSync(file, bytes);
  return { file, input: Buffer.from(bytes).toString('latin1') };
}

export function describeMutations(muts: readonly Mutation[]): string {
  if (!muts.length) return '(the base file as it is)';
  const hex = (v: bigint): string => `0x${v.toString(16)}`;
  return muts.map((m) => {
    switch (m.op) {
      case 'cpuset': return `CPU set replaced by ${m.size} bytes (${m.fill})`;
      case 'count': return `${m.field} = ${m.value}`;
      case 'field': return `${m.field} = ${hex(m.value)}`;
      case 'element': return `${m.array}[${m.index}].${m.field} = ${hex(m.value)}`;
      case 'signature': return `signature = ${JSON.stringify(m.text)}`;
      case 'name': return `name = ${m.bytes.length} bytes without a NUL (${JSON.stringify(String.fromCharCode(...m.bytes.slice(0, 8)))}...)`;
      case 'byte': return `byte at ${(m.at * 100).toFixed(1)}% of the file = 0x${m.value.toString(16)}`;
      case 'truncate': return `truncated to ${(m.at * 100).toFixed(1)}% of its length`;
      case 'append': return `${m.length} bytes of 0x${m.fill.toString(16)} appended`;
    }
  }).join('; ');
}
