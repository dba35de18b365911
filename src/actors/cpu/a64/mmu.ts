/**
 * Guest address translation of one simulated CPU (EL1&0 regime under Jailhouse's stage 2):
 * stage 1 (mmu-stage1.ts), the cell's stage 2 (mmu-stage2.ts), and the per-CPU software TLB of
 * combined translations (mmu-tlb.ts). Vocabulary and fault codes in mmu-types.ts.
 */
export * from './mmu-types.js';
export {
  decodeStage1,
  PA_MAX_BITS,
  vaHigh,
  vaLow,
  walkStage1,
  walkStage1HL,
  type S2Walk,
  type Stage1Config,
  type Stage1Translation,
} from './mmu-stage1.js';
export { Stage2, type Stage2Translation } from './mmu-stage2.js';
export { SoftTlb, TLB_FAULT, type SoftTlbOptions } from './mmu-tlb.js';
