/**
 * Name tables used by the decoder (SYS operation identification) and by the
 * disassembler (conditions, barrier options, hints, prefetch operations).
 */

export const COND_NAMES: readonly string[] = [
  'eq', 'ne', 'cs', 'cc', 'mi', 'pl', 'vs', 'vc', 'hi', 'ls', 'ge', 'lt', 'gt', 'le', 'al', 'nv',
];

export const SHIFT_NAMES: readonly string[] = ['lsl', 'lsr', 'asr', 'ror'];
export const EXTEND_NAMES: readonly string[] = ['uxtb', 'uxth', 'uxtw', 'uxtx', 'sxtb', 'sxth', 'sxtw', 'sxtx'];

/** DSB/DMB option names by CRm (undefined = print as immediate). */
export const BARRIER_OPTIONS: readonly (string | undefined)[] = [
  undefined, 'oshld', 'oshst', 'osh', undefined, 'nshld', 'nshst', 'nsh',
  undefined, 'ishld', 'ishst', 'ish', undefined, 'ld', 'st', 'sy',
];

/** Hint-space instruction names (HINT #imm) as printed by GNU objdump. */
export const HINT_NAMES: ReadonlyMap<number, string> = new Map<number, string>([
  [0, 'nop'], [1, 'yield'], [2, 'wfe'], [3, 'wfi'], [4, 'sev'], [5, 'sevl'],
  [7, 'xpaclri'], [8, 'pacia1716'], [10, 'pacib1716'], [12, 'autia1716'], [14, 'autib1716'],
  [16, 'esb'], [17, 'psb\tcsync'], [18, 'tsb\tcsync'], [20, 'csdb'], [22, 'clearbhb'],
  [24, 'paciaz'], [25, 'paciasp'], [26, 'pacibz'], [27, 'pacibsp'],
  [28, 'autiaz'], [29, 'autiasp'], [30, 'autibz'], [31, 'autibsp'],
  [32, 'bti'], [34, 'bti\tc'], [36, 'bti\tj'], [38, 'bti\tjc'],
]);

/** PRFM prfop name for the 5-bit field, or undefined (printed as #imm). */
export function prfopName(prfop: number): string | undefined {
  const type = prfop >> 3;
  const target = (prfop >> 1) & 3;
  if (type === 3 || target === 3) return undefined;
  return ['pld', 'pli', 'pst'][type]! + ['l1', 'l2', 'l3'][target]! + ((prfop & 1) !== 0 ? 'strm' : 'keep');
}

export type SysOpKind = 'AT' | 'DC' | 'IC' | 'TLBI';

/** Known SYS operations: [kind, name, takesRegister, op1, CRn, CRm, op2]. */
type SysOpEntry = readonly [SysOpKind, string, boolean, number, number, number, number];

const SYS_OPS: readonly SysOpEntry[] = [
  ['IC', 'IALLUIS', false, 0, 7, 1, 0], ['IC', 'IALLU', false, 0, 7, 5, 0], ['IC', 'IVAU', true, 3, 7, 5, 1],
  ['DC', 'IVAC', true, 0, 7, 6, 1], ['DC', 'ISW', true, 0, 7, 6, 2], ['DC', 'CSW', true, 0, 7, 10, 2],
  ['DC', 'CISW', true, 0, 7, 14, 2], ['DC', 'ZVA', true, 3, 7, 4, 1], ['DC', 'CVAC', true, 3, 7, 10, 1],
  ['DC', 'CVAU', true, 3, 7, 11, 1], ['DC', 'CVAP', true, 3, 7, 12, 1], ['DC', 'CIVAC', true, 3, 7, 14, 1],
  ['AT', 'S1E1R', true, 0, 7, 8, 0], ['AT', 'S1E1W', true, 0, 7, 8, 1], ['AT', 'S1E0R', true, 0, 7, 8, 2],
  ['AT', 'S1E0W', true, 0, 7, 8, 3], ['AT', 'S1E1RP', true, 0, 7, 9, 0], ['AT', 'S1E1WP', true, 0, 7, 9, 1],
  ['AT', 'S1E2R', true, 4, 7, 8, 0], ['AT', 'S1E2W', true, 4, 7, 8, 1], ['AT', 'S12E1R', true, 4, 7, 8, 4],
  ['AT', 'S12E1W', true, 4, 7, 8, 5], ['AT', 'S12E0R', true, 4, 7, 8, 6], ['AT', 'S12E0W', true, 4, 7, 8, 7],
  ['AT', 'S1E3R', true, 6, 7, 8, 0], ['AT', 'S1E3W', true, 6, 7, 8, 1],
  ['TLBI', 'VMALLE1IS', false, 0, 8, 3, 0], ['TLBI', 'VAE1IS', true, 0, 8, 3, 1],
  ['TLBI', 'ASIDE1IS', true, 0, 8, 3, 2], ['TLBI', 'VAAE1IS', true, 0, 8, 3, 3],
  ['TLBI', 'VALE1IS', true, 0, 8, 3, 5], ['TLBI', 'VAALE1IS', true, 0, 8, 3, 7],
  ['TLBI', 'VMALLE1', false, 0, 8, 7, 0], ['TLBI', 'VAE1', true, 0, 8, 7, 1],
  ['TLBI', 'ASIDE1', true, 0, 8, 7, 2], ['TLBI', 'VAAE1', true, 0, 8, 7, 3],
  ['TLBI', 'VALE1', true, 0, 8, 7, 5], ['TLBI', 'VAALE1', true, 0, 8, 7, 7],
  ['TLBI', 'IPAS2E1IS', true, 4, 8, 0, 1], ['TLBI', 'IPAS2LE1IS', true, 4, 8, 0, 5],
  ['TLBI', 'ALLE2IS', false, 4, 8, 3, 0], ['TLBI', 'VAE2IS', true, 4, 8, 3, 1],
  ['TLBI', 'ALLE1IS', false, 4, 8, 3, 4], ['TLBI', 'VALE2IS', true, 4, 8, 3, 5],
  ['TLBI', 'VMALLS12E1IS', false, 4, 8, 3, 6], ['TLBI', 'IPAS2E1', true, 4, 8, 4, 1],
  ['TLBI', 'IPAS2LE1', true, 4, 8, 4, 5], ['TLBI', 'ALLE2', false, 4, 8, 7, 0],
  ['TLBI', 'VAE2', true, 4, 8, 7, 1], ['TLBI', 'ALLE1', false, 4, 8, 7, 4],
  ['TLBI', 'VALE2', true, 4, 8, 7, 5], ['TLBI', 'VMALLS12E1', false, 4, 8, 7, 6],
  ['TLBI', 'ALLE3IS', false, 6, 8, 3, 0], ['TLBI', 'VAE3IS', true, 6, 8, 3, 1],
  ['TLBI', 'VALE3IS', true, 6, 8, 3, 5], ['TLBI', 'ALLE3', false, 6, 8, 7, 0],
  ['TLBI', 'VAE3', true, 6, 8, 7, 1], ['TLBI', 'VALE3', true, 6, 8, 7, 5],
];

export interface SysOpInfo { readonly kind: SysOpKind; readonly name: string; readonly hasRt: boolean; }

/** Key for SYS_OP_TABLE: op1<<11 | CRn<<7 | CRm<<3 | op2 (same layout as sysregKey without op0). */
export const SYS_OP_TABLE: ReadonlyMap<number, SysOpInfo> = new Map(
  SYS_OPS.map(([kind, name, hasRt, op1, crn, crm, op2]) =>
    [(op1 << 11) | (crn << 7) | (crm << 3) | op2, { kind, name, hasRt }] as const),
);
