/**
 * Typed access to the driver globals (driver/layout.ts) from a CPU running the driver.
 */
import type { Kernel } from '../../cpu/linux/kernel.js';
import { CELL_SLOTS, CellSlotWord, DrvWord, drvCellWord, drvWord, readCellCpus, readCellName } from './layout.js';

export class DriverState {
  constructor(readonly k: Kernel) {}

  private get k32(): Int32Array {
    return this.k.c.k32;
  }

  get(w: number): number {
    return Atomics.load(this.k32, drvWord(w));
  }

  set(w: number, v: number): void {
    Atomics.store(this.k32, drvWord(w), v);
  }

  add(w: number, v: number): number {
    return Atomics.add(this.k32, drvWord(w), v) + v;
  }

  get64(lo: number, hi: number): number {
    return (this.get(lo) >>> 0) + (this.get(hi) >>> 0) * 0x1_0000_0000;
  }

  set64(lo: number, hi: number, v: number): void {
    this.set(lo, v >>> 0);
    this.set(hi, Math.floor(v / 0x1_0000_0000) >>> 0);
  }

  get enabled(): boolean {
    return this.get(DrvWord.ENABLED) === 1;
  }

  get hvMem(): number {
    return this.get64(DrvWord.HV_MEM_LO, DrvWord.HV_MEM_HI);
  }

  get hvMemSize(): number {
    return this.get64(DrvWord.HV_MEM_SIZE_LO, DrvWord.HV_MEM_SIZE_HI);
  }

  // --- cell table ----------------------------------------------------------------------

  cellWord(slot: number, w: number): number {
    return Atomics.load(this.k32, drvCellWord(slot, w));
  }

  setCellWord(slot: number, w: number, v: number): void {
    Atomics.store(this.k32, drvCellWord(slot, w), v);
  }

  /** Slots in list order (registered and prepared cells), as driver `cells` plus sysfs view. */
  cellSlots(includePrepared = true): number[] {
    const out: number[] = [];
    for (let s = 0; s < CELL_SLOTS; s++) {
      const used = this.cellWord(s, CellSlotWord.USED);
      if (used === 1 || (includePrepared && used === 2)) out.push(s);
    }
    return out.sort((a, b) => this.cellWord(a, CellSlotWord.ORDER) - this.cellWord(b, CellSlotWord.ORDER));
  }

  cellName(slot: number): string {
    return readCellName(this.k32, slot);
  }

  setCellName(slot: number, name: string): void {
    for (let i = 0; i < 8; i++) this.setCellWord(slot, CellSlotWord.NAME + i, 0);
    for (let i = 0; i < Math.min(name.length, 31); i++) {
      const idx = drvCellWord(slot, CellSlotWord.NAME + (i >> 2));
      Atomics.or(this.k32, idx, (name.charCodeAt(i) & 0xff) << ((i & 3) * 8));
    }
  }

  cellCpus(slot: number): number[] {
    return readCellCpus(this.k32, slot);
  }

  setCellCpus(slot: number, cpus: number[]): void {
    let lo = 0;
    let hi = 0;
    for (const c of cpus) {
      if (c < 32) lo |= 1 << c;
      else hi |= 1 << (c - 32);
    }
    this.setCellWord(slot, CellSlotWord.CPUS_LO, lo);
    this.setCellWord(slot, CellSlotWord.CPUS_HI, hi);
  }

  findSlotById(id: number): number {
    for (const s of this.cellSlots()) if (this.cellWord(s, CellSlotWord.ID) === id) return s;
    return -1;
  }

  freeSlot(): number {
    for (let s = 0; s < CELL_SLOTS; s++) if (this.cellWord(s, CellSlotWord.USED) === 0) return s;
    return -1;
  }
}
