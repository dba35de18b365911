/**
 * Host-float fast path for FPMulAdd in round-to-nearest with normal operands and a normal
 * result, under softfloat-fast.ts's contract (bit-identical, exact flags, else undefined).
 *
 * Single precision: the product of two singles is exact in a double, TwoSum makes the sum
 * exact as hi + lo, and rounding hi + lo to odd at 53 bits then to nearest at 24 bits is the
 * correctly rounded sum (round-to-odd is innocuous for a later rounding to p ≤ 53 - 2 bits).
 *
 * Double precision: Boldo and Melquiond's emulation ("Emulation of FMA and correctly rounded
 * sums: proved algorithms using rounding to odd", IEEE TC 57(4), 2008): with uh + ul = a × b
 * (Dekker) and th + tl = c + uh (TwoSum), RN(th + RO(tl + ul)) = RN(a × b + c), barring
 * underflow and overflow, which the guards below exclude. Exactness is only recognised when
 * it is obvious (tl = ul = 0); otherwise, while IXC is still clear, the exact core decides.
 */
import { FPSR, type FpEnv, type FpSize } from './softfloat-types.js';
import {
  bits64, checkNormal64, finish32, nearest, normal32, normal64, productError, productSafe, sumError,
} from './softfloat-host.js';

const buf = new ArrayBuffer(8);
const u64 = new BigInt64Array(buf);
const f64 = new Float64Array(buf);

/** Round-to-odd of s + e (s = RN(s + e), e the exact error, s normal). */
function roundOdd(s: number, e: number): number {
  if (e === 0) return s;
  f64[0] = s;
  const b = u64[0]!;
  if ((b & 1n) !== 0n) return s;
  // s is even: the neighbour towards e is odd and on the same side of s as the exact value.
  u64[0] = (e > 0) === (s > 0) ? b + 1n : b - 1n;
  return f64[0]!;
}

export function fastMulAdd(addend: bigint, a: bigint, b: bigint, size: FpSize, env: FpEnv): bigint | undefined {
  if (!nearest(env)) return undefined;
  if (size === 32) {
    const z = normal32(addend);
    const p = normal32(a) * normal32(b); // exact
    const s = p + z;
    if (s !== s) return undefined;
    const e = sumError(p, z, s);
    if (s === 0) return undefined;
    return finish32(roundOdd(s, e), e === 0, env);
  }
  if (size !== 64) return undefined;
  const x = normal64(a);
  const y = normal64(b);
  const z = normal64(addend);
  if (!productSafe(x, y) || !(Math.abs(z) < 2 ** 1020)) return undefined;
  const uh = x * y;
  const ul = productError(x, y, uh);
  const th = z + uh;
  const tl = sumError(z, uh, th);
  const s = tl + ul;
  const v = roundOdd(s, sumError(tl, ul, s));
  // The round-to-odd step needs 53 bits: no denormal (or vanishing) intermediate values.
  if (!(Math.abs(th) > 2 ** -960) || (v !== 0 && !(Math.abs(v) > 2 ** -960))) return undefined;
  const r = th + v;
  if (!checkNormal64(r)) return undefined;
  if ((env.fpsr & FPSR.IXC) === 0) {
    if (tl !== 0 || ul !== 0) return undefined;
  }
  return bits64(r);
}
