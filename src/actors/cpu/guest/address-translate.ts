/**
 * AT S1E1R/W, S1E0R/W, S1E1RP/WP: a stage-1 walk whose outcome goes to PAR_EL1 instead of an
 * exception (Arm ARM, PAR_EL1). Success: F = 0, SH, NS = 0, bit 11 RES1, PA[47:12] (the IPA:
 * stage 1 only), ATTR = the MAIR attribute (0x00, Device-nGnRnE, with the MMU off). Fault: F = 1,
 * FST (the fault status code), PTW and S (a stage-2 fault on a descriptor fetch), bit 11 RES1.
 * With the MMU off a VA above the implemented PA range is an address size fault at level 0, as
 * an access would take. Deviation: a stage-2 fault on the walk is reported in PAR_EL1 (PTW, S)
 * where hardware would take it to EL2.
 */
import type { SoftTlb } from '../a64/mmu-tlb.js';
import type { AccessKind, El } from '../a64/mmu-types.js';

const PAR_F = 1n;
const PAR_RES1 = 1n << 11n;
const PAR_PTW = 1n << 8n;
const PAR_S = 1n << 9n;
/** SH = Outer Shareable: what Device and non-cacheable memory report. */
const PAR_SH_OUTER = 2n << 7n;
/** SH = Inner Shareable, for Normal write-back memory (stage-1 SH is not kept by the walk). */
const PAR_SH_INNER = 3n << 7n;

/** PAR_EL1 after AT `name` of `va` (undefined: not an EL1/EL0 stage-1 operation). */
export function addressTranslate(tlb: SoftTlb, name: string, va: bigint): bigint | undefined {
  const access: AccessKind = name.endsWith('W') || name.endsWith('WP') ? 'write' : 'read';
  let target: El;
  if (name.startsWith('S1E0')) target = 0;
  else if (name.startsWith('S1E1')) target = 1;
  else return undefined; // EL2/EL3 forms never reach an EL1 guest (UNDEFINED before this)
  const t = tlb.stage1(BigInt.asUintN(64, va), access, target);
  if (!t.ok) {
    let par = PAR_F | PAR_RES1 | (BigInt(t.fsc & 0x3f) << 1n);
    if (t.stage === 2) par |= PAR_S | (t.s1ptw ? PAR_PTW : 0n);
    return par;
  }
  if ((access === 'write' && !t.writable) || (access === 'read' && !t.readable)) {
    // Permission fault at the leaf's level (FST 0b0011ll).
    return PAR_F | PAR_RES1 | (BigInt(0b001100 | (t.level & 3)) << 1n);
  }
  const sh = t.memType === 'normal' ? PAR_SH_INNER : PAR_SH_OUTER;
  const pa = BigInt(t.ipa) & 0x0000_ffff_ffff_f000n;
  return (BigInt(t.attr & 0xff) << 56n) | pa | PAR_RES1 | sh;
}
