/**
 * A64 logical ("bitmask") immediates: a run of 1..e-1 ones, rotated right within an element of
 * e = 2, 4, 8, 16, 32 or 64 bits, replicated across the register. Encoded as N:immr:imms.
 */
import { A64Error, big, hex, type Imm } from './encode-core.js';

export interface BitmaskFields {
  readonly n: 0 | 1;
  readonly immr: number;
  readonly imms: number;
}

const M64 = (1n << 64n) - 1n;

function ones(k: number): bigint {
  return (1n << BigInt(k)) - 1n;
}

/**
 * Normalises an immediate to an unsigned `width`-bit value. Negative values are taken as two's
 * complement; values must fit the width either signed or unsigned.
 */
export function normImm(v: Imm, width: 32 | 64, what: string): bigint {
  const b = big(v, what);
  const lim = 1n << BigInt(width);
  if (b >= lim || b < -(lim >> 1n)) throw new A64Error(`${what}: ${hex(b)} does not fit in ${width} bits`);
  return b < 0n ? b + lim : b;
}

/**
 * Tries to encode `value` as a logical immediate for a `width`-bit operation.
 * Returns undefined if it is not encodable (0, all ones, or not a replicated rotated run).
 */
export function tryEncodeBitmask(value: Imm, width: 32 | 64): BitmaskFields | undefined {
  let v = normImm(value, width, 'bitmask immediate');
  if (width === 32) v |= v << 32n;
  if (v === 0n || v === M64) return undefined;
  // Smallest element size whose pattern replicates to v.
  let size = 64;
  while (size > 2) {
    const half = size / 2;
    const m = ones(half);
    if ((v & m) !== ((v >> BigInt(half)) & m)) break;
    size = half;
  }
  const mask = ones(size);
  const elt = v & mask;
  let cnt = 0;
  for (let t = elt; t !== 0n; t >>= 1n) cnt += Number(t & 1n);
  const run = ones(cnt);
  // elt == ROR(run, r) within `size` bits.
  for (let r = 0; r < size; r++) {
    const R = BigInt(r);
    const rot = r === 0 ? run : ((run >> R) | (run << BigInt(size - r))) & mask;
    if (rot === elt) {
      return {
        n: size === 64 ? 1 : 0,
        immr: r,
        imms: ((-size * 2) & 0x3f) | (cnt - 1),
      };
    }
  }
  return undefined;
}

/** Like {@link tryEncodeBitmask} but throws a descriptive error when not encodable. */
export function encodeBitmask(value: Imm, width: 32 | 64, mn = 'logical immediate'): BitmaskFields {
  const f = tryEncodeBitmask(value, width);
  if (!f) {
    throw new A64Error(
      `${mn}: ${hex(normImm(value, width, mn))} is not encodable as a ${width}-bit bitmask immediate ` +
        '(needs a rotated run of ones replicated in 2/4/8/16/32/64-bit elements; not 0 or all ones)',
    );
  }
  return f;
}
