/**
 * The driver's view of the hypervisor console page: consistent snapshots (retry while busy or
 * while tail moves), delta extraction for a reader position, the last_console snapshot taken
 * on disable and failed enable, and read() on /dev/jailhouse with per-open state.
 */
import { Errno } from '../../../shared/errno.js';
import { CONSOLE } from '../core/layout.js';
import { DRIVER_BYTE_BASE } from '../../cpu/linux/layout.js';
import { DrvByte, DrvWord, READER_SLOTS, ReaderWord, drvReaderWord } from './layout.js';
import type { DriverState } from './state.js';
import { encodeUtf8 } from '../../../shared/text.js';
import type { PhysicalMemory } from '../../../shared/phys-mem.js';

/** A copy of struct jailhouse_virt_console. */
export interface ConsoleSnapshot {
  tail: number;
  content: Uint8Array;
}

/**
 * Consistent snapshot of the console page at physical address `page`: retry while a writer
 * holds it busy or the tail moved during the copy. Safe from any thread that sees the RAM.
 */
export function snapshotConsolePage(mem: PhysicalMemory, page: number): ConsoleSnapshot {
  const busy = mem.atomicWord(page + CONSOLE.BUSY);
  const tailW = mem.atomicWord(page + CONSOLE.TAIL);
  for (;;) {
    while (Atomics.load(busy.view, busy.index)) {
      /* cpu_relax */
    }
    const tail = Atomics.load(tailW.view, tailW.index) >>> 0;
    const content = mem.copyOut(page + CONSOLE.CONTENT, CONSOLE.CONTENT_SIZE);
    if (!Atomics.load(busy.view, busy.index) && Atomics.load(tailW.view, tailW.index) >>> 0 === tail) return { tail, content };
  }
}

/** Consistent snapshot of the live console page. */
export function snapshotLive(d: DriverState): ConsoleSnapshot {
  return snapshotConsolePage(d.k.c.mem, d.hvMem + d.get(DrvWord.CONSOLE_PAGE_OFF));
}

function lastConsole(d: DriverState): ConsoleSnapshot {
  const k8 = d.k.c.k8;
  const base = DRIVER_BYTE_BASE + DrvByte.LAST_CONSOLE;
  const dv = new DataView(k8.buffer, base, CONSOLE.SIZE);
  return { tail: dv.getUint32(CONSOLE.TAIL, true), content: k8.slice(base + CONSOLE.CONTENT, base + CONSOLE.SIZE) };
}

/** Save the console into last_console (only when the console is available). */
export function takeLastConsole(d: DriverState): void {
  if (!d.get(DrvWord.CONSOLE_AVAILABLE)) return;
  const snap = snapshotLive(d);
  const k8 = d.k.c.k8;
  const base = DRIVER_BYTE_BASE + DrvByte.LAST_CONSOLE;
  new DataView(k8.buffer, base, CONSOLE.SIZE).setUint32(CONSOLE.TAIL, snap.tail, true);
  k8.set(snap.content, base + CONSOLE.CONTENT);
  d.add(DrvWord.LAST_CONSOLE_ID, 1);
  d.set(DrvWord.LAST_CONSOLE_VALID, 1);
}

export interface Delta {
  bytes: Uint8Array;
  missed: number;
  newHead: number;
}

export function extractDelta(snap: ConsoleSnapshot, head: number): Delta {
  let delta = (snap.tail - head) >>> 0;
  let missed = 0;
  let from = head >>> 0;
  if (delta > CONSOLE.CONTENT_SIZE) {
    missed = delta - CONSOLE.CONTENT_SIZE;
    from = (snap.tail - CONSOLE.CONTENT_SIZE) >>> 0;
    delta = CONSOLE.CONTENT_SIZE;
  }
  const out = new Uint8Array(delta);
  for (let i = 0; i < delta; i++) out[i] = snap.content[(from + i) % CONSOLE.CONTENT_SIZE]!;
  return { bytes: out, missed, newHead: (from + delta) >>> 0 };
}

/** jailhouse_console_dump_delta on the live page. */
export function liveDelta(d: DriverState, head: number): Delta | number {
  if (!d.enabled) return -Errno.EAGAIN;
  if (!d.get(DrvWord.CONSOLE_AVAILABLE)) return -Errno.EPERM;
  return extractDelta(snapshotLive(d), head);
}

/** sysfs `console`: the last min(tail, 2048) bytes; empty when disabled. */
export function sysfsConsole(d: DriverState): Uint8Array | number {
  const r = liveDelta(d, 0);
  if (r === -Errno.EAGAIN) return new Uint8Array(0);
  if (typeof r === 'number') return r;
  return r.bytes;
}

export function openReader(d: DriverState): number {
  for (let s = 0; s < READER_SLOTS; s++) {
    if (Atomics.compareExchange(d.k.c.k32, drvReaderWord(s, ReaderWord.USED), 0, 1) === 0) {
      Atomics.store(d.k.c.k32, drvReaderWord(s, ReaderWord.HEAD), 0);
      Atomics.store(d.k.c.k32, drvReaderWord(s, ReaderWord.LAST_CONSOLE_ID), 0);
      return s;
    }
  }
  return -Errno.ENOMEM;
}

export function closeReader(d: DriverState, slot: number): number {
  if (slot < 0 || slot >= READER_SLOTS) return -Errno.EINVAL;
  Atomics.store(d.k.c.k32, drvReaderWord(slot, ReaderWord.USED), 0);
  return 0;
}

/**
 * One pass of read() under jailhouse_lock: returns the bytes to hand to user space, or a
 * negative errno (-EAGAIN when nothing can be read now).
 */
export function readOnce(d: DriverState, slot: number, count: number, nonblock: boolean): Uint8Array | number {
  const k32 = d.k.c.k32;
  if (slot < 0 || slot >= READER_SLOTS || !Atomics.load(k32, drvReaderWord(slot, ReaderWord.USED))) return -Errno.EINVAL;
  const headIdx = drvReaderWord(slot, ReaderWord.HEAD);
  const idIdx = drvReaderWord(slot, ReaderWord.LAST_CONSOLE_ID);
  const head = Atomics.load(k32, headIdx) >>> 0;
  let r: Delta | number;
  const lastId = d.get(DrvWord.LAST_CONSOLE_ID);
  if (d.get(DrvWord.LAST_CONSOLE_VALID) && lastId !== Atomics.load(k32, idIdx)) {
    r = extractDelta(lastConsole(d), head);
    // Nothing left in the snapshot: this reader has consumed it, and this read is EOF.
    if (r.bytes.length === 0 && r.missed === 0) Atomics.store(k32, idIdx, lastId);
  } else {
    r = liveDelta(d, head);
    // A blocking reader starts over once the hypervisor is gone (it may be enabled again).
    if (r === -Errno.EAGAIN && !nonblock) Atomics.store(k32, headIdx, 0);
  }
  if (typeof r === 'number') return r;
  if (r.missed > 0) {
    const text = encodeUtf8(`<missed ${r.missed} bytes of console log>\n`).subarray(0, count);
    Atomics.store(k32, headIdx, (head + r.missed) >>> 0);
    return text;
  }
  if (r.bytes.length === 0) return new Uint8Array(0);
  const out = r.bytes.subarray(0, count);
  Atomics.store(k32, headIdx, (head + out.length) >>> 0);
  return out;
}
