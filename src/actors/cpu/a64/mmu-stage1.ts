/**
 * Stage 1 of the EL1&0 translation regime: the VMSAv8-64 walk a guest's own page tables get,
 * 4 KiB granule only (what the Jailhouse inmate library and arm64 Linux with 4K pages use).
 *
 *  - SCTLR_EL1.M = 0: flat, VA = IPA (bits [top:48] must be zero, else an address size fault at
 *    level 0); data accesses are Device-nGnRnE, instruction fetches Normal, all permitted.
 *  - Otherwise VA[top] (top = 55 with TBIx, else 63) selects TTBR0/TTBR1; VA[top:64−TxSZ] must
 *    all equal it, TxSZ must be 16..39 and EPDx clear, else a translation fault at level 0. The
 *    walk starts at level 4 − ceil((64 − TxSZ − 12) / 9): T0SZ 16..24 → L0, 25..33 → L1,
 *    34..39 → L2 (an L3 start needs TxSZ ≥ 40, i.e. FEAT_TTST, not modelled).
 *  - Table descriptors at L0..L2 (APTable, UXNTable, PXNTable accumulate down the walk), blocks
 *    at L1 (1 GiB) and L2 (2 MiB), pages at L3. Invalid or reserved encodings (block at L0,
 *    0b01 at L3) give translation faults, AF = 0 an access flag fault, output addresses beyond
 *    TCR.IPS an address size fault, all at the level of the descriptor.
 *  - Permissions (AP[2:1], UXN, PXN, SCTLR.WXN): EL1 reads always; EL1 writes unless AP[2]; EL0
 *    reads if AP[1], writes if AP[2:1] = 01; EL0 executes unless UXN (execute-only is
 *    possible), EL1 unless PXN or the region is EL0-writable; WXN makes writable regions XN.
 *  - Every descriptor fetch is a stage-2 read through the `s2` callback: a stage-2 fault comes
 *    back with s1ptw = true (ESR_EL2.ISS.S1PTW, HPFAR = the descriptor's IPA); a descriptor PA
 *    outside RAM is a synchronous external abort on the walk ('external').
 *
 * Not modelled: 16K/64K granules (TGx selecting them gives a level-0 translation fault),
 * FEAT_LPA/LVA (52-bit), FEAT_HPDS (TCR.HPDx), FEAT_PAN, FEAT_HAFDBS (hardware AF/dirty
 * updates: AF = 0 always faults), FEAT_TTST, TBID, contiguous hints (harmless to ignore).
 */
import type { PhysicalMemory } from '../../../shared/phys-mem.js';
import {
  AP_TABLE_NO_EL0_HI,
  AP_TABLE_RO_HI,
  HI_ADDR_MASK,
  PTE_AF,
  PTE_TABLE,
  PTE_VALID,
  PXN_TABLE_HI,
  S1_AP_EL0,
  S1_AP_RO,
  S1_NG,
  S1_PXN_HI,
  S1_XN_HI,
  TABLE_ADDR_LO_MASK,
  UXN_TABLE_HI,
  s1AttrIndx,
} from '../../../shared/arm64/descriptor.js';
import {
  ACC_FETCH,
  accessCode,
  mairMemType,
  mmuFault,
  P_ALL,
  P_DEVICE,
  P_R0,
  P_R1,
  P_W0,
  P_W1,
  P_X0,
  P_X1,
  permBit,
  type AccessKind,
  type El,
  type MemType,
  type MmuFault,
  type Stage1Regs,
} from './mmu-types.js';

const TWO32 = 0x1_0000_0000;
/** PAMax of the simulated CPU (bits), used for the MMU-off check. */
export const PA_MAX_BITS = 48;

/** Stage-1 controls decoded once from the registers (numbers, for the walker). */
export interface Stage1Config {
  /** SCTLR_EL1.M */
  readonly m: boolean;
  /** SCTLR_EL1.WXN */
  readonly wxn: boolean;
  readonly t0sz: number;
  readonly t1sz: number;
  readonly epd0: boolean;
  readonly epd1: boolean;
  /** TG0/TG1 select the 4 KiB granule (reserved encodings are taken as 4 KiB). */
  readonly tg0ok: boolean;
  readonly tg1ok: boolean;
  readonly tbi0: boolean;
  readonly tbi1: boolean;
  /** TCR.IPS in bits (32..48; 52 and reserved values give 48). */
  readonly ipsBits: number;
  /** TTBRx_EL1.BADDR (bits 47:1), ASID and CnP dropped. */
  readonly ttbr0: number;
  readonly ttbr1: number;
  /** MAIR_EL1 attribute bytes 0..7. */
  readonly mair: readonly number[];
}

const IPS_BITS = [32, 36, 40, 42, 44, 48, 48, 48];

export function decodeStage1(regs: Stage1Regs): Stage1Config {
  const tcr = BigInt.asUintN(64, regs.TCR_EL1);
  const lo = Number(tcr & 0xffffffffn);
  const hi = Number(tcr >> 32n);
  const sctlr = Number(BigInt.asUintN(32, regs.SCTLR_EL1));
  const mairV = BigInt.asUintN(64, regs.MAIR_EL1);
  const mair: number[] = [];
  for (let i = 0; i < 8; i++) mair.push(Number((mairV >> BigInt(i * 8)) & 0xffn));
  const tg0 = (lo >>> 14) & 3; // 00 4K, 01 64K, 10 16K, 11 reserved
  const tg1 = (lo >>> 30) & 3; // 10 4K, 01 16K, 11 64K, 00 reserved
  const baddr = (t: bigint) => Number(BigInt.asUintN(64, t) & 0x0000_ffff_ffff_fffen);
  return Object.freeze({
    m: (sctlr & 1) !== 0,
    wxn: (sctlr & (1 << 19)) !== 0,
    t0sz: lo & 0x3f,
    t1sz: (lo >>> 16) & 0x3f,
    epd0: (lo & (1 << 7)) !== 0,
    epd1: (lo & (1 << 23)) !== 0,
    tg0ok: tg0 === 0 || tg0 === 3,
    tg1ok: tg1 === 2 || tg1 === 0,
    tbi0: (hi & (1 << 5)) !== 0,
    tbi1: (hi & (1 << 6)) !== 0,
    ipsBits: IPS_BITS[hi & 7]!,
    ttbr0: baddr(regs.TTBR0_EL1),
    ttbr1: baddr(regs.TTBR1_EL1),
    mair: Object.freeze(mair),
  });
}

/**
 * Stage-2 translation of a stage-1 descriptor fetch: the PA, or the stage-2 fault (the walker
 * marks it s1ptw). Omitted = no stage 2 (IPA = PA).
 */
export type S2Walk = (ipa: number, access: AccessKind) => number | MmuFault;

/** A successful stage-1 translation. */
export interface Stage1Translation {
  readonly ok: true;
  /** Output address (IPA) of the VA. */
  ipa: number;
  /** MMU off: flat VA = IPA, no walk (level 0, blockSize 4096, attrIndx -1). */
  flat: boolean;
  /** AttrIndx of the leaf (index into MAIR_EL1). */
  attrIndx: number;
  /** The MAIR attribute byte (0x00 for the flat Device-nGnRnE case, 0xff for flat fetches). */
  attr: number;
  memType: MemType;
  /** Level of the leaf descriptor (1..3). */
  level: number;
  /** Size of the leaf mapping: 4 KiB page, 2 MiB or 1 GiB block. */
  blockSize: number;
  /** Permissions at the EL of the access. */
  readable: boolean;
  writable: boolean;
  executable: boolean;
  /** P_* bits for both ELs, P_DEVICE if data accesses see Device memory. */
  perms: number;
  /** nG = 0. */
  global: boolean;
}

// ---------------------------------------------------------------------------------------------
// Descriptor fetch (lo half read atomically first, as the hypervisor writes it last)
// ---------------------------------------------------------------------------------------------

let dLo = 0;
let dHi = 0;

/** Read the descriptor at pa into dLo/dHi; false if pa is not RAM. */
function readDesc(mem: PhysicalMemory, pa: number): boolean {
  const bank = mem.bankAt(pa, 8);
  if (!bank) return false;
  const i = (pa - bank.base) / 4;
  dLo = Atomics.load(bank.i32, i);
  dHi = bank.i32[i + 1]!;
  return true;
}

/** Bits hiBit..loBit (0 ≤ loBit ≤ hiBit ≤ 31) of a 32-bit word, unsigned. */
function rangeMask(hiBit: number, loBit: number): number {
  return ((hiBit === 31 ? 0xffffffff : 2 ** (hiBit + 1) - 1) - (2 ** loBit - 1)) >>> 0;
}

function flat(vaHi: number, vaLo: number, fetch: boolean): Stage1Translation {
  return {
    ok: true,
    ipa: (vaHi & 0xffff) * TWO32 + vaLo,
    flat: true,
    attrIndx: -1,
    attr: fetch ? 0xff : 0x00,
    memType: fetch ? 'normal' : 'device-nGnRnE',
    level: 0,
    blockSize: 4096,
    readable: true,
    writable: true,
    executable: true,
    perms: P_ALL | P_DEVICE,
    global: true,
  };
}

// ---------------------------------------------------------------------------------------------
// The walk
// ---------------------------------------------------------------------------------------------

/**
 * Stage-1 translation of the VA given as 32-bit halves (the executor's representation).
 * Returns the translation, or the first fault in architectural order: walk faults (including
 * S1PTW stage-2 faults), then access flag, then permission for `access` at `el`.
 */
export function walkStage1HL(
  mem: PhysicalMemory,
  cfg: Stage1Config,
  vaHi: number,
  vaLo: number,
  access: AccessKind,
  el: El = 1,
  s2?: S2Walk,
): Stage1Translation | MmuFault {
  vaHi >>>= 0;
  vaLo >>>= 0;
  const acc = accessCode(access);
  const tbi = (vaHi >>> 23) & 1 ? cfg.tbi1 : cfg.tbi0;
  const topHi = tbi ? 23 : 31; // VA bit 55 or 63, as a bit of the high half

  if (!cfg.m) {
    if ((vaHi & rangeMask(topHi, PA_MAX_BITS - 32)) !== 0) return mmuFault('address_size', 0, 1);
    return flat(vaHi, vaLo, acc === ACC_FETCH);
  }

  const sel = (vaHi >>> topHi) & 1;
  const txsz = sel ? cfg.t1sz : cfg.t0sz;
  const inputsize = 64 - txsz;
  if ((sel ? cfg.epd1 || !cfg.tg1ok : cfg.epd0 || !cfg.tg0ok) || inputsize < 25 || inputsize > 48) {
    return mmuFault('translation', 0, 1);
  }
  const hm = rangeMask(topHi, inputsize >= 32 ? inputsize - 32 : 0);
  if (((vaHi & hm) >>> 0) !== (sel ? hm : 0)) return mmuFault('translation', 0, 1);
  if (inputsize < 32) {
    const lm = rangeMask(31, inputsize);
    if (((vaLo & lm) >>> 0) !== (sel ? lm : 0)) return mmuFault('translation', 0, 1);
  }

  const startLevel = 4 - Math.ceil((inputsize - 12) / 9);
  const ttbr = sel ? cfg.ttbr1 : cfg.ttbr0;
  const lowerBound = 3 + inputsize - ((3 - startLevel) * 9 + 12);
  let table = ttbr - (ttbr % 2 ** lowerBound);
  const ips = cfg.ipsBits;
  if (table >= 2 ** ips) return mmuFault('address_size', 0, 1);
  // Descriptor bits 47:32 must be below this for an output address inside IPS.
  const oaHiLimit = 2 ** (ips - 32);
  const vaN = (vaHi & 0xffff) * TWO32 + vaLo;

  let noEl0 = false;
  let ro = false;
  let uxnT = false;
  let pxnT = false;
  for (let level = startLevel; ; level++) {
    const shift = 12 + 9 * (3 - level);
    const nbits = level === startLevel ? inputsize - shift : 9;
    const idx = Math.floor(vaN / 2 ** shift) % 2 ** nbits;
    const dIpa = table + idx * 8;
    let dPa = dIpa;
    if (s2) {
      const r = s2(dIpa, 'read');
      if (typeof r !== 'number') {
        r.s1ptw = true;
        return r;
      }
      dPa = r;
    }
    if (!readDesc(mem, dPa)) return mmuFault('external', level, 1);
    const lo = dLo;
    const hi = dHi;
    if ((lo & PTE_VALID) === 0) return mmuFault('translation', level, 1);
    const isTable = (lo & PTE_TABLE) !== 0;
    if (level === 0 && !isTable) return mmuFault('translation', 0, 1); // no L0 blocks with 4K
    if ((hi & HI_ADDR_MASK) >= oaHiLimit) return mmuFault('address_size', level, 1);
    if (level < 3 && isTable) {
      if (hi & PXN_TABLE_HI) pxnT = true;
      if (hi & UXN_TABLE_HI) uxnT = true;
      if (hi & AP_TABLE_NO_EL0_HI) noEl0 = true;
      if (hi & AP_TABLE_RO_HI) ro = true;
      table = ((lo & TABLE_ADDR_LO_MASK) >>> 0) + (hi & HI_ADDR_MASK) * TWO32;
      continue;
    }
    if (level === 3 && !isTable) return mmuFault('translation', 3, 1); // reserved at L3

    // Leaf: page or block.
    const blockSize = 2 ** shift;
    if ((lo & PTE_AF) === 0) return mmuFault('access', level, 1);
    const ap1 = !noEl0 && (lo & S1_AP_EL0) !== 0; // EL0 access
    const ap2 = ro || (lo & S1_AP_RO) !== 0; // read-only
    const w1 = !ap2;
    const r0 = ap1;
    const w0 = ap1 && !ap2;
    const x0 = !uxnT && (hi & S1_XN_HI) === 0 && !(cfg.wxn && w0);
    const x1 = !pxnT && (hi & S1_PXN_HI) === 0 && !w0 && !(cfg.wxn && w1);
    const attrIndx = s1AttrIndx(lo);
    const attr = cfg.mair[attrIndx]!;
    const memType = mairMemType(attr);
    let perms = P_R1;
    if (w1) perms |= P_W1;
    if (x1) perms |= P_X1;
    if (r0) perms |= P_R0;
    if (w0) perms |= P_W0;
    if (x0) perms |= P_X0;
    if (memType !== 'normal') perms |= P_DEVICE;
    if ((perms & permBit(acc, el)) === 0) return mmuFault('permission', level, 1);
    const oa = ((lo & ~(blockSize - 1)) >>> 0) + (hi & HI_ADDR_MASK) * TWO32;
    return {
      ok: true,
      ipa: oa + (vaLo & (blockSize - 1)),
      flat: false,
      attrIndx,
      attr,
      memType,
      level,
      blockSize,
      readable: el === 0 ? r0 : true,
      writable: el === 0 ? w0 : w1,
      executable: el === 0 ? x0 : x1,
      perms,
      global: (lo & S1_NG) === 0,
    };
  }
}

/** High 32 bits of a VA given as bigint or as a non-negative integer number (< 2^53). */
export function vaHigh(va: bigint | number): number {
  if (typeof va === 'bigint') return Number(BigInt.asUintN(64, va) >> 32n);
  checkVaNumber(va);
  return Math.floor(va / TWO32);
}

/** Low 32 bits of a VA given as bigint or number. */
export function vaLow(va: bigint | number): number {
  if (typeof va === 'bigint') return Number(va & 0xffffffffn);
  checkVaNumber(va);
  return va % TWO32;
}

function checkVaNumber(va: number): void {
  if (!Number.isSafeInteger(va) || va < 0) throw new RangeError(`VA ${va} is not a non-negative safe integer (use a bigint)`);
}

/**
 * Stage-1 translation of va for `access` at `el`: regs are the raw registers (decoded on every
 * call) or a Stage1Config from decodeStage1. s2 translates the descriptor fetches (none = IPA
 * is PA).
 */
export function walkStage1(
  mem: PhysicalMemory,
  regs: Stage1Regs | Stage1Config,
  va: bigint | number,
  access: AccessKind,
  el: El = 1,
  s2?: S2Walk,
): Stage1Translation | MmuFault {
  const cfg = 'SCTLR_EL1' in regs ? decodeStage1(regs) : regs;
  return walkStage1HL(mem, cfg, vaHigh(va), vaLow(va), access, el, s2);
}
