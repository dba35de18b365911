/**
 * paging_map_device / paging_unmap_device: the hypervisor's own mappings of device MMIO (the GIC
 * frames, physical devices' MSI-X tables) in the common page tables, with virtual addresses from
 * the remap pool, which is what remap_pool_used counts on real hardware.
 */
import type { Hv } from './hv.js';
import { PAGE_SIZE, pages } from './layout.js';
import { INVALID_PHYS_ADDR, hvFlags, pagingCreate, pagingDestroy, pagingVirt2Phys } from './paging.js';
import { hvPageTable } from './page-tables.js';

/** paging_map_device: a device-attributed RW mapping of [phys, phys + size); its virtual address, 0 on failure. */
export function pagingMapDevice(hv: Hv, phys: number, size: number): number {
  const n = pages(size);
  const virt = hv.remapPool.alloc(n);
  if (!virt) return 0;
  const err = pagingCreate(hv.c.mem, hv.memPool, hvPageTable(hv, 0), phys, n * PAGE_SIZE, virt, hvFlags({ write: true, device: true }));
  if (err) {
    hv.remapPool.free(virt, n);
    return 0;
  }
  return virt;
}

/** paging_unmap_device: the mapping at virt removed and its remap pool pages freed. */
export function pagingUnmapDevice(hv: Hv, virt: number, size: number): void {
  const n = pages(size);
  pagingDestroy(hv.c.mem, hv.memPool, hvPageTable(hv, 0), virt, n * PAGE_SIZE);
  hv.remapPool.free(virt, n);
}

/** The physical address a device mapping translates `virt` to (what a hypervisor load/store reaches). */
export function deviceMappingPhys(hv: Hv, virt: number): number | undefined {
  const phys = pagingVirt2Phys(hv.c.mem, hvPageTable(hv, 0), virt);
  return phys === INVALID_PHYS_ADDR ? undefined : phys;
}
