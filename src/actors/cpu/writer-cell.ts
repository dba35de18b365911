/**
 * Which cell a CPU belongs to right now, as a device that tags its data with the writer needs
 * it: the hypervisor's per_cpu(cpu).cell → struct cell → its config's id, read from hypervisor
 * memory (the driver's hypervisor_mem words say where that is). Id 0 (the root cell) while the
 * hypervisor is not enabled: the CPU is then root Linux's. Bounds are checked, so a half-built
 * structure during enable reads as root instead of throwing.
 *
 * The CPU context hands this to the device bus as a callback (cpu/devices/bus.ts): the devices
 * themselves know nothing of hypervisor or driver memory.
 */
import type { PhysicalMemory } from '../../shared/phys-mem.js';
import { CELL_OFF } from '../../shared/config/layout.js';
import { CELL, HDR, PERCPU, PUB } from '../hypervisor/core/layout.js';
import { DrvWord, drvWord } from '../hypervisor/driver/layout.js';

/** Physical base of the hypervisor memory the driver mapped, or 0. */
export function mappedHvBase(k32: Int32Array): number {
  return (Atomics.load(k32, drvWord(DrvWord.HV_MEM_LO)) >>> 0) + (Atomics.load(k32, drvWord(DrvWord.HV_MEM_HI)) >>> 0) * 0x1_0000_0000;
}

/** Id of the cell `cpu` belongs to (0 = root, also without the hypervisor). */
export function cpuCellId(mem: PhysicalMemory, k32: Int32Array, cpu: number): number {
  const base = mappedHvBase(k32);
  if (!base || !mem.contains(base, HDR.SIZE)) return 0;
  const pub = base + mem.read64(base + HDR.CORE_SIZE) + cpu * mem.read64(base + HDR.PERCPU_SIZE) + PERCPU.PUBLIC;
  if (!mem.contains(pub + PUB.CELL, 8)) return 0;
  const cell = mem.read64(pub + PUB.CELL);
  if (!cell || !mem.contains(cell + CELL.CONFIG, 8)) return 0;
  const cfg = mem.read64(cell + CELL.CONFIG);
  if (!cfg || !mem.contains(cfg + CELL_OFF.id, 4)) return 0;
  return mem.read32(cfg + CELL_OFF.id) >>> 0;
}
