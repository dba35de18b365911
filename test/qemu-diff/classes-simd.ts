/**
 * Advanced SIMD groups, vector (bit 28 = 0) and scalar (bits 31:28 = 01x1), as the Arm ARM's
 * encoding table lists them. Opcode and size fields are random over the group, so each class
 * reaches every form of its group jhsim decodes; the FP16 and "three same extra" groups
 * (ARMv8.1+) and crypto are included so the report shows what is not implemented.
 */
import type { ClassDef } from './template.js';

export const SIMD_CLASSES: readonly ClassDef[] = [
  { name: 'simd/three-same', weight: 2, templates: [{ enc: '0 Q:1 U:1 01110 size:2 1 Rm:5 opcode:5 1 Rn:5 Rd:5' }] },
  { name: 'simd/three-diff', weight: 2, templates: [{ enc: '0 Q:1 U:1 01110 size:2 1 Rm:5 opcode:4 00 Rn:5 Rd:5' }] },
  { name: 'simd/two-reg-misc', weight: 2, templates: [{ enc: '0 Q:1 U:1 01110 size:2 10000 opcode:5 10 Rn:5 Rd:5' }] },
  { name: 'simd/across-lanes', templates: [{ enc: '0 Q:1 U:1 01110 size:2 11000 opcode:5 10 Rn:5 Rd:5' }] },
  { name: 'simd/copy', templates: [{ enc: '0 Q:1 op:1 01110000 imm5:5 0 imm4:4 1 Rn:5 Rd:5' }] },
  { name: 'simd/permute', templates: [{ enc: '0 Q:1 001110 size:2 0 Rm:5 0 opcode:3 10 Rn:5 Rd:5' }] },
  { name: 'simd/extract', templates: [{ enc: '0 Q:1 101110 00 0 Rm:5 0 imm4:4 0 Rn:5 Rd:5' }] },
  { name: 'simd/table', templates: [{ enc: '0 Q:1 001110 00 0 Rm:5 0 len:2 op:1 00 Rn:5 Rd:5' }] },
  { name: 'simd/modified-imm', templates: [{ enc: '0 Q:1 op:1 0111100000 abc:3 cmode:4 o2:1 1 defgh:5 Rd:5' }] },
  { name: 'simd/shift-imm', weight: 2, templates: [{ enc: '0 Q:1 U:1 011110 immh:4 immb:3 opcode:5 1 Rn:5 Rd:5', fields: { immh: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15] } }] },
  { name: 'simd/by-element', weight: 2, templates: [{ enc: '0 Q:1 U:1 01111 size:2 L:1 M:1 Rm:4 opcode:4 H:1 0 Rn:5 Rd:5' }] },
  { name: 'simd/three-same-extra', templates: [{ enc: '0 Q:1 U:1 01110 size:2 0 Rm:5 1 opcode:4 1 Rn:5 Rd:5' }] },
  { name: 'simd/three-same-fp16', templates: [{ enc: '0 Q:1 U:1 01110 a:1 10 Rm:5 00 opcode:3 1 Rn:5 Rd:5' }] },
  { name: 'simd/two-reg-misc-fp16', templates: [{ enc: '0 Q:1 U:1 01110 a:1 1111 00 opcode:5 10 Rn:5 Rd:5' }] },
  // ---- scalar forms
  { name: 'simd-scalar/three-same', templates: [{ enc: '01 U:1 11110 size:2 1 Rm:5 opcode:5 1 Rn:5 Rd:5' }] },
  { name: 'simd-scalar/three-diff', templates: [{ enc: '01 U:1 11110 size:2 1 Rm:5 opcode:4 00 Rn:5 Rd:5' }] },
  { name: 'simd-scalar/two-reg-misc', templates: [{ enc: '01 U:1 11110 size:2 10000 opcode:5 10 Rn:5 Rd:5' }] },
  { name: 'simd-scalar/pairwise', templates: [{ enc: '01 U:1 11110 size:2 11000 opcode:5 10 Rn:5 Rd:5' }] },
  { name: 'simd-scalar/copy', templates: [{ enc: '01 0 11110000 imm5:5 0 0000 1 Rn:5 Rd:5' }] },
  { name: 'simd-scalar/shift-imm', templates: [{ enc: '01 U:1 111110 immh:4 immb:3 opcode:5 1 Rn:5 Rd:5', fields: { immh: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15] } }] },
  { name: 'simd-scalar/by-element', templates: [{ enc: '01 U:1 11111 size:2 L:1 M:1 Rm:4 opcode:4 H:1 0 Rn:5 Rd:5' }] },
  { name: 'simd-scalar/three-same-extra', templates: [{ enc: '01 U:1 11110 size:2 0 Rm:5 1 opcode:4 1 Rn:5 Rd:5' }] },
  { name: 'simd-scalar/three-same-fp16', templates: [{ enc: '01 U:1 11110 a:1 10 Rm:5 00 opcode:3 1 Rn:5 Rd:5' }] },
  { name: 'simd-scalar/two-reg-misc-fp16', templates: [{ enc: '01 U:1 11110 a:1 1111 00 opcode:5 10 Rn:5 Rd:5' }] },
  // ---- cryptographic extension (jhsim: UNDEFINED by design)
  {
    name: 'simd/crypto', templates: [
      { enc: '01001110 00 10100 opcode:5 10 Rn:5 Rd:5', fields: { opcode: [4, 5, 6, 7] } },
      { enc: '01011110 00 0 Rm:5 0 opcode:3 00 Rn:5 Rd:5' },
      { enc: '01011110 00 10100 opcode:5 10 Rn:5 Rd:5', fields: { opcode: [0, 1, 2] } },
    ],
  },
];
