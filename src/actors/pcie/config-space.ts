/**
 * One function as the hardware behaves: its configuration registers in the fabric's shared
 * buffer (reads return the bytes; writes change only writable bits and clear the
 * write-1-to-clear bits written as 1) and the memory behind its BARs. Callers hold the fabric
 * lock; nothing here synchronises.
 */
import type { BarInfo } from './function-image.js';
import { BAR_BACKING_MAX, SlotBytes, SlotWord, barMemoryBase, slotBytesBase, slotWordBase } from './layout.js';
import { PCI_BASE_ADDRESS_0, PCI_CAP_ID_MSIX, PCI_CFG_SPACE_EXP_SIZE, PCI_CMD_IO, PCI_CMD_MEM, PCI_COMMAND } from './regs.js';
import type { PcieSlot } from './topology.js';
import { findCap } from './function-model.js';

export class ConfigSpace {
  readonly cfg: Uint8Array;
  private readonly wmask: Uint8Array;
  private readonly w1c: Uint8Array;
  private readonly meta: Int32Array;
  private readonly metaBase: number;
  private readonly mem: Uint8Array;
  readonly bars: BarInfo[];

  constructor(
    sab: SharedArrayBuffer,
    nrSlots: number,
    readonly slot: PcieSlot,
  ) {
    const base = slotBytesBase(nrSlots, slot.index);
    this.cfg = new Uint8Array(sab, base + SlotBytes.CONFIG, PCI_CFG_SPACE_EXP_SIZE);
    this.wmask = new Uint8Array(sab, base + SlotBytes.WMASK, PCI_CFG_SPACE_EXP_SIZE);
    this.w1c = new Uint8Array(sab, base + SlotBytes.W1C, PCI_CFG_SPACE_EXP_SIZE);
    this.meta = new Int32Array(sab);
    this.metaBase = slotWordBase(slot.index);
    this.mem = new Uint8Array(sab, barMemoryBase(nrSlots));
    this.bars = slot.image.bars;
  }

  get cfgSize(): number {
    return this.slot.image.cfgSize;
  }

  metaWord(w: number): number {
    return Atomics.load(this.meta, this.metaBase + w);
  }

  setMetaWord(w: number, v: number): void {
    Atomics.store(this.meta, this.metaBase + w, v);
  }

  /** Little-endian read of `size` bytes at `off` (off + size within the space). */
  read(off: number, size: number): number {
    let v = 0;
    for (let i = size - 1; i >= 0; i--) v = v * 256 + this.cfg[off + i]!;
    return v;
  }

  /** A write with byte enables implied by size: only writable bits change; W1C bits written as 1 clear. */
  write(off: number, size: number, value: number): void {
    for (let i = 0; i < size; i++) {
      const b = Math.floor(value / 2 ** (8 * i)) & 0xff;
      const o = off + i;
      const wm = this.wmask[o]!;
      let v = (this.cfg[o]! & ~wm) | (b & wm);
      v &= ~(b & this.w1c[o]!);
      this.cfg[o] = v;
    }
  }

  /** Restore the reset image and forget the captured bus (a fundamental reset). */
  reset(): void {
    const img = this.slot.image;
    this.cfg.set(img.config);
    this.wmask.set(img.wmask);
    this.w1c.set(img.w1c);
    this.setMetaWord(SlotWord.CAPTURED_BUS, -1);
    for (let i = 0; i < 6; i++) {
      const off = this.metaWord(SlotWord.BAR_MEM_OFF + i);
      const size = this.metaWord(SlotWord.BAR_MEM_SIZE + i);
      if (size > 0) this.mem.fill(0, off, off + size);
    }
    // MSI-X table entries come out of reset masked (vector control bit 0).
    const msix = findCap(this.cfg, PCI_CAP_ID_MSIX);
    if (msix) {
      const n = (this.read(msix + 2, 2) & 0x7ff) + 1;
      const tbl = this.read(msix + 4, 4);
      const bar = tbl & 7;
      const size = this.metaWord(SlotWord.BAR_MEM_SIZE + bar);
      const base = this.metaWord(SlotWord.BAR_MEM_OFF + bar);
      for (let v = 0; v < n; v++) {
        const at = (tbl & ~7) + v * 16 + 12;
        if (at + 4 <= size) this.mem[base + at] = 1;
      }
    }
  }

  /** Address currently decoded by a BAR (memory or I/O), or undefined when decoding is off. */
  barBase(b: BarInfo): number | undefined {
    const cmd = this.read(PCI_COMMAND, 2);
    if ((b.kind === 'io' ? cmd & PCI_CMD_IO : cmd & PCI_CMD_MEM) === 0) return undefined;
    const off = PCI_BASE_ADDRESS_0 + 4 * b.index;
    const lo = this.read(off, 4) & (b.kind === 'io' ? 0xfffffffc : 0xfffffff0);
    const hi = b.kind === 'mem64' ? this.read(off + 4, 4) : 0;
    return hi * 0x1_0000_0000 + (lo >>> 0);
  }

  /** The BAR decoding [addr, addr + size), if any. */
  claim(addr: number, size: number, io: boolean): { bar: BarInfo; offset: number } | undefined {
    for (const b of this.bars) {
      if ((b.kind === 'io') !== io) continue;
      const base = this.barBase(b);
      if (base === undefined || base === 0) continue;
      if (addr >= base && addr + size <= base + b.size) return { bar: b, offset: addr - base };
    }
    return undefined;
  }

  memRead(bar: number, offset: number, size: number): number {
    const limit = this.metaWord(SlotWord.BAR_MEM_SIZE + bar);
    const base = this.metaWord(SlotWord.BAR_MEM_OFF + bar);
    let v = 0;
    for (let i = size - 1; i >= 0; i--) v = v * 256 + (offset + i < limit ? this.mem[base + offset + i]! : 0);
    return v;
  }

  memWrite(bar: number, offset: number, size: number, value: number): void {
    const limit = this.metaWord(SlotWord.BAR_MEM_SIZE + bar);
    const base = this.metaWord(SlotWord.BAR_MEM_OFF + bar);
    for (let i = 0; i < size; i++) if (offset + i < limit) this.mem[base + offset + i] = Math.floor(value / 2 ** (8 * i)) & 0xff;
  }
}

/** Backing store per BAR (memory or I/O), laid out slot by slot: returns total bytes and each slot's offsets. */
export function planBarMemory(slots: PcieSlot[]): { total: number; offsets: number[][]; sizes: number[][] } {
  let total = 0;
  const offsets: number[][] = [];
  const sizes: number[][] = [];
  for (const s of slots) {
    const o = [0, 0, 0, 0, 0, 0];
    const z = [0, 0, 0, 0, 0, 0];
    for (const b of s.image.bars) {
      z[b.index] = Math.min(b.size, BAR_BACKING_MAX);
      o[b.index] = total;
      total += z[b.index]!;
    }
    offsets.push(o);
    sizes.push(z);
  }
  return { total, offsets, sizes };
}
