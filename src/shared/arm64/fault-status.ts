/**
 * DFSC/IFSC, the 6-bit fault status code in ISS bits 5:0 of an abort: what kind of fault, at
 * which lookup level. The MMU records it with each fault it reports, the interpreter puts it in
 * the abort syndrome, the translator's stage-2 exit or's it into the ESR it builds; all from
 * this one table.
 */

/**
 * Fault kinds with a level-encoded status code: translation, access (access flag),
 * permission, address_size, and external (synchronous external abort on a translation table
 * walk: the descriptor's PA is not RAM).
 */
export type FaultStatusKind = 'translation' | 'access' | 'permission' | 'address_size' | 'external';

const FSC_BASE: Readonly<Record<FaultStatusKind, number>> = {
  address_size: 0b000000,
  translation: 0b000100,
  access: 0b001000,
  permission: 0b001100,
  external: 0b010100,
};

/** DFSC/IFSC: address size 0b0000ll, translation 0b0001ll, access flag 0b0010ll, permission 0b0011ll, walk external abort 0b0101ll. */
export function faultStatusCode(kind: FaultStatusKind, level: number): number {
  return FSC_BASE[kind] | (level & 3);
}

/** Synchronous external abort, not on a translation table walk. */
export const FSC_SYNC_EXTERNAL = 0x10;
/** Alignment fault. */
export const FSC_ALIGNMENT = 0x21;
