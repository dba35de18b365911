/**
 * A redistributor's register file (GICR, one frame pair per CPU: RD_base, then SGI_base at
 * GICR_SGI_BASE): the SGIs'/PPIs' enable, pending, active, group, priority and trigger banks,
 * CTLR, WAKER, TYPER and the ID registers, performed on the GIC's state (gic-state.ts). Sizes
 * and alignments the register does not take read as zero and write nothing.
 */
import { GicField } from './changes.js';
import type { GicState } from './gic-state.js';
import { GicCpuWord, gicCpuWord } from './layout.js';
import {
  BIT_FIELDS, GIC_CIDR, GIC_IIDR, GIC_PIDR0, GIC_PIDR1, GIC_PIDR2, GIC_PIDR4, priorityAccess, readWord, sizeMask,
} from './register-file.js';
import {
  GICD_BITMAP_BANK, GICD_ICFGR_INT_CONFIG, GICR_CIDR0, GICR_CIDR3, GICR_CTLR, GICR_ICACTIVER0, GICR_ICFGR0,
  GICR_ICFGR1, GICR_IGROUPR0, GICR_IIDR, GICR_IPRIORITYR0, GICR_IPRIORITYR_SIZE, GICR_ISENABLER0, GICR_PIDR0,
  GICR_PIDR1, GICR_PIDR2, GICR_PIDR4, GICR_TYPER, GICR_TYPER_LAST, GICR_TYPER_PROCESSOR_NUMBER,
  GICR_TYPER_PROCESSOR_NUMBER_SHIFT, GICR_WAKER, GICR_WAKER_CHILDREN_ASLEEP, GICR_WAKER_PROCESSOR_SLEEP,
  gicrAccessOk, gicrTyperAffinity,
} from './regs.js';

/** GICR_IS/ICENABLER0, IS/ICPENDR0, IS/ICACTIVER0 in order: the state word each one sets or clears. */
const PRIVATE_BANKS = [GicCpuWord.ENABLE0, GicCpuWord.ENABLE0, GicCpuWord.PENDING0, GicCpuWord.PENDING0, GicCpuWord.ACTIVE0, GicCpuWord.ACTIVE0] as const;

/** A GICR register access at `off` within `cpu`'s frames. */
export function redistAccess(gic: GicState, cpu: number, off: number, size: number, isWrite: boolean, value: bigint): bigint {
  if (!gicrAccessOk(off, size)) return 0n;
  const g = gic.i32;
  const log = gic.changeLog;
  if (isWrite) value &= sizeMask(size);
  const slot = (w: number): number => gicCpuWord(cpu, w);
  if (off >= GICR_IPRIORITYR0 && off < GICR_IPRIORITYR0 + GICR_IPRIORITYR_SIZE) return priorityAccess(gic, cpu, off - GICR_IPRIORITYR0, size, isWrite, value);
  if (off === GICR_TYPER && size === 8) return isWrite ? 0n : (BigInt(typerHi(gic, cpu)) << 32n) | BigInt(typerLo(gic, cpu));
  if (size !== 4) return 0n; // PROPBASER/PENDBASER: no LPIs, RAZ/WI
  const v = Number(BigInt.asUintN(32, value));
  if (off >= GICR_ISENABLER0 && off <= GICR_ICACTIVER0 && (off - GICR_ISENABLER0) % GICD_BITMAP_BANK === 0) {
    const reg = (off - GICR_ISENABLER0) / GICD_BITMAP_BANK;
    const word = slot(PRIVATE_BANKS[reg]!);
    if (!isWrite) return readWord(g, word);
    const old = reg & 1 ? Atomics.and(g, word, ~v) : Atomics.or(g, word, v);
    log.noteBits(BIT_FIELDS[reg]!, cpu, 0, reg & 1 ? old & v : ~old & v);
    if (v) gic.kick(cpu);
    return 0n;
  }
  if (isWrite) {
    switch (off) {
      case GICR_CTLR: Atomics.store(g, slot(GicCpuWord.CTLR), 0); break;
      case GICR_WAKER: {
        const sleep = v & GICR_WAKER_PROCESSOR_SLEEP;
        const old = Atomics.exchange(g, slot(GicCpuWord.WAKER), sleep ? GICR_WAKER_PROCESSOR_SLEEP | GICR_WAKER_CHILDREN_ASLEEP : 0);
        if ((old & GICR_WAKER_PROCESSOR_SLEEP) !== sleep) log.note(GicField.WAKER, cpu, -1);
        break;
      }
      case GICR_IGROUPR0: log.noteBits(GicField.GROUP, cpu, 0, Atomics.exchange(g, slot(GicCpuWord.GROUP0), v | 0) ^ v); break;
      case GICR_ICFGR1: {
        const old = Atomics.exchange(g, slot(GicCpuWord.CFG1), v & GICD_ICFGR_INT_CONFIG);
        log.noteFields(GicField.CONFIG, cpu, 16, 2, old ^ (v & GICD_ICFGR_INT_CONFIG));
        break;
      }
      default: break; // ICFGR0 is read-only (SGIs are edge), the rest RAZ/WI
    }
    return 0n;
  }
  let r = 0;
  switch (off) {
    case GICR_CTLR: r = Atomics.load(g, slot(GicCpuWord.CTLR)); break;
    case GICR_IIDR: r = GIC_IIDR; break;
    case GICR_TYPER: r = typerLo(gic, cpu); break;
    case GICR_TYPER + 4: r = typerHi(gic, cpu); break;
    case GICR_WAKER: r = Atomics.load(g, slot(GicCpuWord.WAKER)); break;
    case GICR_PIDR4: r = GIC_PIDR4; break;
    case GICR_PIDR0: r = GIC_PIDR0; break;
    case GICR_PIDR1: r = GIC_PIDR1; break;
    case GICR_PIDR2: r = GIC_PIDR2; break;
    case GICR_IGROUPR0: r = Atomics.load(g, slot(GicCpuWord.GROUP0)); break;
    case GICR_ICFGR0: r = Atomics.load(g, slot(GicCpuWord.CFG0)); break;
    case GICR_ICFGR1: r = Atomics.load(g, slot(GicCpuWord.CFG1)); break;
    default:
      if (off >= GICR_CIDR0 && off <= GICR_CIDR3) r = GIC_CIDR[(off - GICR_CIDR0) >> 2]!;
  }
  return BigInt(r >>> 0);
}

/** GICR_TYPER[31:0]: Processor_Number (23:8), Last (bit 4) on the highest frame. */
function typerLo(gic: GicState, cpu: number): number {
  return ((cpu & GICR_TYPER_PROCESSOR_NUMBER) << GICR_TYPER_PROCESSOR_NUMBER_SHIFT) | (cpu === gic.nrCpus - 1 ? GICR_TYPER_LAST : 0);
}

/** GICR_TYPER[63:32]: Aff3.Aff2.Aff1.Aff0 of the frame's CPU. */
function typerHi(gic: GicState, cpu: number): number {
  return gicrTyperAffinity(gic.mpidrs[cpu]!);
}
