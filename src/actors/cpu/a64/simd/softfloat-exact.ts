/**
 * Exact arithmetic on (sign, m, e) values (value = (-1)^sign × m × 2^e) feeding FPRound: the
 * pseudocode computes the infinitely precise result and rounds once, and so do we. Quotients
 * and square roots are not finite in binary; they come with enough bits plus a sticky flag,
 * which FPRound treats exactly like the infinite tail.
 */
import { bitLen } from './softfloat-format.js';

export interface Exact { sign: number; m: bigint; e: number; sticky: boolean }

/**
 * x + y exactly (m = 0 when the sum is zero, sign then meaningless). `F` is the fraction width
 * of the format the sum will be rounded to: an addend far below the other's last bit and
 * below that format's precision only decides rounding direction and inexactness, so it is
 * replaced by a smaller power of two of the same sign to keep the alignment shift bounded.
 */
export function addExact(s1: number, m1: bigint, e1: number, s2: number, m2: bigint, e2: number, F: number): Exact {
  if (m1 === 0n) return { sign: s2, m: m2, e: e2, sticky: false };
  if (m2 === 0n) return { sign: s1, m: m1, e: e1, sticky: false };
  const t1 = bitLen(m1) - 1 + e1;
  const t2 = bitLen(m2) - 1 + e2;
  if (t1 > t2) {
    const cut = Math.min(e1, t1 - F - 8);
    if (t2 < cut - 2) { m2 = 1n; e2 = cut - 3; }
  } else {
    const cut = Math.min(e2, t2 - F - 8);
    if (t1 < cut - 2) { m1 = 1n; e1 = cut - 3; }
  }
  const e = Math.min(e1, e2);
  const a = m1 << BigInt(e1 - e);
  const b = m2 << BigInt(e2 - e);
  let sum = (s1 !== 0 ? -a : a) + (s2 !== 0 ? -b : b);
  const sign = sum < 0n ? 1 : 0;
  if (sign !== 0) sum = -sum;
  return { sign, m: sum, e, sticky: false };
}

/** m1 × 2^e1 / (m2 × 2^e2) to at least F + 3 significant bits, with sticky remainder. */
export function divExact(m1: bigint, e1: number, m2: bigint, e2: number, F: number): Exact {
  const k = Math.max(0, F + 4 + bitLen(m2) - bitLen(m1));
  const kb = BigInt(k);
  const q = (m1 << kb) / m2;
  return { sign: 0, m: q, e: e1 - e2 - k, sticky: q * m2 !== m1 << kb };
}

/** Floor of the square root of n ≥ 0. */
export function isqrt(n: bigint): bigint {
  if (n < 2n) return n;
  let x = BigInt(Math.floor(Math.sqrt(Number(n))));
  // The float estimate is within a few units; Newton steps make it exact for huge n as well.
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x - 1n && y <= x + 1n) { x = y; break; }
    x = y;
  }
  while (x * x > n) x -= 1n;
  while ((x + 1n) * (x + 1n) <= n) x += 1n;
  return x;
}

/** √(m × 2^e) to at least F + 3 significant bits, with sticky remainder. */
export function sqrtExact(m: bigint, e: number, F: number): Exact {
  let k = Math.max(0, 2 * (F + 4) - bitLen(m));
  if (((e - k) & 1) !== 0) k += 1;
  const n = m << BigInt(k);
  const r = isqrt(n);
  return { sign: 0, m: r, e: (e - k) / 2, sticky: r * r !== n };
}
