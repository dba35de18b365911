/**
 * A64 instruction encoder: pure functions returning 32-bit instruction words (unsigned numbers).
 * See encode-core.ts for register naming and the SP/ZR rule, and each encode-*.ts for a class.
 */
export * from './encode-core.js';
export * from './encode-bitmask.js';
export * from './encode-arith.js';
export * from './encode-dp.js';
export * from './encode-ldst.js';
export * from './encode-atomic.js';
export * from './encode-branch.js';
export * from './encode-sys.js';
export {
  SYSREGS, lookupSysreg, sysregByKey, sysregKey, sysregReadable, sysregWritable,
  type SysReg, type SysRegAccess, type SysRegSpec,
} from '../../../shared/arm64/sysregs.js';

import { ARITH_INSTRUCTIONS } from './encode-arith.js';
import { ATOMIC_INSTRUCTIONS } from './encode-atomic.js';
import { BRANCH_INSTRUCTIONS } from './encode-branch.js';
import { DP_INSTRUCTIONS } from './encode-dp.js';
import { LDST_INSTRUCTIONS } from './encode-ldst.js';
import { SYS_INSTRUCTIONS } from './encode-sys.js';

/** Every instruction encoder by name (each returns a word, mov64 a word list). */
export const ENCODERS = {
  ...ARITH_INSTRUCTIONS,
  ...DP_INSTRUCTIONS,
  ...LDST_INSTRUCTIONS,
  ...ATOMIC_INSTRUCTIONS,
  ...BRANCH_INSTRUCTIONS,
  ...SYS_INSTRUCTIONS,
} as const;
export type EncoderName = keyof typeof ENCODERS;
