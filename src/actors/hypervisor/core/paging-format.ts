/**
 * The AArch64 translation-table formats Jailhouse uses (descriptor bits and level layouts are
 * the architecture's: shared/arm64/descriptor.ts, translation-format.ts): access-flag builders
 * for stage 2 and the EL2 stage 1, and the formats (hypervisor 4-level, stage-2 4-level, or
 * 3-level with a concatenated root below PARange 44) with the VTCR_EL2 value that selects them.
 * The engine is paging.ts.
 */
import {
  PTE_AF,
  PTE_SH_INNER,
  PTE_VALID,
  S1_AP_EL0,
  S1_AP_RO,
  S1_ATTR_DEVICE,
  S1_ATTR_NORMAL,
  S1_XN_HI,
  S2_AP_READ,
  S2_AP_WRITE,
  S2_MEMATTR_DEVICE,
  S2_MEMATTR_NORMAL_WB,
} from '../../../shared/arm64/descriptor.js';
import { LEVEL0, LEVEL1, LEVEL2, LEVEL3, pagingLevel, type PagingFormat } from '../../../shared/arm64/translation-format.js';

/** Access flags = the attribute bits of a terminal descriptor (valid bit included). */
export interface AccessFlags {
  /** Bits 11:0 of the descriptor (bit 1 must be 0; level 3 adds it). */
  readonly lo: number;
  /** Bits 63:48 of the descriptor, as bits 31:16 of the hi half. */
  readonly hi: number;
}

/** Flags for a non-present terminal entry (PAGE_NONPRESENT_FLAGS). */
export const NONPRESENT_FLAGS: AccessFlags = Object.freeze({ lo: 0, hi: 0 });

/** Stage-2 attributes as arch_map_memory_region builds them (valid | AF always). */
export function s2Flags(o: { read?: boolean; write?: boolean; device?: boolean }): AccessFlags {
  let lo = PTE_VALID | PTE_AF | (o.device ? S2_MEMATTR_DEVICE : S2_MEMATTR_NORMAL_WB);
  if (o.read) lo |= S2_AP_READ;
  if (o.write) lo |= S2_AP_WRITE;
  return { lo, hi: 0 };
}

/**
 * Hypervisor (EL2 stage-1) attributes: PAGE_DEFAULT_FLAGS (write, default) or
 * PAGE_READONLY_FLAGS (write: false), optionally | PAGE_FLAG_DEVICE, optionally XN.
 */
export function hvFlags(o: { write?: boolean; device?: boolean; exec?: boolean } = {}): AccessFlags {
  let lo = PTE_VALID | PTE_AF | PTE_SH_INNER | S1_AP_EL0 | (o.device ? S1_ATTR_DEVICE : S1_ATTR_NORMAL);
  if (o.write === false) lo |= S1_AP_RO;
  return { lo, hi: o.exec === false ? S1_XN_HI : 0 };
}

// ---------------------------------------------------------------------------------------------
// Formats
// ---------------------------------------------------------------------------------------------

export interface PagingOptions {
  /** PAGING_HUGE: terminal entries at 1 GiB / 2 MiB levels allowed. */
  huge?: boolean;
  /** PAGING_COHERENT: clean each modified entry to PoC (no-op in the simulation). */
  coherent?: boolean;
}

/** EL2 stage-1: 4 levels, 48-bit VA. */
export const hvFormat: PagingFormat = Object.freeze({
  name: 'hv-s1-4level',
  stage: 1,
  levels: Object.freeze([LEVEL0, LEVEL1, LEVEL2, LEVEL3]),
  rootPages: 1,
  inputBits: 48,
});

/** Stage-2 root table pages: 2^(PARange−39) for 39 < PARange < 44, else 1 (CELL_ROOT_PT_PAGES). */
export function cellRootPtPages(paBits: number): number {
  return paBits > 39 && paBits < 44 ? 2 ** (paBits - 39) : 1;
}

const s2Cache = new Map<number, PagingFormat>();

/**
 * Stage-2 format for a PARange given in bits (capped at 48): 4-level from L0 if ≥ 44, else
 * 3-level from a concatenated L1 root (no blocks at the root), L2 2 MiB blocks, L3 pages.
 */
export function stage2Format(paBits: number): PagingFormat {
  const pa = Math.min(paBits, 48);
  let f = s2Cache.get(pa);
  if (f) return f;
  if (pa >= 44) {
    f = Object.freeze({
      name: `s2-4level-${pa}`,
      stage: 2,
      levels: Object.freeze([LEVEL0, LEVEL1, LEVEL2, LEVEL3]),
      rootPages: 1,
      inputBits: pa,
    });
  } else {
    const rootPages = cellRootPtPages(pa);
    // Index = VA bits 48:30, checked against the root size.
    const root = pagingLevel(1, 0, 512 * rootPages, 19);
    f = Object.freeze({
      name: `s2-3level-${pa}`,
      stage: 2,
      levels: Object.freeze([root, LEVEL2, LEVEL3]),
      rootPages,
      inputBits: pa,
    });
  }
  s2Cache.set(pa, f);
  return f;
}

/** ID_AA64MMFR0_EL1.PARange encoding of a PA size in bits. */
export function parangeEncoding(paBits: number): number {
  const enc = [32, 36, 40, 42, 44, 48].indexOf(paBits);
  if (enc < 0) throw new RangeError(`unsupported PARange ${paBits}`);
  return enc;
}

/** VTCR_EL2 value Jailhouse programs for cells (T0SZ, SL0, WBWA, inner shareable, PS, RES1). */
export function vtcrCell(paBits: number): number {
  const sl0 = paBits >= 44 ? 2 : 1;
  return (
    ((64 - paBits) |
      (sl0 << 6) |
      (1 << 8) |
      (1 << 10) |
      (3 << 12) |
      (parangeEncoding(paBits) << 16) |
      (1 << 31)) >>>
    0
  );
}
