/**
 * The vocabulary every softfloat-*.ts file shares: format widths, the FPCR/FPSR bits they read
 * and set, and the rounding modes. Kept apart from softfloat.ts (which re-exports it) so the
 * implementation files can import it without an import cycle through the public API.
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

/** FPRoundingMode(FPCR): RMode as a RoundingMode (0..3). */
export function fpcrRounding(env: FpEnv): RoundingMode {
  return ((env.fpcr >>> FPCR.RMODE_SHIFT) & 3) as RoundingMode;
}
