/**
 * Seeded randomness and the register contents cases start from: weighted toward the values
 * where implementations differ (NaNs with payloads, signalling NaNs, infinities, denormals,
 * ±0, min/max normal, 1.0, integer boundaries of every width), plus random bits.
 */
import { SCRATCH_SIZE, SCRATCH_VA, type Snapshot, emptySnapshot } from './layout.js';

export interface Rng {
  /** Uniform 32-bit unsigned. */
  u32(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  chance(p: number): boolean;
  pick<T>(a: readonly T[]): T;
  u64(): bigint;
}

/** mulberry32: small, fast and good enough to spread test inputs. */
export function rng(seed: number): Rng {
  let a = seed >>> 0;
  const u32 = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
  const int = (n: number): number => Math.floor((u32() / 4294967296) * n);
  return {
    u32, int,
    chance: (p) => u32() / 4294967296 < p,
    pick: (arr) => arr[int(arr.length)]!,
    u64: () => (BigInt(u32()) << 32n) | BigInt(u32()),
  };
}

/** A seed for case `index` of a run with seed `seed`, independent of every other case. */
export function caseSeed(seed: number, index: number): number {
  let h = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(index + 1, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  return (h ^ (h >>> 15)) >>> 0;
}

type FpSize = 16 | 32 | 64;
const EXP: Record<FpSize, number> = { 16: 5, 32: 8, 64: 11 };

/** An FP bit pattern of `size` bits, mostly one of the special classes. */
export function fpValue(r: Rng, size: FpSize): bigint {
  const e = BigInt(EXP[size]);
  const m = BigInt(size) - e - 1n;
  const sign = r.chance(0.5) ? 1n << (BigInt(size) - 1n) : 0n;
  const expMax = (1n << e) - 1n;
  const bias = (1n << (e - 1n)) - 1n;
  const mant = (): bigint => BigInt.asUintN(Number(m), r.u64());
  const make = (ex: bigint, mn: bigint): bigint => sign | (ex << m) | mn;
  switch (r.int(19)) {
    case 0: return sign; // ±0
    case 1: return make(expMax, 0n); // ±inf
    case 2: return make(expMax, (1n << (m - 1n)) | (r.chance(0.5) ? 0n : mant())); // qNaN, payload
    case 3: { // sNaN: top fraction bit clear, payload non-zero
      const p = mant() & ((1n << (m - 1n)) - 1n);
      return make(expMax, p === 0n ? 1n : p);
    }
    case 4: return make(0n, r.pick([1n, (1n << m) - 1n, mant() | 1n])); // denormals
    case 5: return make(1n, r.chance(0.5) ? 0n : mant()); // smallest normals
    case 6: return make(expMax - 1n, r.chance(0.5) ? (1n << m) - 1n : mant()); // largest normals
    case 7: return make(bias, 0n); // ±1.0
    case 8: return make(bias + BigInt(r.int(3)) - 1n, BigInt(r.int(4)) << (m - 2n)); // 0.5 .. 3.5
    case 9: { // around integer boundaries: 2^p exactly, one ulp below, one ulp above
      const p = r.pick([m, m + 1n, 15n, 16n, 31n, 32n, 63n, 64n].filter((x) => x < bias));
      const k = r.int(3);
      return k === 0 ? make(bias + p, 0n) : k === 1 ? make(bias + p - 1n, (1n << m) - 1n) : make(bias + p, 1n);
    }
    case 10: case 11: case 12: // moderate magnitudes (integer-ish, halves, rounding cases)
      return make(bias + BigInt(r.int(Number(m) + 4)) - 2n, mant());
    case 13: case 14: { // few significant bits near 1: sums and products exact or exactly halfway
      const top = BigInt(1 + r.int(4));
      return make(bias + BigInt(r.int(5)) - 2n, (mant() >> (m - top)) << (m - top));
    }
    case 15: // near the bottom of the normal range (results that become denormal or flush)
      return make(BigInt(1 + r.int(Number(m) + 2)), mant());
    case 16: // near the top (results that overflow)
      return make(expMax - 1n - BigInt(r.int(3)), mant());
    default: return BigInt.asUintN(size, r.u64());
  }
}

const INT_BOUNDS: readonly bigint[] = (() => {
  const v: bigint[] = [0n, 1n, 2n];
  for (const w of [8n, 16n, 32n, 64n]) {
    const max = (1n << (w - 1n)) - 1n;
    v.push(max, max + 1n, (1n << w) - 1n, (1n << w) - 2n);
  }
  return v;
})();

/** An integer of `width` bits, mostly a boundary of some width (sign-extended or not). */
export function intValue(r: Rng, width: 8 | 16 | 32 | 64): bigint {
  const w = BigInt(width);
  switch (r.int(6)) {
    case 0: case 1: {
      const b = r.pick(INT_BOUNDS);
      return BigInt.asUintN(width, r.chance(0.3) ? -b : b);
    }
    case 2: return BigInt.asUintN(width, BigInt(r.int(129) - 64));
    default: return BigInt.asUintN(Number(w), r.u64());
  }
}

/** A 64-bit general register value (slow: used to fill the pools below). */
function xValueSlow(r: Rng): bigint {
  switch (r.int(6)) {
    case 0: case 1: return intValue(r, 64);
    case 2: return BigInt.asUintN(64, BigInt.asIntN(32, intValue(r, 32))); // sign-extended W
    case 3: return intValue(r, 32);
    case 4: return fpValue(r, 64);
    default: return fpValue(r, r.chance(0.5) ? 32 : 16);
  }
}

/**
 * Interesting values are drawn from fixed pools built once from a fixed seed (building them
 * per case is BigInt-heavy and dominated generation time); random bits stay fresh per case.
 */
const POOL = 4096;
interface Pool { p8: Uint8Array; p16: Uint16Array; p32: Uint32Array }
/** By esize / 8 + (fp ? 16 : 0). */
const pools: (Pool | undefined)[] = [];

function pool(fp: boolean, esize: 8 | 16 | 32 | 64): Pool {
  const key = esize / 8 + (fp ? 16 : 0);
  let p = pools[key];
  if (p === undefined) {
    const r = rng(key);
    const dv = new DataView(new ArrayBuffer(POOL * 8));
    for (let k = 0; k < POOL; k++) dv.setBigUint64(8 * k, fp ? fpValue(r, esize as FpSize) : intValue(r, esize), true);
    p = { p8: new Uint8Array(dv.buffer), p16: new Uint16Array(dv.buffer), p32: new Uint32Array(dv.buffer) };
    pools[key] = p;
  }
  return p;
}

const X_POOL = (() => {
  const r = rng(64);
  return BigUint64Array.from({ length: POOL }, () => xValueSlow(r));
})();

/** A 64-bit general register value. */
export function xValue(r: Rng): bigint {
  return r.chance(0.25) ? r.u64() : X_POOL[r.int(POOL)]!;
}

const ESIZES = [8, 16, 16, 32, 32, 64, 64] as const;

/** Fills `out` (16-byte aligned, a multiple of 16 bytes) with lanes of a random size and kind per 16 bytes. */
export function fillLanes(r: Rng, out: Uint8Array): void {
  const o8 = out;
  const o16 = new Uint16Array(out.buffer, out.byteOffset, out.length / 2);
  const o32 = new Uint32Array(out.buffer, out.byteOffset, out.length / 4);
  for (let q = 0; q < out.length; q += 16) {
    const esize = ESIZES[r.int(ESIZES.length)]!;
    const { p8, p16, p32 } = pool(esize !== 8 && r.chance(0.65), esize);
    for (let o = q; o < q + 16; o += esize / 8) {
      const u = r.u32();
      const fresh = (u & 3) === 0; // a quarter of the lanes: fresh random bits
      const p = (u >>> 2) % POOL; // pool entries are 8 bytes apart
      switch (esize) {
        case 64:
          o32[o / 4] = fresh ? r.u32() : p32[2 * p]!;
          o32[o / 4 + 1] = fresh ? r.u32() : p32[2 * p + 1]!;
          break;
        case 32: o32[o / 4] = fresh ? r.u32() : p32[2 * p]!; break;
        case 16: o16[o / 2] = fresh ? r.u32() : p16[4 * p]!; break;
        default: o8[o] = fresh ? r.u32() : p8[8 * p]!;
      }
    }
  }
}

/** General registers reserved as bases of memory instructions (pointing into the scratch). */
export const BASES = [25, 26, 27] as const;
/** A register holding a small signed index for register-offset and post-index forms. */
export const INDEX = 24;

/** A random scratch address for a base register, mostly aligned, kept off the edges. */
function scratchPtr(r: Rng): bigint {
  const align = r.pick([16, 16, 16, 8, 4, 1]);
  const off = Math.floor((64 + r.int(SCRATCH_SIZE - 128)) / align) * align;
  return BigInt(SCRATCH_VA + off);
}

/** The state a case starts from. */
export function randomSnapshot(r: Rng): Snapshot {
  const s = emptySnapshot();
  for (let k = 0; k < 31; k++) s.x[k] = xValue(r);
  for (const b of BASES) s.x[b] = scratchPtr(r);
  s.x[INDEX] = BigInt.asUintN(64, BigInt(r.pick([0, 1, 2, 4, 8, 16, -8, -16, r.int(129) - 64])));
  s.sp = BigInt(SCRATCH_VA + 64 + 16 * r.int((SCRATCH_SIZE - 128) / 16));
  s.nzcv = (r.int(16) << 28) >>> 0;
  s.fpcr = r.chance(0.25) ? 0 : r.u32() & 0x07c0_0000;
  s.fpsr = r.chance(0.5) ? 0 : r.u32() & 0x0800_009f;
  fillLanes(r, s.v);
  fillLanes(r, s.scratch);
  return s;
}
