/**
 * Scalar floating point (Arm ARM "Data Processing -- Scalar Floating-Point and Advanced SIMD",
 * op0 = x0x1 of that space) and the loads and stores of SIMD&FP registers (V = 1). Opcode
 * fields are random over the whole group: what jhsim does not decode is counted, not sent.
 * ftype 11 (half precision) is rarer: in ARMv8.0 only FCVT and conversions use it.
 */
import type { ClassDef, GenCtx } from './template.js';
import { sfield } from './template.js';
import { literalBack } from './classes-int.js';

const ftype = [0, 0, 1, 1, 3];
const small = (lo: number, hi: number) => (c: GenCtx): number => lo + c.r.int(hi - lo + 1);
const simm = (width: number, lo: number, hi: number) => (c: GenCtx): number => sfield(lo + c.r.int(hi - lo + 1), width);

export const FP_CLASSES: readonly ClassDef[] = [
  {
    name: 'fp/conv-fixed', templates: [
      { enc: 'sf:1 0 0 11110 ftype:2 0 rmode:2 opcode:3 scale:6 Rn:5 Rd:5', fields: { ftype, rmode: [0, 3], opcode: [0, 1, 2, 3] } },
    ],
  },
  {
    name: 'fp/conv-int', templates: [
      { enc: 'sf:1 0 0 11110 ftype:2 1 rmode:2 opcode:3 000000 Rn:5 Rd:5', fields: { ftype }, weight: 3 },
      // FMOV between general registers and the top half of V (ftype 10, rmode 01)
      { enc: '1 0 0 11110 10 1 01 opcode:3 000000 Rn:5 Rd:5', fields: { opcode: [6, 7] } },
    ],
  },
  { name: 'fp/dp1', weight: 2, templates: [{ enc: '0 0 0 11110 ftype:2 1 opcode:6 10000 Rn:5 Rd:5', fields: { ftype, opcode: small(0, 19) } }] },
  {
    name: 'fp/compare', templates: [
      { enc: '0 0 0 11110 ftype:2 1 Rm:5 00 1000 Rn:5 opc:2 000', fields: { ftype, opc: [0, 2] } },
      { enc: '0 0 0 11110 ftype:2 1 00000 00 1000 Rn:5 opc:2 000', fields: { ftype, opc: [1, 3] } },
    ],
  },
  { name: 'fp/imm', templates: [{ enc: '0 0 0 11110 ftype:2 1 imm8:8 100 00000 Rd:5', fields: { ftype } }] },
  { name: 'fp/cond-cmp', templates: [{ enc: '0 0 0 11110 ftype:2 1 Rm:5 cond:4 01 Rn:5 op:1 nzcv:4', fields: { ftype } }] },
  { name: 'fp/dp2', weight: 2, templates: [{ enc: '0 0 0 11110 ftype:2 1 Rm:5 opcode:4 10 Rn:5 Rd:5', fields: { ftype, opcode: small(0, 8) } }] },
  { name: 'fp/cond-sel', templates: [{ enc: '0 0 0 11110 ftype:2 1 Rm:5 cond:4 11 Rn:5 Rd:5', fields: { ftype } }] },
  { name: 'fp/dp3', weight: 2, templates: [{ enc: '0 0 0 11111 ftype:2 o1:1 Rm:5 o0:1 Ra:5 Rn:5 Rd:5', fields: { ftype } }] },
  // ---- loads and stores of SIMD&FP registers
  {
    name: 'ldst-simd/multi-struct', templates: [
      { enc: '0 Q:1 0011000 L:1 000000 opcode:4 size:2 Rn:5 Vt:5', mem: true },
      { enc: '0 Q:1 0011001 L:1 0 Rm:5 opcode:4 size:2 Rn:5 Vt:5', mem: true, fields: { Rm: [24, 31] } },
    ],
  },
  {
    name: 'ldst-simd/single-struct', templates: [
      { enc: '0 Q:1 0011010 L:1 R:1 00000 opcode:3 S:1 size:2 Rn:5 Vt:5', mem: true },
      { enc: '0 Q:1 0011011 L:1 R:1 Rm:5 opcode:3 S:1 size:2 Rn:5 Vt:5', mem: true, fields: { Rm: [24, 31] } },
    ],
  },
  { name: 'ldst-simd/literal', templates: [{ enc: 'opc:2 011 1 00 imm19:19 Vt:5', fields: { opc: [0, 1, 2], imm19: literalBack } }] },
  {
    name: 'ldst-simd/pair', templates: [
      { enc: 'opc:2 101 1 mode:3 L:1 imm7:7 Vt2:5 Rn:5 Vt:5', mem: true, fields: { opc: [0, 1, 2], mode: [0, 1, 2, 3], imm7: simm(7, -6, 6) } },
    ],
  },
  {
    name: 'ldst-simd/imm', templates: [
      { enc: 'size:2 111 1 01 opc:2 imm12:12 Rn:5 Vt:5', mem: true, fields: { opc: [0, 1, 2, 3], imm12: small(0, 24) }, weight: 2 },
      { enc: 'size:2 111 1 00 opc:2 0 imm9:9 mode:2 Rn:5 Vt:5', mem: true, fields: { imm9: simm(9, -64, 64), mode: [0, 1, 3] }, weight: 3 },
    ],
  },
  { name: 'ldst-simd/reg', templates: [{ enc: 'size:2 111 1 00 opc:2 1 Rm:5 option:3 S:1 10 Rn:5 Vt:5', mem: true, fields: { option: [2, 3, 6, 7] } }] },
];
