/**
 * Physical address space of the simulated board: one SharedArrayBuffer per RAM bank, addressed
 * by physical address. Every CPU worker builds its own PhysicalMemory over the same buffers, so
 * a store by one CPU is visible to all, like DRAM behind coherent caches.
 *
 * Addresses are JS numbers (exact up to 2^53, enough for the 48-bit PA space). 64-bit values are
 * handled as two 32-bit halves where speed matters (page-table descriptors) and as bigint
 * otherwise.
 */
export interface RamBank {
  /** First physical address of the bank. */
  base: number;
  /** Size in bytes (a multiple of 4 KiB). */
  size: number;
  sab: SharedArrayBuffer;
}

interface BankViews {
  base: number;
  end: number;
  u8: Uint8Array;
  i16: Int16Array;
  i32: Int32Array;
  /** 64-bit view for Atomics on doublewords (guest exclusives and LSE atomics). */
  b64: BigInt64Array;
  /** 8-byte view: zeroing through it is ~8x faster than byte fills on large shared buffers. */
  f64: Float64Array;
  dv: DataView;
  /** For memcmp against ZERO_CHUNK (Buffer.compare). */
  buf: Buffer;
}

/** Zero bytes [start, end) of a bank: doublewords through the f64 view, bytes at the edges. */
function zero(v: BankViews, start: number, end: number): void {
  if (end - start >= 64) {
    const head = Math.min(end, Math.ceil(start / 8) * 8);
    v.u8.fill(0, start, head);
    const words = Math.floor((end - head) / 8);
    v.f64.fill(0, head / 8, head / 8 + words);
    start = head + words * 8;
  }
  v.u8.fill(0, start, end);
}

/** Zeroing this much or more compares before it writes (PhysicalMemory.fill). */
const SPARSE_ZERO_MIN = 64 * 1024;
const ZERO_CHUNK = Buffer.alloc(SPARSE_ZERO_MIN);
const ZERO_PAGE = 4096;

/**
 * Zero the chunks of [start, end) that are not zero yet: a chunk compared unequal is looked at
 * again page by page (each Buffer.compare call has its own overhead, most chunks are zero).
 */
function zeroSparse(v: BankViews, start: number, end: number, chunk: number): void {
  for (let o = start; o < end; o += chunk) {
    const n = Math.min(chunk, end - o);
    if (v.buf.compare(ZERO_CHUNK, 0, n, o, o + n) === 0) continue;
    if (chunk > ZERO_PAGE) zeroSparse(v, o, o + n, ZERO_PAGE);
    else zero(v, o, o + n);
  }
}

/** A RAM bank as bankAt returns it: its first physical address and an Int32Array over it. */
export interface BankWords {
  readonly base: number;
  readonly i32: Int32Array;
}

/**
 * A RAM bank with every view a CPU needs for guest accesses: byte offset = pa - base; index an
 * element view with (pa - base) / element size, for Atomics on naturally aligned data.
 */
export interface RamView extends BankWords {
  readonly end: number;
  readonly u8: Uint8Array;
  readonly i16: Int16Array;
  readonly b64: BigInt64Array;
  readonly dv: DataView;
}

/** Little-endian 64-bit field at byte `off` of dv as a number (exact below 2^53). */
export function getU64(dv: DataView, off: number): number {
  return dv.getUint32(off, true) + dv.getUint32(off + 4, true) * 0x1_0000_0000;
}

/**
 * The devices a CPU reaches by plain loads and stores (memory-mapped peripherals that the
 * board models, such as the PL011 UARTs), beside RAM in the physical address space. Values are
 * little-endian, zero-extended; `undefined` / `false` mean no device answered the access (a
 * decode error on the bus: the CPU takes a synchronous external abort).
 */
export interface MmioBus {
  read(pa: number, size: 1 | 2 | 4 | 8): bigint | undefined;
  write(pa: number, size: 1 | 2 | 4 | 8, value: bigint): boolean;
}

export class PhysicalMemory {
  /**
   * The board's devices as this CPU reaches them (set by the CPU worker's context; the main
   * thread and unit tests run without). Only guest loads and stores use it; the hypervisor's
   * and the kernel's accessors below are RAM-only.
   */
  mmio: MmioBus | undefined = undefined;
  private readonly views: BankViews[];
  /** The bank of the last lookup: page-table walks and structure accesses stay in one bank. */
  private last: BankViews | undefined;

  constructor(readonly banks: readonly RamBank[]) {
    this.views = banks.map((b) => ({
      base: b.base,
      end: b.base + b.size,
      u8: new Uint8Array(b.sab),
      i16: new Int16Array(b.sab),
      i32: new Int32Array(b.sab),
      b64: new BigInt64Array(b.sab, 0, Math.floor(b.size / 8)),
      f64: new Float64Array(b.sab, 0, Math.floor(b.size / 8)),
      dv: new DataView(b.sab),
      buf: Buffer.from(b.sab),
    }));
  }

  /** True if [pa, pa+len) lies inside one RAM bank. */
  contains(pa: number, len = 1): boolean {
    for (const v of this.views) if (pa >= v.base && pa + len <= v.end) return true;
    return false;
  }

  private lookup(pa: number, len: number): BankViews | undefined {
    const l = this.last;
    if (l && pa >= l.base && pa + len <= l.end) return l;
    const vs = this.views;
    for (let i = 0; i < vs.length; i++) {
      const v = vs[i]!;
      if (pa >= v.base && pa + len <= v.end) return (this.last = v);
    }
    return undefined;
  }

  private find(pa: number, len: number): BankViews {
    const v = this.lookup(pa, len);
    if (!v) throw new RangeError(`physical access 0x${pa.toString(16)}+${len} is outside RAM`);
    return v;
  }

  /**
   * The bank holding [pa, pa+len) (word index of pa = (pa - base) / 4), or undefined if that
   * range is not RAM. Returns a shared object: no allocation on hot paths such as table walks.
   */
  bankAt(pa: number, len: number): BankWords | undefined {
    return this.lookup(pa, len);
  }

  /** Like bankAt, with the byte, halfword, doubleword and DataView views (guest memory). */
  ramAt(pa: number, len: number): RamView | undefined {
    return this.lookup(pa, len);
  }

  read8(pa: number): number {
    const v = this.find(pa, 1);
    return v.u8[pa - v.base]!;
  }
  write8(pa: number, value: number): void {
    const v = this.find(pa, 1);
    v.u8[pa - v.base] = value;
  }
  read16(pa: number): number {
    const v = this.find(pa, 2);
    return v.dv.getUint16(pa - v.base, true);
  }
  write16(pa: number, value: number): void {
    const v = this.find(pa, 2);
    v.dv.setUint16(pa - v.base, value, true);
  }
  read32(pa: number): number {
    const v = this.find(pa, 4);
    return v.dv.getUint32(pa - v.base, true);
  }
  write32(pa: number, value: number): void {
    const v = this.find(pa, 4);
    v.dv.setUint32(pa - v.base, value >>> 0, true);
  }
  /** 64-bit read as a number; exact for values below 2^53 (addresses, sizes, counters). */
  read64(pa: number): number {
    const v = this.find(pa, 8);
    return getU64(v.dv, pa - v.base);
  }
  /** 64-bit write of a number below 2^53. */
  write64(pa: number, value: number): void {
    const v = this.find(pa, 8);
    const o = pa - v.base;
    v.dv.setUint32(o, value >>> 0, true);
    v.dv.setUint32(o + 4, Math.floor(value / 0x1_0000_0000) >>> 0, true);
  }
  read64big(pa: number): bigint {
    const v = this.find(pa, 8);
    return v.dv.getBigUint64(pa - v.base, true);
  }
  write64big(pa: number, value: bigint): void {
    const v = this.find(pa, 8);
    v.dv.setBigUint64(pa - v.base, BigInt.asUintN(64, value), true);
  }

  /** Copy bytes into physical memory. */
  copyIn(pa: number, bytes: Uint8Array): void {
    const v = this.find(pa, bytes.length);
    v.u8.set(bytes, pa - v.base);
  }
  /** Copy bytes out of physical memory (a fresh, unshared buffer). */
  copyOut(pa: number, len: number): Uint8Array {
    const v = this.find(pa, len);
    return v.u8.slice(pa - v.base, pa - v.base + len);
  }
  fill(pa: number, len: number, value = 0): void {
    const v = this.find(pa, len);
    const start = pa - v.base;
    const end = start + len;
    if (value !== 0) v.u8.fill(value, start, end);
    else if (len < SPARSE_ZERO_MIN) zero(v, start, end);
    else {
      // Only the chunks that are not zero yet get written: comparing is a read, some 3x faster
      // than a store over memory that is mostly zero already (the hypervisor memory the driver
      // clears at every enable, of which a cycle dirties a few dozen pages). The result is the same.
      zeroSparse(v, start, end, ZERO_CHUNK.length);
    }
  }
  /** Read one byte of every page of [pa, pa+len): the driver's fault-in before leaving. */
  touchPages(pa: number, len: number): number {
    let sum = 0;
    for (let a = pa; a < pa + len; a += 4096) sum ^= this.read8(a);
    return sum;
  }

  /**
   * An Int32Array over the bank holding pa and the element index of pa, for Atomics on a
   * 32-bit word in RAM (pa must be 4-byte aligned).
   */
  atomicWord(pa: number): { view: Int32Array; index: number } {
    if (pa % 4 !== 0) throw new RangeError(`unaligned atomic word 0x${pa.toString(16)}`);
    const v = this.find(pa, 4);
    return { view: v.i32, index: (pa - v.base) >> 2 };
  }

  /** A DataView window [pa, pa+len) for structure access without per-access bank lookup. */
  window(pa: number, len: number): DataView {
    const v = this.find(pa, len);
    return new DataView(v.u8.buffer, v.u8.byteOffset + (pa - v.base), len);
  }

  /** A Uint8Array window sharing the RAM (writes go to simulated memory). */
  bytes(pa: number, len: number): Uint8Array {
    const v = this.find(pa, len);
    return v.u8.subarray(pa - v.base, pa - v.base + len);
  }
}
