/**
 * Random A64 instruction words for the guest-code target: uniform 32-bit words (mostly
 * UNDEFINED), and words forced into one top-level encoding class so the decoders and executors
 * behind it get exercised: loads and stores (incl. atomics and SIMD&FP loads), system
 * instructions and registers, SIMD&FP data processing, exception generation, branches.
 *
 * Waiting instructions (WFI, WFE, WFIT, WFET) become NOPs: a guest that waits for an interrupt
 * nobody sends is idle, not wedged, and the target wants every CPU to end by its budget.
 *
 * The optional prologue makes random code run long: an EL1 vector table that steps over a
 * faulting instruction (ELR_EL1 += 4) instead of ending in a hypervisor panic, base registers
 * pointing into a scratch area of guest RAM so random loads and stores hit memory, and (when
 * asked) FP/SIMD enabled in CPACR_EL1 so SIMD words execute instead of trapping.
 */
import fc from 'fast-check';
import { assemble } from '../../actors/cpu/a64/asm-text.js';

export const WORD_CLASSES = ['uniform', 'load-store', 'system', 'simd-fp', 'exception', 'branch', 'data-processing'] as const;
export type WordClass = (typeof WORD_CLASSES)[number];

const NOP = 0xd503201f;

function force(cls: WordClass, r: number): number {
  switch (cls) {
    case 'uniform': return r >>> 0;
    // op0 x1x0: bit 27 set, bit 25 clear.
    case 'load-store': return ((r & ~(1 << 25)) | (1 << 27)) >>> 0;
    // 1101 0101 00xx: hints, barriers, PSTATE, SYS/SYSL, MRS/MSR.
    case 'system': return (0xd5000000 | (r & 0x003fffff)) >>> 0;
    // op0 x111.
    case 'simd-fp': return (r | (7 << 25)) >>> 0;
    // 1101 0100 opc imm16 op2 LL: SVC, HVC, SMC, BRK, HLT, DCPS; or ERET / DRPS.
    case 'exception': return (r & 0xf) === 0 ? (r & 0x10 ? 0xd69f03e0 : 0xd6bf03e0) : (0xd4000000 | (r & 0x00ffffff)) >>> 0;
    // op0 101x: B/BL, B.cond, CBZ/TBZ, BR/BLR/RET and the rest of the class.
    case 'branch': return (0x14000000 | (r & 0xe3ffffff)) >>> 0;
    // op0 100x and x101.
    case 'data-processing': return (r & 1 ? (r & ~(0b111 << 26)) | (0b100 << 26) : (r & ~(0b111 << 25)) | (0b101 << 25)) >>> 0;
  }
}

/** Never a waiting instruction (see the header). */
export function tame(w: number): number {
  if (w === 0xd503205f || w === 0xd503207f || (w & 0xffffffc0) >>> 0 === 0xd5031000) return NOP;
  return w >>> 0;
}

export function wordArb(): fc.Arbitrary<number> {
  return fc.tuple(fc.constantFrom(...WORD_CLASSES), fc.nat({ max: 0xffff_ffff })).map(([cls, r]) => tame(force(cls, r)));
}

export interface GuestProgram {
  words: number[];
  prologue: boolean;
  fp: boolean;
}

/** Scratch memory for the prologue's base registers: guest RAM well past the image. */
const SCRATCH = 0x4020_0000;

/** The raw image at `load`: prologue (optional), the words, then a branch back to the first word. */
export function buildProgram(p: GuestProgram, load: number): Uint8Array {
  const regs = Array.from({ length: 27 }, (_, i) => `mov64 x${i + 1}, #${SCRATCH + i * 0x1000}`).join('\n');
  const step = 'mrs x28, elr_el1\n add x28, x28, #4\n msr elr_el1, x28\n eret';
  const vectors = Array.from({ length: 16 }, (_, i) => `.balign 128\n${i % 4 === 0 ? step : 'eret'}`).join('\n');
  const src = p.prologue
    ? `
        adr   x1, vectors
        msr   vbar_el1, x1
        ${p.fp ? 'mov x1, #0x300000\n msr cpacr_el1, x1' : ''}
        isb
        ${regs}
        mov   sp, x1
        b     body
        .balign 2048
vectors:
        ${vectors}
body:
        ${p.words.map((w) => `.word ${w >>> 0}`).join('\n')}
        b     body
`
    : `
body:
        ${p.words.map((w) => `.word ${w >>> 0}`).join('\n')}
        b     body
`;
  return assemble(src, load).bytes;
}
