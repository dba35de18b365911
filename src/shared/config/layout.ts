/**
 * Binary layout of Jailhouse's configuration structures (`jailhouse_system`,
 * `jailhouse_cell_desc` and the arrays that trail a cell descriptor). Everything is packed and
 * little-endian; offsets are byte offsets from the start of the enclosing structure.
 */

// ---------------------------------------------------------------------------------------------
// Structure sizes
// ---------------------------------------------------------------------------------------------

/** `struct jailhouse_system`: header of a root-cell (system) configuration. */
export const SYSTEM_HEADER_SIZE = 488;
/** `struct jailhouse_cell_desc`: header of every cell configuration (also embedded in the system header). */
export const CELL_DESC_SIZE = 132;
/** `struct jailhouse_memory`. */
export const MEMORY_SIZE = 32;
/** `struct jailhouse_cache`. */
export const CACHE_SIZE = 12;
/** `struct jailhouse_irqchip`. */
export const IRQCHIP_SIZE = 32;
/** `struct jailhouse_pio` (x86 only, but part of the format everywhere). */
export const PIO_SIZE = 4;
/** `struct jailhouse_pci_device`. */
export const PCI_DEVICE_SIZE = 56;
/** `struct jailhouse_pci_capability`. */
export const PCI_CAP_SIZE = 8;
/** `union jailhouse_stream_id`. */
export const STREAM_ID_SIZE = 4;
/** `struct jailhouse_console`. */
export const CONSOLE_SIZE = 32;
/** `struct jailhouse_iommu`. */
export const IOMMU_SIZE = 28;

// ---------------------------------------------------------------------------------------------
// Identification
// ---------------------------------------------------------------------------------------------

/** `JAILHOUSE_CONFIG_REVISION`: the only revision the driver accepts. */
export const CONFIG_REVISION = 14;
/** Signature of a system configuration (5 bytes, no NUL). */
export const SYS_SIGNATURE = 'JHSYS';
/** Signature of a cell configuration (5 bytes, no NUL). */
export const CELL_SIGNATURE = 'JHCLL';
/** Length of the signature field. */
export const SIGNATURE_LEN = 5;
/** `JAILHOUSE_CELL_NAME_MAXLEN`: name characters before the mandatory NUL (field is 32 bytes). */
export const CELL_NAME_MAXLEN = 31;
/** Size of the name field in the cell descriptor. */
export const CELL_NAME_FIELD_SIZE = CELL_NAME_MAXLEN + 1;
/** `JAILHOUSE_MAX_IOMMU_UNITS`: entries of `platform_info.iommu_units`. */
export const MAX_IOMMU_UNITS = 8;
/** Words of `jailhouse_irqchip.pin_bitmap` (128 interrupt pins per irqchip entry). */
export const IRQCHIP_PIN_WORDS = 4;
/** Entries of `jailhouse_pci_device.bar_mask`. */
export const PCI_BAR_COUNT = 6;
/** Default `cpu_set_size` in bytes (the C configs use one u64). */
export const DEFAULT_CPU_SET_SIZE = 8;

/** `architecture` byte values. */
export const Arch = { X86: 0, ARM: 1, ARM64: 2 } as const;

// ---------------------------------------------------------------------------------------------
// Flags and enumerations
// ---------------------------------------------------------------------------------------------

/** `jailhouse_system.flags`. */
export const SysFlags = {
  /** Root cell may read the hypervisor's virtual debug console. */
  VIRTUAL_DEBUG_CONSOLE: 0x0001,
} as const;

/** `jailhouse_cell_desc.flags`. */
export const CellFlags = {
  PASSIVE_COMMREG: 0x00000001,
  TEST_DEVICE: 0x00000002,
  AARCH32: 0x00000004,
  /** Cell may call the DEBUG_CONSOLE_PUTC hypercall. */
  VIRTUAL_CONSOLE_PERMITTED: 0x40000000,
  /** Cell should use the virtual console (implies PERMITTED). */
  VIRTUAL_CONSOLE_ACTIVE: 0x80000000,
} as const;

/** `jailhouse_memory.flags` (u64 field; all defined bits are below 2^20). */
export const MemFlags = {
  READ: 0x0001,
  WRITE: 0x0002,
  EXECUTE: 0x0004,
  DMA: 0x0008,
  IO: 0x0010,
  COMM_REGION: 0x0020,
  LOADABLE: 0x0040,
  ROOTSHARED: 0x0080,
  NO_HUGEPAGES: 0x0100,
  IO_UNALIGNED: 0x8000,
  IO_8: 0x10000,
  IO_16: 0x20000,
  IO_32: 0x40000,
  IO_64: 0x80000,
} as const;
/** Shift and mask of the access-width field (IO_8..IO_64) inside the memory flags. */
export const MEM_IO_WIDTH_SHIFT = 16;
export const MEM_IO_WIDTH_MASK = 0xf0000;

/** `jailhouse_cache.type`. */
export const CacheType = { L3_CODE: 0x01, L3_DATA: 0x02, L3: 0x03 } as const;
/** `jailhouse_cache.flags`. */
export const CacheFlags = { ROOTSHARED: 0x0001 } as const;

/** `jailhouse_pci_device.type`. */
export const PciType = { DEVICE: 0x01, BRIDGE: 0x02, IVSHMEM: 0x03 } as const;

/** `jailhouse_pci_device.shmem_protocol` (custom 0x4000-0x7fff, virtio front 0x8000-0xbfff, back 0xc000-0xffff). */
export const ShmemProtocol = {
  UNDEFINED: 0x0000,
  VETH: 0x0001,
  CUSTOM: 0x4000,
  VIRTIO_FRONT: 0x8000,
  VIRTIO_BACK: 0xc000,
} as const;
/** Virtio device ids added to VIRTIO_FRONT / VIRTIO_BACK. */
export const VirtioDevice = { NET: 1, BLOCK: 2, CONSOLE: 3 } as const;

/** Cap-id flag marking an extended PCI capability. */
export const PCI_EXT_CAP = 0x8000;
/** `jailhouse_pci_capability.flags`. */
export const PciCapsFlags = { WRITE: 0x0001 } as const;

/** ivshmem BAR masks (`JAILHOUSE_IVSHMEM_BAR_MASK_*`), 6 u32 each. */
export const IvshmemBarMask = {
  INTX: [0xfffff000, 0, 0, 0, 0, 0],
  MSIX: [0xfffff000, 0xfffff000, 0, 0, 0, 0],
  INTX_64K: [0xffff0000, 0, 0, 0, 0, 0],
  MSIX_64K: [0xffff0000, 0xffff0000, 0, 0, 0, 0],
} as const;

/** `jailhouse_iommu.type` (0 = unused entry). */
export const IommuType = { AMD: 1, INTEL: 2, SMMUV3: 3, PVU: 4, ARM_MMU500: 5 } as const;

/** `jailhouse_console.type` (u16). */
export const ConsoleType = {
  NONE: 0,
  EFIFB: 1,
  '8250': 2,
  PL011: 3,
  XUARTPS: 4,
  MVEBU: 5,
  HSCIF: 6,
  SCIFA: 7,
  IMX: 8,
  IMX_LPUART: 9,
  SCIF: 0xa,
} as const;

/** `jailhouse_console.flags` (u16). A clear bit selects the alternative noted per flag. */
export const ConsoleFlags = {
  /** MMIO access (clear: port I/O). */
  ACCESS_MMIO: 0x0001,
  /** Registers 4 bytes apart (clear: 1 byte). */
  REGDIST_4: 0x0002,
  /** 1920x1080 frame buffer (clear: 1024x768). */
  FB_1920x1080: 0x0004,
  /** Clock gate bit is active-low. */
  INVERTED_GATE: 0x1000,
  MDR_QUIRK: 0x2000,
} as const;

// ---------------------------------------------------------------------------------------------
// Field offsets
// ---------------------------------------------------------------------------------------------

/** `struct jailhouse_system` (488 B). */
export const SYS_OFF = {
  signature: 0, // 5 B
  architecture: 5, // u8
  revision: 6, // u16
  flags: 8, // u32
  hypervisor_memory: 12, // jailhouse_memory (32 B)
  debug_console: 44, // jailhouse_console (32 B)
  pci_mmconfig_base: 76, // u64
  pci_mmconfig_end_bus: 84, // u8
  pci_is_virtual: 85, // u8
  pci_domain: 86, // u16
  iommu_units: 88, // 8 x jailhouse_iommu (224 B)
  arm_maintenance_irq: 312, // u8
  arm_gic_version: 313, // u8 (+2 B padding)
  arm_gicd_base: 316, // u64
  arm_gicc_base: 324, // u64
  arm_gich_base: 332, // u64
  arm_gicv_base: 340, // u64
  arm_gicr_base: 348, // u64
  root_cell: 356, // jailhouse_cell_desc (132 B)
} as const;

/** `struct jailhouse_cell_desc` (132 B). */
export const CELL_OFF = {
  signature: 0, // 5 B
  architecture: 5, // u8
  revision: 6, // u16
  name: 8, // 32 B, NUL-terminated
  id: 40, // u32, written by the driver
  flags: 44, // u32
  cpu_set_size: 48, // u32, bytes
  num_memory_regions: 52, // u32
  num_cache_regions: 56, // u32
  num_irqchips: 60, // u32
  num_pio_regions: 64, // u32
  num_pci_devices: 68, // u32
  num_pci_caps: 72, // u32
  num_stream_ids: 76, // u32
  vpci_irq_base: 80, // u32
  cpu_reset_address: 84, // u64
  msg_reply_timeout: 92, // u64
  console: 100, // jailhouse_console (32 B)
} as const;

/** `struct jailhouse_memory` (32 B). */
export const MEM_OFF = { phys_start: 0, virt_start: 8, size: 16, flags: 24 } as const; // all u64

/** `struct jailhouse_console` (32 B). */
export const CONSOLE_OFF = {
  address: 0, // u64
  size: 8, // u32
  type: 12, // u16
  flags: 14, // u16
  divider: 16, // u32
  gate_nr: 20, // u32
  clock_reg: 24, // u64
} as const;

/** `struct jailhouse_cache` (12 B). */
export const CACHE_OFF = { start: 0, size: 4, type: 8, flags: 10 } as const; // u32 u32 u8 (+pad) u16

/** `struct jailhouse_irqchip` (32 B). */
export const IRQCHIP_OFF = { address: 0, id: 8, pin_base: 12, pin_bitmap: 16 } as const; // u64 u32 u32 u32[4]

/** `struct jailhouse_pio` (4 B). */
export const PIO_OFF = { base: 0, length: 2 } as const; // u16 u16

/** `struct jailhouse_pci_device` (56 B). */
export const PCI_DEV_OFF = {
  type: 0, // u8
  iommu: 1, // u8
  domain: 2, // u16
  bdf: 4, // u16
  bar_mask: 6, // u32[6]
  caps_start: 30, // u16
  num_caps: 32, // u16
  num_msi_vectors: 34, // u8
  msi_bits: 35, // u8: bit0 msi_64bits, bit1 msi_maskable
  num_msix_vectors: 36, // u16
  msix_region_size: 38, // u16
  msix_address: 40, // u64
  shmem_regions_start: 48, // u32
  shmem_dev_id: 52, // u8
  shmem_peers: 53, // u8
  shmem_protocol: 54, // u16
} as const;
/** Bits of the byte at PCI_DEV_OFF.msi_bits. */
export const PCI_MSI_64BITS = 0x01;
export const PCI_MSI_MASKABLE = 0x02;

/** `struct jailhouse_pci_capability` (8 B). */
export const PCI_CAP_OFF = { id: 0, start: 2, len: 4, flags: 6 } as const; // all u16

/** `struct jailhouse_iommu` (28 B); the union at 16 is either the AMD or the TI PVU member. */
export const IOMMU_OFF = {
  type: 0, // u32
  base: 4, // u64
  size: 12, // u32
  amd_bdf: 16, // u16
  amd_base_cap: 18, // u8
  amd_msi_cap: 19, // u8
  amd_features: 20, // u32
  tipvu_tlb_base: 16, // u64
  tipvu_tlb_size: 24, // u32
} as const;

// ---------------------------------------------------------------------------------------------
// Size and offset helpers (mirror jailhouse_cell_config_size() and the array accessors)
// ---------------------------------------------------------------------------------------------

/** Element counts of a cell descriptor's trailing arrays (cpu_set_size in bytes). */
export interface CellCounts {
  cpu_set_size: number;
  num_memory_regions: number;
  num_cache_regions: number;
  num_irqchips: number;
  num_pio_regions: number;
  num_pci_devices: number;
  num_pci_caps: number;
  num_stream_ids: number;
}

/** Reads the size/count fields of the cell descriptor at `descOffset`. */
export function readCellCounts(dv: DataView, descOffset = 0): CellCounts {
  const u32 = (off: number) => dv.getUint32(descOffset + off, true);
  return {
    cpu_set_size: u32(CELL_OFF.cpu_set_size),
    num_memory_regions: u32(CELL_OFF.num_memory_regions),
    num_cache_regions: u32(CELL_OFF.num_cache_regions),
    num_irqchips: u32(CELL_OFF.num_irqchips),
    num_pio_regions: u32(CELL_OFF.num_pio_regions),
    num_pci_devices: u32(CELL_OFF.num_pci_devices),
    num_pci_caps: u32(CELL_OFF.num_pci_caps),
    num_stream_ids: u32(CELL_OFF.num_stream_ids),
  };
}

/** Byte offsets (relative to the descriptor) of each trailing array, plus the total size. */
export interface CellArrayOffsets {
  cpuSet: number;
  memRegions: number;
  cacheRegions: number;
  irqchips: number;
  pioRegions: number;
  pciDevices: number;
  pciCaps: number;
  streamIds: number;
  /** = jailhouse_cell_config_size(). */
  end: number;
}

/** Offsets of the trailing arrays for the given counts; each starts where the previous one ends. */
export function cellArrayOffsets(c: CellCounts): CellArrayOffsets {
  const cpuSet = CELL_DESC_SIZE;
  const memRegions = cpuSet + c.cpu_set_size;
  const cacheRegions = memRegions + c.num_memory_regions * MEMORY_SIZE;
  const irqchips = cacheRegions + c.num_cache_regions * CACHE_SIZE;
  const pioRegions = irqchips + c.num_irqchips * IRQCHIP_SIZE;
  const pciDevices = pioRegions + c.num_pio_regions * PIO_SIZE;
  const pciCaps = pciDevices + c.num_pci_devices * PCI_DEVICE_SIZE;
  const streamIds = pciCaps + c.num_pci_caps * PCI_CAP_SIZE;
  const end = streamIds + c.num_stream_ids * STREAM_ID_SIZE;
  return { cpuSet, memRegions, cacheRegions, irqchips, pioRegions, pciDevices, pciCaps, streamIds, end };
}

/** `jailhouse_cell_config_size()`: descriptor + CPU bitmap + all trailing arrays. */
export function cellConfigSize(dv: DataView, descOffset = 0): number {
  return cellArrayOffsets(readCellCounts(dv, descOffset)).end;
}

/** `jailhouse_system_config_size()`: 488 - 132 + the size of the embedded root cell config. */
export function systemConfigSize(dv: DataView): number {
  return SYSTEM_HEADER_SIZE - CELL_DESC_SIZE + cellConfigSize(dv, SYS_OFF.root_cell);
}

/** Absolute offset of the CPU bitmap (`jailhouse_cell_cpu_set`). */
export function cellCpuSetOffset(_dv: DataView, descOffset = 0): number {
  return descOffset + CELL_DESC_SIZE;
}
/** Absolute offset of the memory regions (`jailhouse_cell_mem_regions`). */
export function cellMemRegionsOffset(dv: DataView, descOffset = 0): number {
  return descOffset + cellArrayOffsets(readCellCounts(dv, descOffset)).memRegions;
}
/** Absolute offset of the cache regions (`jailhouse_cell_cache_regions`). */
export function cellCacheRegionsOffset(dv: DataView, descOffset = 0): number {
  return descOffset + cellArrayOffsets(readCellCounts(dv, descOffset)).cacheRegions;
}
/** Absolute offset of the irqchips (`jailhouse_cell_irqchips`). */
export function cellIrqchipsOffset(dv: DataView, descOffset = 0): number {
  return descOffset + cellArrayOffsets(readCellCounts(dv, descOffset)).irqchips;
}
/** Absolute offset of the PIO regions (`jailhouse_cell_pio`). */
export function cellPioRegionsOffset(dv: DataView, descOffset = 0): number {
  return descOffset + cellArrayOffsets(readCellCounts(dv, descOffset)).pioRegions;
}
/** Absolute offset of the PCI devices (`jailhouse_cell_pci_devices`). */
export function cellPciDevicesOffset(dv: DataView, descOffset = 0): number {
  return descOffset + cellArrayOffsets(readCellCounts(dv, descOffset)).pciDevices;
}
/** Absolute offset of the PCI capabilities (`jailhouse_cell_pci_caps`). */
export function cellPciCapsOffset(dv: DataView, descOffset = 0): number {
  return descOffset + cellArrayOffsets(readCellCounts(dv, descOffset)).pciCaps;
}
/** Absolute offset of the stream ids (`jailhouse_cell_stream_ids`). */
export function cellStreamIdsOffset(dv: DataView, descOffset = 0): number {
  return descOffset + cellArrayOffsets(readCellCounts(dv, descOffset)).streamIds;
}
