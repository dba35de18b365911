/**
 * Normalised configs (schema.ts types) to the exact binary blobs the Jailhouse driver consumes
 * (`.cell` files): a 488-byte system header or a 132-byte cell descriptor, followed by the
 * cell's CPU bitmap and arrays in the order of layout.ts. Reading them back is decode.ts.
 */
import {
  CACHE_OFF,
  CACHE_SIZE,
  CELL_DESC_SIZE,
  CELL_NAME_FIELD_SIZE,
  CELL_OFF,
  cellArrayOffsets,
  type CellCounts,
  CONSOLE_OFF,
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
  SIGNATURE_LEN,
  STREAM_ID_SIZE,
  SYS_OFF,
  SYSTEM_HEADER_SIZE,
} from './layout.js';
import type { CellConfig, Console, IommuUnit, MemoryRegion, SystemConfig } from './schema.js';

const utf8Enc = new TextEncoder();

function setU64(dv: DataView, off: number, v: number, field: string): void {
  if (!Number.isSafeInteger(v) || v < 0) throw new RangeError(`${field}: ${v} is not a u64 value representable exactly`);
  dv.setBigUint64(off, BigInt(v), true);
}

function setUint(dv: DataView, off: number, bytes: 1 | 2 | 4, v: number, field: string): void {
  if (!Number.isInteger(v) || v < 0 || v >= 2 ** (8 * bytes))
    throw new RangeError(`${field}: ${v} does not fit in ${8 * bytes} bits`);
  if (bytes === 1) dv.setUint8(off, v);
  else if (bytes === 2) dv.setUint16(off, v, true);
  else dv.setUint32(off, v, true);
}

function writeSignature(u8: Uint8Array, off: number, sig: string): void {
  if (sig.length > SIGNATURE_LEN) throw new RangeError(`signature ${JSON.stringify(sig)} is longer than ${SIGNATURE_LEN} bytes`);
  for (let i = 0; i < sig.length; i++) u8[off + i] = sig.charCodeAt(i) & 0xff;
}

function writeConsole(dv: DataView, off: number, c: Console, field: string): void {
  setU64(dv, off + CONSOLE_OFF.address, c.address, `${field}.address`);
  setUint(dv, off + CONSOLE_OFF.size, 4, c.size, `${field}.size`);
  setUint(dv, off + CONSOLE_OFF.type, 2, c.type, `${field}.type`);
  setUint(dv, off + CONSOLE_OFF.flags, 2, c.flags, `${field}.flags`);
  setUint(dv, off + CONSOLE_OFF.divider, 4, c.divider, `${field}.divider`);
  setUint(dv, off + CONSOLE_OFF.gate_nr, 4, c.gate_nr, `${field}.gate_nr`);
  setU64(dv, off + CONSOLE_OFF.clock_reg, c.clock_reg, `${field}.clock_reg`);
}

function writeMemory(dv: DataView, off: number, m: MemoryRegion, field: string): void {
  setU64(dv, off + MEM_OFF.phys_start, m.phys_start, `${field}.phys_start`);
  setU64(dv, off + MEM_OFF.virt_start, m.virt_start, `${field}.virt_start`);
  setU64(dv, off + MEM_OFF.size, m.size, `${field}.size`);
  setU64(dv, off + MEM_OFF.flags, m.flags, `${field}.flags`);
}

/** Counts of the trailing arrays of a cell config object. */
export function cellCounts(c: CellConfig): CellCounts {
  return {
    cpu_set_size: c.cpu_set_size,
    num_memory_regions: c.memory_regions.length,
    num_cache_regions: c.cache_regions.length,
    num_irqchips: c.irqchips.length,
    num_pio_regions: c.pio_regions.length,
    num_pci_devices: c.pci_devices.length,
    num_pci_caps: c.pci_caps.length,
    num_stream_ids: c.stream_ids.length,
  };
}

/** Writes descriptor + trailing arrays of `c` at `desc` (the buffer must be large enough). */
function writeCell(buf: Uint8Array, desc: number, c: CellConfig, field: string): void {
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const f = (name: string) => (field ? `${field}.${name}` : name);
  writeSignature(buf, desc + CELL_OFF.signature, c.signature);
  setUint(dv, desc + CELL_OFF.architecture, 1, c.architecture, f('architecture'));
  setUint(dv, desc + CELL_OFF.revision, 2, c.revision, f('revision'));
  const name = utf8Enc.encode(c.name);
  if (name.length > CELL_NAME_FIELD_SIZE) throw new RangeError(`${f('name')}: longer than ${CELL_NAME_FIELD_SIZE} bytes`);
  buf.set(name, desc + CELL_OFF.name);
  setUint(dv, desc + CELL_OFF.id, 4, c.id, f('id'));
  setUint(dv, desc + CELL_OFF.flags, 4, c.flags, f('flags'));
  const counts = cellCounts(c);
  for (const [k, v] of Object.entries(counts)) setUint(dv, desc + CELL_OFF[k as keyof CellCounts], 4, v, f(k));
  setUint(dv, desc + CELL_OFF.vpci_irq_base, 4, c.vpci_irq_base, f('vpci_irq_base'));
  setU64(dv, desc + CELL_OFF.cpu_reset_address, c.cpu_reset_address, f('cpu_reset_address'));
  setU64(dv, desc + CELL_OFF.msg_reply_timeout, c.msg_reply_timeout, f('msg_reply_timeout'));
  writeConsole(dv, desc + CELL_OFF.console, c.console, f('console'));

  const o = cellArrayOffsets(counts);
  for (const cpu of c.cpus) {
    if (!Number.isInteger(cpu) || cpu < 0 || cpu >= c.cpu_set_size * 8)
      throw new RangeError(`${f('cpus')}: CPU ${cpu} does not fit cpu_set_size ${c.cpu_set_size}`);
    const idx = desc + o.cpuSet + (cpu >> 3);
    buf[idx] = (buf[idx] ?? 0) | (1 << (cpu & 7));
  }
  c.memory_regions.forEach((m, i) => writeMemory(dv, desc + o.memRegions + i * MEMORY_SIZE, m, f(`memory_regions.${i}`)));
  c.cache_regions.forEach((r, i) => {
    const off = desc + o.cacheRegions + i * CACHE_SIZE;
    const g = f(`cache_regions.${i}`);
    setUint(dv, off + CACHE_OFF.start, 4, r.start, `${g}.start`);
    setUint(dv, off + CACHE_OFF.size, 4, r.size, `${g}.size`);
    setUint(dv, off + CACHE_OFF.type, 1, r.type, `${g}.type`);
    setUint(dv, off + CACHE_OFF.flags, 2, r.flags, `${g}.flags`);
  });
  c.irqchips.forEach((r, i) => {
    const off = desc + o.irqchips + i * IRQCHIP_SIZE;
    const g = f(`irqchips.${i}`);
    setU64(dv, off + IRQCHIP_OFF.address, r.address, `${g}.address`);
    setUint(dv, off + IRQCHIP_OFF.id, 4, r.id, `${g}.id`);
    setUint(dv, off + IRQCHIP_OFF.pin_base, 4, r.pin_base, `${g}.pin_base`);
    if (r.pin_bitmap.length !== IRQCHIP_PIN_WORDS) throw new RangeError(`${g}.pin_bitmap: needs ${IRQCHIP_PIN_WORDS} words`);
    r.pin_bitmap.forEach((w, j) => setUint(dv, off + IRQCHIP_OFF.pin_bitmap + 4 * j, 4, w, `${g}.pin_bitmap.${j}`));
  });
  c.pio_regions.forEach((r, i) => {
    const off = desc + o.pioRegions + i * PIO_SIZE;
    setUint(dv, off + PIO_OFF.base, 2, r.base, f(`pio_regions.${i}.base`));
    setUint(dv, off + PIO_OFF.length, 2, r.length, f(`pio_regions.${i}.length`));
  });
  c.pci_devices.forEach((d, i) => {
    const off = desc + o.pciDevices + i * PCI_DEVICE_SIZE;
    const g = f(`pci_devices.${i}`);
    setUint(dv, off + PCI_DEV_OFF.type, 1, d.type, `${g}.type`);
    setUint(dv, off + PCI_DEV_OFF.iommu, 1, d.iommu, `${g}.iommu`);
    setUint(dv, off + PCI_DEV_OFF.domain, 2, d.domain, `${g}.domain`);
    setUint(dv, off + PCI_DEV_OFF.bdf, 2, d.bdf, `${g}.bdf`);
    if (d.bar_mask.length !== PCI_BAR_COUNT) throw new RangeError(`${g}.bar_mask: needs ${PCI_BAR_COUNT} entries`);
    d.bar_mask.forEach((m, j) => setUint(dv, off + PCI_DEV_OFF.bar_mask + 4 * j, 4, m, `${g}.bar_mask.${j}`));
    setUint(dv, off + PCI_DEV_OFF.caps_start, 2, d.caps_start, `${g}.caps_start`);
    setUint(dv, off + PCI_DEV_OFF.num_caps, 2, d.num_caps, `${g}.num_caps`);
    setUint(dv, off + PCI_DEV_OFF.num_msi_vectors, 1, d.num_msi_vectors, `${g}.num_msi_vectors`);
    dv.setUint8(off + PCI_DEV_OFF.msi_bits, (d.msi_64bits ? PCI_MSI_64BITS : 0) | (d.msi_maskable ? PCI_MSI_MASKABLE : 0));
    setUint(dv, off + PCI_DEV_OFF.num_msix_vectors, 2, d.num_msix_vectors, `${g}.num_msix_vectors`);
    setUint(dv, off + PCI_DEV_OFF.msix_region_size, 2, d.msix_region_size, `${g}.msix_region_size`);
    setU64(dv, off + PCI_DEV_OFF.msix_address, d.msix_address, `${g}.msix_address`);
    setUint(dv, off + PCI_DEV_OFF.shmem_regions_start, 4, d.shmem_regions_start, `${g}.shmem_regions_start`);
    setUint(dv, off + PCI_DEV_OFF.shmem_dev_id, 1, d.shmem_dev_id, `${g}.shmem_dev_id`);
    setUint(dv, off + PCI_DEV_OFF.shmem_peers, 1, d.shmem_peers, `${g}.shmem_peers`);
    setUint(dv, off + PCI_DEV_OFF.shmem_protocol, 2, d.shmem_protocol, `${g}.shmem_protocol`);
  });
  c.pci_caps.forEach((p, i) => {
    const off = desc + o.pciCaps + i * PCI_CAP_SIZE;
    const g = f(`pci_caps.${i}`);
    setUint(dv, off + PCI_CAP_OFF.id, 2, p.id, `${g}.id`);
    setUint(dv, off + PCI_CAP_OFF.start, 2, p.start, `${g}.start`);
    setUint(dv, off + PCI_CAP_OFF.len, 2, p.len, `${g}.len`);
    setUint(dv, off + PCI_CAP_OFF.flags, 2, p.flags, `${g}.flags`);
  });
  c.stream_ids.forEach((s, i) => setUint(dv, desc + o.streamIds + i * STREAM_ID_SIZE, 4, s, f(`stream_ids.${i}`)));
}

function writeIommu(dv: DataView, off: number, u: IommuUnit, field: string): void {
  setUint(dv, off + IOMMU_OFF.type, 4, u.type, `${field}.type`);
  setU64(dv, off + IOMMU_OFF.base, u.base, `${field}.base`);
  setUint(dv, off + IOMMU_OFF.size, 4, u.size, `${field}.size`);
  if (u.amd) {
    setUint(dv, off + IOMMU_OFF.amd_bdf, 2, u.amd.bdf, `${field}.amd.bdf`);
    setUint(dv, off + IOMMU_OFF.amd_base_cap, 1, u.amd.base_cap, `${field}.amd.base_cap`);
    setUint(dv, off + IOMMU_OFF.amd_msi_cap, 1, u.amd.msi_cap, `${field}.amd.msi_cap`);
    setUint(dv, off + IOMMU_OFF.amd_features, 4, u.amd.features, `${field}.amd.features`);
  } else if (u.tipvu) {
    setU64(dv, off + IOMMU_OFF.tipvu_tlb_base, u.tipvu.tlb_base, `${field}.tipvu.tlb_base`);
    setUint(dv, off + IOMMU_OFF.tipvu_tlb_size, 4, u.tipvu.tlb_size, `${field}.tipvu.tlb_size`);
  }
}

/** Exact binary size of a cell config object (= jailhouse_cell_config_size()). */
export function cellConfigByteSize(c: CellConfig): number {
  return cellArrayOffsets(cellCounts(c)).end;
}

/** Exact binary size of a system config object (= jailhouse_system_config_size()). */
export function systemConfigByteSize(c: SystemConfig): number {
  return SYSTEM_HEADER_SIZE - CELL_DESC_SIZE + cellConfigByteSize(c.root_cell);
}

/** Serialises a cell config to its `.cell` blob. `comment` is ignored. */
export function serializeCellConfig(c: CellConfig): Uint8Array {
  const buf = new Uint8Array(cellConfigByteSize(c));
  writeCell(buf, 0, c, '');
  return buf;
}

/** Serialises a system config: 488-byte header (root cell descriptor at 356), then the root cell's arrays. */
export function serializeSystemConfig(c: SystemConfig): Uint8Array {
  const buf = new Uint8Array(systemConfigByteSize(c));
  const dv = new DataView(buf.buffer);
  writeSignature(buf, SYS_OFF.signature, c.signature);
  setUint(dv, SYS_OFF.architecture, 1, c.architecture, 'architecture');
  setUint(dv, SYS_OFF.revision, 2, c.revision, 'revision');
  setUint(dv, SYS_OFF.flags, 4, c.flags, 'flags');
  writeMemory(dv, SYS_OFF.hypervisor_memory, c.hypervisor_memory, 'hypervisor_memory');
  writeConsole(dv, SYS_OFF.debug_console, c.debug_console, 'debug_console');
  const p = c.platform_info;
  setU64(dv, SYS_OFF.pci_mmconfig_base, p.pci_mmconfig_base, 'platform_info.pci_mmconfig_base');
  setUint(dv, SYS_OFF.pci_mmconfig_end_bus, 1, p.pci_mmconfig_end_bus, 'platform_info.pci_mmconfig_end_bus');
  setUint(dv, SYS_OFF.pci_is_virtual, 1, p.pci_is_virtual, 'platform_info.pci_is_virtual');
  setUint(dv, SYS_OFF.pci_domain, 2, p.pci_domain, 'platform_info.pci_domain');
  if (p.iommu_units.length > MAX_IOMMU_UNITS) throw new RangeError(`platform_info.iommu_units: more than ${MAX_IOMMU_UNITS}`);
  p.iommu_units.forEach((u, i) =>
    writeIommu(dv, SYS_OFF.iommu_units + i * IOMMU_SIZE, u, `platform_info.iommu_units.${i}`),
  );
  const a = p.arm;
  setUint(dv, SYS_OFF.arm_maintenance_irq, 1, a.maintenance_irq, 'platform_info.arm.maintenance_irq');
  setUint(dv, SYS_OFF.arm_gic_version, 1, a.gic_version, 'platform_info.arm.gic_version');
  setU64(dv, SYS_OFF.arm_gicd_base, a.gicd_base, 'platform_info.arm.gicd_base');
  setU64(dv, SYS_OFF.arm_gicc_base, a.gicc_base, 'platform_info.arm.gicc_base');
  setU64(dv, SYS_OFF.arm_gich_base, a.gich_base, 'platform_info.arm.gich_base');
  setU64(dv, SYS_OFF.arm_gicv_base, a.gicv_base, 'platform_info.arm.gicv_base');
  setU64(dv, SYS_OFF.arm_gicr_base, a.gicr_base, 'platform_info.arm.gicr_base');
  writeCell(buf, SYS_OFF.root_cell, c.root_cell, 'root_cell');
  return buf;
}
