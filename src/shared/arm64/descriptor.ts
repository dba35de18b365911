/**
 * VMSAv8-64 translation table descriptors (4 KiB granule), stage 1 and stage 2: the bits the
 * hypervisor writes when it builds page tables and the CPU's MMU reads when it walks them. Both
 * sides take them from here, so the MMU walks the tables by the architecture's format rather
 * than by asking the code that built them.
 *
 * A descriptor is handled as two 32-bit halves, lo = bits 31:0 and hi = bits 63:32:
 *   bit 0       valid
 *   bit 1       table (levels 0-2) / page (level 3); 0 = block at levels 1-2
 *   bits 11:2   lower attributes (stage 2: MemAttr 5:2, S2AP 7:6, SH 9:8, AF 10;
 *               stage 1: AttrIndx 4:2, AP 7:6, SH 9:8, AF 10, nG 11)
 *   bits 47:12  output address (lo bits 31:12, hi bits 15:0)
 *   bits 63:52  upper attributes (PXN 53, UXN/XN 54; table descriptors: PXNTable 59,
 *               UXNTable 60, APTable 62:61)
 * Names follow Jailhouse's asm/paging.h where it has one (in the doc comments).
 */

/** Valid (PTE_FLAG_VALID). */
export const PTE_VALID = 1 << 0;
/** Table at levels 0-2, page at level 3 (PTE_FLAG_TERMINAL's bit). */
export const PTE_TABLE = 1 << 1;
/** A table descriptor: valid | table (PTE_TABLE_FLAGS). */
export const PTE_TABLE_FLAGS = 0x3;
/** Access flag (PTE_ACCESS_FLAG). */
export const PTE_AF = 1 << 10;
/** SH = inner shareable (PTE_INNER_SHAREABLE). */
export const PTE_SH_INNER = 3 << 8;

/** Stage 2 MemAttr[3:0] at bits 5:2: Normal, outer and inner write-back (S2_PTE_FLAG_NORMAL). */
export const S2_MEMATTR_NORMAL_WB = 0xf << 2;
/** Stage 2 MemAttr 0x1: Device-nGnRE (S2_PTE_FLAG_DEVICE). */
export const S2_MEMATTR_DEVICE = 0x1 << 2;
/** S2AP[0]: stage 2 read access (S2_PTE_ACCESS_RO). */
export const S2_AP_READ = 1 << 6;
/** S2AP[1]: stage 2 write access (S2_PTE_ACCESS_WO). */
export const S2_AP_WRITE = 1 << 7;

/** Stage 1 AttrIndx at bits 4:2: MAIR index 0, Jailhouse's normal WB (S1_PTE_FLAG_NORMAL). */
export const S1_ATTR_NORMAL = 0 << 2;
/** Stage 1 AttrIndx 1, Jailhouse's device attribute (S1_PTE_FLAG_DEVICE). */
export const S1_ATTR_DEVICE = 1 << 2;
/** AP[1]: EL0 access; RES1 in EL2 stage-1 tables, where Jailhouse sets it (S1_PTE_ACCESS_EL0). */
export const S1_AP_EL0 = 1 << 6;
/** AP[2]: read-only (S1_PTE_ACCESS_RO). */
export const S1_AP_RO = 1 << 7;
/** nG: not global (S1_PTE_NG). */
export const S1_NG = 1 << 11;
/** UXN / XN (bit 54) in the hi half; XN at stage 2 too. */
export const S1_XN_HI = 1 << 22;
/** PXN (bit 53) in the hi half. */
export const S1_PXN_HI = 1 << 21;
/** PXNTable (bit 59) in the hi half of a table descriptor. */
export const PXN_TABLE_HI = 1 << 27;
/** UXNTable (bit 60) in the hi half of a table descriptor. */
export const UXN_TABLE_HI = 1 << 28;
/** APTable[0] (bit 61): no EL0 access below this table. */
export const AP_TABLE_NO_EL0_HI = 1 << 29;
/** APTable[1] (bit 62): read-only below this table. */
export const AP_TABLE_RO_HI = 1 << 30;

/** Output-address bits 47:32 in the hi half. */
export const HI_ADDR_MASK = 0xffff;
/** Upper attribute bits 63:48 in the hi half. */
export const HI_ATTR_MASK = 0xffff0000 | 0;
/** Lower attribute bits 11:0 in the lo half. */
export const LO_ATTR_MASK = 0xfff;
/** Next-level table address bits 31:12 in the lo half (PTE_TABLE_ADDR_MASK's low part). */
export const TABLE_ADDR_LO_MASK = 0xfffff000 | 0;

/** Stage 2 MemAttr[3:0] of a descriptor's lo half. */
export function s2MemAttr(lo: number): number {
  return (lo >>> 2) & 0xf;
}

/** Stage 1 AttrIndx of a descriptor's lo half. */
export function s1AttrIndx(lo: number): number {
  return (lo >>> 2) & 0x7;
}
