/**
 * Integer classes (Arm ARM "Data Processing -- Immediate", "Data Processing -- Register",
 * "Loads and Stores" with general registers) and the system instructions the test keeps:
 * MRS/MSR of NZCV, FPCR and FPSR. Branches, exception generation, hints, barriers and other
 * system instructions are left out (they would leave the case's straight line).
 */
import { assemble } from '../../src/actors/cpu/a64/asm-text.js';
import type { ClassDef, GenCtx, TemplateDef } from './template.js';
import { sfield } from './template.js';

const small = (lo: number, hi: number) => (c: GenCtx): number => lo + c.r.int(hi - lo + 1);
const simm = (width: number, lo: number, hi: number) => (c: GenCtx): number => sfield(lo + c.r.int(hi - lo + 1), width);
/** LDR (literal) offsets reaching back into the slot's loader code (see jhsim.ts CheckedMemory). */
export const literalBack = (c: GenCtx): number => sfield(-(1 + c.r.int(c.index + 16)), 19);

/** AND Xt, Xt, #mask as a word for register t (ANDs to XZR would write SP: callers skip t = 31). */
function andMask(mask: string): (t: number) => number {
  const b = assemble(`and x0, x0, #${mask}`).bytes;
  const w = new DataView(b.buffer, b.byteOffset).getUint32(0, true);
  return (t) => (w | (t << 5) | t) >>> 0;
}
/**
 * `-cpu max` has FPCR and FPSR bits jhsim (AArch64-only ARMv8.0) rightly treats as RES0: QEMU 7.2
 * keeps FPCR Len/Stride (AArch32) and FZ16 (FEAT_FP16), 0x003f0000, and FPSR's AArch32 NZCV,
 * 0xf0000000; later QEMUs add FEAT_AFP's AH/FIZ/NEP (bits 2:0) and FEAT_EBF16's EBF (bit 13),
 * which change arithmetic. So an MSR FPCR source keeps only the ARMv8.0 fields (AHP DN FZ
 * RMode), an MSR FPSR source loses bits 31:28; the rest of FPSR's RES0 bits stay random.
 */
const FPCR_SAFE = andMask('0x07c00000');
const FPSR_SAFE = andMask('0xffffffff0fffffff');

const sysreg = (op1: number, crn: number, crm: number, op2: number): number => (1 << 14) | (op1 << 11) | (crn << 7) | (crm << 3) | op2;
const NZCV = sysreg(3, 4, 2, 0);
const FPCR = sysreg(3, 4, 4, 0);
const FPSR = sysreg(3, 4, 4, 1);

const msr = (sr: number, safe?: (t: number) => number): TemplateDef => ({
  enc: '1101010100 0 1 sr:15 Rt:5',
  fields: { sr: [sr] },
  ...(safe ? { before: (_c: GenCtx, w: number) => ((w & 31) === 31 ? [] : [safe(w & 31)]) } : {}),
});

/** LDXR/LDAXR of the same size and base before a STXR, so the store can succeed. */
function ldxrFor(c: GenCtx, w: number): number[] {
  if (c.r.chance(0.2)) return [];
  const pair = ((w >>> 21) & 1) === 1;
  const rt = c.r.int(24);
  const ld = (w & 0xffe0_0000) | (1 << 22) | (31 << 16) | (c.r.int(2) << 15) | ((pair ? c.r.int(24) : 31) << 10) | (w & (31 << 5)) | rt;
  return [ld >>> 0];
}

export const INT_CLASSES: readonly ClassDef[] = [
  { name: 'int/addsub-imm', templates: [{ enc: 'sf:1 op:1 S:1 100010 sh:1 imm12:12 Rn:5 Rd:5' }] },
  { name: 'int/logic-imm', templates: [{ enc: 'sf:1 opc:2 100100 N:1 immr:6 imms:6 Rn:5 Rd:5' }] },
  { name: 'int/move-wide', templates: [{ enc: 'sf:1 opc:2 100101 hw:2 imm16:16 Rd:5', fields: { opc: [0, 2, 3] } }] },
  { name: 'int/adr', templates: [{ enc: 'op:1 immlo:2 10000 immhi:19 Rd:5' }] },
  {
    name: 'int/bitfield', templates: [
      { enc: '0 opc:2 100110 0 immr:6 imms:6 Rn:5 Rd:5', fields: { opc: [0, 1, 2], immr: small(0, 31), imms: small(0, 31) } },
      { enc: '1 opc:2 100110 1 immr:6 imms:6 Rn:5 Rd:5', fields: { opc: [0, 1, 2] } },
    ],
  },
  {
    name: 'int/extract', templates: [
      { enc: '0 00 100111 0 0 Rm:5 imms:6 Rn:5 Rd:5', fields: { imms: small(0, 31) } },
      { enc: '1 00 100111 1 0 Rm:5 imms:6 Rn:5 Rd:5' },
    ],
  },
  {
    name: 'int/logic-shifted', templates: [
      { enc: '0 opc:2 01010 shift:2 N:1 Rm:5 imm6:6 Rn:5 Rd:5', fields: { imm6: small(0, 31) } },
      { enc: '1 opc:2 01010 shift:2 N:1 Rm:5 imm6:6 Rn:5 Rd:5' },
    ],
  },
  {
    name: 'int/addsub-shifted', templates: [
      { enc: '0 op:1 S:1 01011 shift:2 0 Rm:5 imm6:6 Rn:5 Rd:5', fields: { shift: [0, 1, 2], imm6: small(0, 31) } },
      { enc: '1 op:1 S:1 01011 shift:2 0 Rm:5 imm6:6 Rn:5 Rd:5', fields: { shift: [0, 1, 2] } },
    ],
  },
  { name: 'int/addsub-ext', templates: [{ enc: 'sf:1 op:1 S:1 01011 00 1 Rm:5 option:3 imm3:3 Rn:5 Rd:5', fields: { imm3: small(0, 4) } }] },
  { name: 'int/addsub-carry', templates: [{ enc: 'sf:1 op:1 S:1 11010000 Rm:5 000000 Rn:5 Rd:5' }] },
  {
    name: 'int/cond-cmp', templates: [
      { enc: 'sf:1 op:1 1 11010010 Rm:5 cond:4 0 0 Rn:5 0 nzcv:4' },
      { enc: 'sf:1 op:1 1 11010010 imm5:5 cond:4 1 0 Rn:5 0 nzcv:4' },
    ],
  },
  { name: 'int/cond-sel', templates: [{ enc: 'sf:1 op:1 0 11010100 Rm:5 cond:4 0 o2:1 Rn:5 Rd:5' }] },
  { name: 'int/dp1', templates: [{ enc: 'sf:1 1 0 11010110 00000 opcode:6 Rn:5 Rd:5', fields: { opcode: small(0, 5) } }] },
  {
    name: 'int/dp2', templates: [
      { enc: 'sf:1 0 0 11010110 Rm:5 opcode:6 Rn:5 Rd:5', fields: { opcode: [2, 3, 8, 9, 10, 11] }, weight: 3 },
      { enc: 'sf:1 0 0 11010110 Rm:5 opcode:6 Rn:5 Rd:5', fields: { opcode: small(16, 23) } }, // CRC32*
    ],
  },
  {
    name: 'int/dp3', templates: [
      { enc: 'sf:1 00 11011 000 Rm:5 o0:1 Ra:5 Rn:5 Rd:5', weight: 2 },
      { enc: '1 00 11011 op31:3 Rm:5 o0:1 Ra:5 Rn:5 Rd:5', fields: { op31: [1, 5] } },
      { enc: '1 00 11011 op31:3 Rm:5 0 11111 Rn:5 Rd:5', fields: { op31: [2, 6] } },
    ],
  },
  {
    name: 'sys/mrs-msr', templates: [
      { enc: '1101010100 1 1 sr:15 Rt:5', fields: { sr: [NZCV, FPCR, FPSR] }, weight: 3 },
      msr(NZCV), msr(FPCR, FPCR_SAFE), msr(FPSR, FPSR_SAFE),
    ],
  },
  // ---- loads and stores of general registers (bases and index: see values.ts)
  {
    name: 'ldst/int-imm', templates: [
      { enc: 'size:2 111 0 01 opc:2 imm12:12 Rn:5 Rt:5', mem: true, fields: { imm12: small(0, 40) }, weight: 2 },
      { enc: 'size:2 111 0 00 opc:2 0 imm9:9 mode:2 Rn:5 Rt:5', mem: true, fields: { imm9: simm(9, -64, 64), mode: [0, 1, 2, 3] }, weight: 3 },
    ],
  },
  { name: 'ldst/int-reg', templates: [{ enc: 'size:2 111 0 00 opc:2 1 Rm:5 option:3 S:1 10 Rn:5 Rt:5', mem: true, fields: { option: [2, 3, 6, 7] } }] },
  { name: 'ldst/int-pair', templates: [{ enc: 'opc:2 101 0 mode:3 L:1 imm7:7 Rt2:5 Rn:5 Rt:5', mem: true, fields: { opc: [0, 1, 2], mode: [0, 1, 2, 3], imm7: simm(7, -6, 6) } }] },
  { name: 'ldst/int-literal', templates: [{ enc: 'opc:2 011 0 00 imm19:19 Rt:5', fields: { imm19: literalBack } }] },
  {
    name: 'ldst/exclusive', templates: [
      { enc: 'size:2 001000 0 1 0 11111 o0:1 11111 Rn:5 Rt:5', mem: true },
      { enc: 'size:2 001000 0 0 0 Rs:5 o0:1 11111 Rn:5 Rt:5', mem: true, before: ldxrFor, weight: 2 },
      { enc: '1 sz:1 001000 0 1 1 11111 o0:1 Rt2:5 Rn:5 Rt:5', mem: true },
      { enc: '1 sz:1 001000 0 0 1 Rs:5 o0:1 Rt2:5 Rn:5 Rt:5', mem: true, before: ldxrFor, weight: 2 },
      { enc: 'size:2 001000 1 L:1 0 11111 1 11111 Rn:5 Rt:5', mem: true },
    ],
  },
  {
    name: 'ldst/atomic', templates: [
      { enc: 'size:2 111 0 00 A:1 R:1 1 Rs:5 0 opc:3 00 Rn:5 Rt:5', mem: true, weight: 4 },
      { enc: 'size:2 111 0 00 A:1 R:1 1 Rs:5 1 000 00 Rn:5 Rt:5', mem: true },
      { enc: 'size:2 001000 1 L:1 1 Rs:5 o0:1 11111 Rn:5 Rt:5', mem: true, weight: 2 },
      { enc: '0 sz:1 001000 0 L:1 1 Rs:5 o0:1 11111 Rn:5 Rt:5', mem: true, fields: { Rs: (c) => 2 * c.r.int(12), Rt: (c) => 2 * c.r.int(12) } },
    ],
  },
];
