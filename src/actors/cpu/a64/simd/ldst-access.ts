/**
 * The memory side of every load/store of SIMD&FP registers: one contiguous block of 1..64 bytes
 * moved between guest memory and a scratch buffer, and a byte map (fixed at decode time) between
 * the scratch buffer and V0-V31. A load reads the whole block first and writes registers only
 * when every access succeeded, so a fault leaves the registers (and the base, see ldst-addr.ts)
 * unchanged. A store reads its registers into the block and writes it in address order: a fault
 * part way leaves the accesses before it written, as interp-mem.ts does for STP (the Arm ARM
 * leaves memory UNKNOWN after a faulting store).
 *
 * Access sizes. The Arm ARM's Mem[] accesses are per element (AccType_VEC) and a 128-bit
 * register is two 64-bit single-copy-atomic accesses. A block that is a whole number of 8-byte
 * chunks is moved as 8-byte GuestMemory accesses (one BigInt per 8 bytes instead of one per
 * element, which is what vectorised copies need). That changes nothing on Normal memory; on
 * Device memory an 8-byte chunk that is not 8-byte aligned gets an alignment fault from the
 * memory layer although its elements are aligned, so on such a fault the rest of the block is
 * redone element by element (nothing has been written from that chunk on, so no location is
 * written twice). Known differences from hardware, both on Device memory only: an MMIO device
 * sees 8-byte accesses where the instruction makes smaller element accesses, and a Q access at
 * an address that is 8- but not 16-byte aligned does not take an alignment fault (GuestMemory
 * cannot be asked for a 16-byte access, nor for the memory type).
 *
 * Faults are data aborts with ISV = 0: the ISS SRT field names a general-purpose register, so
 * no SIMD&FP access has a valid instruction syndrome (as on hardware; for Jailhouse an MMIO
 * access by these instructions is an unhandled data abort).
 */
import type { AccessSize, GuestMemory, StepException } from '../interp-types.js';
import { NO_SYN, accessFor, alignCheck, alignmentFault, dataAbort, unrepresentable, vaOf } from '../interp-mem.js';
import type { A64State } from '../state.js';

/** Scratch index of 8 bytes that stay zero: the source of the bytes a load zeroes. */
export const ZERO = 64;

const buf = new ArrayBuffer(ZERO + 8);
const sc8 = new Uint8Array(buf);
const sc16 = new Uint16Array(buf);
const sc32 = new Uint32Array(buf);
const sc64 = new BigUint64Array(buf);

/**
 * What one instruction moves, fixed at decode: `total` bytes at the address; Mem[] element
 * size `esize` (8 for Q registers); `align`, the alignment SCTLR_EL1.A demands (the size of
 * each Mem[] access: element, or the whole register for LDR/LDP); and the register bytes:
 * V byte `dst[j]` (index into A64State.v8) ⇄ block byte `src[j]`, or, when `words`, V word
 * `dst[j]` (index into A64State.v32) ⇄ block word `src[j]` (4 times fewer copies: every
 * form but the byte/halfword structure and lane forms). For a load every byte of every
 * register written is listed (zeroed bytes come from {@link ZERO}; a replicated element is
 * listed once per lane); for a store only the bytes stored.
 */
export interface Xfer {
  readonly load: boolean;
  readonly total: number;
  readonly esize: AccessSize;
  readonly align: number;
  readonly words: boolean;
  readonly dst: Uint16Array;
  readonly src: Uint8Array;
}

/** Builds an Xfer from (V byte, block byte) pairs, as word pairs when they come in aligned fours. */
export function xfer(load: boolean, total: number, esize: AccessSize, align: number, pairs: [number, number][]): Xfer {
  const words = pairs.length % 4 === 0 && pairs.every(([d, s], j) => {
    const [d0, s0] = pairs[j & ~3]!;
    return d0 % 4 === 0 && s0 % 4 === 0 && d === d0 + (j & 3) && s === s0 + (j & 3);
  });
  const used = words ? pairs.filter((_, j) => j % 4 === 0) : pairs;
  const k = words ? 4 : 1;
  return {
    load, total, esize, align, words,
    dst: Uint16Array.from(used, (p) => p[0] / k),
    src: Uint8Array.from(used, (p) => p[1] / k),
  };
}

/** Performs the transfer at `addr`; a fault is returned with no register written. */
export function transferAt(s: A64State, mem: GuestMemory, pc: number, addr: bigint, x: Xfer): StepException | undefined {
  const va = vaOf(addr, s);
  if (va === undefined) return dataAbort(pc, unrepresentable(addr, !x.load), NO_SYN, !x.load);
  if (va % x.align !== 0 && alignCheck(s)) return dataAbort(pc, alignmentFault(va, !x.load), NO_SYN, !x.load);
  const { dst, src } = x;
  if (x.load) {
    const e = readBlock(s, mem, pc, addr, va, x.total, x.esize);
    if (e) return e;
    if (x.words) {
      const v32 = s.v32;
      for (let j = 0; j < dst.length; j++) v32[dst[j]!] = sc32[src[j]!]!;
    } else {
      const v8 = s.v8;
      for (let j = 0; j < dst.length; j++) v8[dst[j]!] = sc8[src[j]!]!;
    }
    return undefined;
  }
  if (x.words) {
    const v32 = s.v32;
    for (let j = 0; j < dst.length; j++) sc32[src[j]!] = v32[dst[j]!]!;
  } else {
    const v8 = s.v8;
    for (let j = 0; j < dst.length; j++) sc8[src[j]!] = v8[dst[j]!]!;
  }
  return writeBlock(s, mem, pc, addr, va, x.total, x.esize);
}

/** The VA of block byte k, or an abort when it is not representable (see interp-types.ts). */
function chunkVa(pc: number, addr: bigint, va: number, k: number, write: boolean): number | StepException {
  const a = va + k;
  return Number.isSafeInteger(a) ? a : dataAbort(pc, unrepresentable(addr + BigInt(k), write), NO_SYN, write);
}

function readBlock(
  s: A64State, mem: GuestMemory, pc: number, addr: bigint, va: number, total: number, esize: AccessSize,
): StepException | undefined {
  const acc = accessFor('load', s.el);
  let k = 0;
  if ((total & 7) === 0) {
    for (; k < total; k += 8) {
      const a = chunkVa(pc, addr, va, k, false);
      if (typeof a !== 'number') return a;
      const v = mem.read(a, 8, acc);
      if (typeof v === 'bigint') { sc64[k >> 3] = v; continue; }
      if (v.fault !== 'alignment' || esize === 8) return dataAbort(pc, v, NO_SYN, false);
      break; // Device memory: element accesses from here
    }
  }
  for (; k < total; k += esize) {
    const a = chunkVa(pc, addr, va, k, false);
    if (typeof a !== 'number') return a;
    const v = mem.read(a, esize, acc);
    if (typeof v !== 'bigint') return dataAbort(pc, v, NO_SYN, false);
    switch (esize) {
      case 1: sc8[k] = Number(v); break;
      case 2: sc16[k >> 1] = Number(v); break;
      case 4: sc32[k >> 2] = Number(v); break;
      default: sc64[k >> 3] = v; break;
    }
  }
  return undefined;
}

function writeBlock(
  s: A64State, mem: GuestMemory, pc: number, addr: bigint, va: number, total: number, esize: AccessSize,
): StepException | undefined {
  const acc = accessFor('store', s.el);
  let k = 0;
  if ((total & 7) === 0) {
    for (; k < total; k += 8) {
      const a = chunkVa(pc, addr, va, k, true);
      if (typeof a !== 'number') return a;
      const f = mem.write(a, 8, sc64[k >> 3]!, acc);
      if (f === undefined) continue;
      if (f.fault !== 'alignment' || esize === 8) return dataAbort(pc, f, NO_SYN, true);
      break; // Device memory: element accesses from here
    }
  }
  for (; k < total; k += esize) {
    const a = chunkVa(pc, addr, va, k, true);
    if (typeof a !== 'number') return a;
    let v: bigint;
    switch (esize) {
      case 1: v = BigInt(sc8[k]!); break;
      case 2: v = BigInt(sc16[k >> 1]!); break;
      case 4: v = BigInt(sc32[k >> 2]!); break;
      default: v = sc64[k >> 3]!; break;
    }
    const f = mem.write(a, esize, v, acc);
    if (f) return dataAbort(pc, f, NO_SYN, true);
  }
  return undefined;
}
