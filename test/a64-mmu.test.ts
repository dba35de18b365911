import { beforeEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { PhysicalMemory } from '../src/shared/phys-mem.js';
import { PagePool, PoolFlags } from '../src/actors/hypervisor/core/page-pool.js';
import { pagingAllocRoot, pagingCreate, s2Flags, stage2Format, type PageTable } from '../src/actors/hypervisor/core/paging.js';
import {
  ACC_READ,
  P_DEVICE,
  SoftTlb,
  Stage2,
  TLB_FAULT,
  walkStage1,
  type AccessKind,
  type El,
  type MmuFault,
  type Stage1Regs,
  type Stage1Translation,
} from '../src/actors/cpu/a64/mmu.js';
import { faultStatusCode } from '../src/shared/arm64/fault-status.js';
import { hpfarOf as hpfar } from '../src/shared/arm64/fault-regs.js';

/*
 * A scaled-down qemu-arm64 inmate-demo: the cell's RAM (IPA 0, 1 MiB here) sits at host PA
 * CELL_PA (0x7fa00000 on the real board), built into a 44-bit stage 2 by pagingCreate; the
 * guest's stage-1 tables live in its own RAM, written by hand the way the inmate library lays
 * them out (T0SZ = 25, one L1 table, L2 with 2 MiB blocks) plus an L3 table of 4 KiB pages.
 */
const BANK = 0x40000000;
const BANK_SIZE = 8 * 1024 * 1024;
const CELL_PA = BANK + 0x400000; // cell RAM: IPA [0, 1 MiB)
const RO_PA = BANK + 0x500000; // IPA 0x100000, stage-2 read-only
const NOACC_PA = BANK + 0x501000; // IPA 0x102000, stage-2 no access
const COMM_PA = BANK + 0x600000; // IPA 0x80000000 (comm region)
const UART = 0x09000000; // IPA = PA, device, outside RAM
const MiB = 0x100000;

// Stage-1 descriptor bits.
const AF = 1n << 10n;
const SH = 3n << 8n;
const AP_EL0 = 1n << 6n;
const AP_RO = 1n << 7n;
const PXN = 1n << 53n;
const UXN = 1n << 54n;
const PXN_TABLE = 1n << 59n;
const AP_TABLE_RO = 1n << 62n;
const NORMAL = AF | SH; // AttrIndx 0
const DEVICE = AF | (1n << 2n) | PXN | UXN; // AttrIndx 1
const table = (ipa: number, extra = 0n) => BigInt(ipa) | 3n | extra;
const block = (ipa: number, flags = NORMAL) => BigInt(ipa) | 1n | flags;
const page = (ipa: number, flags = NORMAL) => BigInt(ipa) | 3n | flags;

// Stage-1 table IPAs inside the cell's RAM.
const L1 = 0x10000;
const L2 = 0x11000;
const L3 = 0x12000;
const L1_HI = 0x13000;
const L2_HI = 0x14000;
const L0_4 = 0x15000;
const L1_4 = 0x16000;
const L2_APT = 0x17000;

const TCR_INMATE = 25n | (1n << 8n) | (1n << 10n) | (3n << 12n) | (1n << 23n) /* EPD1 */ | (5n << 32n);
const SCTLR_MCI = 0x30d00800n | 1n | (1n << 2n) | (1n << 12n);
const WXN = 1n << 19n;
const REGS: Stage1Regs = {
  SCTLR_EL1: SCTLR_MCI,
  TCR_EL1: TCR_INMATE,
  TTBR0_EL1: BigInt(L1),
  TTBR1_EL1: 0n,
  MAIR_EL1: 0x00ffn, // attr0 = 0xff normal WB, attr1 = 0x00 Device-nGnRnE
};

let mem: PhysicalMemory;
let pt: PageTable;
let s2: Stage2;

function g64(ipa: number, desc: bigint): void {
  mem.write64big(CELL_PA + ipa, desc);
}

function setup(): void {
  mem = new PhysicalMemory([{ base: BANK, size: BANK_SIZE, sab: new SharedArrayBuffer(BANK_SIZE) }]);
  const pool = new PagePool(mem, BANK + 0x100);
  pool.init(BANK + 0x10000, (0x200000 - 0x10000) / 4096, BANK + 0x10000, PoolFlags.SCRUB_ON_FREE);
  pool.markUsed(1);
  const format = stage2Format(44);
  pt = { root: pagingAllocRoot(pool, format), format };
  const huge = { huge: true };
  expect(pagingCreate(mem, pool, pt, CELL_PA, MiB, 0, s2Flags({ read: true, write: true }), huge)).toBe(0);
  expect(pagingCreate(mem, pool, pt, RO_PA, 0x1000, 0x100000, s2Flags({ read: true }), huge)).toBe(0);
  expect(pagingCreate(mem, pool, pt, NOACC_PA, 0x1000, 0x102000, s2Flags({}), huge)).toBe(0);
  expect(pagingCreate(mem, pool, pt, COMM_PA, 0x1000, 0x80000000, s2Flags({ read: true, write: true }), huge)).toBe(0);
  expect(pagingCreate(mem, pool, pt, UART, 0x1000, UART, s2Flags({ read: true, write: true, device: true }), huge)).toBe(0);
  s2 = new Stage2(mem, pt);

  // TTBR0, T0SZ = 25: walk starts at L1.
  g64(L1 + 0 * 8, table(L2));
  g64(L1 + 2 * 8, block(0x80000000)); // 1 GiB block: the comm region
  g64(L1 + 3 * 8, table(L2_APT, AP_TABLE_RO | PXN_TABLE));
  g64(L2 + 0 * 8, block(0)); // [0, 2 MiB) cached, EL1 RW only
  g64(L2 + 1 * 8, table(L3));
  g64(L2 + 2 * 8, table(0x30000000)); // table at an IPA stage 2 does not map
  // L2[3] invalid
  g64(L2 + 4 * 8, block(0x200000)); // IPA stage 2 does not map
  g64(L2 + 5 * 8, block(0, SH)); // AF = 0
  g64(L2 + 6 * 8, table(0x102000)); // table in a stage-2 no-access page
  g64(L2 + 7 * 8, table(UART)); // table in device space (not RAM)
  g64(L2 + 0x48 * 8, block(UART & ~0x1fffff, DEVICE)); // VA 0x09000000: UART, uncached
  g64(L3 + 0 * 8, page(0x20000, NORMAL | AP_EL0)); // EL0 RW
  g64(L3 + 1 * 8, page(0x21000, NORMAL | AP_EL0 | AP_RO)); // RO everywhere
  g64(L3 + 2 * 8, page(0x22000, NORMAL | AP_RO)); // EL1 RO, EL0 none
  g64(L3 + 3 * 8, page(0x23000, NORMAL | AP_EL0 | UXN | PXN)); // XN
  g64(L3 + 4 * 8, page(0x24000, SH)); // AF = 0
  g64(L3 + 5 * 8, page(0x100000)); // stage-2 read-only
  // L3[6] invalid
  g64(L3 + 7 * 8, block(0x27000)); // 0b01 at level 3: reserved
  g64(L3 + 8 * 8, page(0x25000)); // AP = 00, no XN: EL0 execute-only
  g64(L3 + 10 * 8, page(0x1_0000_0000)); // IPA 4 GiB
  g64(L2_APT + 0, block(0, NORMAL | AP_EL0)); // under APTable RO + PXNTable

  // TTBR1, T1SZ = 25.
  g64(L1_HI + 0, table(L2_HI));
  g64(L2_HI + 0, block(0));

  // Four-level walk (T0SZ = 16).
  g64(L0_4 + 1 * 8, block(0)); // block at L0: reserved with 4K
  g64(L0_4 + 2 * 8, table(L1_4));
  g64(L1_4 + 0, block(0));
}

const walk = (va: bigint | number, access: AccessKind = 'read', el: El = 1, regs: Partial<Stage1Regs> = {}) =>
  walkStage1(mem, { ...REGS, ...regs }, va, access, el, s2.walk);

function ok(r: Stage1Translation | MmuFault): Stage1Translation {
  if (!r.ok) throw new Error(`unexpected fault ${JSON.stringify(r)}`);
  return r;
}

function fault(r: Stage1Translation | MmuFault): MmuFault {
  if (r.ok) throw new Error(`expected a fault, got IPA 0x${r.ipa.toString(16)}`);
  return r;
}

beforeEach(setup);

describe('stage 1', () => {
  it('MMU off: VA = IPA, Device-nGnRnE data, Normal fetches', () => {
    const off = { SCTLR_EL1: 0n };
    const r = ok(walk(0x1234, 'write', 0, off));
    expect(r).toMatchObject({ ipa: 0x1234, flat: true, memType: 'device-nGnRnE', writable: true });
    expect(ok(walk(0x1234, 'fetch', 0, off)).memType).toBe('normal');
    expect(ok(walk(0xffff_ffff_f000, 'read', 1, off)).ipa).toBe(0xffff_ffff_f000);
    expect(fault(walk(2 ** 48, 'read', 1, off))).toMatchObject({ kind: 'address_size', level: 0, fsc: 0 });
    // TBI0: the top byte is ignored.
    expect(ok(walk(0x5a00_0000_0000_1000n, 'read', 1, { ...off, TCR_EL1: TCR_INMATE | (1n << 37n) })).ipa).toBe(0x1000);
  });

  it('translates 1 GiB and 2 MiB blocks and 4 KiB pages', () => {
    expect(ok(walk(0x1234))).toMatchObject({ ipa: 0x1234, level: 2, blockSize: 2 * MiB, attrIndx: 0, memType: 'normal', flat: false });
    expect(ok(walk(0x1f_fff8))).toMatchObject({ ipa: 0x1f_fff8, level: 2 });
    expect(ok(walk(0x8000_0abc))).toMatchObject({ ipa: 0x8000_0abc, level: 1, blockSize: 1024 * MiB });
    expect(ok(walk(0x200_123))).toMatchObject({ ipa: 0x20123, level: 3, blockSize: 4096 });
    expect(ok(walk(0x0900_0010))).toMatchObject({ ipa: 0x0900_0010, attrIndx: 1, attr: 0, memType: 'device-nGnRnE' });
  });

  it('AP[2:1]: EL0 vs EL1 reads and writes', () => {
    // AP = 00: EL1 RW, EL0 none.
    expect(ok(walk(0x1000, 'write', 1)).writable).toBe(true);
    expect(fault(walk(0x1000, 'read', 0))).toMatchObject({ kind: 'permission', level: 2, stage: 1, fsc: 0b001110 });
    // AP = 01: RW at both.
    expect(ok(walk(0x200000, 'write', 0))).toMatchObject({ readable: true, writable: true });
    // AP = 11: RO at both.
    expect(ok(walk(0x201000, 'read', 0)).writable).toBe(false);
    expect(fault(walk(0x201000, 'write', 1))).toMatchObject({ kind: 'permission', level: 3, fsc: 0b001111 });
    expect(fault(walk(0x201000, 'write', 0)).kind).toBe('permission');
    // AP = 10: EL1 RO, EL0 none.
    expect(ok(walk(0x202000, 'read', 1)).writable).toBe(false);
    expect(fault(walk(0x202000, 'write', 1)).kind).toBe('permission');
    expect(fault(walk(0x202000, 'read', 0)).kind).toBe('permission');
  });

  it('UXN/PXN, implicit PXN for EL0-writable memory, execute-only, WXN', () => {
    expect(fault(walk(0x203000, 'fetch', 1))).toMatchObject({ kind: 'permission', level: 3 });
    expect(fault(walk(0x203000, 'fetch', 0)).kind).toBe('permission');
    expect(ok(walk(0x203000, 'read', 0)).executable).toBe(false);
    expect(fault(walk(0x0900_0000, 'fetch', 1)).kind).toBe('permission'); // device block is XN
    expect(ok(walk(0x200000, 'fetch', 0)).executable).toBe(true);
    expect(fault(walk(0x200000, 'fetch', 1)).kind).toBe('permission'); // EL0-writable → PXN
    expect(ok(walk(0x208000, 'fetch', 0)).readable).toBe(false); // execute-only at EL0
    expect(fault(walk(0x208000, 'read', 0)).kind).toBe('permission');
    expect(ok(walk(0x1000, 'fetch', 1)).executable).toBe(true);
    expect(fault(walk(0x1000, 'fetch', 1, { SCTLR_EL1: SCTLR_MCI | WXN })).kind).toBe('permission');
    expect(ok(walk(0x201000, 'fetch', 1, { SCTLR_EL1: SCTLR_MCI | WXN })).executable).toBe(true);
  });

  it('APTable and PXNTable restrict the levels below', () => {
    const va = 0xc000_1000;
    expect(ok(walk(va, 'read', 0))).toMatchObject({ ipa: 0x1000, writable: false, executable: true });
    expect(fault(walk(va, 'write', 1)).kind).toBe('permission');
    expect(fault(walk(va, 'write', 0)).kind).toBe('permission');
    expect(fault(walk(va, 'fetch', 1)).kind).toBe('permission');
  });

  it('AF = 0 gives an access flag fault at the leaf level', () => {
    expect(fault(walk(0x204000))).toMatchObject({ kind: 'access', level: 3, stage: 1, fsc: 0b001011 });
    expect(fault(walk(0xa00000))).toMatchObject({ kind: 'access', level: 2, fsc: 0b001010 });
  });

  it('translation faults carry the level', () => {
    expect(fault(walk(0x4000_0000))).toMatchObject({ kind: 'translation', level: 1, fsc: 0b000101 }); // L1[1]
    expect(fault(walk(0x60_0000))).toMatchObject({ kind: 'translation', level: 2, fsc: 0b000110 }); // L2[3]
    expect(fault(walk(0x206000))).toMatchObject({ kind: 'translation', level: 3, fsc: 0b000111 }); // L3[6]
    expect(fault(walk(0x207000))).toMatchObject({ kind: 'translation', level: 3 }); // reserved 0b01 at L3
    // Outside the T0SZ = 25 range, and TTBR1 disabled by EPD1.
    expect(fault(walk(0x80_0000_0000))).toMatchObject({ kind: 'translation', level: 0, fsc: 0b000100 });
    expect(fault(walk(0xffff_ff80_0000_0000n))).toMatchObject({ kind: 'translation', level: 0 });
    // A four-level walk from L0 (T0SZ = 16).
    const r4 = { TCR_EL1: (TCR_INMATE & ~0x3fn) | 16n, TTBR0_EL1: BigInt(L0_4) };
    expect(fault(walk(0x1000, 'read', 1, r4))).toMatchObject({ kind: 'translation', level: 0 });
    expect(fault(walk(0x80_0000_0000, 'read', 1, r4))).toMatchObject({ kind: 'translation', level: 0 }); // L0 block
    expect(ok(walk(0x100_0000_1234, 'read', 1, r4))).toMatchObject({ ipa: 0x1234, level: 1 });
    // A walk starting at L2 (T0SZ = 34 → 30-bit VA).
    const r2 = { TCR_EL1: (TCR_INMATE & ~0x3fn) | 34n, TTBR0_EL1: BigInt(L2) };
    expect(ok(walk(0x200_123, 'read', 1, r2))).toMatchObject({ ipa: 0x20123, level: 3 });
    expect(fault(walk(0x4000_0000, 'read', 1, r2))).toMatchObject({ kind: 'translation', level: 0 });
    // 64K granule is not modelled.
    expect(fault(walk(0x1000, 'read', 1, { TCR_EL1: TCR_INMATE | (1n << 14n) })).level).toBe(0);
  });

  it('output addresses beyond TCR.IPS give address size faults', () => {
    const ips32 = { TCR_EL1: TCR_INMATE & ~(7n << 32n) };
    expect(fault(walk(0x20a000, 'read', 1, ips32))).toMatchObject({ kind: 'address_size', level: 3, fsc: 0b000011 });
    // With IPS = 48 the IPA is fine for stage 1 but stage 2 maps nothing there (see TLB tests).
    expect(ok(walk(0x20a000)).ipa).toBe(0x1_0000_0000);
  });

  it('TTBR1 walks the upper half', () => {
    const hi = { TCR_EL1: (TCR_INMATE & ~(0x3fn << 16n) & ~(1n << 23n)) | (25n << 16n) | (2n << 30n), TTBR1_EL1: BigInt(L1_HI) | (5n << 48n) };
    expect(ok(walk(0xffff_ff80_0000_1234n, 'read', 1, hi))).toMatchObject({ ipa: 0x1234, level: 2 });
    expect(fault(walk(0xffff_ff80_0020_0000n, 'read', 1, hi))).toMatchObject({ kind: 'translation', level: 2 });
    expect(fault(walk(0xffff_0000_0000_0000n, 'read', 1, hi))).toMatchObject({ kind: 'translation', level: 0 });
    expect(ok(walk(0x1234, 'read', 1, hi)).ipa).toBe(0x1234); // TTBR0 still works
  });

  it('descriptor fetches go through stage 2 (S1PTW faults, external aborts)', () => {
    const f = fault(walk(0x400_010));
    expect(f).toMatchObject({ kind: 'translation', stage: 2, s1ptw: true, ipa: 0x30000000, level: 2, fsc: 0b000110 });
    expect(hpfar(f.ipa!)).toBe(0x300000);
    expect(fault(walk(0xc0_1000))).toMatchObject({ kind: 'permission', stage: 2, s1ptw: true, ipa: 0x102008, level: 3 });
    expect(fault(walk(0xe0_3000))).toMatchObject({ kind: 'external', stage: 1, level: 3, fsc: 0b010111 });
    // Without stage 2 the same table IPAs are host PAs (here: not RAM → external abort at L1).
    expect(fault(walkStage1(mem, REGS, 0x1000, 'read', 1))).toMatchObject({ kind: 'external', level: 1 });
  });
});

describe('stage 2', () => {
  it('translates the cell RAM at IPA 0 to its host PA with read/write/device attributes', () => {
    expect(s2.lookup(0x5010, 'write')).toMatchObject({ ok: true, pa: CELL_PA + 0x5010, read: true, write: true, device: false, level: 3 });
    expect(s2.lookup(0x8000_0008, 'read')).toMatchObject({ ok: true, pa: COMM_PA + 8 });
    expect(s2.lookup(UART + 0x18, 'write')).toMatchObject({ ok: true, pa: UART + 0x18, device: true });
    expect(s2.lookup(0x100_010, 'read')).toMatchObject({ ok: true, pa: RO_PA + 0x10, write: false });
  });

  it('reports faults with level and IPA', () => {
    expect(s2.lookup(0x100_010, 'write')).toMatchObject({ ok: false, kind: 'permission', stage: 2, level: 3, ipa: 0x100_010 });
    expect(s2.lookup(0x102_000, 'read')).toMatchObject({ kind: 'permission', level: 3 });
    expect(s2.lookup(0x102_000, 'fetch')).toMatchObject({ ok: true }); // only XN matters for fetches
    expect(s2.lookup(0x200000, 'read')).toMatchObject({ kind: 'translation', level: 2, ipa: 0x200000 });
    expect(s2.lookup(0x1_0000_0000, 'read')).toMatchObject({ kind: 'translation', level: 1 });
    expect(s2.lookup(0x100_0000_0000, 'read')).toMatchObject({ kind: 'translation', level: 0 });
    expect(s2.lookup(2 ** 44, 'read')).toMatchObject({ kind: 'translation', level: 0, ipa: 2 ** 44 });
    expect(new Stage2(mem, null).lookup(0x1234, 'write')).toMatchObject({ ok: true, pa: 0x1234 });
  });
});

describe('SoftTlb', () => {
  let tlb: SoftTlb;
  beforeEach(() => {
    tlb = new SoftTlb(mem, REGS, s2);
  });
  const tr = (va: bigint | number, access: AccessKind = 'read', el: El = 1) => tlb.translate(va, access, el);

  it('walks once, then hits', () => {
    expect(tr(0x1234)).toBe(CELL_PA + 0x1234);
    expect(tlb.misses).toBe(1);
    expect(tr(0x1ff8)).toBe(CELL_PA + 0x1ff8);
    expect(tr(0x1000, 'write')).toBe(CELL_PA + 0x1000);
    expect(tlb.translateHL(0, 0x1010, ACC_READ, 1)).toBe(CELL_PA + 0x1010);
    expect(tlb.misses).toBe(1);
    expect(tr(0x2000)).toBe(CELL_PA + 0x2000); // another page of the same block
    expect(tlb.misses).toBe(2);
    expect(tlb.validEntries()).toBe(2);
  });

  it('combines stage-1 and stage-2 permissions and faults', () => {
    expect(tr(0x205010)).toBe(RO_PA + 0x10);
    expect(tr(0x205010, 'write')).toBe(TLB_FAULT);
    expect(tlb.fault).toMatchObject({ kind: 'permission', stage: 2, level: 3, ipa: 0x100010, s1ptw: false });
    expect(tr(0x800_000)).toBe(TLB_FAULT);
    expect(tlb.fault).toMatchObject({ kind: 'translation', stage: 2, level: 2, ipa: 0x200000, s1ptw: false });
    expect(tr(0x20a000)).toBe(TLB_FAULT);
    expect(tlb.fault).toMatchObject({ kind: 'translation', stage: 2, level: 1, ipa: 0x1_0000_0000 });
    expect(tr(0x400_000)).toBe(TLB_FAULT);
    expect(tlb.fault).toMatchObject({ stage: 2, s1ptw: true, ipa: 0x30000000 });
    expect(tr(0x0900_0010, 'write')).toBe(UART + 0x10);
    expect(tlb.lastPerm & P_DEVICE).toBe(P_DEVICE);
    expect(tr(0x1000)).toBe(CELL_PA + 0x1000);
    expect(tlb.lastPerm & P_DEVICE).toBe(0);
  });

  it('checks EL0/EL1 permissions on hits, re-walking to report the exact fault', () => {
    expect(tr(0x1000, 'read', 1)).toBe(CELL_PA + 0x1000);
    const misses = tlb.misses;
    expect(tr(0x1000, 'read', 0)).toBe(TLB_FAULT);
    expect(tlb.fault).toMatchObject({ kind: 'permission', stage: 1, level: 2, fsc: faultStatusCode('permission', 2) });
    expect(tr(0x1000, 'write', 1)).toBe(CELL_PA + 0x1000);
    expect(tlb.misses).toBe(misses + 1);
    expect(tr(0x201000, 'read', 0)).toBe(CELL_PA + 0x21000);
    expect(tr(0x201000, 'write', 0)).toBe(TLB_FAULT);
    expect(tr(0x203000, 'fetch', 1)).toBe(TLB_FAULT);
    expect(tr(0x208000, 'fetch', 0)).toBe(CELL_PA + 0x25000);
  });

  it('never caches a translation that faulted', () => {
    expect(tr(0x206000)).toBe(TLB_FAULT);
    expect(tr(0x204000)).toBe(TLB_FAULT);
    expect(tlb.fault).toMatchObject({ kind: 'access', level: 3 });
    expect(tlb.validEntries()).toBe(0);
    g64(L3 + 6 * 8, page(0x26000));
    g64(L3 + 4 * 8, page(0x24000));
    expect(tr(0x206000)).toBe(CELL_PA + 0x26000); // no flush needed
    expect(tr(0x204000)).toBe(CELL_PA + 0x24000);
  });

  it('keeps stale translations until flushVa', () => {
    expect(tr(0x200_010)).toBe(CELL_PA + 0x20010);
    expect(tr(0x201_000)).toBe(CELL_PA + 0x21000);
    g64(L3 + 0, page(0x2a000, NORMAL | AP_EL0));
    g64(L3 + 8, 0n);
    expect(tr(0x200_010)).toBe(CELL_PA + 0x20010); // stale
    expect(tr(0x201_000)).toBe(CELL_PA + 0x21000);
    tlb.flushVa(SoftTlb.tlbiOperandVa(0x200n | (7n << 48n)));
    expect(tr(0x200_010)).toBe(CELL_PA + 0x2a010);
    expect(tr(0x201_000)).toBe(CELL_PA + 0x21000); // other page untouched
    tlb.flushVa(0x201_000);
    expect(tr(0x201_000)).toBe(TLB_FAULT);
  });

  it('flushVa drops every page of a stage-1 block', () => {
    expect(tr(0x1000)).toBe(CELL_PA + 0x1000);
    expect(tr(0x5000)).toBe(CELL_PA + 0x5000);
    expect(tr(0x200_000)).toBe(CELL_PA + 0x20000);
    g64(L2 + 0, 0n);
    tlb.flushVa(0x3000);
    expect(tr(0x1000)).toBe(TLB_FAULT);
    expect(tlb.fault).toMatchObject({ kind: 'translation', level: 2 });
    expect(tr(0x5000)).toBe(TLB_FAULT);
    expect(tr(0x200_000)).toBe(CELL_PA + 0x20000);
  });

  it('keeps stale translations until flushAll', () => {
    expect(tr(0x8000_0010)).toBe(COMM_PA + 0x10);
    expect(tr(0x1000)).toBe(CELL_PA + 0x1000);
    g64(L1 + 2 * 8, 0n);
    g64(L2 + 0, block(0, NORMAL | AP_RO));
    expect(tr(0x8000_0010)).toBe(COMM_PA + 0x10);
    expect(tr(0x1000, 'write')).toBe(CELL_PA + 0x1000);
    tlb.flushAll();
    expect(tlb.validEntries()).toBe(0);
    expect(tr(0x8000_0010)).toBe(TLB_FAULT);
    expect(tlb.fault).toMatchObject({ kind: 'translation', level: 1 });
    expect(tr(0x1000, 'write')).toBe(TLB_FAULT);
    expect(tlb.fault).toMatchObject({ kind: 'permission', level: 2 });
  });

  it('register writes flush when they change translation; stage-2 switches flush', () => {
    expect(tr(0x1000)).toBe(CELL_PA + 0x1000);
    expect(tlb.setRegs({ TTBR0_EL1: BigInt(L1) | (3n << 48n) })).toBe(false); // ASID only
    expect(tlb.validEntries()).toBe(1);
    expect(tlb.setRegs({ SCTLR_EL1: 0n })).toBe(true); // MMU off
    expect(tr(0x21000)).toBe(CELL_PA + 0x21000);
    expect(tr(0x200_000)).toBe(TLB_FAULT); // IPA 0x200000: not mapped at stage 2
    expect(tlb.fault).toMatchObject({ stage: 2, ipa: 0x200000 });
    expect(tlb.lastPerm & P_DEVICE).toBe(P_DEVICE);
    tlb.setStage2(null);
    expect(tr(0x1234)).toBe(0x1234);
    tlb.setStage2(pt);
    const m0 = tlb.misses;
    expect(tlb.setRegs({ SCTLR_EL1: SCTLR_MCI, TCR_EL1: (TCR_INMATE & ~(0x3fn << 16n) & ~(1n << 23n)) | (25n << 16n) | (2n << 30n), TTBR1_EL1: BigInt(L1_HI) })).toBe(true);
    expect(tr(0xffff_ff80_0000_1234n)).toBe(CELL_PA + 0x1234);
    expect(tr(0xffff_ff80_0000_1238n)).toBe(CELL_PA + 0x1238);
    expect(tr(0x1234)).toBe(CELL_PA + 0x1234);
    expect(tlb.misses).toBe(m0 + 2);
    tlb.flushVa(0xffff_ff80_0000_1000n);
    expect(tr(0x1234)).toBe(CELL_PA + 0x1234);
    expect(tlb.misses).toBe(m0 + 2); // the TTBR0 page survived
    expect(tr(0xffff_ff80_0000_1234n)).toBe(CELL_PA + 0x1234);
    expect(tlb.misses).toBe(m0 + 3);
  });

  it('is 2-way set associative', () => {
    const t = new SoftTlb(mem, REGS, s2, { sets: 1 });
    expect(t.size).toBe(2);
    for (const va of [0x1000, 0x2000, 0x3000]) expect(t.translate(va, 'read', 1)).toBe(CELL_PA + va);
    expect(t.misses).toBe(3);
    t.translate(0x3000, 'read', 1);
    t.translate(0x2000, 'read', 1);
    expect(t.misses).toBe(3);
    t.translate(0x1000, 'read', 1); // evicted
    expect(t.misses).toBe(4);
    expect(() => new SoftTlb(mem, REGS, s2, { sets: 3 })).toThrow(RangeError);
  });

  it('agrees with a fresh walk for random accesses', () => {
    const vas = [0x0, 0x1000, 0x1f_f000, 0x200_000, 0x201_000, 0x202_000, 0x203_000, 0x204_000, 0x205_000, 0x206_000, 0x208_000, 0x400_000, 0x800_000, 0x0900_0000, 0x8000_0000, 0xc000_0000];
    const accs: AccessKind[] = ['read', 'write', 'fetch'];
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom(...vas), fc.integer({ min: 0, max: 0xfff }), fc.constantFrom(...accs), fc.constantFrom<El>(0, 1), fc.boolean()), { maxLength: 60 }),
        (ops) => {
          const t = new SoftTlb(mem, REGS, s2, { sets: 2 });
          for (const [page, off, acc, el, flush] of ops) {
            if (flush) t.flushVa(page);
            const va = page + off;
            const s1 = walk(va, acc, el);
            const want = !s1.ok ? TLB_FAULT : (() => {
              const r = s2.lookup(s1.ipa, acc);
              return r.ok ? r.pa : TLB_FAULT;
            })();
            expect(t.translate(va, acc, el)).toBe(want);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
