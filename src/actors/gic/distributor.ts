/**
 * The distributor's register file (GICD): the SPIs' group, enable, pending, active, priority,
 * trigger and IROUTER banks, CTLR, SETSPI/CLRSPI and the ID registers, performed on the GIC's
 * state (gic-state.ts). An access of a size or alignment the register does not take (regs.ts)
 * reads as zero and writes nothing, as on QEMU's GICv3.
 */
import { GicField } from './changes.js';
import type { GicState } from './gic-state.js';
import { GicdWord } from './layout.js';
import {
  BIT_FIELDS, GIC_CIDR, GIC_IIDR, GIC_PIDR0, GIC_PIDR1, GIC_PIDR2, GIC_PIDR4, priorityAccess, readWord, sizeMask,
} from './register-file.js';
import {
  GICD_BITMAP_BANK, GICD_CIDR0, GICD_CIDR3, GICD_CLRSPI_NSR, GICD_CLRSPI_SR, GICD_CTLR, GICD_CTLR_ARE_NS,
  GICD_CTLR_ENABLE_G1NS, GICD_ICFGR, GICD_ICFGR_INT_CONFIG, GICD_ICFGR_SIZE, GICD_IGROUPR, GICD_IIDR, GICD_IPRIORITYR,
  GICD_IROUTER, GICD_IROUTER_AFF3, GICD_IROUTER_AFF_LO, GICD_IROUTER_IRM, GICD_IROUTER_SIZE, GICD_ISENABLER,
  GICD_ITARGETSR, GICD_PIDR0, GICD_PIDR1, GICD_PIDR2, GICD_PIDR4, GICD_SETSPI_INTID, GICD_SETSPI_NSR, GICD_SETSPI_SR,
  GICD_TYPER, GICD_TYPER_ID_BITS_SHIFT, gicdAccessOk,
} from './regs.js';

/** GICD_IS/ICENABLER, IS/ICPENDR, IS/ICACTIVER in order: the state word bank each one sets or clears. */
const BIT_BANKS = [GicdWord.ENABLE, GicdWord.ENABLE, GicdWord.PENDING, GicdWord.PENDING, GicdWord.ACTIVE, GicdWord.ACTIVE] as const;

/** A GICD register access of `size` bytes at `off` (mmio_perform_access on the distributor). */
export function distAccess(gic: GicState, off: number, size: number, isWrite: boolean, value: bigint): bigint {
  if (!gicdAccessOk(off, size)) return 0n;
  const g = gic.i32;
  const log = gic.changeLog;
  // The bus carries `size` bytes: a register never sees more of the source register.
  if (isWrite) value &= sizeMask(size);
  if (off >= GICD_IROUTER && off < GICD_IROUTER + GICD_IROUTER_SIZE) return irouterAccess(gic, off - GICD_IROUTER, size, isWrite, value);
  if (off >= GICD_IPRIORITYR && off < GICD_ITARGETSR) return priorityAccess(gic, -1, off - GICD_IPRIORITYR, size, isWrite, value);
  if (size !== 4) return 0n; // the byte-accessible ITARGETSR/xPENDSGIR are RAZ/WI with affinity routing
  const v = Number(BigInt.asUintN(32, value));
  // Banks of one bit per INTID; word 0 (SGIs/PPIs) is RAZ/WI with affinity routing.
  const bitBank = (first: number): number | undefined => {
    const n = (off - first) >> 2;
    return n === 0 || n * 32 >= gic.nrIrqs ? undefined : n;
  };
  if (off >= GICD_IGROUPR && off < GICD_ISENABLER) {
    const n = bitBank(GICD_IGROUPR);
    if (n === undefined) return 0n;
    if (!isWrite) return readWord(g, GicdWord.GROUP + n);
    const old = Atomics.exchange(g, GicdWord.GROUP + n, v | 0);
    log.noteBits(GicField.GROUP, -1, n * 32, old ^ v);
    bankChanged(gic, n, -1); // every SPI of the word may have changed group
    return 0n;
  }
  if (off >= GICD_ISENABLER && off < GICD_IPRIORITYR) {
    const reg = Math.floor((off - GICD_ISENABLER) / GICD_BITMAP_BANK); // 0 ISENABLER 1 ICENABLER 2 ISPENDR 3 ICPENDR 4 ISACTIVER 5 ICACTIVER
    const n = bitBank(GICD_ISENABLER + reg * GICD_BITMAP_BANK);
    if (n === undefined) return 0n;
    const base = BIT_BANKS[reg]!;
    if (!isWrite) return readWord(g, base + n);
    if (v === 0) return 0n;
    const old = reg & 1 ? Atomics.and(g, base + n, ~v) : Atomics.or(g, base + n, v);
    log.noteBits(BIT_FIELDS[reg]!, -1, n * 32, reg & 1 ? old & v : ~old & v);
    bankChanged(gic, n, v);
    return 0n;
  }
  if (off >= GICD_ICFGR && off < GICD_ICFGR + GICD_ICFGR_SIZE) {
    const n = (off - GICD_ICFGR) >> 2;
    if (n < 2 || n * 16 >= gic.nrIrqs) return 0n;
    if (!isWrite) return readWord(g, GicdWord.CFG + n);
    // Int_config bits (the odd bit of each pair) are writable; the even bits are RES0.
    const old = Atomics.exchange(g, GicdWord.CFG + n, v & GICD_ICFGR_INT_CONFIG);
    log.noteFields(GicField.CONFIG, -1, n * 16, 2, old ^ (v & GICD_ICFGR_INT_CONFIG));
    return 0n;
  }
  if (isWrite) {
    if (off === GICD_CTLR) {
      const old = Atomics.exchange(g, GicdWord.CTLR, (v & GICD_CTLR_ENABLE_G1NS) | GICD_CTLR_ARE_NS);
      if ((old ^ v) & GICD_CTLR_ENABLE_G1NS) log.note(GicField.CTLR, -1, -1);
      Atomics.add(g, GicdWord.SPI_GEN, 1);
      for (let cpu = 0; cpu < gic.nrCpus; cpu++) gic.kick(cpu);
    } else if (off === GICD_SETSPI_NSR || off === GICD_SETSPI_SR) {
      gic.raiseSpi(v & GICD_SETSPI_INTID);
    } else if (off === GICD_CLRSPI_NSR || off === GICD_CLRSPI_SR) {
      gic.clearSpi(v & GICD_SETSPI_INTID);
    }
    return 0n;
  }
  let r = 0;
  switch (off) {
    case GICD_CTLR: r = Atomics.load(g, GicdWord.CTLR); break;
    // TYPER: ITLinesNumber, IDbits 9 (10-bit INTIDs), no LPIs, no MBIS.
    case GICD_TYPER: r = ((gic.nrIrqs >> 5) - 1) | (9 << GICD_TYPER_ID_BITS_SHIFT); break;
    case GICD_IIDR: r = GIC_IIDR; break;
    case GICD_PIDR4: r = GIC_PIDR4; break;
    case GICD_PIDR0: r = GIC_PIDR0; break;
    case GICD_PIDR1: r = GIC_PIDR1; break;
    case GICD_PIDR2: r = GIC_PIDR2; break;
    default:
      if (off >= GICD_CIDR0 && off <= GICD_CIDR3) r = GIC_CIDR[(off - GICD_CIDR0) >> 2]!;
  }
  return BigInt(r >>> 0);
}

/** Bits `mask` of SPI bank word `n` changed: the affected SPIs' targets re-evaluate. */
function bankChanged(gic: GicState, n: number, mask: number): void {
  for (let b = 0; b < 32; b++) if ((mask >>> b) & 1) gic.spiChanged(n * 32 + b);
}

/** GICD_IROUTER<n>: 64 bits, or either 32-bit half (Aff3 alone in the upper one). */
function irouterAccess(gic: GicState, rel: number, size: number, isWrite: boolean, value: bigint): bigint {
  const irq = rel >> 3;
  if (irq < 32 || irq >= gic.nrIrqs) return 0n;
  const g = gic.i32;
  const lo = GicdWord.IROUTER + irq * 2;
  if (!isWrite) {
    if (rel & 4) return BigInt(Atomics.load(g, lo + 1) >>> 0);
    const low = BigInt(Atomics.load(g, lo) >>> 0);
    return size === 8 ? (BigInt(Atomics.load(g, lo + 1) >>> 0) << 32n) | low : low;
  }
  const loMask = BigInt(GICD_IROUTER_IRM | GICD_IROUTER_AFF_LO);
  const oldLo = Atomics.load(g, lo);
  const oldHi = Atomics.load(g, lo + 1);
  if (size === 8) {
    Atomics.store(g, lo, Number(value & loMask) | 0);
    Atomics.store(g, lo + 1, Number((value >> 32n) & BigInt(GICD_IROUTER_AFF3)));
  } else {
    Atomics.store(g, lo + ((rel & 4) >> 2), Number(value & (rel & 4 ? BigInt(GICD_IROUTER_AFF3) : loMask)) | 0);
  }
  if (Atomics.load(g, lo) !== oldLo || Atomics.load(g, lo + 1) !== oldHi) gic.changeLog.note(GicField.ROUTE, -1, irq);
  gic.spiChanged(irq);
  return 0n;
}
