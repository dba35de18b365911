/**
 * The binary blobs the Jailhouse driver consumes (`.cell` files, system configs) decoded back
 * to normalised configs (schema.ts types), size-checked against what their headers declare.
 * Writing them is serialize.ts.
 */
import {
  CACHE_OFF,
  CACHE_SIZE,
  CELL_DESC_SIZE,
  CELL_NAME_FIELD_SIZE,
  CELL_OFF,
  cellArrayOffsets,
  CONSOLE_OFF,
  IommuType,
  IOMMU_OFF,
  IOMMU_SIZE,
  IRQCHIP_OFF,
  IRQCHIP_PIN_WORDS,
  IRQCHIP_SIZE,
  MAX_IOMMU_UNITS,
  MEM_OFF,
  MEMORY_SIZE,
  PCI_BAR_COUNT,
  PCI_CAP_OFF,
  PCI_CAP_SIZE,
  PCI_DEV_OFF,
  PCI_DEVICE_SIZE,
  PCI_MSI_64BITS,
  PCI_MSI_MASKABLE,
  PIO_OFF,
  PIO_SIZE,
  readCellCounts,
  SIGNATURE_LEN,
  STREAM_ID_SIZE,
  SYS_OFF,
  SYSTEM_HEADER_SIZE,
} from './layout.js';
import type { CellConfig, Console, IommuUnit, MemoryRegion, SystemConfig } from './schema.js';

const utf8Dec = new TextDecoder('utf-8');

/** u64 as a JS number (values above 2^53 lose precision; only possible for foreign blobs). */
const getU64 = (dv: DataView, off: number): number => Number(dv.getBigUint64(off, true));

function readSignature(u8: Uint8Array, off: number): string {
  let end = SIGNATURE_LEN;
  while (end > 0 && u8[off + end - 1] === 0) end--;
  let s = '';
  for (let i = 0; i < end; i++) s += String.fromCharCode(u8[off + i]!);
  return s;
}

function readConsole(dv: DataView, off: number): Console {
  return {
    address: getU64(dv, off + CONSOLE_OFF.address),
    size: dv.getUint32(off + CONSOLE_OFF.size, true),
    type: dv.getUint16(off + CONSOLE_OFF.type, true),
    flags: dv.getUint16(off + CONSOLE_OFF.flags, true),
    divider: dv.getUint32(off + CONSOLE_OFF.divider, true),
    gate_nr: dv.getUint32(off + CONSOLE_OFF.gate_nr, true),
    clock_reg: getU64(dv, off + CONSOLE_OFF.clock_reg),
  };
}

function readMemory(dv: DataView, off: number): MemoryRegion {
  return {
    phys_start: getU64(dv, off + MEM_OFF.phys_start),
    virt_start: getU64(dv, off + MEM_OFF.virt_start),
    size: getU64(dv, off + MEM_OFF.size),
    flags: getU64(dv, off + MEM_OFF.flags),
  };
}

function times<T>(n: number, f: (i: number) => T): T[] {
  return Array.from({ length: n }, (_, i) => f(i));
}

/** Reads the cell at `desc`; the caller has checked that the blob covers its declared size. */
function readCell(u8: Uint8Array, desc: number): CellConfig {
  const dv = new DataView(u8.buffer, u8.byteOffset, u8.byteLength);
  const counts = readCellCounts(dv, desc);
  const o = cellArrayOffsets(counts);
  const nameBytes = u8.subarray(desc + CELL_OFF.name, desc + CELL_OFF.name + CELL_NAME_FIELD_SIZE);
  const nul = nameBytes.indexOf(0);
  const cpus: number[] = [];
  for (let i = 0; i < counts.cpu_set_size; i++) {
    const b = u8[desc + o.cpuSet + i]!;
    for (let bit = 0; bit < 8; bit++) if (b & (1 << bit)) cpus.push(i * 8 + bit);
  }
  return {
    signature: readSignature(u8, desc + CELL_OFF.signature),
    architecture: dv.getUint8(desc + CELL_OFF.architecture),
    revision: dv.getUint16(desc + CELL_OFF.revision, true),
    name: utf8Dec.decode(nul < 0 ? nameBytes : nameBytes.subarray(0, nul)),
    id: dv.getUint32(desc + CELL_OFF.id, true),
    flags: dv.getUint32(desc + CELL_OFF.flags, true),
    cpu_set_size: counts.cpu_set_size,
    cpus,
    memory_regions: times(counts.num_memory_regions, (i) => readMemory(dv, desc + o.memRegions + i * MEMORY_SIZE)),
    cache_regions: times(counts.num_cache_regions, (i) => {
      const off = desc + o.cacheRegions + i * CACHE_SIZE;
      return {
        start: dv.getUint32(off + CACHE_OFF.start, true),
        size: dv.getUint32(off + CACHE_OFF.size, true),
        type: dv.getUint8(off + CACHE_OFF.type),
        flags: dv.getUint16(off + CACHE_OFF.flags, true),
      };
    }),
    irqchips: times(counts.num_irqchips, (i) => {
      const off = desc + o.irqchips + i * IRQCHIP_SIZE;
      return {
        address: getU64(dv, off + IRQCHIP_OFF.address),
        id: dv.getUint32(off + IRQCHIP_OFF.id, true),
        pin_base: dv.getUint32(off + IRQCHIP_OFF.pin_base, true),
        pin_bitmap: times(IRQCHIP_PIN_WORDS, (j) => dv.getUint32(off + IRQCHIP_OFF.pin_bitmap + 4 * j, true)),
      };
    }),
    pio_regions: times(counts.num_pio_regions, (i) => {
      const off = desc + o.pioRegions + i * PIO_SIZE;
      return { base: dv.getUint16(off + PIO_OFF.base, true), length: dv.getUint16(off + PIO_OFF.length, true) };
    }),
    pci_devices: times(counts.num_pci_devices, (i) => {
      const off = desc + o.pciDevices + i * PCI_DEVICE_SIZE;
      const bits = dv.getUint8(off + PCI_DEV_OFF.msi_bits);
      return {
        type: dv.getUint8(off + PCI_DEV_OFF.type),
        iommu: dv.getUint8(off + PCI_DEV_OFF.iommu),
        domain: dv.getUint16(off + PCI_DEV_OFF.domain, true),
        bdf: dv.getUint16(off + PCI_DEV_OFF.bdf, true),
        bar_mask: times(PCI_BAR_COUNT, (j) => dv.getUint32(off + PCI_DEV_OFF.bar_mask + 4 * j, true)),
        caps_start: dv.getUint16(off + PCI_DEV_OFF.caps_start, true),
        num_caps: dv.getUint16(off + PCI_DEV_OFF.num_caps, true),
        num_msi_vectors: dv.getUint8(off + PCI_DEV_OFF.num_msi_vectors),
        msi_64bits: bits & PCI_MSI_64BITS ? 1 : 0,
        msi_maskable: bits & PCI_MSI_MASKABLE ? 1 : 0,
        num_msix_vectors: dv.getUint16(off + PCI_DEV_OFF.num_msix_vectors, true),
        msix_region_size: dv.getUint16(off + PCI_DEV_OFF.msix_region_size, true),
        msix_address: getU64(dv, off + PCI_DEV_OFF.msix_address),
        shmem_regions_start: dv.getUint32(off + PCI_DEV_OFF.shmem_regions_start, true),
        shmem_dev_id: dv.getUint8(off + PCI_DEV_OFF.shmem_dev_id),
        shmem_peers: dv.getUint8(off + PCI_DEV_OFF.shmem_peers),
        shmem_protocol: dv.getUint16(off + PCI_DEV_OFF.shmem_protocol, true),
      };
    }),
    pci_caps: times(counts.num_pci_caps, (i) => {
      const off = desc + o.pciCaps + i * PCI_CAP_SIZE;
      return {
        id: dv.getUint16(off + PCI_CAP_OFF.id, true),
        start: dv.getUint16(off + PCI_CAP_OFF.start, true),
        len: dv.getUint16(off + PCI_CAP_OFF.len, true),
        flags: dv.getUint16(off + PCI_CAP_OFF.flags, true),
      };
    }),
    stream_ids: times(counts.num_stream_ids, (i) => dv.getUint32(desc + o.streamIds + i * STREAM_ID_SIZE, true)),
    vpci_irq_base: dv.getUint32(desc + CELL_OFF.vpci_irq_base, true),
    cpu_reset_address: getU64(dv, desc + CELL_OFF.cpu_reset_address),
    msg_reply_timeout: getU64(dv, desc + CELL_OFF.msg_reply_timeout),
    console: readConsole(dv, desc + CELL_OFF.console),
  };
}

function readIommu(dv: DataView, off: number): IommuUnit {
  const type = dv.getUint32(off + IOMMU_OFF.type, true);
  const unit: IommuUnit = {
    type,
    base: getU64(dv, off + IOMMU_OFF.base),
    size: dv.getUint32(off + IOMMU_OFF.size, true),
  };
  const tlbSize = dv.getUint32(off + IOMMU_OFF.tipvu_tlb_size, true);
  const unionNonZero = getU64(dv, off + IOMMU_OFF.tipvu_tlb_base) !== 0 || tlbSize !== 0;
  if (type === IommuType.AMD && tlbSize === 0) {
    // AMD member covers bytes 16..23; bytes 24..27 are padding for it
    unit.amd = {
      bdf: dv.getUint16(off + IOMMU_OFF.amd_bdf, true),
      base_cap: dv.getUint8(off + IOMMU_OFF.amd_base_cap),
      msi_cap: dv.getUint8(off + IOMMU_OFF.amd_msi_cap),
      features: dv.getUint32(off + IOMMU_OFF.amd_features, true),
    };
  } else if (unionNonZero) {
    unit.tipvu = { tlb_base: getU64(dv, off + IOMMU_OFF.tipvu_tlb_base), tlb_size: tlbSize };
  }
  return unit;
}

function describeShort(what: string, need: number, have: number): string {
  return `${what} is truncated: its header declares ${need} bytes but the blob has only ${have}`;
}

/**
 * Decodes a `.cell` blob of a non-root cell. Throws if the blob is shorter than the 132-byte
 * descriptor or than the size the descriptor declares. Bytes past that size are ignored.
 * The signature, revision and architecture are not checked (that is the driver's job).
 */
export function decodeCellConfig(bytes: Uint8Array): CellConfig {
  if (bytes.length < CELL_DESC_SIZE)
    throw new Error(`cell configuration too short: ${bytes.length} bytes, the descriptor alone has ${CELL_DESC_SIZE}`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const need = cellArrayOffsets(readCellCounts(dv, 0)).end;
  if (bytes.length < need) throw new Error(describeShort('cell configuration', need, bytes.length));
  return readCell(bytes, 0);
}

/**
 * Decodes a system configuration blob (header + root cell arrays). Throws if the blob is shorter
 * than the 488-byte header or than the size the header declares. Trailing all-zero iommu_units
 * entries are dropped (they serialise back to the same zero bytes).
 */
export function decodeSystemConfig(bytes: Uint8Array): SystemConfig {
  if (bytes.length < SYSTEM_HEADER_SIZE)
    throw new Error(`system configuration too short: ${bytes.length} bytes, the header alone has ${SYSTEM_HEADER_SIZE}`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const need = SYSTEM_HEADER_SIZE - CELL_DESC_SIZE + cellArrayOffsets(readCellCounts(dv, SYS_OFF.root_cell)).end;
  if (bytes.length < need) throw new Error(describeShort('system configuration', need, bytes.length));

  let units = MAX_IOMMU_UNITS;
  const unitIsZero = (i: number) =>
    bytes.subarray(SYS_OFF.iommu_units + i * IOMMU_SIZE, SYS_OFF.iommu_units + (i + 1) * IOMMU_SIZE).every((b) => b === 0);
  while (units > 0 && unitIsZero(units - 1)) units--;

  return {
    signature: readSignature(bytes, SYS_OFF.signature),
    architecture: dv.getUint8(SYS_OFF.architecture),
    revision: dv.getUint16(SYS_OFF.revision, true),
    flags: dv.getUint32(SYS_OFF.flags, true),
    hypervisor_memory: readMemory(dv, SYS_OFF.hypervisor_memory),
    debug_console: readConsole(dv, SYS_OFF.debug_console),
    platform_info: {
      pci_mmconfig_base: getU64(dv, SYS_OFF.pci_mmconfig_base),
      pci_mmconfig_end_bus: dv.getUint8(SYS_OFF.pci_mmconfig_end_bus),
      pci_is_virtual: dv.getUint8(SYS_OFF.pci_is_virtual),
      pci_domain: dv.getUint16(SYS_OFF.pci_domain, true),
      iommu_units: times(units, (i) => readIommu(dv, SYS_OFF.iommu_units + i * IOMMU_SIZE)),
      arm: {
        maintenance_irq: dv.getUint8(SYS_OFF.arm_maintenance_irq),
        gic_version: dv.getUint8(SYS_OFF.arm_gic_version),
        gicd_base: getU64(dv, SYS_OFF.arm_gicd_base),
        gicc_base: getU64(dv, SYS_OFF.arm_gicc_base),
        gich_base: getU64(dv, SYS_OFF.arm_gich_base),
        gicv_base: getU64(dv, SYS_OFF.arm_gicv_base),
        gicr_base: getU64(dv, SYS_OFF.arm_gicr_base),
      },
    },
    root_cell: readCell(bytes, SYS_OFF.root_cell),
  };
}
