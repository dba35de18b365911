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
  CELL_NAME_FIELD_SIZE,
  CELL_SIGNATURE,
  CONFIG_REVISION,
  DEFAULT_CPU_SET_SIZE,
  IRQCHIP_PIN_WORDS,
  IvshmemBarMask,
  MAX_IOMMU_UNITS,
  PCI_BAR_COUNT,
  SIGNATURE_LEN,
  SYS_SIGNATURE,
} from './layout.js';
import { U64_MAX_EXACT, u8, u16, u32, u64 } from './fields.js';
import {
  ARCH_NAMES,
  CACHE_FLAG_NAMES,
  CACHE_TYPE_NAMES,
  CELL_FLAG_NAMES,
  CONSOLE_FLAG_NAMES,
  CONSOLE_TYPE_NAMES,
  IOMMU_TYPE_NAMES,
  MEM_FLAG_NAMES,
  PCI_CAP_FLAG_NAMES,
  PCI_TYPE_NAMES,
  SHMEM_PROTOCOL_NAMES,
  SYS_FLAG_NAMES,
  enumField,
  flagsField,
} from './names.js';
import { cpuSetField } from './cpu-set.js';

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
