/**
 * JSON form of Jailhouse system and cell configurations, validated with zod. Field names are
 * those of the C structs; numbers may be written as JSON numbers or as hex/decimal strings, flags
 * as numbers or lists of flag names, the CPU set as a list of ids or a range string. Parsing
 * normalises everything to plain JS numbers (all values fit a double exactly: u64 fields are
 * limited to 2^53-1).
 */
import { z } from 'zod';
import {
  Arch,
  CacheFlags,
  CacheType,
  CELL_NAME_FIELD_SIZE,
  CELL_SIGNATURE,
  CellFlags,
  CONFIG_REVISION,
  ConsoleFlags,
  ConsoleType,
  DEFAULT_CPU_SET_SIZE,
  IommuType,
  IRQCHIP_PIN_WORDS,
  IvshmemBarMask,
  MAX_IOMMU_UNITS,
  MemFlags,
  PCI_BAR_COUNT,
  PciCapsFlags,
  PciType,
  ShmemProtocol,
  SIGNATURE_LEN,
  SYS_SIGNATURE,
  SysFlags,
} from './layout.js';

// ---------------------------------------------------------------------------------------------
// Numbers
// ---------------------------------------------------------------------------------------------

const U64_MAX_EXACT = Number.MAX_SAFE_INTEGER;

const hex = (n: number): string => '0x' + n.toString(16);

/**
 * Parses a JSON number or a string ("0x7fc00000" or "1234") as an unsigned integer <= max.
 * Returns the number or an error message.
 */
export function parseUnsigned(v: unknown, max: number, what: string): number | { error: string } {
  let n: number;
  if (typeof v === 'number') {
    if (!Number.isInteger(v) || v < 0) return { error: `invalid ${what} ${v} (expected a non-negative integer)` };
    n = v;
  } else if (typeof v === 'string') {
    const s = v.trim();
    let big: bigint;
    if (/^0x[0-9a-f]+$/i.test(s)) big = BigInt(s);
    else if (/^[0-9]+$/.test(s)) big = BigInt(s);
    else
      return {
        error: `invalid number ${JSON.stringify(v)} (expected a JSON number, a 0x-prefixed hex string or a decimal string)`,
      };
    if (big > BigInt(U64_MAX_EXACT)) return { error: `value ${v} out of range for ${what} (max ${hex(max)})` };
    n = Number(big);
  } else {
    return { error: `expected a number or a numeric string, got ${describe(v)}` };
  }
  if (n > max) return { error: `value ${typeof v === 'string' ? v : hex(n)} out of range for ${what} (max ${hex(max)})` };
  return n;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  return `${typeof v} ${JSON.stringify(v)}`;
}

const numberInput = z.union([z.number(), z.string()]);

function uint(max: number, what: string) {
  return numberInput.transform((v, ctx): number => {
    const r = parseUnsigned(v, max, what);
    if (typeof r === 'number') return r;
    ctx.addIssue({ code: 'custom', message: r.error, input: v });
    return z.NEVER;
  });
}

/** u8 field. */
export const u8 = uint(0xff, 'u8');
/** u16 field. */
export const u16 = uint(0xffff, 'u16');
/** u32 field. */
export const u32 = uint(0xffffffff, 'u32');
/** u64 field, limited to 2^53-1 so it stays exact as a JS number. */
export const u64 = uint(U64_MAX_EXACT, 'u64 (limited to 2^53-1)');

// ---------------------------------------------------------------------------------------------
// Flags and enumerations by name
// ---------------------------------------------------------------------------------------------

/** A set of symbolic names for a flags field or an enumeration. */
export interface NameTable {
  /** C prefix that may be written in front of every name (e.g. JAILHOUSE_MEM_). */
  prefix: string;
  /** Canonical names (without prefix) and values. */
  values: Readonly<Record<string, number>>;
  /** Extra accepted spellings (e.g. zero-valued alternatives like ACCESS_PIO). */
  aliases?: Readonly<Record<string, number>>;
}

export const MEM_FLAG_NAMES: NameTable = { prefix: 'JAILHOUSE_MEM_', values: MemFlags };
export const CELL_FLAG_NAMES: NameTable = { prefix: 'JAILHOUSE_CELL_', values: CellFlags };
export const SYS_FLAG_NAMES: NameTable = { prefix: 'JAILHOUSE_SYS_', values: SysFlags };
export const CONSOLE_FLAG_NAMES: NameTable = {
  prefix: 'JAILHOUSE_CON_',
  values: ConsoleFlags,
  aliases: { ACCESS_PIO: 0, REGDIST_1: 0, FB_1024x768: 0 },
};
export const CACHE_FLAG_NAMES: NameTable = { prefix: 'JAILHOUSE_CACHE_', values: CacheFlags };
export const PCI_CAP_FLAG_NAMES: NameTable = { prefix: 'JAILHOUSE_PCICAPS_', values: PciCapsFlags };
export const CONSOLE_TYPE_NAMES: NameTable = { prefix: 'JAILHOUSE_CON_TYPE_', values: ConsoleType };
export const PCI_TYPE_NAMES: NameTable = { prefix: 'JAILHOUSE_PCI_TYPE_', values: PciType };
export const CACHE_TYPE_NAMES: NameTable = { prefix: 'JAILHOUSE_CACHE_', values: CacheType };
export const SHMEM_PROTOCOL_NAMES: NameTable = {
  prefix: 'JAILHOUSE_SHMEM_PROTO_',
  values: { UNDEFINED: ShmemProtocol.UNDEFINED, VETH: ShmemProtocol.VETH },
};
export const IOMMU_TYPE_NAMES: NameTable = { prefix: 'JAILHOUSE_IOMMU_', values: IommuType };
export const ARCH_NAMES: NameTable = { prefix: 'JAILHOUSE_', values: { x86: Arch.X86, arm: Arch.ARM, arm64: Arch.ARM64 } };

/** Looks a name up (case-insensitive, with or without the table's prefix). */
export function lookupName(table: NameTable, name: string): number | undefined {
  const key = name.trim().toUpperCase();
  const prefix = table.prefix.toUpperCase();
  const bare = key.startsWith(prefix) ? key.slice(prefix.length) : key;
  for (const src of [table.values, table.aliases ?? {}]) {
    for (const [n, v] of Object.entries(src)) {
      if (n.toUpperCase() === bare) return v;
    }
  }
  return undefined;
}

/** Splits a flags value into known names (table order) plus a hex string for unknown bits. */
export function flagNames(table: NameTable, value: number): string[] {
  const names: string[] = [];
  let rest = value;
  for (const [n, v] of Object.entries(table.values)) {
    if (v !== 0 && value % (v * 2) >= v) {
      // bit test that also works above 2^32
      names.push(n);
      rest -= v;
    }
  }
  if (rest !== 0) names.push(hex(rest));
  return names;
}

/** The canonical name of an enumeration value, or undefined. */
export function enumName(table: NameTable, value: number): string | undefined {
  for (const [n, v] of Object.entries(table.values)) if (v === value) return n;
  return undefined;
}

const isNumeric = (s: string) => /^\s*(0x[0-9a-f]+|[0-9]+)\s*$/i.test(s);

/** OR of two non-negative integers that may exceed 32 bits. */
function orBits(a: number, b: number): number {
  return Number(BigInt(a) | BigInt(b));
}

/**
 * A flags field: a number, a numeric string, a name or "A|B" string, or an array of names and
 * numbers. Names follow `table` (prefix optional, case-insensitive).
 */
export function flagsField(table: NameTable, max: number, what: string) {
  return z.union([z.number(), z.string(), z.array(z.union([z.string(), z.number()]))]).transform((v, ctx): number => {
    const items: (string | number)[] = Array.isArray(v)
      ? v
      : typeof v === 'string' && !isNumeric(v)
        ? v.split('|').filter((s) => s.trim() !== '')
        : [v];
    let acc = 0;
    for (const item of items) {
      let bits: number;
      if (typeof item === 'number' || isNumeric(item)) {
        const r = parseUnsigned(item, max, what);
        if (typeof r !== 'number') {
          ctx.addIssue({ code: 'custom', message: r.error, input: item });
          return z.NEVER;
        }
        bits = r;
      } else {
        const r = lookupName(table, item);
        if (r === undefined) {
          ctx.addIssue({ code: 'custom', message: `unknown flag ${JSON.stringify(item)}`, input: item });
          return z.NEVER;
        }
        bits = r;
      }
      acc = orBits(acc, bits);
    }
    return acc;
  });
}

/**
 * An enumeration field: a number, numeric string or symbolic name from `table`. Names win over
 * numeric strings, so the console type "8250" means 2.
 */
export function enumField(table: NameTable, max: number, what: string) {
  return numberInput.transform((v, ctx): number => {
    if (typeof v === 'string') {
      const r = lookupName(table, v);
      if (r !== undefined) return r;
    }
    if (typeof v === 'string' && !isNumeric(v)) {
      ctx.addIssue({
        code: 'custom',
        message: `unknown ${what} ${JSON.stringify(v)} (known: ${Object.keys(table.values).join(', ')})`,
        input: v,
      });
      return z.NEVER;
    }
    const r = parseUnsigned(v, max, what);
    if (typeof r === 'number') return r;
    ctx.addIssue({ code: 'custom', message: r.error, input: v });
    return z.NEVER;
  });
}

// ---------------------------------------------------------------------------------------------
// CPU sets
// ---------------------------------------------------------------------------------------------

/** Largest CPU id accepted anywhere (the bitmap must still fit cpu_set_size). */
const MAX_CPU_ID = 0xffff;

/** Parses "0-3", "0,2-15", "5" (whitespace allowed; "" = empty set) into sorted unique ids. */
export function parseCpuList(s: string): number[] | { error: string } {
  const out = new Set<number>();
  const trimmed = s.trim();
  if (trimmed === '') return [];
  for (const part of trimmed.split(',')) {
    const m = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(part);
    if (!m) return { error: `invalid CPU list ${JSON.stringify(s)} (expected e.g. "0-3" or "0,2-15")` };
    const lo = Number(m[1]);
    const hi = m[2] === undefined ? lo : Number(m[2]);
    if (hi < lo) return { error: `invalid CPU range ${JSON.stringify(part.trim())} (end before start)` };
    if (hi > MAX_CPU_ID) return { error: `CPU id ${hi} out of range (max ${MAX_CPU_ID})` };
    for (let c = lo; c <= hi; c++) out.add(c);
  }
  return [...out].sort((a, b) => a - b);
}

/** Formats sorted CPU ids as a range string ("0,2-15"). */
export function formatCpuList(cpus: readonly number[]): string {
  const sorted = [...new Set(cpus)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    parts.push(i === j ? `${sorted[i]}` : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}

const cpuSetField = z.union([z.string(), z.array(numberInput)]).transform((v, ctx): number[] => {
  if (typeof v === 'string') {
    const r = parseCpuList(v);
    if (Array.isArray(r)) return r;
    ctx.addIssue({ code: 'custom', message: r.error, input: v });
    return z.NEVER;
  }
  const out = new Set<number>();
  for (const item of v) {
    const r = parseUnsigned(item, MAX_CPU_ID, 'CPU id');
    if (typeof r !== 'number') {
      ctx.addIssue({ code: 'custom', message: r.error, input: item });
      return z.NEVER;
    }
    out.add(r);
  }
  return [...out].sort((a, b) => a - b);
});

// ---------------------------------------------------------------------------------------------
// Structures
// ---------------------------------------------------------------------------------------------

const signatureField = z
  .string()
  .max(SIGNATURE_LEN, `signature has at most ${SIGNATURE_LEN} characters`)
  .regex(/^[\x00-\x7f]*$/, 'signature must be ASCII');

const architectureField = enumField(ARCH_NAMES, 0xff, 'architecture');

const utf8 = new TextEncoder();

const nameField = z.string().superRefine((s, ctx) => {
  const len = utf8.encode(s).length;
  if (len > CELL_NAME_FIELD_SIZE)
    ctx.addIssue({
      code: 'custom',
      message: `name is ${len} bytes long; the field holds ${CELL_NAME_FIELD_SIZE} bytes`,
      input: s,
    });
  if (s.includes('\0')) ctx.addIssue({ code: 'custom', message: 'name must not contain NUL', input: s });
});

/** `struct jailhouse_console`; every field defaults to 0. */
export const ConsoleSchema = z.strictObject({
  address: u64.default(0),
  size: u32.default(0),
  type: enumField(CONSOLE_TYPE_NAMES, 0xffff, 'console type').default(0),
  flags: flagsField(CONSOLE_FLAG_NAMES, 0xffff, 'u16').default(0),
  divider: u32.default(0),
  gate_nr: u32.default(0),
  clock_reg: u64.default(0),
});

/** `struct jailhouse_memory`: all four fields must be given (use 0 for placeholders). */
export const MemoryRegionSchema = z.strictObject({
  phys_start: u64,
  virt_start: u64,
  size: u64,
  flags: flagsField(MEM_FLAG_NAMES, U64_MAX_EXACT, 'u64 (limited to 2^53-1)'),
});

/** `struct jailhouse_cache`. */
export const CacheRegionSchema = z.strictObject({
  start: u32,
  size: u32,
  type: enumField(CACHE_TYPE_NAMES, 0xff, 'cache type'),
  flags: flagsField(CACHE_FLAG_NAMES, 0xffff, 'u16').default(0),
});

/** `struct jailhouse_irqchip`. */
export const IrqchipSchema = z.strictObject({
  address: u64,
  id: u32.default(0),
  pin_base: u32,
  pin_bitmap: z.array(u32).length(IRQCHIP_PIN_WORDS, `pin_bitmap has exactly ${IRQCHIP_PIN_WORDS} u32 words`),
});

/** `struct jailhouse_pio`. */
export const PioRegionSchema = z.strictObject({ base: u16, length: u16 });

const barMaskField = z
  .union([z.string(), z.array(u32).length(PCI_BAR_COUNT, `bar_mask has exactly ${PCI_BAR_COUNT} u32 entries`)])
  .transform((v, ctx): number[] => {
    if (Array.isArray(v)) return v;
    const key = v.trim().toUpperCase().replace(/^JAILHOUSE_IVSHMEM_BAR_MASK_/, '');
    const mask = (IvshmemBarMask as Record<string, readonly number[]>)[key];
    if (mask) return [...mask];
    ctx.addIssue({
      code: 'custom',
      message: `unknown bar_mask ${JSON.stringify(v)} (known: ${Object.keys(IvshmemBarMask).join(', ')}, or an array of ${PCI_BAR_COUNT} u32)`,
      input: v,
    });
    return z.NEVER;
  });

const bitField = z.union([z.boolean(), z.literal(0), z.literal(1)]).transform((v): number => (v === true || v === 1 ? 1 : 0));

/** `struct jailhouse_pci_device`. */
export const PciDeviceSchema = z.strictObject({
  type: enumField(PCI_TYPE_NAMES, 0xff, 'PCI device type'),
  iommu: u8.default(0),
  domain: u16.default(0),
  bdf: u16,
  bar_mask: barMaskField.default(() => [0, 0, 0, 0, 0, 0]),
  caps_start: u16.default(0),
  num_caps: u16.default(0),
  num_msi_vectors: u8.default(0),
  msi_64bits: bitField.default(0),
  msi_maskable: bitField.default(0),
  num_msix_vectors: u16.default(0),
  msix_region_size: u16.default(0),
  msix_address: u64.default(0),
  shmem_regions_start: u32.default(0),
  shmem_dev_id: u8.default(0),
  shmem_peers: u8.default(0),
  shmem_protocol: enumField(SHMEM_PROTOCOL_NAMES, 0xffff, 'shmem protocol').default(0),
});

/** `struct jailhouse_pci_capability`. */
export const PciCapSchema = z.strictObject({
  id: u16,
  start: u16,
  len: u16,
  flags: flagsField(PCI_CAP_FLAG_NAMES, 0xffff, 'u16').default(0),
});

/** `union jailhouse_stream_id`, written as its u32 value. */
export const StreamIdSchema = u32;

interface CellDefaults {
  signature: string;
  architecture: number;
  revision: number;
}

function cellSchema(d: CellDefaults) {
  return z
    .strictObject({
      /** Free text, ignored by the serializer. */
      comment: z.string().optional(),
      signature: signatureField.default(d.signature),
      architecture: architectureField.default(d.architecture),
      revision: u16.default(d.revision),
      name: nameField,
      id: u32.default(0),
      flags: flagsField(CELL_FLAG_NAMES, 0xffffffff, 'u32').default(0),
      cpu_set_size: u32.default(DEFAULT_CPU_SET_SIZE),
      cpus: cpuSetField,
      memory_regions: z.array(MemoryRegionSchema).default(() => []),
      cache_regions: z.array(CacheRegionSchema).default(() => []),
      irqchips: z.array(IrqchipSchema).default(() => []),
      pio_regions: z.array(PioRegionSchema).default(() => []),
      pci_devices: z.array(PciDeviceSchema).default(() => []),
      pci_caps: z.array(PciCapSchema).default(() => []),
      stream_ids: z.array(StreamIdSchema).default(() => []),
      vpci_irq_base: u32.default(0),
      cpu_reset_address: u64.default(0),
      msg_reply_timeout: u64.default(0),
      console: ConsoleSchema.prefault({}),
    })
    .superRefine((c, ctx) => {
      const maxCpu = c.cpu_set_size * 8 - 1;
      const bad = c.cpus.find((cpu) => cpu > maxCpu);
      if (bad !== undefined)
        ctx.addIssue({
          code: 'custom',
          path: ['cpus'],
          message: `CPU ${bad} does not fit a ${c.cpu_set_size}-byte cpu_set_size (highest CPU ${maxCpu})`,
          input: bad,
        });
    });
}

/** A (non-root) cell configuration: signature/architecture/revision default to JHCLL/arm64/14. */
export const CellConfigSchema = cellSchema({ signature: CELL_SIGNATURE, architecture: Arch.ARM64, revision: CONFIG_REVISION });

/** The root cell descriptor embedded in a system configuration: signature/arch/revision default to zero. */
export const RootCellSchema = cellSchema({ signature: '', architecture: 0, revision: 0 });

/** `struct jailhouse_memory` as used for hypervisor_memory (only phys_start and size matter). */
export const HypervisorMemorySchema = z.strictObject({
  phys_start: u64,
  size: u64,
  virt_start: u64.default(0),
  flags: flagsField(MEM_FLAG_NAMES, U64_MAX_EXACT, 'u64 (limited to 2^53-1)').default(0),
});

/** `struct jailhouse_iommu`; at most one of the union members `amd` / `tipvu` may be given. */
export const IommuUnitSchema = z
  .strictObject({
    type: enumField(IOMMU_TYPE_NAMES, 0xffffffff, 'IOMMU type'),
    base: u64.default(0),
    size: u32.default(0),
    amd: z
      .strictObject({ bdf: u16.default(0), base_cap: u8.default(0), msi_cap: u8.default(0), features: u32.default(0) })
      .optional(),
    tipvu: z.strictObject({ tlb_base: u64.default(0), tlb_size: u32.default(0) }).optional(),
  })
  .superRefine((u, ctx) => {
    if (u.amd && u.tipvu)
      ctx.addIssue({ code: 'custom', path: ['tipvu'], message: 'amd and tipvu share a union; give only one', input: u.tipvu });
  });

/** `platform_info.arm`. */
export const ArmPlatformInfoSchema = z.strictObject({
  maintenance_irq: u8.default(0),
  gic_version: u8.default(0),
  gicd_base: u64.default(0),
  gicc_base: u64.default(0),
  gich_base: u64.default(0),
  gicv_base: u64.default(0),
  gicr_base: u64.default(0),
});

/** `jailhouse_system.platform_info` (PCI part, IOMMUs, ARM part). */
export const PlatformInfoSchema = z.strictObject({
  pci_mmconfig_base: u64.default(0),
  pci_mmconfig_end_bus: u8.default(0),
  pci_is_virtual: u8.default(0),
  pci_domain: u16.default(0),
  iommu_units: z.array(IommuUnitSchema).max(MAX_IOMMU_UNITS, `at most ${MAX_IOMMU_UNITS} iommu_units`).default(() => []),
  arm: ArmPlatformInfoSchema.prefault({}),
});

/** A system (root cell) configuration: signature/architecture/revision default to JHSYS/arm64/14. */
export const SystemConfigSchema = z.strictObject({
  /** Free text, ignored by the serializer. */
  comment: z.string().optional(),
  signature: signatureField.default(SYS_SIGNATURE),
  architecture: architectureField.default(Arch.ARM64),
  revision: u16.default(CONFIG_REVISION),
  flags: flagsField(SYS_FLAG_NAMES, 0xffffffff, 'u32').default(0),
  hypervisor_memory: HypervisorMemorySchema,
  debug_console: ConsoleSchema.prefault({}),
  platform_info: PlatformInfoSchema.prefault({}),
  root_cell: RootCellSchema,
});

// ---------------------------------------------------------------------------------------------
// Types (normalised: every number is a plain JS number)
// ---------------------------------------------------------------------------------------------

export type SystemConfig = z.output<typeof SystemConfigSchema>;
export type CellConfig = z.output<typeof CellConfigSchema>;
export type Console = z.output<typeof ConsoleSchema>;
export type MemoryRegion = z.output<typeof MemoryRegionSchema>;
export type CacheRegion = z.output<typeof CacheRegionSchema>;
export type Irqchip = z.output<typeof IrqchipSchema>;
export type PioRegion = z.output<typeof PioRegionSchema>;
export type PciDevice = z.output<typeof PciDeviceSchema>;
export type PciCap = z.output<typeof PciCapSchema>;
export type HypervisorMemory = z.output<typeof HypervisorMemorySchema>;
export type IommuUnit = z.output<typeof IommuUnitSchema>;
export type ArmPlatformInfo = z.output<typeof ArmPlatformInfoSchema>;
export type PlatformInfo = z.output<typeof PlatformInfoSchema>;

/** What may be written in JSON (before normalisation). */
export type SystemConfigInput = z.input<typeof SystemConfigSchema>;
export type CellConfigInput = z.input<typeof CellConfigSchema>;
