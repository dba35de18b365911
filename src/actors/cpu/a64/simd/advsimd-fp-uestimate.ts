/**
 * URECPE and URSQRTE: the unsigned fixed-point reciprocal and reciprocal square root
 * estimates (Arm ARM UnsignedRecipEstimate, UnsignedRSqrtEstimate). The operand is a 0.32
 * fixed-point fraction; only its top 9 bits select the 9-bit estimate, so both are table
 * look-ups. Integer-only: no FPCR dependence and no FPSR flags.
 */

/**
 * RecipEstimate(a), a in 256..511 (the 9 operand bits, i.e. 0.5 <= x < 1 in 1/512 steps): the
 * estimate of 1/x in 256..511, rounded to nearest. Integer form of the pseudocode's
 * real-number version (QEMU uses the same): a' = 2a + 1, b = 2^19 / a', (b + 1) / 2.
 */
function recipEstimate(a: number): number {
  const b = Math.floor((1 << 19) / (a * 2 + 1));
  return (b + 1) >> 1;
}

/**
 * RecipSqrtEstimate(a), a in 128..511: 128..255 encode 0.25 <= x < 0.5 (one more bit of
 * precision), 256..511 encode 0.5 <= x < 1 (the low bit dropped). Returns the estimate of
 * 1/sqrt(x) in 256..511: the least b with a * (b + 1)^2 >= 2^28, halved with rounding.
 */
function recipSqrtEstimate(a: number): number {
  const a2 = a < 256 ? a * 2 + 1 : ((a >> 1) << 1) * 2 + 2;
  let b = 512;
  while (a2 * (b + 1) * (b + 1) < 2 ** 28) b++;
  return (b + 1) >> 1;
}

let recipTable: Uint16Array | undefined;
let rsqrtTable: Uint16Array | undefined;

/** UnsignedRecipEstimate(operand) for a 32-bit element. */
export function unsignedRecipEstimate(x: number): number {
  if (x < 0x8000_0000) return 0xffff_ffff;
  recipTable ??= Uint16Array.from({ length: 256 }, (_, i) => recipEstimate(256 + i));
  return (recipTable[(x >>> 23) - 256]! << 23) >>> 0;
}

/** UnsignedRSqrtEstimate(operand) for a 32-bit element. */
export function unsignedRSqrtEstimate(x: number): number {
  if (x < 0x4000_0000) return 0xffff_ffff;
  rsqrtTable ??= Uint16Array.from({ length: 384 }, (_, i) => recipSqrtEstimate(128 + i));
  return (rsqrtTable[(x >>> 23) - 128]! << 23) >>> 0;
}
