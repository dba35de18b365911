/**
 * What the distributor's and the redistributors' register files share: the width of a bus
 * access, the ID registers' values, the one-bit-per-INTID banks' order, and IPRIORITYR (the
 * byte array both frames expose: SPIs in the distributor, SGIs/PPIs per redistributor).
 */
import { GicField } from './changes.js';
import type { GicState } from './gic-state.js';
import { GicdWord, GIC_PRI_MASK, priorityByte } from './layout.js';

/** GICD_IIDR / GICR_IIDR: ARM implementer (0x43b), product "GIC-600"-like, revision 0. */
export const GIC_IIDR = 0x0200043b;
/** PIDR2: ArchRev 3 (GICv3) in bits 7:4. */
export const GIC_PIDR2 = 0x3b;
export const GIC_PIDR0 = 0x92;
export const GIC_PIDR1 = 0xb4;
export const GIC_PIDR4 = 0x04;
export const GIC_CIDR = [0x0d, 0xf0, 0x05, 0xb1];

/** The change each of IS/ICENABLER, IS/ICPENDR, IS/ICACTIVER (in that order) makes. */
export const BIT_FIELDS = [GicField.ENABLE, GicField.ENABLE, GicField.PENDING, GicField.PENDING, GicField.ACTIVE, GicField.ACTIVE] as const;

/** The bits an access of `size` bytes carries. */
export function sizeMask(size: number): bigint {
  return size >= 8 ? 0xffff_ffff_ffff_ffffn : (1n << BigInt(size * 8)) - 1n;
}

/** A 32-bit state word as a register read. */
export function readWord(g: Int32Array, idx: number): bigint {
  return BigInt(Atomics.load(g, idx) >>> 0);
}

/** IPRIORITYR bytes: `cpu` < 0 = distributor (SPIs), else that CPU's redistributor (SGIs/PPIs). */
export function priorityAccess(gic: GicState, cpu: number, rel: number, size: number, isWrite: boolean, value: bigint): bigint {
  let r = 0n;
  for (let i = 0; i < size; i++) {
    const irq = rel + i;
    if (cpu < 0 && (irq < 32 || irq >= gic.nrIrqs)) continue;
    const b = priorityByte(cpu < 0 ? 0 : cpu, irq);
    if (isWrite) {
      const nv = Number((value >> BigInt(8 * i)) & 0xffn) & GIC_PRI_MASK;
      if (gic.u8[b] !== nv) gic.changeLog.note(GicField.PRIORITY, cpu, irq);
      gic.u8[b] = nv;
    } else r |= BigInt(gic.u8[b]!) << BigInt(8 * i);
  }
  if (isWrite && cpu >= 0) gic.kick(cpu);
  if (isWrite && cpu < 0) Atomics.add(gic.i32, GicdWord.SPI_GEN, 1);
  return r;
}
