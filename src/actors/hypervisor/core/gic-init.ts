/**
 * The irqchip's global init, done by the first CPU through cpu_init: check the GIC version and
 * map the distributor and the redistributor frames of all root CPUs into the hypervisor through
 * the remap pool (paging_map_device).
 */
import { CELL_DESC_SIZE, CELL_OFF, SYS_OFF } from '../../../shared/config/layout.js';
import { Errno } from '../../../shared/errno.js';
import { GICD_SIZE, GIC_V3_REDIST_SIZE } from '../../gic/index.js';
import type { Hv } from './hv.js';
import { BSS, IMAGE } from './layout.js';
import { pagingMapDevice } from './device-map.js';
import { setLastGicr } from './gic-mmio.js';

export function irqchipGlobalInit(hv: Hv): number {
  const m = hv.c.mem;
  const bss = hv.base + IMAGE.BSS;
  if (m.read32(bss + BSS.GIC_INITIALIZED)) return 0;
  const sys = hv.systemConfig;
  if (m.read8(sys + SYS_OFF.arm_gic_version) !== 3) return -Errno.EINVAL;
  const gicd = pagingMapDevice(hv, m.read64(sys + SYS_OFF.arm_gicd_base), GICD_SIZE);
  if (!gicd) return -Errno.ENOMEM;
  // last_gicr: the highest CPU of the root cell's configured set.
  const root = sys + SYS_OFF.root_cell;
  let lastGicr = 0;
  for (let cpu = m.read32(root + CELL_OFF.cpu_set_size) * 8 - 1; cpu >= 0; cpu--) {
    if ((m.read8(root + CELL_DESC_SIZE + (cpu >> 3)) >> (cpu & 7)) & 1) {
      lastGicr = cpu;
      break;
    }
  }
  const gicr = pagingMapDevice(hv, m.read64(sys + SYS_OFF.arm_gicr_base), GIC_V3_REDIST_SIZE * (lastGicr + 1));
  if (!gicr) return -Errno.ENOMEM;
  m.write64(bss + BSS.GICD_VA, gicd);
  m.write64(bss + BSS.GICR_VA, gicr);
  setLastGicr(hv, lastGicr);
  m.write32(bss + BSS.GIC_INITIALIZED, 1);
  return 0;
}
