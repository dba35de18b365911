/**
 * Shared memory of the board's PL011 UARTs: one SharedArrayBuffer for all of them (every CPU
 * worker and the main thread see the same device), one slot of UART_SLOT_WORDS Int32 words per
 * UART (index 0 = the board's `uart`, then `uarts` in order; see boardUarts). A slot holds the
 * register state the model keeps, then the transmit ring the main thread drains.
 *
 * TX ring: TX_RING_ENTRIES entries of TX_ENTRY_WORDS words. Writers (any CPU) reserve entry n
 * with Atomics.add on TX_HEAD, clear its SEQ, store DATA, then store SEQ = n + 1 (as int32):
 * an entry is valid for position n exactly when SEQ reads n + 1 before and after DATA. A
 * writer never waits for the reader: when the reader falls more than a ring behind, the oldest
 * bytes are overwritten and the reader counts them as missed (like a terminal that cannot keep
 * up with a UART that has no flow control).
 */

/** Word offsets inside one UART's slot. */
export const UartWord = {
  // --- registers (the rest are constants or derived: see pl011.ts) ---
  /** UARTRSR: receive errors OE/BE/PE/FE (bits 3:0); a write to UARTECR clears it. Nothing is received, so it stays 0. */
  RSR: 0,
  /** UARTILPR: IrDA low-power counter divisor (bits 7:0). */
  ILPR: 1,
  /** UARTIBRD: integer baud-rate divisor (bits 15:0). */
  IBRD: 2,
  /** UARTFBRD: fractional baud-rate divisor (bits 5:0). */
  FBRD: 3,
  /** UARTLCR_H: line control (bits 7:0: BRK PEN EPS STP2 FEN WLEN SPS). */
  LCR_H: 4,
  /** UARTCR: control (bits 15:0: UARTEN bit 0, TXE bit 8, RXE bit 9, ...). */
  CR: 5,
  /** UARTIFLS: FIFO interrupt level select (TXIFLSEL bits 2:0, RXIFLSEL bits 5:3). */
  IFLS: 6,
  /** UARTIMSC: interrupt mask set/clear (bits 10:0). */
  IMSC: 7,
  /** UARTRIS: raw interrupt status (bits 10:0); UARTMIS = RIS & IMSC, UARTICR clears bits. */
  RIS: 8,
  /** UARTDMACR: DMA control (bits 2:0). */
  DMACR: 9,
  // --- transmit ring ---
  /** Bytes ever transmitted (uint32, wraps): the next byte goes to entry TX_HEAD mod TX_RING_ENTRIES. */
  TX_HEAD: 16,
  /** First word of the ring's entries. */
  TX_RING: 32,
} as const;

/** Entries of each UART's transmit ring (a power of two). */
export const TX_RING_ENTRIES = 1 << 14;

/** Word offsets inside one ring entry. */
export const TxEntry = {
  /** Ring position + 1 (int32) once DATA is valid for it; 0 while a writer fills the entry. */
  SEQ: 0,
  /** (writer's cell id << 8) | byte. */
  DATA: 1,
} as const;
export const TX_ENTRY_WORDS = 2;

/** Cell ids an entry can carry (24 bits; Jailhouse's ids are small). */
export const TX_CELL_MASK = 0xff_ffff;

export const UART_SLOT_WORDS = UartWord.TX_RING + TX_RING_ENTRIES * TX_ENTRY_WORDS;

/** Bytes of the UARTs' SharedArrayBuffer for `count` UARTs. */
export function uartSabSize(count: number): number {
  return count * UART_SLOT_WORDS * 4;
}

/** Int32 index of word `w` of UART `uart`'s slot. */
export function uartWord(uart: number, w: number): number {
  return uart * UART_SLOT_WORDS + w;
}

/** Int32 index of the first word of the ring entry for position `n` (any uint32) of UART `uart`. */
export function txEntryWord(uart: number, n: number): number {
  return uart * UART_SLOT_WORDS + UartWord.TX_RING + (n & (TX_RING_ENTRIES - 1)) * TX_ENTRY_WORDS;
}
