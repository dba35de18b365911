/**
 * The FP arithmetic of simd/softfloat.ts on hand-picked values: NaN selection and quieting,
 * default NaN, denormals with and without flush-to-zero, every rounding mode, overflow to
 * infinity or the largest normal, tininess before rounding, fused multiply-add, the integer
 * and format conversions, and the reciprocal estimates. Expected values follow the Arm ARM
 * pseudocode (and agree with qemu-aarch64, against which the implementation was checked on
 * millions of random operands).
 */
import { describe, expect, it } from 'vitest';
import {
  FPCR, FPSR, Rounding, fixedToFp, fpAdd, fpCompare, fpCompareEQ, fpCompareGE, fpCompareGT, fpConvert, fpDiv,
  fpMax, fpMaxNum, fpMin, fpMinNum, fpMul, fpMulAdd, fpMulX, fpRecipEstimate, fpRecipStepFused, fpRecpX,
  fpRoundInt, fpRSqrtEstimate, fpRSqrtStepFused, fpSqrt, fpSub, fpToFixed, type FpEnv,
} from '../src/actors/cpu/a64/simd/softfloat.js';

const { IOC, DZC, OFC, UFC, IXC, IDC } = FPSR;
const RN = 0;
const RP = 1 << FPCR.RMODE_SHIFT;
const RM = 2 << FPCR.RMODE_SHIFT;
const RZ = 3 << FPCR.RMODE_SHIFT;
const { FZ, DN, AHP } = FPCR;

/** Runs `op` with FPCR = fpcr and a clear FPSR; returns [result, FPSR]. */
function run<T>(fpcr: number, op: (env: FpEnv) => T): [T, number] {
  const env = { fpcr, fpsr: 0 };
  const r = op(env);
  return [r, env.fpsr];
}

// Single precision
const S_ONE = 0x3f80_0000n;
const S_TWO = 0x4000_0000n;
const S_MAX = 0x7f7f_ffffn;
const S_INF = 0x7f80_0000n;
const S_NINF = 0xff80_0000n;
const S_MIN_NORMAL = 0x0080_0000n;
const S_MIN_DENORM = 0x0000_0001n;
const S_DNAN = 0x7fc0_0000n;
const S_NZERO = 0x8000_0000n;
// Double precision
const D_ONE = 0x3ff0_0000_0000_0000n;
const D_TWO = 0x4000_0000_0000_0000n;
const D_INF = 0x7ff0_0000_0000_0000n;
const D_DNAN = 0x7ff8_0000_0000_0000n;
const D_MAX = 0x7fef_ffff_ffff_ffffn;
const D_MIN_NORMAL = 0x0010_0000_0000_0000n;

describe('softfloat: NaN propagation', () => {
  const qA = 0x7fc0_0001n; // quiet, payload 1
  const qB = 0xffc0_0002n; // quiet, negative, payload 2
  const sA = 0x7f80_0003n; // signalling, payload 3
  const sB = 0xff80_0004n; // signalling, negative, payload 4

  it('takes the first quiet NaN when there is no signalling one, without flags', () => {
    expect(run(RN, (e) => fpAdd(qA, qB, 32, e))).toEqual([qA, 0]);
    expect(run(RN, (e) => fpAdd(qB, qA, 32, e))).toEqual([qB, 0]);
    expect(run(RN, (e) => fpMul(S_ONE, qB, 32, e))).toEqual([qB, 0]);
  });

  it('prefers a signalling NaN over an earlier quiet one, quietens it and raises IOC', () => {
    expect(run(RN, (e) => fpAdd(qA, sB, 32, e))).toEqual([sB | 0x40_0000n, IOC]);
    expect(run(RN, (e) => fpSub(sA, sB, 32, e))).toEqual([sA | 0x40_0000n, IOC]);
    expect(run(RN, (e) => fpSqrt(sA, 32, e))).toEqual([0x7fc0_0003n, IOC]);
  });

  it('FPMulAdd looks at the addend first: signalling NaNs in addend, op1, op2 order, then quiet ones', () => {
    expect(run(RN, (e) => fpMulAdd(qA, sB, S_ONE, 32, e))).toEqual([sB | 0x40_0000n, IOC]);
    expect(run(RN, (e) => fpMulAdd(qA, qB, S_ONE, 32, e))).toEqual([qA, 0]);
    expect(run(RN, (e) => fpMulAdd(S_ONE, qB, sA, 32, e))).toEqual([sA | 0x40_0000n, IOC]);
  });

  it('∞ × 0 with a quiet NaN addend is Invalid (default NaN), a signalling addend wins', () => {
    expect(run(RN, (e) => fpMulAdd(qB, S_INF, 0n, 32, e))).toEqual([S_DNAN, IOC]);
    expect(run(RN, (e) => fpMulAdd(sB, S_INF, 0n, 32, e))).toEqual([sB | 0x40_0000n, IOC]);
  });

  it('FPCR.DN replaces every NaN result by the default NaN', () => {
    expect(run(DN, (e) => fpAdd(qB, S_ONE, 32, e))).toEqual([S_DNAN, 0]);
    expect(run(DN, (e) => fpAdd(sB, S_ONE, 32, e))).toEqual([S_DNAN, IOC]);
    expect(run(DN, (e) => fpMax(0x7ff8_0000_0000_0abcn, D_ONE, 64, e))).toEqual([D_DNAN, 0]);
  });

  it('Invalid operations give the default NaN', () => {
    expect(run(RN, (e) => fpSub(S_INF, S_INF, 32, e))).toEqual([S_DNAN, IOC]);
    expect(run(RN, (e) => fpMul(S_INF, S_NZERO, 32, e))).toEqual([S_DNAN, IOC]);
    expect(run(RN, (e) => fpDiv(0n, S_NZERO, 32, e))).toEqual([S_DNAN, IOC]);
    expect(run(RN, (e) => fpSqrt(0xbff0_0000_0000_0000n, 64, e))).toEqual([D_DNAN, IOC]);
  });

  it('FPMulX gives ±2.0 for 0 × ∞', () => {
    expect(run(RN, (e) => fpMulX(S_NINF, 0n, 32, e))).toEqual([0xc000_0000n, 0]);
    expect(run(RN, (e) => fpMulX(0n, D_INF, 64, e))).toEqual([D_TWO, 0]);
  });
});

describe('softfloat: rounding modes', () => {
  const tie = 0x3380_0000n; // 2^-24: 1 + 2^-24 is half-way between 1 and 1 + 2^-23

  it('rounds a positive tie per mode', () => {
    expect(run(RN, (e) => fpAdd(S_ONE, tie, 32, e))).toEqual([S_ONE, IXC]);
    expect(run(RP, (e) => fpAdd(S_ONE, tie, 32, e))).toEqual([0x3f80_0001n, IXC]);
    expect(run(RM, (e) => fpAdd(S_ONE, tie, 32, e))).toEqual([S_ONE, IXC]);
    expect(run(RZ, (e) => fpAdd(S_ONE, tie, 32, e))).toEqual([S_ONE, IXC]);
  });

  it('rounds a negative value per mode and breaks ties to even', () => {
    // -(1 + 2^-23) - 2^-24 = -(1 + 3 × 2^-24): tie between odd 1 + 2^-23 and even 1 + 2^-22.
    const a = 0xbf80_0001n;
    const b = 0xb380_0000n;
    expect(run(RN, (e) => fpAdd(a, b, 32, e))).toEqual([0xbf80_0002n, IXC]);
    expect(run(RP, (e) => fpAdd(a, b, 32, e))).toEqual([0xbf80_0001n, IXC]);
    expect(run(RM, (e) => fpAdd(a, b, 32, e))).toEqual([0xbf80_0002n, IXC]);
    expect(run(RZ, (e) => fpAdd(a, b, 32, e))).toEqual([0xbf80_0001n, IXC]);
  });

  it('an exact zero sum is +0, or -0 rounding towards minus infinity', () => {
    expect(run(RN, (e) => fpSub(D_ONE, D_ONE, 64, e))).toEqual([0n, 0]);
    expect(run(RM, (e) => fpSub(D_ONE, D_ONE, 64, e))).toEqual([0x8000_0000_0000_0000n, 0]);
    expect(run(RN, (e) => fpAdd(S_NZERO, S_NZERO, 32, e))).toEqual([S_NZERO, 0]);
    expect(run(RN, (e) => fpAdd(S_NZERO, 0n, 32, e))).toEqual([0n, 0]);
  });

  it('overflow gives infinity or the largest normal depending on mode and sign', () => {
    expect(run(RN, (e) => fpMul(S_MAX, S_TWO, 32, e))).toEqual([S_INF, OFC | IXC]);
    expect(run(RZ, (e) => fpMul(S_MAX, S_TWO, 32, e))).toEqual([S_MAX, OFC | IXC]);
    expect(run(RP, (e) => fpMul(S_MAX, S_TWO, 32, e))).toEqual([S_INF, OFC | IXC]);
    expect(run(RM, (e) => fpMul(S_MAX, S_TWO, 32, e))).toEqual([S_MAX, OFC | IXC]);
    expect(run(RP, (e) => fpMul(S_MAX | S_NZERO, S_TWO, 32, e))).toEqual([S_MAX | S_NZERO, OFC | IXC]);
    expect(run(RM, (e) => fpMul(S_MAX | S_NZERO, S_TWO, 32, e))).toEqual([S_NINF, OFC | IXC]);
    expect(run(RN, (e) => fpAdd(D_MAX, D_MAX, 64, e))).toEqual([D_INF, OFC | IXC]);
  });

  it('a value that rounds down to the largest normal does not overflow', () => {
    // MAX + just under half an ulp (2^103) stays MAX; exactly half an ulp ties to even: up, overflow.
    expect(run(RN, (e) => fpAdd(S_MAX, 0x72ff_ffffn, 32, e))).toEqual([S_MAX, IXC]);
    expect(run(RN, (e) => fpAdd(S_MAX, 0x7300_0000n, 32, e))).toEqual([S_INF, OFC | IXC]);
  });

  it('FPRound with ODD sets the last bit of an inexact result (FCVTXN)', () => {
    expect(run(RN, (e) => fpConvert(0x3ff0_0000_0000_0001n, 64, 32, Rounding.ODD, e))).toEqual([0x3f80_0001n, IXC]);
    expect(run(RN, (e) => fpConvert(0x3ff0_0000_2000_0000n, 64, 32, Rounding.ODD, e))).toEqual([0x3f80_0001n, 0]);
    expect(run(RN, (e) => fpConvert(0x47f0_0000_0000_0000n, 64, 32, Rounding.ODD, e))).toEqual([S_MAX, OFC | IXC]);
  });
});

describe('softfloat: denormals, underflow and flush-to-zero', () => {
  it('denormal inputs are exact numbers without FZ and zeros with IDC under FZ', () => {
    expect(run(RN, (e) => fpAdd(S_MIN_DENORM, S_MIN_DENORM, 32, e))).toEqual([2n, 0]);
    expect(run(FZ, (e) => fpAdd(S_MIN_DENORM, S_MIN_DENORM, 32, e))).toEqual([0n, IDC]);
    expect(run(FZ, (e) => fpAdd(S_MIN_DENORM | S_NZERO, S_NZERO, 32, e))).toEqual([S_NZERO, IDC]);
    expect(run(FZ, (e) => fpDiv(S_ONE, S_MIN_DENORM, 32, e))).toEqual([S_INF, IDC | DZC]);
  });

  it('an exact denormal result raises nothing; under FZ it is flushed with UFC alone', () => {
    const half = 0x3f00_0000n;
    expect(run(RN, (e) => fpMul(S_MIN_NORMAL, half, 32, e))).toEqual([0x0040_0000n, 0]);
    expect(run(FZ, (e) => fpMul(S_MIN_NORMAL, half, 32, e))).toEqual([0n, UFC]);
  });

  it('an inexact tiny result raises UFC and IXC', () => {
    // 2^-149 × 0.5 ties between 0 and 2^-149: to even, 0.
    expect(run(RN, (e) => fpMul(S_MIN_DENORM, 0x3f00_0000n, 32, e))).toEqual([0n, UFC | IXC]);
    expect(run(RP, (e) => fpMul(S_MIN_DENORM, 0x3f00_0000n, 32, e))).toEqual([S_MIN_DENORM, UFC | IXC]);
  });

  it('tininess is detected before rounding, as is flushing', () => {
    // (1 - 2^-24) × 2^-126 is below the smallest normal but rounds up to it.
    expect(run(RN, (e) => fpMul(0x3f7f_ffffn, S_MIN_NORMAL, 32, e))).toEqual([S_MIN_NORMAL, UFC | IXC]);
    expect(run(FZ, (e) => fpMul(0x3f7f_ffffn, S_MIN_NORMAL, 32, e))).toEqual([0n, UFC]);
    expect(run(RN, (e) => fpMul(0x3fef_ffff_ffff_ffffn, D_MIN_NORMAL, 64, e))).toEqual([D_MIN_NORMAL, UFC | IXC]);
    expect(run(FZ, (e) => fpMul(0x3fef_ffff_ffff_ffffn, D_MIN_NORMAL, 64, e))).toEqual([0n, UFC]);
  });

  it('half precision is never flushed (no FEAT_FP16: FZ16 does not apply)', () => {
    expect(run(FZ, (e) => fpConvert(0x0001n, 16, 32, Rounding.TIEEVEN, e))).toEqual([0x3380_0000n, 0]);
    expect(run(FZ, (e) => fpConvert(0x3380_0000n, 32, 16, Rounding.TIEEVEN, e))).toEqual([0x0001n, 0]);
  });
});

describe('softfloat: fused multiply-add', () => {
  it('rounds once', () => {
    // (1 + 2^-12)^2 = 1 + 2^-11 + 2^-24; minus its rounded product leaves 2^-24 exactly.
    const a = 0x3f80_0800n;
    const p = 0xbf80_1000n; // -(1 + 2^-11)
    expect(run(RN, (e) => fpMulAdd(p, a, a, 32, e))).toEqual([0x3380_0000n, 0]);
    // An unfused multiply then add loses it.
    const [prod] = run(RN, (e) => fpMul(a, a, 32, e));
    expect(run(RN, (e) => fpAdd(prod, p, 32, e))).toEqual([0n, 0]);
  });

  it('an addend far below the product still decides directed rounding', () => {
    const tiny = 0x0000_0000_0000_0001n;
    expect(run(RP, (e) => fpMulAdd(tiny, D_ONE, D_ONE, 64, e))).toEqual([0x3ff0_0000_0000_0001n, IXC]);
    expect(run(RM, (e) => fpMulAdd(tiny | (1n << 63n), D_ONE, D_ONE, 64, e))).toEqual([0x3fef_ffff_ffff_ffffn, IXC]);
  });

  it('infinities: same-signed sums are infinite, opposite ones Invalid', () => {
    expect(run(RN, (e) => fpMulAdd(S_INF, S_INF, S_ONE, 32, e))).toEqual([S_INF, 0]);
    expect(run(RN, (e) => fpMulAdd(S_NINF, S_INF, S_ONE, 32, e))).toEqual([S_DNAN, IOC]);
  });

  it('FRECPS and FRSQRTS are fused too and give 2.0 / 1.5 for 0 × ∞', () => {
    expect(run(RN, (e) => fpRecipStepFused(S_TWO, 0x3f00_0000n, 32, e))).toEqual([S_ONE, 0]);
    expect(run(RN, (e) => fpRecipStepFused(0n, S_INF, 32, e))).toEqual([S_TWO, 0]);
    expect(run(RN, (e) => fpRSqrtStepFused(S_ONE, S_ONE, 32, e))).toEqual([S_ONE, 0]);
    expect(run(RN, (e) => fpRSqrtStepFused(S_NINF, 0n, 32, e))).toEqual([0x3fc0_0000n, 0]);
    // op1 is negated before NaN selection.
    expect(run(RN, (e) => fpRecipStepFused(0x7fc0_0001n, S_ONE, 32, e))).toEqual([0xffc0_0001n, 0]);
  });
});

describe('softfloat: max, min and compare', () => {
  it('FPMax/FPMin order the zeros and propagate NaNs; the Num forms let a number beat a quiet NaN', () => {
    expect(run(RN, (e) => fpMax(S_NZERO, 0n, 32, e))).toEqual([0n, 0]);
    expect(run(RN, (e) => fpMin(0n, S_NZERO, 32, e))).toEqual([S_NZERO, 0]);
    expect(run(RN, (e) => fpMax(0x7fc0_0005n, S_ONE, 32, e))).toEqual([0x7fc0_0005n, 0]);
    expect(run(RN, (e) => fpMaxNum(0x7fc0_0005n, S_NINF, 32, e))).toEqual([S_NINF, 0]);
    expect(run(RN, (e) => fpMinNum(S_ONE, 0x7fc0_0005n, 32, e))).toEqual([S_ONE, 0]);
    expect(run(RN, (e) => fpMinNum(0x7f80_0005n, S_ONE, 32, e))).toEqual([0x7fc0_0005n, IOC]);
  });

  it('FPMax under FZ compares flushed denormals as zeros', () => {
    expect(run(FZ, (e) => fpMax(S_MIN_DENORM, S_NZERO, 32, e))).toEqual([0n, IDC]);
    expect(run(RN, (e) => fpMax(S_MIN_DENORM, S_NZERO, 32, e))).toEqual([S_MIN_DENORM, 0]);
  });

  it('FPCompare: NZCV, quiet NaNs signal only for FCMPE', () => {
    expect(run(RN, (e) => fpCompare(S_ONE, S_TWO, 32, false, e))).toEqual([0b1000, 0]);
    expect(run(RN, (e) => fpCompare(S_TWO, S_ONE, 32, false, e))).toEqual([0b0010, 0]);
    expect(run(RN, (e) => fpCompare(S_NZERO, 0n, 32, false, e))).toEqual([0b0110, 0]);
    expect(run(RN, (e) => fpCompare(S_DNAN, S_ONE, 32, false, e))).toEqual([0b0011, 0]);
    expect(run(RN, (e) => fpCompare(S_DNAN, S_ONE, 32, true, e))).toEqual([0b0011, IOC]);
    expect(run(RN, (e) => fpCompare(0x7f80_0001n, S_ONE, 32, false, e))).toEqual([0b0011, IOC]);
    expect(run(RN, (e) => fpCompare(S_NINF, S_MAX | S_NZERO, 32, false, e))).toEqual([0b1000, 0]);
  });

  it('FPCompareEQ signals only on signalling NaNs, GE/GT on any NaN', () => {
    expect(run(RN, (e) => fpCompareEQ(S_DNAN, S_DNAN, 32, e))).toEqual([false, 0]);
    expect(run(RN, (e) => fpCompareGE(S_DNAN, S_ONE, 32, e))).toEqual([false, IOC]);
    expect(run(RN, (e) => fpCompareGT(S_TWO, S_ONE, 32, e))).toEqual([true, 0]);
    expect(run(RN, (e) => fpCompareGE(S_NZERO, 0n, 32, e))).toEqual([true, 0]);
    expect(run(RN, (e) => fpCompareEQ(0x7f80_0001n, S_ONE, 32, e))).toEqual([false, IOC]);
  });
});

describe('softfloat: integer conversions and rounding to integral', () => {
  const F2_5 = 0x4004_0000_0000_0000n;
  const FM2_5 = 0xc004_0000_0000_0000n;

  it('FPToFixed rounds by the given mode, IXC when inexact', () => {
    expect(run(RN, (e) => fpToFixed(F2_5, 64, 0, false, Rounding.TIEEVEN, 64, e))).toEqual([2n, IXC]);
    expect(run(RN, (e) => fpToFixed(F2_5, 64, 0, false, Rounding.TIEAWAY, 64, e))).toEqual([3n, IXC]);
    expect(run(RN, (e) => fpToFixed(FM2_5, 64, 0, false, Rounding.TIEAWAY, 32, e))).toEqual([0xffff_fffdn, IXC]);
    expect(run(RN, (e) => fpToFixed(FM2_5, 64, 0, false, Rounding.ZERO, 64, e))).toEqual([0xffff_ffff_ffff_fffen, IXC]);
    expect(run(RN, (e) => fpToFixed(FM2_5, 64, 0, false, Rounding.NEGINF, 64, e))).toEqual([0xffff_ffff_ffff_fffdn, IXC]);
    expect(run(RN, (e) => fpToFixed(0x3fc0_0000n, 32, 1, false, Rounding.ZERO, 32, e))).toEqual([3n, 0]);
  });

  it('FPToFixed saturates with IOC (and no IXC); NaN gives 0 with IOC', () => {
    expect(run(RN, (e) => fpToFixed(0x4f00_0000n, 32, 0, false, Rounding.ZERO, 32, e))).toEqual([0x7fff_ffffn, IOC]);
    expect(run(RN, (e) => fpToFixed(0xcf00_0000n, 32, 0, false, Rounding.ZERO, 32, e))).toEqual([0x8000_0000n, 0]);
    expect(run(RN, (e) => fpToFixed(S_NINF, 32, 0, true, Rounding.ZERO, 64, e))).toEqual([0n, IOC]);
    expect(run(RN, (e) => fpToFixed(S_INF, 32, 0, true, Rounding.ZERO, 64, e))).toEqual([(1n << 64n) - 1n, IOC]);
    expect(run(RN, (e) => fpToFixed(S_DNAN, 32, 0, false, Rounding.ZERO, 64, e))).toEqual([0n, IOC]);
    // -0.5 towards zero is 0: inexact, not out of range; -0.75 to nearest is -1: out of range.
    expect(run(RN, (e) => fpToFixed(0xbf00_0000n, 32, 0, true, Rounding.ZERO, 32, e))).toEqual([0n, IXC]);
    expect(run(RN, (e) => fpToFixed(0xbf40_0000n, 32, 0, true, Rounding.TIEEVEN, 32, e))).toEqual([0n, IOC]);
  });

  it('FPToFixed of a flushed denormal is an exact 0 (IDC, no IXC)', () => {
    expect(run(FZ, (e) => fpToFixed(S_MIN_DENORM, 32, 0, false, Rounding.POSINF, 32, e))).toEqual([0n, IDC]);
    expect(run(RN, (e) => fpToFixed(S_MIN_DENORM, 32, 0, false, Rounding.POSINF, 32, e))).toEqual([1n, IXC]);
  });

  it('FixedToFP rounds by the given mode', () => {
    const v = (1n << 24n) + 1n;
    expect(run(RN, (e) => fixedToFp(v, 64, 0, false, 32, Rounding.TIEEVEN, e))).toEqual([0x4b80_0000n, IXC]);
    expect(run(RN, (e) => fixedToFp(v, 64, 0, false, 32, Rounding.POSINF, e))).toEqual([0x4b80_0001n, IXC]);
    expect(run(RN, (e) => fixedToFp(0xffff_fff4n, 32, 3, false, 64, Rounding.TIEEVEN, e))).toEqual([0xbff8_0000_0000_0000n, 0]);
    expect(run(RN, (e) => fixedToFp(0xffff_ffffn, 32, 0, true, 64, Rounding.TIEEVEN, e))).toEqual([0x41ef_ffff_ffe0_0000n, 0]);
    expect(run(RN, (e) => fixedToFp(0n, 64, 5, false, 32, Rounding.NEGINF, e))).toEqual([0n, 0]);
  });

  it('FPRoundInt: modes, the sign of a zero result, FRINTX exactness', () => {
    expect(run(RN, (e) => fpRoundInt(F2_5, 64, Rounding.TIEEVEN, false, e))).toEqual([D_TWO, 0]);
    expect(run(RN, (e) => fpRoundInt(F2_5, 64, Rounding.TIEAWAY, false, e))).toEqual([0x4008_0000_0000_0000n, 0]);
    expect(run(RN, (e) => fpRoundInt(0xbf00_0000n, 32, Rounding.POSINF, false, e))).toEqual([S_NZERO, 0]);
    expect(run(RN, (e) => fpRoundInt(0xbf00_0000n, 32, Rounding.TIEEVEN, true, e))).toEqual([S_NZERO, IXC]);
    expect(run(RN, (e) => fpRoundInt(0xbf00_0000n, 32, Rounding.NEGINF, false, e))).toEqual([0xbf80_0000n, 0]);
    expect(run(RN, (e) => fpRoundInt(0x4b00_0001n, 32, Rounding.TIEEVEN, true, e))).toEqual([0x4b00_0001n, 0]);
    expect(run(RN, (e) => fpRoundInt(0x7f80_0001n, 32, Rounding.ZERO, false, e))).toEqual([0x7fc0_0001n, IOC]);
  });
});

describe('softfloat: format conversions', () => {
  it('NaNs keep their payload (left-aligned) and sign, and come out quiet', () => {
    expect(run(RN, (e) => fpConvert(0x7f80_0001n, 32, 64, Rounding.TIEEVEN, e))).toEqual([0x7ff8_0000_2000_0000n, IOC]);
    expect(run(RN, (e) => fpConvert(0xfffc_0000_0000_0123n, 64, 32, Rounding.TIEEVEN, e))).toEqual([0xffe0_0000n, 0]);
    expect(run(RN, (e) => fpConvert(0xfff4_0000_0000_0123n, 64, 32, Rounding.TIEEVEN, e))).toEqual([0xffe0_0000n, IOC]);
    expect(run(RN, (e) => fpConvert(0x7e01n, 16, 32, Rounding.TIEEVEN, e))).toEqual([0x7fc0_2000n, 0]);
    expect(run(DN, (e) => fpConvert(0xfe01n, 16, 64, Rounding.TIEEVEN, e))).toEqual([D_DNAN, 0]);
  });

  it('narrowing rounds by the given mode', () => {
    const x = 0x3ff0_0000_1000_0000n; // 1 + 2^-24: a tie for single
    expect(run(RN, (e) => fpConvert(x, 64, 32, Rounding.TIEEVEN, e))).toEqual([S_ONE, IXC]);
    expect(run(RN, (e) => fpConvert(x, 64, 32, Rounding.POSINF, e))).toEqual([0x3f80_0001n, IXC]);
    expect(run(RN, (e) => fpConvert(0x4780_0000n, 32, 16, Rounding.TIEEVEN, e))).toEqual([0x7c00n, OFC | IXC]);
    expect(run(RN, (e) => fpConvert(0x4780_0000n, 32, 16, Rounding.ZERO, e))).toEqual([0x7bffn, OFC | IXC]);
  });

  it('FPCR.AHP: no infinities or NaNs in half precision', () => {
    expect(run(AHP, (e) => fpConvert(0x4780_0000n, 32, 16, Rounding.TIEEVEN, e))).toEqual([0x7c00n, 0]);
    expect(run(AHP, (e) => fpConvert(0x7c00n, 16, 32, Rounding.TIEEVEN, e))).toEqual([0x4780_0000n, 0]);
    expect(run(AHP, (e) => fpConvert(0xffffn, 16, 32, Rounding.TIEEVEN, e))).toEqual([0xc7ff_e000n, 0]);
    expect(run(AHP, (e) => fpConvert(S_NINF, 32, 16, Rounding.TIEEVEN, e))).toEqual([0xffffn, IOC]);
    expect(run(AHP, (e) => fpConvert(S_DNAN, 32, 16, Rounding.TIEEVEN, e))).toEqual([0n, IOC]);
    expect(run(AHP, (e) => fpConvert(0x4800_0000n, 32, 16, Rounding.TIEEVEN, e))).toEqual([0x7fffn, IOC]);
  });
});

describe('softfloat: reciprocal estimates', () => {
  it('FRECPE follows the 8-bit table and its special cases', () => {
    expect(run(RN, (e) => fpRecipEstimate(S_ONE, 32, e))).toEqual([0x3f7f_8000n, 0]);
    expect(run(RN, (e) => fpRecipEstimate(0x4040_0000n, 32, e))).toEqual([0x3eaa_8000n, 0]);
    expect(run(RN, (e) => fpRecipEstimate(D_ONE, 64, e))).toEqual([0x3fef_f000_0000_0000n, 0]);
    expect(run(RN, (e) => fpRecipEstimate(S_NZERO, 32, e))).toEqual([S_NINF, DZC]);
    expect(run(RN, (e) => fpRecipEstimate(S_INF, 32, e))).toEqual([0n, 0]);
    // 2^-149 is below 2^-128: the reciprocal overflows.
    expect(run(RN, (e) => fpRecipEstimate(S_MIN_DENORM, 32, e))).toEqual([S_INF, OFC | IXC]);
    expect(run(RZ, (e) => fpRecipEstimate(S_MIN_DENORM, 32, e))).toEqual([S_MAX, OFC | IXC]);
    // A denormal estimate: 1 / 2^127 without FZ, flushed with UFC under FZ.
    expect(run(RN, (e) => fpRecipEstimate(0x7f00_0000n, 32, e))).toEqual([0x0020_0000n + 0x1f_e000n, 0]);
    expect(run(FZ, (e) => fpRecipEstimate(0x7f00_0000n, 32, e))).toEqual([0n, UFC]);
  });

  it('FRSQRTE follows the table for both exponent parities', () => {
    expect(run(RN, (e) => fpRSqrtEstimate(S_ONE, 32, e))).toEqual([0x3f7f_8000n, 0]);
    expect(run(RN, (e) => fpRSqrtEstimate(S_TWO, 32, e))).toEqual([0x3f34_8000n, 0]);
    expect(run(RN, (e) => fpRSqrtEstimate(0x4080_0000n, 32, e))).toEqual([0x3eff_8000n, 0]);
    expect(run(RN, (e) => fpRSqrtEstimate(0xbf80_0000n, 32, e))).toEqual([S_DNAN, IOC]);
    expect(run(RN, (e) => fpRSqrtEstimate(S_NZERO, 32, e))).toEqual([S_NINF, DZC]);
    // 2^-149: normalised through the denormal loop, odd exponent; 1/√0.5 is 361/256 in the table.
    expect(run(RN, (e) => fpRSqrtEstimate(S_MIN_DENORM, 32, e))).toEqual([0x64b4_8000n, 0]);
  });

  it('FRECPX inverts the exponent', () => {
    expect(run(RN, (e) => fpRecpX(0x4040_0000n, 32, e))).toEqual([0x3f80_0000n, 0]);
    expect(run(RN, (e) => fpRecpX(S_MIN_DENORM | S_NZERO, 32, e))).toEqual([0xff00_0000n, 0]);
    expect(run(FZ, (e) => fpRecpX(S_MIN_DENORM, 32, e))).toEqual([0x7f00_0000n, IDC]);
    expect(run(RN, (e) => fpRecpX(D_INF, 64, e))).toEqual([0n, 0]);
  });
});
