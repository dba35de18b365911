/**
 * Unit tests of the guest engine's parts that need no worker: the CPU's memory view over the
 * software TLB and a real stage-2 table (faults with their stage-2 details, external aborts,
 * atomics), the agreement between the interpreter's ESR_EL2 syndromes and the encoders the
 * Linux model uses for arch_handle_trap, and the generic timer.
 */
import { describe, expect, it } from 'vitest';
import { PhysicalMemory } from '../src/shared/phys-mem.js';
import { PagePool, PoolFlags } from '../src/actors/hypervisor/core/page-pool.js';
import { pagingAllocRoot, pagingCreate, s2Flags, stage2Format } from '../src/actors/hypervisor/core/paging.js';
import { SoftTlb, Stage2 } from '../src/actors/cpu/a64/mmu.js';
import { CpuGuestMemory } from '../src/actors/cpu/guest/memory.js';
import { GenericTimer } from '../src/actors/cpu/guest/timer.js';
import { A64State, SCTLR_EL1_RES1 } from '../src/actors/cpu/a64/state.js';
import { step } from '../src/actors/cpu/a64/interp.js';
import { el2Syndrome } from '../src/actors/cpu/a64/interp-exc.js';
import { accessFor } from '../src/actors/cpu/a64/interp-mem.js';
import { assemble } from '../src/actors/cpu/a64/asm-text.js';
import { esrEc, esrForHvc, esrForSmc } from '../src/shared/arm64/esr.js';
import { esrForSysreg } from '../src/shared/arm64/iss-sysreg.js';

const BANK = 0x4000_0000;
const CELL_PA = BANK + 0x40_0000;
const RO_PA = BANK + 0x50_0000;
const UART = 0x0900_0000;
const LD = accessFor('load', 1);
const ST = accessFor('store', 1);
const AT = accessFor('atomic', 1);

/** A cell: IPA [0, 1 MiB) RW at CELL_PA, IPA 0x100000 read-only, the UART (not RAM) as a device. */
function cell(): { mem: CpuGuestMemory; phys: PhysicalMemory; tlb: SoftTlb } {
  const phys = new PhysicalMemory([{ base: BANK, size: 8 << 20, sab: new SharedArrayBuffer(8 << 20) }]);
  const pool = new PagePool(phys, BANK + 0x100);
  pool.init(BANK + 0x10000, 256, BANK + 0x10000, PoolFlags.SCRUB_ON_FREE);
  pool.markUsed(1);
  const format = stage2Format(44);
  const pt = { root: pagingAllocRoot(pool, format), format };
  expect(pagingCreate(phys, pool, pt, CELL_PA, 0x10_0000, 0, s2Flags({ read: true, write: true }), { huge: true })).toBe(0);
  expect(pagingCreate(phys, pool, pt, RO_PA, 0x1000, 0x10_0000, s2Flags({ read: true }), {})).toBe(0);
  expect(pagingCreate(phys, pool, pt, UART, 0x1000, UART, s2Flags({ read: true, write: true, device: true }), {})).toBe(0);
  // SCTLR_EL1 at reset: RES1 bits only, MMU off.
  const regs = { SCTLR_EL1: SCTLR_EL1_RES1, TCR_EL1: 0n, TTBR0_EL1: 0n, TTBR1_EL1: 0n, MAIR_EL1: 0n };
  const tlb = new SoftTlb(phys, regs, new Stage2(phys, pt));
  return { mem: new CpuGuestMemory(phys, tlb), phys, tlb };
}

describe('CpuGuestMemory (MMU off, a real stage 2)', () => {
  it('reads and writes every size little-endian into the cell RAM stage 2 maps', () => {
    const { mem, phys } = cell();
    expect(mem.write(0x1000, 8, 0x1122_3344_5566_7788n, ST)).toBeUndefined();
    expect(phys.read64big(CELL_PA + 0x1000)).toBe(0x1122_3344_5566_7788n);
    expect(mem.read(0x1000, 1, LD)).toBe(0x88n);
    expect(mem.read(0x1002, 2, LD)).toBe(0x5566n);
    expect(mem.read(0x1004, 4, LD)).toBe(0x1122_3344n);
    expect(mem.write(0x1004, 4, 0xffff_ffff_aabb_ccddn, ST)).toBeUndefined();
    expect(mem.read(0x1000, 8, LD)).toBe(0xaabb_ccdd_5566_7788n);
    expect(mem.fetch(0x1000, accessFor('fetch', 1))).toBe(0x5566_7788);
  });

  it('with the MMU off data accesses are Device-nGnRnE: an unaligned access is an alignment fault', () => {
    const { mem } = cell();
    expect(mem.read(0x1001, 4, LD)).toMatchObject({ fault: 'alignment', va: 0x1001 });
  });

  it('the alignment fault of Device memory comes before a stage-2 fault (R_XCHFJ): an unaligned access to an unmapped IPA never reaches EL2', () => {
    const { mem } = cell();
    expect(mem.read(0x20_0001, 4, LD)).toMatchObject({ fault: 'alignment', va: 0x20_0001 });
    expect(mem.write(0x20_0001, 2, 1n, ST)).toMatchObject({ fault: 'alignment', write: true });
    expect(mem.write(0x20_0fff, 2, 1n, ST)).toMatchObject({ fault: 'alignment', write: true }); // crossing a page
    expect(mem.atomic(0x20_0004, 8, (o) => o, AT)).toMatchObject({ fault: 'alignment' });
    // Aligned, or a byte: the stage-2 fault the hypervisor emulates.
    expect(mem.read(0x20_0004, 4, LD)).toMatchObject({ fault: 'stage2', ipa: 0x20_0004 });
    expect(mem.write(0x20_0003, 1, 1n, ST)).toMatchObject({ fault: 'stage2', ipa: 0x20_0003 });
  });

  it('stage-2 faults carry the IPA, the kind and the level for ESR_EL2/HPFAR_EL2', () => {
    const { mem } = cell();
    expect(mem.read(0x10_0008, 8, LD)).toBe(0n);
    expect(mem.write(0x10_0008, 8, 1n, ST)).toMatchObject({ fault: 'stage2', stage2: 'permission', ipa: 0x10_0008, write: true });
    const miss = mem.read(0x20_0000, 4, LD);
    expect(miss).toMatchObject({ fault: 'stage2', stage2: 'translation', ipa: 0x20_0000, write: false, s1ptw: false });
  });

  it('a mapped IPA whose PA is not RAM ends with a synchronous external abort', () => {
    const { mem } = cell();
    expect(mem.read(UART, 4, LD)).toMatchObject({ fault: 'external', va: UART });
    expect(mem.write(UART, 4, 0x41n, ST)).toMatchObject({ fault: 'external', write: true });
  });

  it('atomic read-modify-write and compare-and-swap return the old value; a failed CAS leaves memory', () => {
    const { mem, phys } = cell();
    mem.write(0x2000, 8, 0xffff_ffff_ffff_fffen, ST);
    expect(mem.atomic(0x2000, 8, (o) => BigInt.asUintN(64, o + 3n), AT)).toBe(0xffff_ffff_ffff_fffen);
    expect(phys.read64big(CELL_PA + 0x2000)).toBe(1n);
    expect(mem.cas(0x2000, 8, 2n, 9n, AT)).toBe(1n);
    expect(phys.read64big(CELL_PA + 0x2000)).toBe(1n);
    expect(mem.cas(0x2000, 8, 1n, 9n, AT)).toBe(1n);
    expect(phys.read64big(CELL_PA + 0x2000)).toBe(9n);
    for (const size of [1, 2, 4] as const) {
      mem.write(0x3000, size, 0x80n, ST);
      expect(mem.cas(0x3000, size, 0x80n, 0x7fn, AT)).toBe(0x80n);
      expect(mem.read(0x3000, size, LD)).toBe(0x7fn);
    }
    // An atomic needs write permission too.
    expect(mem.atomic(0x10_0000, 4, (o) => o, AT)).toMatchObject({ fault: 'stage2', stage2: 'permission' });
  });
});

describe('ESR_EL2 encodings agree between the interpreter and the hypervisor-side encoders', () => {
  function exitOf(src: string): bigint {
    const { mem, phys } = cell();
    phys.copyIn(CELL_PA, assemble(src, 0).bytes);
    const s = new A64State();
    s.x[5] = 0x1_0000_0001n;
    const r = step(s, mem, { mpidr: () => 0n, timerRead: () => 0n, timerWrite: () => undefined });
    expect(r.kind).toBe('exception');
    return el2Syndrome(r as Parameters<typeof el2Syndrome>[0])!.esr;
  }

  it('HVC #0x4a48, SMC #0 and MSR ICC_SGI1R_EL1, x5', () => {
    expect(exitOf('hvc #0x4a48')).toBe(BigInt(esrForHvc(0x4a48)));
    expect(exitOf('smc #0')).toBe(BigInt(esrForSmc(0)));
    const esr = exitOf('msr icc_sgi1r_el1, x5');
    expect(esr).toBe(BigInt(esrForSysreg(3, 0, 12, 11, 5, 5, false)));
    expect(esrEc(Number(esr))).toBe(0x18);
  });

  it('a stage-2 data abort from a plain load has ISV, SAS, SRT and the DFSC', () => {
    const { mem, phys } = cell();
    phys.copyIn(CELL_PA, assemble('ldrsh x7, [x1, #2]', 0).bytes);
    const s = new A64State();
    s.x[1] = 0x20_0000n;
    const r = step(s, mem, { mpidr: () => 0n, timerRead: () => 0n, timerWrite: () => undefined });
    const syn = el2Syndrome(r as Parameters<typeof el2Syndrome>[0])!;
    expect(syn.ec).toBe(0x24);
    expect((syn.iss >> 24) & 1).toBe(1); // ISV
    expect((syn.iss >> 22) & 3).toBe(1); // SAS: halfword
    expect((syn.iss >> 21) & 1).toBe(1); // SSE
    expect((syn.iss >> 16) & 31).toBe(7); // SRT
    expect((syn.iss >> 15) & 1).toBe(1); // SF
    expect((syn.iss >> 6) & 1).toBe(0); // WnR
    expect(syn.iss & 0x3f).toBe(0x04 | 2); // translation fault at level 2 (the L2 entry for 2 MiB is invalid)
    expect(syn.far).toBe(0x20_0002);
    expect(syn.hpfar).toBe(BigInt(0x20_0000 / 4096) << 4n);
  });
});

describe('GenericTimer', () => {
  it('CNTFRQ, a counter that moves, TVAL as the signed distance to CVAL, ISTATUS once it passed', () => {
    const t = new GenericTimer(62_500_000);
    expect(t.read('CNTFRQ_EL0')).toBe(62_500_000n);
    const c0 = t.read('CNTVCT_EL0');
    t.write('CNTV_TVAL_EL0', 1_000_000n);
    const cval = t.read('CNTV_CVAL_EL0');
    expect(cval - c0).toBeGreaterThanOrEqual(1_000_000n);
    expect(cval - c0).toBeLessThan(1_000_000n + 62_500_000n);
    t.write('CNTV_CTL_EL0', 1n);
    expect(t.read('CNTV_CTL_EL0')).toBe(1n);
    expect(t.virtualFiring()).toBe(false);
    t.write('CNTV_CVAL_EL0', c0);
    expect(t.read('CNTV_CTL_EL0')).toBe(5n);
    expect(t.virtualFiring()).toBe(true);
    expect(BigInt.asIntN(32, t.read('CNTV_TVAL_EL0'))).toBeLessThanOrEqual(0n);
    t.write('CNTV_CTL_EL0', 3n);
    expect(t.virtualFiring()).toBe(false);
  });
});
