/**
 * Stage 2 as a guest CPU sees it: the owning cell's tables (built by the hypervisor) translate
 * an IPA to a host PA. The walk reads them by the architecture's descriptor format
 * (shared/arm64/table-walk.ts, pagingLookup); a miss is walked once more here only to find the
 * level the fault is reported at.
 *
 *  - IPA beyond the format's input size (VTCR.T0SZ): translation fault, level 0.
 *  - Invalid descriptor / no leaf: translation fault at the level of the offending entry.
 *  - AF = 0: access flag fault (Jailhouse always sets AF).
 *  - Permissions (AArch64.CheckS2Permission): reads and stage-1 descriptor fetches need S2AP
 *    read, writes S2AP write, instruction fetches only XN = 0 (bit 54; Jailhouse never sets it).
 *  - Device: MemAttr[3:2] = 00 (Jailhouse uses 0x1, Device-nGnRE, for IO regions).
 *
 * Every fault carries stage 2 and the IPA (HPFAR_EL2 = hpfarOf(ipa)). With no table (pt null:
 * HCR_EL2.VM = 0, e.g. root Linux before the hypervisor is enabled) the IPA is the PA, all
 * accesses allowed, Normal memory.
 */
import type { PhysicalMemory } from '../../../shared/phys-mem.js';
import { HI_ADDR_MASK, PTE_AF, PTE_TABLE_FLAGS, PTE_VALID, S1_XN_HI, TABLE_ADDR_LO_MASK } from '../../../shared/arm64/descriptor.js';
import { pagingLookup } from '../../../shared/arm64/table-walk.js';
import type { PageTable } from '../../../shared/arm64/translation-format.js';
import { mmuFault, type AccessKind, type MmuFault } from './mmu-types.js';
import type { S2Walk } from './mmu-stage1.js';

const TWO32 = 0x1_0000_0000;

/** A successful stage-2 translation. */
export interface Stage2Translation {
  readonly ok: true;
  /** Host physical address of the IPA. */
  pa: number;
  /** Level of the stage-2 leaf (0 with no stage 2). */
  level: number;
  /** Size of the stage-2 leaf mapping. */
  pageSize: number;
  read: boolean;
  write: boolean;
  exec: boolean;
  /** Stage-2 MemAttr is Device. */
  device: boolean;
}

export class Stage2 {
  /** descriptor-fetch callback for walkStage1 (stage-1 table walks are stage-2 reads). */
  readonly walk: S2Walk;

  constructor(
    readonly mem: PhysicalMemory,
    /** The owning cell's stage-2 tables; null = stage 2 disabled (IPA = PA). */
    public pt: PageTable | null,
  ) {
    this.walk = (ipa, access) => {
      const r = this.lookup(ipa, access);
      return r.ok ? r.pa : r;
    };
  }

  /** Translate ipa for `access`; a fault carries the level and the IPA. */
  lookup(ipa: number, access: AccessKind): Stage2Translation | MmuFault {
    const pt = this.pt;
    if (pt === null) {
      return { ok: true, pa: ipa, level: 0, pageSize: 4096, read: true, write: true, exec: true, device: false };
    }
    if (ipa >= 2 ** pt.format.inputBits) return mmuFault('translation', 0, 2, ipa);
    const leaf = pagingLookup(this.mem, pt, ipa);
    if (leaf === null) return mmuFault('translation', this.missLevel(pt, ipa), 2, ipa);
    if ((leaf.lo & PTE_AF) === 0) return mmuFault('access', leaf.level, 2, ipa);
    const exec = (leaf.hi & S1_XN_HI) === 0; // XN is bit 54 at both stages
    const ok = access === 'write' ? leaf.write : access === 'fetch' ? exec : leaf.read;
    if (!ok) return mmuFault('permission', leaf.level, 2, ipa);
    return {
      ok: true,
      pa: leaf.phys,
      level: leaf.level,
      pageSize: leaf.pageSize,
      read: leaf.read,
      write: leaf.write,
      exec,
      device: leaf.device,
    };
  }

  /** Level of the entry that ends an unsuccessful walk (invalid, or not a valid leaf there). */
  private missLevel(pt: PageTable, ipa: number): number {
    const levels = pt.format.levels;
    let tpa = pt.root;
    for (const l of levels) {
      const idx = Math.floor(ipa / l.div) & l.indexMask;
      if (idx >= l.entries) return 0;
      const lo = this.mem.read32(tpa + idx * 8);
      if ((lo & PTE_VALID) === 0 || l.last || (lo & PTE_TABLE_FLAGS) !== PTE_TABLE_FLAGS) return l.level;
      tpa = ((lo & TABLE_ADDR_LO_MASK) >>> 0) + (this.mem.read32(tpa + idx * 8 + 4) & HI_ADDR_MASK) * TWO32;
    }
    return levels[levels.length - 1]!.level;
  }
}
