/**
 * Driver-side cell objects (driver/cell.c): the cells list with its sysfs directories. The
 * root cell is prepared before entering the hypervisor (sysfs visible) and registered on
 * success; ids are the lowest free non-negative integer.
 */
import { CELL_DESC_SIZE, CELL_OFF } from '../../../shared/config/layout.js';
import { Errno } from '../../../shared/errno.js';
import { CellSlotWord } from './layout.js';
import type { DriverState } from './state.js';

/** The CPUs set in a config's CPU bitmap (right after the descriptor `dv` starts with), below `limit`. */
export function configCpus(dv: DataView, limit: number): number[] {
  const size = dv.getUint32(CELL_OFF.cpu_set_size, true);
  const out: number[] = [];
  for (let cpu = 0; cpu < Math.min(size * 8, limit); cpu++) if ((dv.getUint8(CELL_DESC_SIZE + (cpu >> 3)) >> (cpu & 7)) & 1) out.push(cpu);
  return out;
}

/** A NUL-terminated name field as the driver copies it (strcpy of at most the field). */
export function cString(b: Uint8Array): string {
  const end = b.indexOf(0);
  return String.fromCharCode(...b.subarray(0, end < 0 ? b.length : end));
}

export interface DriverCellDesc {
  name: string;
  cpus: number[];
}

/** cell_create (driver object only): lowest free id, sysfs directory visible (prepared). */
export function cellPrepare(d: DriverState, desc: DriverCellDesc, forceId?: number): number {
  const slot = d.freeSlot();
  if (slot < 0) return -Errno.ENOMEM;
  let id = forceId ?? 0;
  if (forceId === undefined) {
    const used = new Set(d.cellSlots().map((s) => d.cellWord(s, CellSlotWord.ID)));
    while (used.has(id)) id++;
  }
  d.setCellWord(slot, CellSlotWord.ID, id);
  d.setCellName(slot, desc.name);
  d.setCellCpus(slot, desc.cpus);
  d.setCellWord(slot, CellSlotWord.ORDER, nextOrder(d));
  d.setCellWord(slot, CellSlotWord.USED, 2);
  return slot;
}

function nextOrder(d: DriverState): number {
  let max = 0;
  for (const s of d.cellSlots()) max = Math.max(max, d.cellWord(s, CellSlotWord.ORDER));
  return max + 1;
}

/** cell_register: append to the cells list (KOBJ_ADD). */
export function cellRegister(d: DriverState, slot: number): void {
  d.setCellWord(slot, CellSlotWord.USED, 1);
}

/** cell_delete: unlink and remove the sysfs directory. */
export function cellDelete(d: DriverState, slot: number): void {
  d.setCellWord(slot, CellSlotWord.USED, 0);
}

export function rootSlot(d: DriverState): number {
  return d.findSlotById(0);
}
