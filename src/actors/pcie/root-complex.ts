/**
 * The root complex's three windows on the CPU side: ECAM (configuration requests: offset =
 * bus << 20 | dev << 15 | fn << 12 | reg), the memory window (bus addresses identical to CPU
 * addresses) and the I/O window (port = offset into it).
 */
import type { PcieFabric } from './fabric.js';

/** What the CPU's bus needs from a device window (cpu/devices/bus.ts). */
export interface BusWindow {
  read(off: number, size: 1 | 2 | 4 | 8): bigint | undefined;
  write(off: number, size: 1 | 2 | 4 | 8, value: bigint): boolean;
}

export class RootComplexWindows {
  readonly ecam: BusWindow;
  readonly mmio: BusWindow;
  readonly pio: BusWindow;

  constructor(fabric: PcieFabric, mmioBase: number) {
    this.ecam = {
      // A config access is at most 4 bytes and naturally aligned; anything else is a bus error.
      read: (off, size) => (size === 8 || off % size !== 0 ? undefined : BigInt(fabric.configRead(Math.floor(off / 4096), off & 0xfff, size))),
      write: (off, size, v) => {
        if (size === 8 || off % size !== 0) return false;
        fabric.configWrite(Math.floor(off / 4096), off & 0xfff, size, Number(v & 0xffffffffn));
        return true;
      },
    };
    this.mmio = {
      read: (off, size) => fabric.memRead(mmioBase + off, size),
      write: (off, size, v) => {
        fabric.memWrite(mmioBase + off, size, v);
        return true;
      },
    };
    this.pio = {
      read: (off, size) => fabric.memRead(off, size, true),
      write: (off, size, v) => {
        fabric.memWrite(off, size, v, true);
        return true;
      },
    };
  }
}
