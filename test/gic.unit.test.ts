/**
 * The GICv3 model on its own (no workers): distributor and redistributor registers, routing,
 * the physical CPU interface's priority/mask/active rules, and the list registers as the
 * hypervisor and the guest use them.
 */
import { describe, expect, it } from 'vitest';
import {
  GICD_ICENABLER, GICD_IPRIORITYR, GICD_IROUTER, GICD_ISENABLER, GICD_ISPENDR, GICR_ICENABLER0, GICR_IPRIORITYR0,
  GICR_ISENABLER0, GICR_TYPER, GICR_WAKER, Gic, GicCpuInterface, GicCpuWord, GicField, ICH_HCR_EN, ICH_HCR_UIE, ICH_VMCR_VENG1, ICH_VMCR_VEOIM, LrHi, LrState,
  SPURIOUS_IRQ, gicCpuWord, gicSabSize,
} from '../src/actors/gic/index.js';
import { CpuWord, cpuSabSize, cpuWord } from '../src/actors/cpu/layout.js';

const NR = 4;

function machine(): { gic: Gic; cpus: Int32Array; ic: GicCpuInterface[] } {
  const cpus = new Int32Array(new SharedArrayBuffer(cpuSabSize(NR)));
  const gic = new Gic(new SharedArrayBuffer(gicSabSize(NR)), NR, 288, [0, 1, 2, 3], cpus);
  gic.resetHardware();
  const ic = [0, 1, 2, 3].map((c) => new GicCpuInterface(gic, c));
  // What Linux's driver does at boot: distributor on, everything group 1, CPU interfaces on.
  gic.distAccess(0, 4, true, 0x12n);
  for (let n = 1; n < 9; n++) gic.distAccess(0x80 + n * 4, 4, true, 0xffffffffn);
  for (let c = 0; c < NR; c++) {
    gic.redistAccess(c, 0x10080, 4, true, 0xffffffffn);
    ic[c]!.writeIcc('ICC_PMR_EL1', 0xf0n);
    ic[c]!.writeIcc('ICC_IGRPEN1_EL1', 1n);
  }
  return { gic, cpus, ic };
}

describe('GICv3 distributor and redistributors', () => {
  it('identifies itself as a GICv3 with the board number of interrupt lines', () => {
    const { gic } = machine();
    expect(Number(gic.distAccess(0xffe8, 4, false, 0n)) >> 4 & 0xf).toBe(3);
    expect(Number(gic.distAccess(0x4, 4, false, 0n)) & 0x1f).toBe(8);
    expect(Number(gic.distAccess(0x0, 4, false, 0n)) & 0x10).toBe(0x10);
  });

  it('redistributor TYPER carries affinity and Last on the last frame', () => {
    const { gic } = machine();
    expect(Number(gic.redistAccess(2, 0xc, 4, false, 0n))).toBe(2);
    expect(Number(gic.redistAccess(2, 0x8, 4, false, 0n)) & 0x10).toBe(0);
    expect(Number(gic.redistAccess(3, 0x8, 4, false, 0n)) & 0x10).toBe(0x10);
    expect(gic.redistAccess(3, 0x8, 8, false, 0n) >> 32n).toBe(3n);
  });

  it('set/clear-enable and pending registers are write-1 banks; priorities keep 5 bits', () => {
    const { gic } = machine();
    gic.distAccess(0x104, 4, true, 0x5n);
    gic.distAccess(0x184, 4, true, 0x1n);
    expect(gic.distAccess(0x104, 4, false, 0n)).toBe(0x4n);
    gic.distAccess(0x400 + 40, 1, true, 0xffn);
    expect(gic.distAccess(0x400 + 40, 1, false, 0n)).toBe(0xf8n);
    // SGI/PPI banks in the distributor are RAZ/WI with affinity routing.
    gic.distAccess(0x100, 4, true, 0xffffffffn);
    expect(gic.distAccess(0x100, 4, false, 0n)).toBe(0n);
  });

  it('an SPI reaches only the CPU its IROUTER names, and kicks it', () => {
    const { gic, cpus, ic } = machine();
    gic.distAccess(0x6000 + 40 * 8, 8, true, 2n);
    gic.distAccess(0x104, 4, true, 1n << 8n);
    const before = Atomics.load(cpus, cpuWord(2, CpuWord.WAKE));
    gic.raiseSpi(40);
    expect(Atomics.load(cpus, cpuWord(2, CpuWord.WAKE))).toBeGreaterThan(before);
    expect(ic[1]!.signalled()).toBe(false);
    expect(ic[2]!.signalled()).toBe(true);
    expect(ic[2]!.ack()).toBe(40);
    expect(ic[2]!.signalled()).toBe(false);
    ic[2]!.eoi(40);
    expect(gic.distAccess(0x304, 4, false, 0n)).toBe(0n);
  });
});

describe('GICv3 physical CPU interface', () => {
  it('masks by priority, prefers the higher priority, and runs EOImode 1 as drop + DIR', () => {
    const { gic, ic } = machine();
    const c = ic[0]!;
    gic.redistAccess(0, 0x10100, 4, true, 0xffffn);
    gic.redistAccess(0, 0x10400 + 4, 1, true, 0xa0n); // SGI 4
    gic.redistAccess(0, 0x10400 + 5, 1, true, 0x80n); // SGI 5
    gic.sendSgi([0], 4);
    gic.sendSgi([0], 5);
    c.writeIcc('ICC_PMR_EL1', 0x90n);
    expect(c.ack()).toBe(5);
    // SGI 4 (0xa0) is masked by PMR 0x90 and by the running priority 0x80.
    expect(c.ack()).toBe(SPURIOUS_IRQ);
    c.writeIcc('ICC_PMR_EL1', 0xf0n);
    expect(c.readIcc('ICC_RPR_EL1')).toBe(0x80n);
    expect(c.ack()).toBe(SPURIOUS_IRQ);
    c.writeIcc('ICC_CTLR_EL1', 2n);
    c.eoi(5);
    expect(gic.redistAccess(0, 0x10300, 4, false, 0n) & 0x20n).toBe(0x20n);
    c.dir(5);
    expect(gic.redistAccess(0, 0x10300, 4, false, 0n) & 0x20n).toBe(0n);
    expect(c.ack()).toBe(4);
  });

  it('a level PPI stays pending while its line is high and fires again after deactivation', () => {
    const { gic, ic } = machine();
    const c = ic[1]!;
    gic.redistAccess(1, 0x10100, 4, true, 1n << 27n);
    gic.setPpiLevel(1, 27, true);
    expect(c.ack()).toBe(27);
    gic.setPpiLevel(1, 27, true);
    expect(c.ack()).toBe(SPURIOUS_IRQ);
    c.eoi(27);
    expect(c.ack()).toBe(27);
    c.eoi(27);
    gic.setPpiLevel(1, 27, false);
    expect(c.ack()).toBe(SPURIOUS_IRQ);
  });
});

describe('GICv3 virtual CPU interface', () => {
  function virt(): { gic: Gic; c: GicCpuInterface } {
    const { gic, ic } = machine();
    const c = ic[0]!;
    c.store(GicCpuWord.ICH_HCR, ICH_HCR_EN);
    c.store(GicCpuWord.ICH_VMCR, ICH_VMCR_VENG1 | (0xf0 << 24));
    return { gic, c };
  }
  const pending = (hw: number): number => LrHi.GROUP | (LrState.PENDING << LrHi.STATE_SHIFT) | hw;

  it('EL1 acknowledges and EOIs from the list registers, not the physical interface', () => {
    const { c } = virt();
    c.writeLr(0, 33, pending(0));
    expect(c.vSignalled()).toBe(true);
    expect(c.readIcc('ICC_IAR1_EL1')).toBe(33n);
    expect(c.lrState(0)).toBe(LrState.ACTIVE);
    expect(c.vSignalled()).toBe(false);
    c.writeIcc('ICC_EOIR1_EL1', 33n);
    expect(c.lrState(0)).toBe(LrState.INVALID);
    expect(c.elrsr() & 1).toBe(1);
  });

  it('a HW LR deactivates the physical interrupt when the guest EOIs it', () => {
    const { gic, c } = virt();
    gic.redistAccess(0, 0x10100, 4, true, 1n << 27n);
    gic.setPpiLevel(0, 27, true);
    c.store(GicCpuWord.ICC_CTLR, 2);
    expect(c.ack()).toBe(27);
    c.eoi(27); // EL2's priority drop; 27 stays active for the guest
    c.writeLr(1, 27, pending(LrHi.HW | 27));
    gic.setPpiLevel(0, 27, false);
    expect(c.readIcc('ICC_IAR1_EL1')).toBe(27n);
    expect(gic.redistAccess(0, 0x10300, 4, false, 0n) & (1n << 27n)).not.toBe(0n);
    c.writeIcc('ICC_EOIR1_EL1', 27n);
    expect(gic.redistAccess(0, 0x10300, 4, false, 0n) & (1n << 27n)).toBe(0n);
  });

  it('VEOIM splits drop and deactivate; VPMR and VENG1 mask', () => {
    const { c } = virt();
    c.store(GicCpuWord.ICH_VMCR, ICH_VMCR_VENG1 | ICH_VMCR_VEOIM | (0xf0 << 24));
    c.writeLr(0, 5, pending(0));
    expect(c.readIcc('ICC_IAR1_EL1')).toBe(5n);
    c.writeIcc('ICC_EOIR1_EL1', 5n);
    expect(c.lrState(0)).toBe(LrState.ACTIVE);
    c.writeIcc('ICC_DIR_EL1', 5n);
    expect(c.lrState(0)).toBe(LrState.INVALID);
    c.writeIcc('ICC_IGRPEN1_EL1', 0n);
    c.writeLr(0, 6, pending(0));
    expect(c.vSignalled()).toBe(false);
    c.writeIcc('ICC_IGRPEN1_EL1', 1n);
    c.writeIcc('ICC_PMR_EL1', 0n);
    expect(c.vSignalled()).toBe(false);
    expect(c.readIcc('ICC_IAR1_EL1')).toBe(1023n);
  });

  it('the underflow maintenance condition follows UIE and the number of valid LRs', () => {
    const { c } = virt();
    for (let n = 0; n < 4; n++) c.writeLr(n, 40 + n, pending(0));
    c.store(GicCpuWord.ICH_HCR, ICH_HCR_EN | ICH_HCR_UIE);
    expect(c.maintenanceLevel()).toBe(false);
    for (let n = 0; n < 3; n++) c.writeLr(n, 0, 0);
    expect(c.maintenanceLevel()).toBe(true);
    c.store(GicCpuWord.ICH_HCR, ICH_HCR_EN);
    expect(c.maintenanceLevel()).toBe(false);
  });

  it('keeps every CPU interface in its own slot of the shared buffer', () => {
    const { ic } = machine();
    ic[2]!.writeIcc('ICC_PMR_EL1', 0x80n);
    expect(ic[2]!.gic.i32[gicCpuWord(2, GicCpuWord.ICC_PMR)]).toBe(0x80);
    expect(ic[1]!.readIcc('ICC_PMR_EL1')).toBe(0xf0n);
  });
});

describe('GICv3 register access sizes (IHI 0069 12.1.3; RAZ/WI otherwise, as QEMU)', () => {
  it('the bitmap registers take 32-bit aligned accesses only: byte, halfword and unaligned writes change nothing and read 0', () => {
    const { gic } = machine();
    gic.distAccess(GICD_ISENABLER + 16, 4, true, 0x0104_0000n); // SPIs 146, 152
    const enabled = gic.distAccess(GICD_ISENABLER + 16, 4, false, 0n);
    expect(enabled).toBe(0x0104_0000n);
    for (const [off, size, value] of [[GICD_ICENABLER + 19, 1, 1n], [GICD_ICENABLER + 18, 2, 0xffffn], [GICD_ICENABLER + 17, 4, 0x10000n], [GICD_ICENABLER + 16, 8, ~0n]] as const) {
      gic.distAccess(off, size, true, value);
      expect(gic.distAccess(GICD_ISENABLER + 16, 4, false, 0n), `write of ${size} at 0x${off.toString(16)}`).toBe(enabled);
    }
    expect(gic.distAccess(GICD_ISENABLER + 19, 1, false, 0n)).toBe(0n);
    expect(gic.distAccess(GICD_ISENABLER + 17, 4, false, 0n)).toBe(0n);
    gic.distAccess(GICD_ISPENDR + 19, 1, true, 1n);
    expect(gic.distAccess(GICD_ISPENDR + 16, 4, false, 0n)).toBe(0n);
  });

  it('IPRIORITYR takes bytes and aligned words; IROUTER doublewords and aligned 32-bit halves', () => {
    const { gic } = machine();
    gic.distAccess(GICD_IPRIORITYR + 146, 1, true, 0xa0n);
    expect(gic.distAccess(GICD_IPRIORITYR + 144, 4, false, 0n)).toBe(0xa0_0000n);
    gic.distAccess(GICD_IPRIORITYR + 146, 2, true, 0n); // halfword: ignored
    gic.distAccess(GICD_IPRIORITYR + 145, 4, true, 0n); // unaligned word: ignored
    expect(gic.distAccess(GICD_IPRIORITYR + 146, 1, false, 0n)).toBe(0xa0n);
    gic.distAccess(GICD_IROUTER + 8 * 146, 8, true, 0x1_0000_0002n);
    expect(gic.distAccess(GICD_IROUTER + 8 * 146 + 4, 4, false, 0n)).toBe(1n);
    gic.distAccess(GICD_IROUTER + 8 * 146 + 4, 4, true, 0n);
    expect(gic.distAccess(GICD_IROUTER + 8 * 146, 8, false, 0n)).toBe(2n);
    gic.distAccess(GICD_IROUTER + 8 * 146 + 2, 4, true, 0xffn); // unaligned: ignored
    gic.distAccess(GICD_IROUTER + 8 * 146, 1, true, 0xffn); // byte: ignored
    expect(gic.distAccess(GICD_IROUTER + 8 * 146, 8, false, 0n)).toBe(2n);
  });

  it('redistributors: bytes for IPRIORITYR only, doublewords for TYPER only', () => {
    const { gic } = machine();
    gic.redistAccess(1, GICR_ISENABLER0 + 3, 1, true, 0xffn);
    expect(gic.redistAccess(1, GICR_ISENABLER0, 4, false, 0n) >> 24n).toBe(0n);
    gic.redistAccess(1, GICR_IPRIORITYR0 + 27, 1, true, 0x80n);
    expect(gic.redistAccess(1, GICR_IPRIORITYR0 + 24, 4, false, 0n)).toBe(0x8000_0000n);
    expect(gic.redistAccess(1, GICR_TYPER, 8, false, 0n) >> 32n).toBe(1n);
    expect(gic.redistAccess(1, GICR_WAKER, 8, false, 0n)).toBe(0n);
  });

  it('records what a write changed (for the isolation monitor), and only what changed', () => {
    const { gic } = machine();
    gic.recordChanges();
    gic.distAccess(GICD_ISENABLER + 16, 4, true, 0x0004_0001n);
    gic.distAccess(GICD_ISENABLER + 16, 4, true, 0x1n); // already enabled: no change
    gic.distAccess(GICD_IPRIORITYR + 146, 1, true, 0x10n);
    gic.redistAccess(2, GICR_ICENABLER0, 4, true, 0xffff_ffffn);
    expect(gic.takeChanges()).toEqual([
      { field: GicField.ENABLE, cpu: -1, irq: 128 },
      { field: GicField.ENABLE, cpu: -1, irq: 146 },
      { field: GicField.PRIORITY, cpu: -1, irq: 146 },
    ]);
    gic.recordChanges();
    gic.distAccess(GICD_ISENABLER + 16, 4, true, 0x1n); // enabled already
    expect(gic.takeChanges()).toEqual([]);
    gic.distAccess(GICD_ICENABLER + 16, 4, true, 0x1n); // not recording
    gic.recordChanges();
    expect(gic.takeChanges()).toEqual([]);
  });
});
