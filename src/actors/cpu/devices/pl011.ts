/**
 * ARM PrimeCell UART (PL011) r1p5, as a guest driver sees it: the registers a driver uses with
 * their reset values and bits (ARM DDI 0183), the state in shared memory (pl011-layout.ts) so
 * every CPU drives the same device. Jailhouse inmates and Linux earlycon poll FR and write DR.
 *
 * Transmission is instant: a byte written to DR goes straight into the UART's transmit ring,
 * tagged with the writer's cell, so FR always reads TXFE set and TXFF/BUSY clear. As on QEMU,
 * bytes are transmitted whatever CR.UARTEN/TXE say (firmware or root Linux enabled the UART
 * before any of this runs). Nothing is ever received: FR.RXFE stays set and DR reads 0.
 * The interrupt line (the board's `irq`) is not asserted: RIS/MIS/IMSC/ICR behave as
 * registers (a DR write sets RIS.TXRIS, as the transmit FIFO drains through its trigger level
 * at once), but no interrupt reaches the GIC.
 *
 * Bus behaviour: the registers are 32 bits wide at word offsets, and the PL011 decodes only
 * address bits 11:2 (APB, no byte strobes). An 8- or 16-bit access reads or writes the
 * register's byte lanes it covers (a write puts its value in its lanes, zeros elsewhere, so a
 * byte store to DR transmits that byte as Linux's and Jailhouse's 8- and 32-bit writes both
 * do). Reserved and write-only offsets read as zero, and writes to reserved or read-only ones
 * are ignored (RAZ/WI). 64-bit and misaligned accesses are bus errors (external abort).
 */
import { txPush } from './uart-ring.js';
import { UartWord, uartWord } from './pl011-layout.js';

/** Register byte offsets. */
export const Pl011Reg = {
  DR: 0x000,
  /** Read: UARTRSR; write: UARTECR. */
  RSR_ECR: 0x004,
  FR: 0x018,
  ILPR: 0x020,
  IBRD: 0x024,
  FBRD: 0x028,
  LCR_H: 0x02c,
  CR: 0x030,
  IFLS: 0x034,
  IMSC: 0x038,
  RIS: 0x03c,
  MIS: 0x040,
  ICR: 0x044,
  DMACR: 0x048,
  PERIPH_ID0: 0xfe0,
  PCELL_ID0: 0xff0,
} as const;

/** UARTFR bits. */
export const Pl011Fr = {
  CTS: 1 << 0,
  DSR: 1 << 1,
  DCD: 1 << 2,
  BUSY: 1 << 3,
  RXFE: 1 << 4,
  TXFF: 1 << 5,
  RXFF: 1 << 6,
  TXFE: 1 << 7,
  RI: 1 << 8,
} as const;

/** Interrupt bits of IMSC/RIS/MIS/ICR. */
export const Pl011Int = {
  RIM: 1 << 0,
  CTSM: 1 << 1,
  DCDM: 1 << 2,
  DSRM: 1 << 3,
  RX: 1 << 4,
  TX: 1 << 5,
  RT: 1 << 6,
  FE: 1 << 7,
  PE: 1 << 8,
  BE: 1 << 9,
  OE: 1 << 10,
} as const;
const INT_MASK = 0x7ff;

/** UARTCR bits a driver sets. */
export const Pl011Cr = { UARTEN: 1 << 0, TXE: 1 << 8, RXE: 1 << 9 } as const;

/** Reset values of the registers that are not zero at reset. */
export const PL011_RESET = {
  /** TXE | RXE, UART disabled. */
  CR: 0x0300,
  /** Both FIFO trigger levels at half full. */
  IFLS: 0x12,
  /** Transmit FIFO empty, receive FIFO empty, not busy (modem inputs inactive). */
  FR: Pl011Fr.TXFE | Pl011Fr.RXFE,
} as const;

/** UARTPeriphID0..3 (part 0x011, designer ARM 0x41, revision r1p5 = 3) and UARTPCellID0..3. */
export const PL011_PERIPH_ID = [0x11, 0x10, 0x34, 0x00] as const;
export const PL011_PCELL_ID = [0x0d, 0xf0, 0x05, 0xb1] as const;

/** Writable register → its slot word and implemented bits. */
const RW: ReadonlyMap<number, { word: number; mask: number }> = new Map([
  [Pl011Reg.ILPR, { word: UartWord.ILPR, mask: 0xff }],
  [Pl011Reg.IBRD, { word: UartWord.IBRD, mask: 0xffff }],
  [Pl011Reg.FBRD, { word: UartWord.FBRD, mask: 0x3f }],
  [Pl011Reg.LCR_H, { word: UartWord.LCR_H, mask: 0xff }],
  [Pl011Reg.CR, { word: UartWord.CR, mask: 0xffff }],
  [Pl011Reg.IFLS, { word: UartWord.IFLS, mask: 0x3f }],
  [Pl011Reg.IMSC, { word: UartWord.IMSC, mask: INT_MASK }],
  [Pl011Reg.DMACR, { word: UartWord.DMACR, mask: 0x7 }],
]);

/** Puts UART `uart`'s registers in their reset state (the ring is left alone). */
export function resetPl011(view: Int32Array, uart: number): void {
  for (const w of [UartWord.RSR, UartWord.ILPR, UartWord.IBRD, UartWord.FBRD, UartWord.LCR_H, UartWord.IMSC, UartWord.RIS, UartWord.DMACR]) {
    Atomics.store(view, uartWord(uart, w), 0);
  }
  Atomics.store(view, uartWord(uart, UartWord.CR), PL011_RESET.CR);
  Atomics.store(view, uartWord(uart, UartWord.IFLS), PL011_RESET.IFLS);
}

/** A device window on the bus: offsets are relative to its base. */
export interface MmioDevice {
  /** Value of a `size`-byte read at `off`, or undefined for a bus error. */
  read(off: number, size: 1 | 2 | 4 | 8): bigint | undefined;
  /** False for a bus error. */
  write(off: number, size: 1 | 2 | 4 | 8, value: bigint): boolean;
}

export class Pl011 implements MmioDevice {
  constructor(
    private readonly view: Int32Array,
    /** Index of this UART's slot in `view`. */
    readonly uart: number,
    /** Id of the cell the writing CPU belongs to, asked only when a byte is transmitted. */
    private readonly writerCell: () => number,
  ) {}

  read(off: number, size: 1 | 2 | 4 | 8): bigint | undefined {
    if (size === 8 || off % size !== 0) return undefined;
    const lane = (off & 3) * 8;
    const v = (this.readReg(off - (off & 3)) >>> lane) & (size === 4 ? 0xffff_ffff : (1 << (size * 8)) - 1);
    return BigInt(v >>> 0);
  }

  write(off: number, size: 1 | 2 | 4 | 8, value: bigint): boolean {
    if (size === 8 || off % size !== 0) return false;
    const bits = Number(BigInt.asUintN(size * 8, value));
    this.writeReg(off - (off & 3), (bits << ((off & 3) * 8)) >>> 0);
    return true;
  }

  /** The 32-bit register at word offset `reg`. */
  readReg(reg: number): number {
    const v = this.view;
    const w = (x: number): number => Atomics.load(v, uartWord(this.uart, x));
    if (reg >= Pl011Reg.PERIPH_ID0 && reg < Pl011Reg.PCELL_ID0) return PL011_PERIPH_ID[(reg - Pl011Reg.PERIPH_ID0) >> 2]!;
    if (reg >= Pl011Reg.PCELL_ID0 && reg < 0x1000) return PL011_PCELL_ID[(reg - Pl011Reg.PCELL_ID0) >> 2]!;
    switch (reg) {
      case Pl011Reg.DR:
        return 0; // receive FIFO empty
      case Pl011Reg.RSR_ECR:
        return w(UartWord.RSR);
      case Pl011Reg.FR:
        return PL011_RESET.FR;
      case Pl011Reg.RIS:
        return w(UartWord.RIS);
      case Pl011Reg.MIS:
        return w(UartWord.RIS) & w(UartWord.IMSC);
      default: {
        const r = RW.get(reg);
        return r ? w(r.word) : 0; // ICR is write-only; the rest is reserved
      }
    }
  }

  /** A 32-bit write to the register at word offset `reg`. */
  writeReg(reg: number, value: number): void {
    const v = this.view;
    switch (reg) {
      case Pl011Reg.DR:
        txPush(v, this.uart, this.writerCell(), value & 0xff);
        Atomics.or(v, uartWord(this.uart, UartWord.RIS), Pl011Int.TX);
        return;
      case Pl011Reg.RSR_ECR:
        Atomics.store(v, uartWord(this.uart, UartWord.RSR), 0);
        return;
      case Pl011Reg.ICR:
        Atomics.and(v, uartWord(this.uart, UartWord.RIS), ~(value & INT_MASK));
        return;
      default: {
        const r = RW.get(reg);
        if (r) Atomics.store(v, uartWord(this.uart, r.word), value & r.mask);
      }
    }
  }
}
