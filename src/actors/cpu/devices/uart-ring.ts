/**
 * A PL011's transmit ring in shared memory (layout and protocol: pl011-layout.ts): any CPU
 * pushes the bytes it transmits, tagged with its cell; one reader on the main thread drains
 * them in order.
 */
import { TX_CELL_MASK, TX_RING_ENTRIES, TxEntry, UartWord, txEntryWord, uartWord } from './pl011-layout.js';

/** Appends one transmitted byte, written by a CPU of cell `cell`. Never waits. */
export function txPush(view: Int32Array, uart: number, cell: number, byte: number): void {
  const n = Atomics.add(view, uartWord(uart, UartWord.TX_HEAD), 1) >>> 0;
  const e = txEntryWord(uart, n);
  Atomics.store(view, e + TxEntry.SEQ, 0);
  Atomics.store(view, e + TxEntry.DATA, ((cell & TX_CELL_MASK) << 8) | (byte & 0xff));
  Atomics.store(view, e + TxEntry.SEQ, (n + 1) | 0);
}

/** Bytes transmitted on `uart` since the machine started (uint32, wraps). */
export function txHead(view: Int32Array, uart: number): number {
  return Atomics.load(view, uartWord(uart, UartWord.TX_HEAD)) >>> 0;
}

/** An entry reserved but not published for this long is given up on (its writer stopped). */
const STUCK_MS = 1000;

/** The single reader of one UART's ring. */
export class TxReader {
  /** Next ring position to read (uint32). */
  private tail: number;
  /** Bytes overwritten before they could be read (or given up on), in total. */
  missed = 0;
  private stuckAt = -1;
  private stuckSince = 0;

  constructor(
    private readonly view: Int32Array,
    readonly uart: number,
    /** Start at the first byte ever transmitted (true) or at the current head. */
    fromStart = true,
  ) {
    this.tail = fromStart ? 0 : txHead(view, uart);
  }

  /** Hands every byte published since the last call to `emit`, in ring order. */
  drain(emit: (cell: number, byte: number) => void): void {
    const v = this.view;
    const head = txHead(v, this.uart);
    let tail = this.tail;
    const behind = (head - tail) >>> 0;
    if (behind > TX_RING_ENTRIES) {
      this.missed += behind - TX_RING_ENTRIES;
      tail = (head - TX_RING_ENTRIES) >>> 0;
    }
    while (tail !== head) {
      const e = txEntryWord(this.uart, tail);
      const want = (tail + 1) | 0;
      const seq = Atomics.load(v, e + TxEntry.SEQ);
      if (seq === want) {
        const data = Atomics.load(v, e + TxEntry.DATA);
        if (Atomics.load(v, e + TxEntry.SEQ) === want) emit(data >>> 8, data & 0xff);
        else this.missed++; // overwritten while we read it
      } else if (((seq - want) | 0) > 0) {
        this.missed++; // a writer one lap ahead overwrote it
      } else if (!this.giveUp(tail)) {
        break; // reserved, not written yet: come back later
      } else {
        this.missed++;
      }
      tail = (tail + 1) >>> 0;
    }
    this.tail = tail;
  }

  /** True once the entry at `pos` has stayed unpublished for STUCK_MS (its writer was stopped). */
  private giveUp(pos: number): boolean {
    const now = performance.now();
    if (this.stuckAt !== pos) {
      this.stuckAt = pos;
      this.stuckSince = now;
      return false;
    }
    return now - this.stuckSince >= STUCK_MS;
  }
}
