/**
 * Layout of the hypervisor memory region (system config `hypervisor_memory`), byte offsets from
 * its physical start. Jailhouse's order: core image [header | text | data | console page | bss]
 * up to core_size, then max_cpus × per_cpu, the system configuration copy, the mem_pool bitmap
 * and the dynamic page pool. Hypervisor globals live in the image's data/bss exactly because
 * the driver copies the image and zeroes the rest at every enable: a fresh enable starts from
 * the same state as on hardware.
 */

export const PAGE_SIZE = 4096;

/** struct jailhouse_header (64-bit natural layout, 80 bytes). */
export const HDR = {
  SIGNATURE: 0,
  CORE_SIZE: 8,
  PERCPU_SIZE: 16,
  ENTRY: 24,
  CONSOLE_PAGE: 32,
  GCOV_INFO_HEAD: 40,
  MAX_CPUS: 48,
  ONLINE_CPUS: 52,
  DEBUG_CONSOLE_BASE: 56,
  ARM_LINUX_HYP_VECTORS: 64,
  ARM_LINUX_HYP_ABI: 72,
  SIZE: 80,
} as const;
export const HV_SIGNATURE = 'JAILHOUS';

/** The image this simulation builds (firmware.ts); offsets inside the core. */
export const IMAGE = {
  /** Build banner (NUL-terminated text). */
  BANNER: 0x100,
  /** arch_entry: the entry offset the header points at; holds the entry marker. */
  ARCH_ENTRY: 0x1000,
  /** Parking code page (`wfi; b .-4`), mapped at IPA 0 of the parking page table. */
  PARKING_CODE: 0x2000,
  /** .data: initialised globals (see DATA). */
  DATA: 0x3000,
  /** Virtual console page, alone in its page. */
  CONSOLE_PAGE: 0x4000,
  /** .bss: zero-initialised globals (see BSS). */
  BSS: 0x5000,
  /** The root cell's struct cell (static in Jailhouse), page aligned (comm page first). */
  ROOT_CELL: 0x7000,
  /** Shared zero page that backs the hypervisor memory in the root cell's stage 2. */
  EMPTY_PAGE: 0x9000,
  /** core_size: end of bss, where the page pool starts (__page_pool). */
  CORE_SIZE: 0x10000,
  /** Bytes of the image file (header, text and data; the console page and bss are not stored). */
  FILE_SIZE: 0x4000,
} as const;

/** The parking loop: `wfi` then `b .-4` (A64 encodings). */
export const PARKING_CODE = [0xd503207f, 0x17ffffff] as const;

/** Marker bytes at arch_entry; a CPU refuses to "execute" an entry point without them. */
export const ENTRY_MARKER = 'jhsim arch_entry/arm64 v1';

/** .data globals: initial values come from the image file. */
export const DATA = {
  /** master_cpu_id, initially INVALID_CPU_ID (0xffffffff). */
  MASTER_CPU_ID: 0,
  /** panic_cpu, initially -1. */
  PANIC_CPU: 4,
} as const;
export const INVALID_CPU_ID = 0xffffffff;

/** struct jailhouse_virt_console. */
export const CONSOLE = {
  BUSY: 0,
  TAIL: 4,
  CONTENT: 8,
  CONTENT_SIZE: 2048,
  SIZE: 2056,
} as const;

/** .bss globals (byte offsets from IMAGE.BSS; 32-bit words unless noted). */
export const BSS = {
  INIT_LOCK: 0,
  ENTERED_CPUS: 4,
  INITIALIZED_CPUS: 8,
  /** The single error value every CPU returns from entry(). */
  ERROR: 12,
  ACTIVATE: 16,
  /** Generation word bumped at each entry rendezvous event (waiters sleep on it). */
  ENTRY_GEN: 20,
  SHUTDOWN_LOCK: 24,
  /** Disable rendezvous counter. */
  WAITING_CPUS: 28,
  DO_COMMON_SHUTDOWN: 32,
  SHUTDOWN_GEN: 36,
  NUM_CELLS: 40,
  PRINTK_LOCK: 44,
  PANIC_IN_PROGRESS: 48,
  /** virtual_console: system flag JAILHOUSE_SYS_VIRTUAL_DEBUG_CONSOLE seen by init_early. */
  VIRTUAL_CONSOLE: 52,
  /** u64: physical address of the system config copy. */
  SYSTEM_CONFIG: 56,
  /** struct page_pool mem_pool (40 bytes). */
  MEM_POOL: 64,
  /** struct page_pool remap_pool (40 bytes). */
  REMAP_POOL: 104,
  /** u64: parking page table root (stage 2). */
  PARKING_PT: 144,
  /** Cell list lock (management is serialised by root suspension; queries read under it). */
  CELL_LIST_LOCK: 168,
  /** Bumped whenever cell or CPU control state changes (generic sleepers in EL2). */
  CONTROL_GEN: 172,
  /** 1 once the first cpu_init mapped the GIC (irqchip global init). */
  GIC_INITIALIZED: 176,
  /** u64: hypervisor virtual address of the GICD mapping (remap pool). */
  GICD_VA: 184,
  /** u64: hypervisor virtual address of the GICR range mapping (remap pool). */
  GICR_VA: 192,
  /** dist_lock: serialises the GICD read-modify-write sequences of all cells. */
  DIST_LOCK: 200,
  /** last_gicr: the highest CPU of the root cell's set (its redistributor frame reports Last). */
  LAST_GICR: 204,
  /** u64: head of the ivshmem link list (ivshmem.c's ivshmem_list). */
  IVSHMEM_LINKS: 208,
} as const;

/**
 * struct per_cpu: 4 pages. Page 0 is the stack (the guest register frame at its top), page 1
 * private fields, page 2 the CPU's own stage-1 root table (first item of the public part),
 * page 3 the rest of the public fields, readable by all CPUs.
 */
export const PERCPU = {
  SIZE: 0x4000,
  STACK: 0x0000,
  PRIVATE: 0x1000,
  ROOT_TABLE_PAGE: 0x2000,
  PUBLIC: 0x3000,
} as const;

/** Public per-CPU fields (byte offsets from PERCPU.PUBLIC). */
export const PUB = {
  CPU_ID: 0,
  /** u64: physical address of the struct cell this CPU belongs to. */
  CELL: 8,
  /** u32 stats[JAILHOUSE_NUM_CPU_STATS]. */
  STATS: 16,
  SHUTDOWN_STATE: 52,
  FAILED: 56,
  SUSPEND_CPU: 60,
  CPU_SUSPENDED: 64,
  FLUSH_VCPU_CACHES: 68,
  /** u64 MPIDR (Aff3..Aff0). */
  MPIDR: 72,
  CONTROL_LOCK: 80,
  WAIT_FOR_POWERON: 84,
  RESET: 88,
  PARK: 92,
  /** u64: guest entry for the next reset, or PSCI_INVALID_ADDRESS. */
  CPU_ON_ENTRY: 96,
  /** u64: x1 at reset (PSCI context). */
  CPU_ON_CONTEXT: 104,
  /** Generation word for waits on this CPU's control fields (cpu_suspended, suspend_cpu). */
  CONTROL_GEN: 112,
  /** pending_irqs ring: lock, head, tail, then MAX_PENDING_IRQS u16 entries. */
  PENDING_LOCK: 128,
  PENDING_HEAD: 132,
  PENDING_TAIL: 136,
  PENDING_IRQS: 140,
} as const;
export const MAX_PENDING_IRQS = 256;
/** PSCI_INVALID_ADDRESS (~0UL); kept as the largest exact double for JS numbers. */
export const PSCI_INVALID_ADDRESS = Number.MAX_SAFE_INTEGER;

/** arm64 vmexit statistics (JAILHOUSE_NUM_CPU_STATS = 9). */
export const Stat = {
  TOTAL: 0,
  MMIO: 1,
  MANAGEMENT: 2,
  HYPERCALL: 3,
  MAINTENANCE: 4,
  VIRQ: 5,
  VSGI: 6,
  PSCI: 7,
  SMCCC: 8,
} as const;
export const NUM_CPU_STATS = 9;
export const STAT_NAMES = [
  'vmexits_total',
  'vmexits_mmio',
  'vmexits_management',
  'vmexits_hypercall',
  'vmexits_maintenance',
  'vmexits_virt_irq',
  'vmexits_virt_sgi',
  'vmexits_psci',
  'vmexits_smccc',
] as const;

/**
 * struct cell: page 0 is the comm page (struct jailhouse_comm_region at its start); the other
 * fields follow in page 1; a non-root cell's config copy follows the struct.
 */
export const CELL = {
  COMM_PAGE: 0,
  /** u64: stage-2 root table (arch.mm). */
  MM_ROOT: 0x1000,
  /** u32 irq_bitmap[32]. */
  IRQ_BITMAP: 0x1008,
  DATA_PAGES: 0x1088,
  /** u64: physical address of the cell's config (root: inside the system config). */
  CONFIG: 0x1090,
  CPU_SET_MAX: 0x1098,
  /** u64: physical address of the CPU bitmap (inline or a pool page). */
  CPU_SET_PTR: 0x10a0,
  /** Inline CPU bitmap, 64 CPUs. */
  CPU_SET_INLINE: 0x10a8,
  LOADABLE: 0x10b0,
  /** u64: next cell in the list (0 = end). */
  NEXT: 0x10b8,
  /** mmio_region_lock (spinlock word). */
  MMIO_LOCK: 0x10c0,
  /** mmio_generation: odd while the region list is being changed (seqcount for lock-free readers). */
  MMIO_GENERATION: 0x10c4,
  /** num_mmio_regions. */
  NUM_MMIO_REGIONS: 0x10c8,
  /** max_mmio_regions (0 = no tables allocated). */
  MAX_MMIO_REGIONS: 0x10cc,
  /** u64: mmio_locations[] ({u64 start, u64 size}, sorted by start), a mem_pool allocation. */
  MMIO_LOCATIONS: 0x10d0,
  /** u64: mmio_handlers[] ({u64 handler id, u64 arg}), right after the locations. */
  MMIO_HANDLERS: 0x10d8,
  /** u64: the cell's struct pci_device array (mem_pool), one entry per config pci_devices entry. */
  PCI_DEVICES: 0x10e0,
  /** u32: entries in PCI_DEVICES. */
  NUM_PCI_DEVICES: 0x10e8,
  SIZE: 0x1100,
} as const;

/** struct jailhouse_comm_region offsets (arm64). */
export const COMM = {
  SIGNATURE: 0,
  REVISION: 6,
  CELL_STATE: 8,
  MSG_TO_CELL: 12,
  REPLY_FROM_CELL: 16,
  FLAGS: 20,
  CONSOLE: 24,
  PCI_MMCONFIG_BASE: 56,
  GIC_VERSION: 64,
  GICD_BASE: 72,
  GICC_BASE: 80,
  GICR_BASE: 88,
  VPCI_IRQ_BASE: 96,
} as const;

export const CellState = {
  RUNNING: 0,
  RUNNING_LOCKED: 1,
  SHUT_DOWN: 2,
  FAILED: 3,
  FAILED_COMM_REV: 4,
} as const;

/** arm64 hypervisor virtual layout. */
export const JAILHOUSE_BASE = 0xffffc0200000;
export const UART_BASE = 0xffffc0000000;
export const TEMPORARY_MAPPING_BASE = 0xff0000000000;
export const NUM_TEMPORARY_PAGES = 16;
export const LOCAL_CPU_BASE = TEMPORARY_MAPPING_BASE + NUM_TEMPORARY_PAGES * PAGE_SIZE;
export const REMAP_BASE = 0xff8000000000;
export const NUM_REMAP_BITMAP_PAGES = 4;

/** Hypercall codes. */
export const Hc = {
  DISABLE: 0,
  CELL_CREATE: 1,
  CELL_START: 2,
  CELL_SET_LOADABLE: 3,
  CELL_DESTROY: 4,
  HYPERVISOR_GET_INFO: 5,
  CELL_GET_STATE: 6,
  CPU_GET_INFO: 7,
  DEBUG_CONSOLE_PUTC: 8,
} as const;
export const JAILHOUSE_HVC_CODE = 0x4a48;
export const CPU_INFO_STATE = 0;
export const CPU_INFO_STAT_BASE = 1000;
export const CpuInfoState = { RUNNING: 0, FAILED: 2 } as const;
export const ShutdownState = { NONE: 0, STARTED: 1 } as const;

export function pages(bytes: number): number {
  return Math.ceil(bytes / PAGE_SIZE);
}

/**
 * struct pci_device (hypervisor/include/jailhouse/pci.h): the hypervisor's side of one config
 * pci_devices entry, in the owning cell's device array.
 */
export const PCIDEV = {
  /** u64: physical address of the jailhouse_pci_device entry in the cell's config copy. */
  INFO: 0,
  /** u64: the cell actively owning the device (0: not active). */
  CELL: 8,
  /** u32 bar[6]: the shadow BARs the cell sees (never written to hardware). */
  BAR: 16,
  /** u32 msi_registers[4]: shadow of the MSI capability's address/data words. */
  MSI: 40,
  /** u32: shadow of the MSI-X Message Control word (enable, function mask). */
  MSIX_CTRL: 56,
  /** u64: the ivshmem endpoint (0 for physical devices). */
  IVSHMEM: 64,
  /**
   * u64: the physical address of the shadow MSI-X vectors (16 bytes each: address lo/hi, data,
   * vector control): MSIX_EMBEDDED, mem_pool pages beyond 16 vectors, the ivshmem endpoint's
   * table; 0 without MSI-X.
   */
  MSIX_VECTORS: 72,
  /** u64: msix_table, the hypervisor's mapping of the device's real table (remap pool; 0: none). */
  MSIX_TABLE: 80,
  /** union pci_msix_vector[PCI_EMBEDDED_MSIX_VECTS]: the shadow of a physical device with up to 16 vectors. */
  MSIX_EMBEDDED: 88,
  SIZE: 88 + 16 * 16,
} as const;

/** Shadow MSI-X vectors held inside struct pci_device; more come from the mem_pool. */
export const PCI_EMBEDDED_MSIX_VECTS = 16;

/** struct ivshmem_link: the endpoints sharing one bdf (a mem_pool page). */
export const IVLINK = {
  /** u64: next link. */
  NEXT: 0,
  /** u32: the bdf every peer's device has. */
  BDF: 8,
  /** u32: connected peers. */
  PEERS: 12,
  /** u64 eps[IVSHMEM_MAX_PEERS]: endpoint addresses by peer id (0: slot free). */
  EPS: 16,
  SIZE: 16 + 12 * 8,
} as const;

/** struct ivshmem_endpoint (a mem_pool page). */
export const IVEP = {
  /** u32 cspace[32]: the virtual config space image (0x00-0x7f). */
  CSPACE: 0,
  /** irq_lock (spinlock word). */
  IRQ_LOCK: 128,
  /** u32 int_ctrl_reg. */
  INT_CTRL: 132,
  /** u32 irq_cache[16]: the SPI each vector raises (0: disabled). */
  IRQ_CACHE: 136,
  /** u64: the struct pci_device. */
  DEVICE: 200,
  /** u64: the link. */
  LINK: 208,
  /** u64: physical address of the cell config's memory region entry [shmem_regions_start]. */
  SHMEM: 216,
  /** u64 ioregion[2]: where BAR0 and BAR1 regions are registered (0: not). */
  IOREGION: 224,
  /** u32: this peer's state register. */
  STATE: 240,
  /** MSI-X table shadow, 16 vectors x 16 bytes (address lo/hi, data, vector control). */
  MSIX: 256,
  SIZE: 512,
} as const;

