/**
 * The shape of a VMSAv8-64 translation table with a 4 KiB granule: what each lookup level
 * indexes with and what a terminal entry there maps, and a table as its root and format. The
 * hypervisor chooses formats (its EL2 stage 1, a cell's stage 2 by PARange) and builds tables
 * in them; the CPU's stage-2 MMU walks whatever table and format it is given. A format object
 * stands for what TCR_EL2/VTCR_EL2 (T0SZ, SL0) tell the hardware walker.
 */

/** The translation granule (PAGE_SIZE, 1 << PAGE_SHIFT). */
export const GRANULE_SIZE = 4096;

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

/**
 * Lookup level `lvl` whose terminal entries map `pageSize` bytes (0: none), with `entries`
 * entries indexed by `indexBits` VA bits (more than 9 at a concatenated root).
 */
export function pagingLevel(lvl: number, pageSize: number, entries = 512, indexBits = 9): PagingLevel {
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

/** Level 0: tables only (no 512 GiB blocks with a 4 KiB granule). */
export const LEVEL0 = pagingLevel(0, 0);
/** Level 1: tables or 1 GiB blocks. */
export const LEVEL1 = pagingLevel(1, 1 << 30);
/** Level 2: tables or 2 MiB blocks. */
export const LEVEL2 = pagingLevel(2, 1 << 21);
/** Level 3: 4 KiB pages. */
export const LEVEL3 = pagingLevel(3, GRANULE_SIZE);
