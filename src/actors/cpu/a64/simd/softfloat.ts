/**
 * IEEE 754 arithmetic as the Arm ARM's FP pseudocode defines it (FPAdd, FPMulAdd, FPRound,
 * FPProcessNaNs, ...), on raw bit patterns, honouring FPCR (RMode, FZ, DN, AHP) and
 * accumulating FPSR's cumulative flags. This is the oracle every FP executor uses; fast paths
 * elsewhere must give bit-identical results and flags.
 *
 * Values are the format's bits as an unsigned bigint (16, 32 or 64 bits). `env` is read for
 * FPCR and has FPSR's flag bits or'ed in (A64State satisfies FpEnv).
 *
 * TO BE IMPLEMENTED: every function below throws until then.
 */

/** Floating-point format width in bits (16 = half, 32 = single, 64 = double). */
export type FpSize = 16 | 32 | 64;

/** The FPCR an operation reads and the FPSR it sets flags in. */
export interface FpEnv { fpcr: number; fpsr: number }

/** FPRounding: TIEEVEN (RN), POSINF (RP), NEGINF (RM), ZERO (RZ), TIEAWAY (FCVTA*, FRINTA), ODD (FCVTXN). */
export const Rounding = { TIEEVEN: 0, POSINF: 1, NEGINF: 2, ZERO: 3, TIEAWAY: 4, ODD: 5 } as const;
export type RoundingMode = 0 | 1 | 2 | 3 | 4 | 5;

/** FPSR cumulative exception bits. */
export const FPSR = { IOC: 1, DZC: 2, OFC: 4, UFC: 8, IXC: 16, IDC: 128, QC: 1 << 27 } as const;

/** FPCR fields. */
export const FPCR = { AHP: 1 << 26, DN: 1 << 25, FZ: 1 << 24, RMODE_SHIFT: 22, FZ16: 1 << 19 } as const;

const todo = (name: string): never => { throw new Error(`softfloat: ${name} is not implemented`); };

/** FPRoundingMode(FPCR): RMode as a RoundingMode (0..3). */
export function fpcrRounding(env: FpEnv): RoundingMode {
  return ((env.fpcr >>> FPCR.RMODE_SHIFT) & 3) as RoundingMode;
}

/** FPAdd / FPSub. */
export function fpAdd(_a: bigint, _b: bigint, _size: FpSize, _env: FpEnv): bigint { return todo('fpAdd'); }
export function fpSub(_a: bigint, _b: bigint, _size: FpSize, _env: FpEnv): bigint { return todo('fpSub'); }
/** FPMul, FPMulX (0 × ∞ = ±2.0). */
export function fpMul(_a: bigint, _b: bigint, _size: FpSize, _env: FpEnv): bigint { return todo('fpMul'); }
export function fpMulX(_a: bigint, _b: bigint, _size: FpSize, _env: FpEnv): bigint { return todo('fpMulX'); }
export function fpDiv(_a: bigint, _b: bigint, _size: FpSize, _env: FpEnv): bigint { return todo('fpDiv'); }
/** FPMulAdd(addend, op1, op2): addend + op1 × op2 with one rounding (FMADD, FMLA; negate operands for FMSUB/FNMADD/FMLS). */
export function fpMulAdd(_addend: bigint, _a: bigint, _b: bigint, _size: FpSize, _env: FpEnv): bigint { return todo('fpMulAdd'); }
export function fpSqrt(_a: bigint, _size: FpSize, _env: FpEnv): bigint { return todo('fpSqrt'); }
/** FPMax / FPMin (NaN-propagating) and FPMaxNum / FPMinNum (a quiet NaN loses to a number). */
export function fpMax(_a: bigint, _b: bigint, _size: FpSize, _env: FpEnv): bigint { return todo('fpMax'); }
export function fpMin(_a: bigint, _b: bigint, _size: FpSize, _env: FpEnv): bigint { return todo('fpMin'); }
export function fpMaxNum(_a: bigint, _b: bigint, _size: FpSize, _env: FpEnv): bigint { return todo('fpMaxNum'); }
export function fpMinNum(_a: bigint, _b: bigint, _size: FpSize, _env: FpEnv): bigint { return todo('fpMinNum'); }
/** FPCompare: NZCV as a 4-bit value (N=8 Z=4 C=2 V=1); signalNaNs for FCMPE (any NaN raises IOC). */
export function fpCompare(_a: bigint, _b: bigint, _size: FpSize, _signalNaNs: boolean, _env: FpEnv): number { return todo('fpCompare'); }
/** FPCompareEQ/GE/GT (vector compares: GE/GT signal on any NaN, EQ only on signalling NaNs). */
export function fpCompareEQ(_a: bigint, _b: bigint, _size: FpSize, _env: FpEnv): boolean { return todo('fpCompareEQ'); }
export function fpCompareGE(_a: bigint, _b: bigint, _size: FpSize, _env: FpEnv): boolean { return todo('fpCompareGE'); }
export function fpCompareGT(_a: bigint, _b: bigint, _size: FpSize, _env: FpEnv): boolean { return todo('fpCompareGT'); }
/** FPRoundInt (FRINT*): `exact` raises IXC when the result differs (FRINTX). */
export function fpRoundInt(_a: bigint, _size: FpSize, _rounding: RoundingMode, _exact: boolean, _env: FpEnv): bigint { return todo('fpRoundInt'); }
/** FPToFixed: to a signed/unsigned `outBits`-bit integer with `fbits` fraction bits, saturating (IOC). */
export function fpToFixed(_a: bigint, _size: FpSize, _fbits: number, _unsigned: boolean, _rounding: RoundingMode, _outBits: 32 | 64, _env: FpEnv): bigint { return todo('fpToFixed'); }
/** FixedToFP: a signed/unsigned `inBits`-bit integer with `fbits` fraction bits, rounded. */
export function fixedToFp(_v: bigint, _inBits: 16 | 32 | 64, _fbits: number, _unsigned: boolean, _size: FpSize, _rounding: RoundingMode, _env: FpEnv): bigint { return todo('fixedToFp'); }
/** FPConvert between formats (FCVT, FCVTL/FCVTN; half uses FPCR.AHP); `rounding` for narrowing. */
export function fpConvert(_a: bigint, _from: FpSize, _to: FpSize, _rounding: RoundingMode, _env: FpEnv): bigint { return todo('fpConvert'); }
/** FPRecipEstimate (FRECPE), FPRSqrtEstimate (FRSQRTE), FPRecpX (FRECPX). */
export function fpRecipEstimate(_a: bigint, _size: FpSize, _env: FpEnv): bigint { return todo('fpRecipEstimate'); }
export function fpRSqrtEstimate(_a: bigint, _size: FpSize, _env: FpEnv): bigint { return todo('fpRSqrtEstimate'); }
export function fpRecpX(_a: bigint, _size: FpSize, _env: FpEnv): bigint { return todo('fpRecpX'); }
/** FPRecipStepFused (FRECPS: 2 - a×b) and FPRSqrtStepFused (FRSQRTS: (3 - a×b) / 2). */
export function fpRecipStepFused(_a: bigint, _b: bigint, _size: FpSize, _env: FpEnv): bigint { return todo('fpRecipStepFused'); }
export function fpRSqrtStepFused(_a: bigint, _b: bigint, _size: FpSize, _env: FpEnv): bigint { return todo('fpRSqrtStepFused'); }
/** FPAbs / FPNeg: sign bit only, no NaN processing, no flags. */
export function fpAbs(a: bigint, size: FpSize): bigint { return a & ((1n << BigInt(size - 1)) - 1n); }
export function fpNeg(a: bigint, size: FpSize): bigint { return a ^ (1n << BigInt(size - 1)); }
