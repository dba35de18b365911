/**
 * The board's memory-mapped devices as one CPU reaches them: an MmioBus (shared/phys-mem.ts)
 * that routes a physical access to the device whose window holds it. Today the PL011 UARTs
 * (the root console and the extra per-cell consoles, see boardUarts) and the PCIe root
 * complex's windows (ECAM, memory, I/O). Each CPU worker builds
 * its own bus over the shared device state; `writerCell` tells the devices which cell that
 * CPU's accesses come from.
 */
import { boardUarts, type Board } from '../board.js';
import type { MmioBus } from '../../../shared/phys-mem.js';
import { Pl011, type MmioDevice } from './pl011.js';
import { RootComplexWindows, type PcieFabric } from '../../pcie/index.js';

interface Window {
  base: number;
  end: number;
  dev: MmioDevice;
}

export class DeviceBus implements MmioBus {
  private readonly windows: Window[];

  constructor(board: Pick<Board, 'uart' | 'uarts' | 'pci'>, uarts: SharedArrayBuffer, writerCell: () => number, pcie?: PcieFabric) {
    const view = new Int32Array(uarts);
    this.windows = boardUarts(board).map((u, i) => ({ base: u.base, end: u.base + u.size, dev: new Pl011(view, i, writerCell) }));
    if (!pcie) return;
    const p = board.pci;
    const rc = new RootComplexWindows(pcie, p.mmio_base);
    this.windows.push(
      { base: p.ecam_base, end: p.ecam_base + p.ecam_size, dev: rc.ecam },
      { base: p.mmio_base, end: p.mmio_base + p.mmio_size, dev: rc.mmio },
      { base: p.pio_base, end: p.pio_base + p.pio_size, dev: rc.pio },
    );
  }

  /** The window wholly holding [pa, pa + size), if any (an access straddling its end is a bus error). */
  private find(pa: number, size: number): Window | undefined {
    for (const w of this.windows) if (pa >= w.base && pa + size <= w.end) return w;
    return undefined;
  }

  read(pa: number, size: 1 | 2 | 4 | 8): bigint | undefined {
    const w = this.find(pa, size);
    return w ? w.dev.read(pa - w.base, size) : undefined;
  }

  write(pa: number, size: 1 | 2 | 4 | 8, value: bigint): boolean {
    const w = this.find(pa, size);
    return w ? w.dev.write(pa - w.base, size, value) : false;
  }
}
