/**
 * AArch64 translation-table formats as Jailhouse uses them: descriptor bits, access-flag
 * builders for stage 2 and the EL2 stage 1, and the level layouts (hypervisor 4-level, stage-2
 * 4-level, or 3-level with a concatenated root below PARange 44). The engine is paging.ts.
 */
import { PAGE_SIZE } from './layout.js';

// ---------------------------------------------------------------------------------------------
// Descriptor bits
// ---------------------------------------------------------------------------------------------

export const PTE_VALID = 1 << 0;
export const PTE_TABLE = 1 << 1; // also "page" at level 3
export const PTE_TABLE_FLAGS = 0x3;
export const PTE_AF = 1 << 10;
export const PTE_SH_INNER = 3 << 8;
/** Stage 2 MemAttr[3:0] at bits 5:2. */
export const S2_MEMATTR_NORMAL_WB = 0xf << 2;
export const S2_MEMATTR_DEVICE = 0x1 << 2;
export const S2_AP_READ = 1 << 6;
export const S2_AP_WRITE = 1 << 7;
/** Stage 1 AttrIndx at bits 4:2 (MAIR_EL2 index 0 = normal WB, 1 = device). */
export const S1_ATTR_NORMAL = 0 << 2;
export const S1_ATTR_DEVICE = 1 << 2;
/** AP[1] (EL0 access): RES1 in EL2 stage-1 tables; Jailhouse sets it. */
export const S1_AP_EL0 = 1 << 6;
/** AP[2]: read-only. */
export const S1_AP_RO = 1 << 7;
/** XN (bit 54) in the hi half. */
export const S1_XN_HI = 1 << 22;

/** Output-address bits 47:32 in the hi half. */
export const HI_ADDR_MASK = 0xffff;
/** Upper attribute bits 63:48 in the hi half. */
export const HI_ATTR_MASK = 0xffff0000 | 0;
export const LO_ATTR_MASK = 0xfff;

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

export interface PagingLevel {
  /** Architectural level (0..3). */
  readonly level: number;
  /** Lowest VA bit of this level's index field. */
  readonly shift: number;
  /** 2^shift. */
  readonly div: number;
  /** Mask applied to floor(virt / div) to get the index (bits 47:39, 38:30, ... or 48:30 at a concatenated root). */
  readonly indexMask: number;
  /** Entries in a table of this level (512, or 512 × root pages at a concatenated root). */
  readonly entries: number;
  /** Size mapped by a terminal entry here, or 0 if this level has no terminal entries. */
  readonly pageSize: number;
  /** Mask of the output-address bits in the lo half for a terminal entry at this level. */
  readonly loAddrMask: number;
  /** True for level 3 (terminal entries are pages, bit 1 set). */
  readonly last: boolean;
}

export interface PagingFormat {
  readonly name: string;
  readonly stage: 1 | 2;
  readonly levels: readonly PagingLevel[];
  /** Pages of the (possibly concatenated) root table. */
  readonly rootPages: number;
  /** Input address bits covered. */
  readonly inputBits: number;
}

/** Page-table structures: root table physical address and the format walking it. */
export interface PageTable {
  root: number;
  format: PagingFormat;
}

export interface PagingOptions {
  /** PAGING_HUGE: terminal entries at 1 GiB / 2 MiB levels allowed. */
  huge?: boolean;
  /** PAGING_COHERENT: clean each modified entry to PoC (no-op in the simulation). */
  coherent?: boolean;
}

function level(lvl: number, pageSize: number, entries = 512, indexBits = 9): PagingLevel {
  const shift = 39 - (lvl * 9);
  // Terminal output-address bits 47:log2(pageSize) (table address bits 47:12 if no terminals).
  const loAddrMask = pageSize > 0 ? ~(pageSize - 1) | 0 : 0xfffff000 | 0;
  return Object.freeze({
    level: lvl,
    shift,
    div: 2 ** shift,
    indexMask: (2 ** indexBits) - 1,
    entries,
    pageSize,
    loAddrMask,
    last: lvl === 3,
  });
}

const L0 = level(0, 0);
const L1 = level(1, 1 << 30);
const L2 = level(2, 1 << 21);
const L3 = level(3, PAGE_SIZE);

/** EL2 stage-1: 4 levels, 48-bit VA. */
export const hvFormat: PagingFormat = Object.freeze({
  name: 'hv-s1-4level',
  stage: 1,
  levels: Object.freeze([L0, L1, L2, L3]),
  rootPages: 1,
  inputBits: 48,
});

/** Stage-2 root table pages: 2^(PARange−39) for 39 < PARange < 44, else 1. */
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
      levels: Object.freeze([L0, L1, L2, L3]),
      rootPages: 1,
      inputBits: pa,
    });
  } else {
    const rootPages = cellRootPtPages(pa);
    // Index = VA bits 48:30, checked against the root size.
    const root = level(1, 0, 512 * rootPages, 19);
    f = Object.freeze({
      name: `s2-3level-${pa}`,
      stage: 2,
      levels: Object.freeze([root, L2, L3]),
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

