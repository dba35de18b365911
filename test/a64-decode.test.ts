/**
 * A64 decoder tests.
 *
 * CORPUS was generated once, by hand, with GNU binutils 2.40: an assembly
 * file covering every supported instruction class (with edge cases) was
 * assembled with `aarch64-linux-gnu-as -march=armv8.5-a`, linked at
 * CORPUS_BASE (so PC-relative targets are real 64-bit kernel-style
 * addresses, including ±128 MiB branches, ±4 GiB ADRP and a linker veneer),
 * and disassembled with `aarch64-linux-gnu-objdump -d`. Each entry is
 * [word, objdump text] for the instruction at CORPUS_BASE + 4 * index, with
 * objdump's "<symbol>" annotations and "// comments" removed and whitespace
 * collapsed. The toolchain is NOT needed to run these tests.
 *
 * UNDEFINED_WORDS lists encodings that must decode to UNDEFINED, with
 * objdump's text for reference: outside the supported subset (SIMD/FP, SVE,
 * PAC, CRC32, RCPC, MTE, BC.cond, ...), unallocated inside covered groups,
 * and the CONSTRAINED UNPREDICTABLE / should-be-field cases the decoder
 * deliberately treats as UNDEFINED (see insn.ts).
 */

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decode } from '../src/actors/cpu/a64/decode.js';
import { sysregKey, type Insn } from '../src/actors/cpu/a64/insn.js';
import { disassemble } from '../src/actors/cpu/a64/insn-disasm.js';

const CORPUS_BASE = 0xffff800010080000n;

const norm = (s: string): string => s.replace(/\s+/g, ' ').trim();

// prettier-ignore
const CORPUS: ReadonlyArray<readonly [number, string]> = [
  [0x91004020, 'add x0, x1, #0x10'],
  [0x113ffc83, 'add w3, w4, #0xfff'],
  [0x91400420, 'add x0, x1, #0x1, lsl #12'],
  [0x917ffcc5, 'add x5, x6, #0xfff, lsl #12'],
  [0x910043ff, 'add sp, sp, #0x10'],
  [0xd10803ff, 'sub sp, sp, #0x200'],
  [0x910003fd, 'mov x29, sp'],
  [0x910003e0, 'mov x0, sp'],
  [0x9100003f, 'mov sp, x1'],
  [0x1100005f, 'mov wsp, w2'],
  [0x910003ff, 'mov sp, sp'],
  [0x91000020, 'add x0, x1, #0x0'],
  [0xb10003e0, 'adds x0, sp, #0x0'],
  [0x313ffc41, 'adds w1, w2, #0xfff'],
  [0xf1400483, 'subs x3, x4, #0x1, lsl #12'],
  [0xf100041f, 'cmp x0, #0x1'],
  [0x713ffc1f, 'cmp w0, #0xfff'],
  [0x3100041f, 'cmn w0, #0x1'],
  [0xb140043f, 'cmn x1, #0x1, lsl #12'],
  [0xf10003ff, 'cmp sp, #0x0'],
  [0x9200f020, 'and x0, x1, #0x5555555555555555'],
  [0x9201f020, 'and x0, x1, #0xaaaaaaaaaaaaaaaa'],
  [0x9200e462, 'and x2, x3, #0x3333333333333333'],
  [0x9200cc62, 'and x2, x3, #0xf0f0f0f0f0f0f0f'],
  [0xd2009c62, 'eor x2, x3, #0xff00ff00ff00ff'],
  [0xd2003c62, 'eor x2, x3, #0xffff0000ffff'],
  [0xb2407c62, 'orr x2, x3, #0xffffffff'],
  [0x927ff820, 'and x0, x1, #0xfffffffffffffffe'],
  [0x9240f820, 'and x0, x1, #0x7fffffffffffffff'],
  [0x92410020, 'and x0, x1, #0x8000000000000000'],
  [0x92400020, 'and x0, x1, #0x1'],
  [0x92410420, 'and x0, x1, #0x8000000000000001'],
  [0x92103c20, 'and x0, x1, #0xffff0000ffff0000'],
  [0x927cec3f, 'and sp, x1, #0xfffffffffffffff0'],
  [0x12000020, 'and w0, w1, #0x1'],
  [0x12010020, 'and w0, w1, #0x80000000'],
  [0x521f7820, 'eor w0, w1, #0xfffffffe'],
  [0x5200f020, 'eor w0, w1, #0x55555555'],
  [0x3200cc20, 'orr w0, w1, #0xf0f0f0f'],
  [0x72010420, 'ands w0, w1, #0x80000001'],
  [0xf2401c20, 'ands x0, x1, #0xff'],
  [0xf240001f, 'tst x0, #0x1'],
  [0x721f787f, 'tst w3, #0xfffffffe'],
  [0xb200f3e0, 'mov x0, #0x5555555555555555'],
  [0xb2401fe0, 'orr x0, xzr, #0xff'],
  [0x32089fe0, 'mov w0, #0xff00ff00'],
  [0x32003fe0, 'orr w0, wzr, #0xffff'],
  [0xb2703fe0, 'orr x0, xzr, #0xffff0000'],
  [0xb270bfe0, 'orr x0, xzr, #0xffffffffffff0000'],
  [0xb27ffbe0, 'orr x0, xzr, #0xfffffffffffffffe'],
  [0xb2401fff, 'mov sp, #0xff'],
  [0x320007ff, 'mov wsp, #0x3'],
  [0xd2800000, 'mov x0, #0x0'],
  [0xd2a00000, 'movz x0, #0x0, lsl #16'],
  [0xd2e24681, 'mov x1, #0x1234000000000000'],
  [0x52bfffe2, 'mov w2, #0xffff0000'],
  [0xd29fffe3, 'mov x3, #0xffff'],
  [0x92800000, 'mov x0, #0xffffffffffffffff'],
  [0x12800000, 'mov w0, #0xffffffff'],
  [0x129fffe0, 'movn w0, #0xffff'],
  [0x12bfffe0, 'movn w0, #0xffff, lsl #16'],
  [0x929fffe0, 'mov x0, #0xffffffffffff0000'],
  [0x92c00000, 'movn x0, #0x0, lsl #32'],
  [0x92c24680, 'mov x0, #0xffffedcbffffffff'],
  [0x12800020, 'mov w0, #0xfffffffe'],
  [0xf2a24680, 'movk x0, #0x1234, lsl #16'],
  [0xf29fffe0, 'movk x0, #0xffff'],
  [0xf2e00000, 'movk x0, #0x0, lsl #48'],
  [0x72b7dde7, 'movk w7, #0xbeef, lsl #16'],
  [0xd2a00020, 'mov x0, #0x10000'],
  [0x10fff740, 'adr x0, ffff800010080000'],
  [0x10002fe1, 'adr x1, ffff800010080718'],
  [0x10000002, 'adr x2, ffff800010080120'],
  [0x90000000, 'adrp x0, ffff800010080000'],
  [0x90000003, 'adrp x3, ffff800010080000'],
  [0xf003ffe4, 'adrp x4, ffff80001807f000'],
  [0x9343fc20, 'asr x0, x1, #3'],
  [0x131f7c20, 'asr w0, w1, #31'],
  [0x9340fc20, 'asr x0, x1, #0'],
  [0x93401c20, 'sxtb x0, w1'],
  [0x93403c20, 'sxth x0, w1'],
  [0x93407c20, 'sxtw x0, w1'],
  [0x13001c20, 'sxtb w0, w1'],
  [0x13003c20, 'sxth w0, w1'],
  [0x937c0c20, 'sbfiz x0, x1, #4, #4'],
  [0x13010020, 'sbfiz w0, w1, #31, #1'],
  [0x93432820, 'sbfx x0, x1, #3, #8'],
  [0x13017820, 'sbfx w0, w1, #1, #30'],
  [0x93400020, 'sbfx x0, x1, #0, #1'],
  [0xd37df020, 'lsl x0, x1, #3'],
  [0xd3410020, 'lsl x0, x1, #63'],
  [0x531f7820, 'lsl w0, w1, #1'],
  [0x53010020, 'lsl w0, w1, #31'],
  [0xd343fc20, 'lsr x0, x1, #3'],
  [0x53007c20, 'lsr w0, w1, #0'],
  [0x53001c20, 'uxtb w0, w1'],
  [0x53003c20, 'uxth w0, w1'],
  [0xd3401c20, 'ubfx x0, x1, #0, #8'],
  [0xd3407c20, 'ubfx x0, x1, #0, #32'],
  [0x53053820, 'ubfx w0, w1, #5, #10'],
  [0xd37c0c20, 'ubfiz x0, x1, #4, #4'],
  [0x53185c20, 'lsl w0, w1, #8'],
  [0xb37c0c20, 'bfi x0, x1, #4, #4'],
  [0x33010020, 'bfi w0, w1, #31, #1'],
  [0xb37c0fe0, 'bfc x0, #4, #4'],
  [0x330003e0, 'bfxil w0, wzr, #0, #1'],
  [0xb3432820, 'bfxil x0, x1, #3, #8'],
  [0x33032be0, 'bfxil w0, wzr, #3, #8'],
  [0x93c20c20, 'extr x0, x1, x2, #3'],
  [0x13827c20, 'extr w0, w1, w2, #31'],
  [0x93c20020, 'extr x0, x1, x2, #0'],
  [0x93c10c20, 'ror x0, x1, #3'],
  [0x13810020, 'ror w0, w1, #0'],
  [0x93c1fc20, 'ror x0, x1, #63'],
  [0x8b020020, 'add x0, x1, x2'],
  [0x8b020c20, 'add x0, x1, x2, lsl #3'],
  [0x0b827c20, 'add w0, w1, w2, asr #31'],
  [0x8b420020, 'add x0, x1, x2, lsr #0'],
  [0xcb42fc20, 'sub x0, x1, x2, lsr #63'],
  [0xcb0203e0, 'neg x0, x2'],
  [0x4b0213e0, 'neg w0, w2, lsl #4'],
  [0xeb020be0, 'negs x0, x2, lsl #2'],
  [0xeb0103ff, 'cmp xzr, x1'],
  [0xeb42103f, 'cmp x1, x2, lsr #4'],
  [0xab02003f, 'cmn x1, x2'],
  [0x2b82083f, 'cmn w1, w2, asr #2'],
  [0xab050083, 'adds x3, x4, x5'],
  [0x6b057c83, 'subs w3, w4, w5, lsl #31'],
  [0x8b2163e0, 'add x0, sp, x1'],
  [0x8b2163ff, 'add sp, sp, x1'],
  [0x8b21601f, 'add sp, x0, x1'],
  [0x8b224020, 'add x0, x1, w2, uxtw'],
  [0x8b22c820, 'add x0, x1, w2, sxtw #2'],
  [0x8b226820, 'add x0, x1, x2, uxtx #2'],
  [0x8b220020, 'add x0, x1, w2, uxtb'],
  [0x0b222420, 'add w0, w1, w2, uxth #1'],
  [0x8b216be0, 'add x0, sp, x1, lsl #2'],
  [0x0b2143e0, 'add w0, wsp, w1'],
  [0x0b224020, 'add w0, w1, w2, uxtw'],
  [0x0b225020, 'add w0, w1, w2, uxtw #4'],
  [0x4b2253e0, 'sub w0, wsp, w2, lsl #4'],
  [0x4b22f020, 'sub w0, w1, w2, sxtx #4'],
  [0x8b22c020, 'add x0, x1, w2, sxtw'],
  [0x8b22ac20, 'add x0, x1, w2, sxth #3'],
  [0x8b228420, 'add x0, x1, w2, sxtb #1'],
  [0x8b22e020, 'add x0, x1, x2, sxtx'],
  [0xab2163e0, 'adds x0, sp, x1'],
  [0xab226020, 'adds x0, x1, x2, uxtx'],
  [0xeb2163ff, 'cmp sp, x1'],
  [0xeb2143ff, 'cmp sp, w1, uxtw'],
  [0xeb22803f, 'cmp x1, w2, sxtb'],
  [0xab2163ff, 'cmn sp, x1'],
  [0xab2167ff, 'cmn sp, x1, lsl #1'],
  [0xeb216be0, 'subs x0, sp, x1, lsl #2'],
  [0xcb2173ff, 'sub sp, sp, x1, lsl #4'],
  [0x9a020020, 'adc x0, x1, x2'],
  [0x3a020020, 'adcs w0, w1, w2'],
  [0xda020020, 'sbc x0, x1, x2'],
  [0xfa020020, 'sbcs x0, x1, x2'],
  [0xda0203e0, 'ngc x0, x2'],
  [0x7a0203e0, 'ngcs w0, w2'],
  [0xda1f03e0, 'ngc x0, xzr'],
  [0x8a020020, 'and x0, x1, x2'],
  [0x8ac21420, 'and x0, x1, x2, ror #5'],
  [0x8ac20020, 'and x0, x1, x2, ror #0'],
  [0x0a027c20, 'and w0, w1, w2, lsl #31'],
  [0x8a220020, 'bic x0, x1, x2'],
  [0x0aa21c20, 'bic w0, w1, w2, asr #7'],
  [0xaa020020, 'orr x0, x1, x2'],
  [0xaa0203e0, 'mov x0, x2'],
  [0x2a0103e0, 'mov w0, w1'],
  [0xaa1f03e0, 'mov x0, xzr'],
  [0xaa020fe0, 'orr x0, xzr, x2, lsl #3'],
  [0xaa220020, 'orn x0, x1, x2'],
  [0xaa2203e0, 'mvn x0, x2'],
  [0x2a620fe0, 'mvn w0, w2, lsr #3'],
  [0xca020020, 'eor x0, x1, x2'],
  [0xca42fc20, 'eor x0, x1, x2, lsr #63'],
  [0xca220020, 'eon x0, x1, x2'],
  [0x4ae27c20, 'eon w0, w1, w2, ror #31'],
  [0xea020020, 'ands x0, x1, x2'],
  [0xea02083f, 'tst x1, x2, lsl #2'],
  [0x6a02003f, 'tst w1, w2'],
  [0xea220020, 'bics x0, x1, x2'],
  [0x6a620420, 'bics w0, w1, w2, lsr #1'],
  [0xfa410004, 'ccmp x0, x1, #0x4, eq'],
  [0x7a411000, 'ccmp w0, w1, #0x0, ne'],
  [0x3a5f180f, 'ccmn w0, #0x1f, #0xf, ne'],
  [0xfa432800, 'ccmp x0, #0x3, #0x0, cs'],
  [0xba46e0a8, 'ccmn x5, x6, #0x8, al'],
  [0xfa40f801, 'ccmp x0, #0x0, #0x1, nv'],
  [0x9a823020, 'csel x0, x1, x2, cc'],
  [0x1a820020, 'csel w0, w1, w2, eq'],
  [0x9a82e3e0, 'csel x0, xzr, x2, al'],
  [0x9a824420, 'csinc x0, x1, x2, mi'],
  [0x9a81e420, 'csinc x0, x1, x1, al'],
  [0x9a9ff7e0, 'csinc x0, xzr, xzr, nv'],
  [0xda82c020, 'csinv x0, x1, x2, gt'],
  [0xda9fe3e0, 'csinv x0, xzr, xzr, al'],
  [0xda829420, 'csneg x0, x1, x2, ls'],
  [0x9a9f07e0, 'cset x0, ne'],
  [0x1a9fb7e0, 'cset w0, ge'],
  [0xda9fa3e0, 'csetm x0, lt'],
  [0x5a9f13e0, 'csetm w0, eq'],
  [0x9a815420, 'cinc x0, x1, mi'],
  [0x9a81d420, 'cinc x0, x1, gt'],
  [0xda817020, 'cinv x0, x1, vs'],
  [0x5a819020, 'cinv w0, w1, hi'],
  [0xda818420, 'cneg x0, x1, ls'],
  [0x5a81c420, 'cneg w0, w1, le'],
  [0xda9f17e0, 'cneg x0, xzr, eq'],
  [0xdac00020, 'rbit x0, x1'],
  [0x5ac00020, 'rbit w0, w1'],
  [0x5ac00420, 'rev16 w0, w1'],
  [0xdac00420, 'rev16 x0, x1'],
  [0x5ac00820, 'rev w0, w1'],
  [0xdac00820, 'rev32 x0, x1'],
  [0xdac00c20, 'rev x0, x1'],
  [0xdac01020, 'clz x0, x1'],
  [0x5ac01020, 'clz w0, w1'],
  [0x5ac01420, 'cls w0, w1'],
  [0xdac01420, 'cls x0, x1'],
  [0x9ac20820, 'udiv x0, x1, x2'],
  [0x1ac20820, 'udiv w0, w1, w2'],
  [0x1ac20c20, 'sdiv w0, w1, w2'],
  [0x9ac20c20, 'sdiv x0, x1, x2'],
  [0x9ac22020, 'lsl x0, x1, x2'],
  [0x9ac22420, 'lsr x0, x1, x2'],
  [0x1ac22820, 'asr w0, w1, w2'],
  [0x9ac22c20, 'ror x0, x1, x2'],
  [0x1ac52083, 'lsl w3, w4, w5'],
  [0x9b020c20, 'madd x0, x1, x2, x3'],
  [0x1b020c20, 'madd w0, w1, w2, w3'],
  [0x9b027c20, 'mul x0, x1, x2'],
  [0x1b027c20, 'mul w0, w1, w2'],
  [0x9b028c20, 'msub x0, x1, x2, x3'],
  [0x9b02fc20, 'mneg x0, x1, x2'],
  [0x9b220c20, 'smaddl x0, w1, w2, x3'],
  [0x9b227c20, 'smull x0, w1, w2'],
  [0x9b228c20, 'smsubl x0, w1, w2, x3'],
  [0x9b22fc20, 'smnegl x0, w1, w2'],
  [0x9ba20c20, 'umaddl x0, w1, w2, x3'],
  [0x9ba27c20, 'umull x0, w1, w2'],
  [0x9ba28c20, 'umsubl x0, w1, w2, x3'],
  [0x9ba2fc20, 'umnegl x0, w1, w2'],
  [0x9b427c20, 'smulh x0, x1, x2'],
  [0x9bc27c20, 'umulh x0, x1, x2'],
  [0xf9400020, 'ldr x0, [x1]'],
  [0xf9400420, 'ldr x0, [x1, #8]'],
  [0xf97ffc20, 'ldr x0, [x1, #32760]'],
  [0xb94fffe0, 'ldr w0, [sp, #4092]'],
  [0x397ffc20, 'ldrb w0, [x1, #4095]'],
  [0x797ffc20, 'ldrh w0, [x1, #8190]'],
  [0x39800420, 'ldrsb x0, [x1, #1]'],
  [0x39c00420, 'ldrsb w0, [x1, #1]'],
  [0x79800420, 'ldrsh x0, [x1, #2]'],
  [0x79c00420, 'ldrsh w0, [x1, #2]'],
  [0xb9800420, 'ldrsw x0, [x1, #4]'],
  [0x39000020, 'strb w0, [x1]'],
  [0x79000420, 'strh w0, [x1, #2]'],
  [0xb93ffc20, 'str w0, [x1, #16380]'],
  [0xf90007ff, 'str xzr, [sp, #8]'],
  [0xb900001f, 'str wzr, [x0]'],
  [0xf8408c20, 'ldr x0, [x1, #8]!'],
  [0xf85f8420, 'ldr x0, [x1], #-8'],
  [0xf8500c20, 'ldr x0, [x1, #-256]!'],
  [0xf84ff420, 'ldr x0, [x1], #255'],
  [0xf8400c20, 'ldr x0, [x1, #0]!'],
  [0xf8400420, 'ldr x0, [x1], #0'],
  [0xf81f0fe0, 'str x0, [sp, #-16]!'],
  [0xf80107e0, 'str x0, [sp], #16'],
  [0x38001c20, 'strb w0, [x1, #1]!'],
  [0x38401420, 'ldrb w0, [x1], #1'],
  [0x789fec62, 'ldrsh x2, [x3, #-2]!'],
  [0x38dff462, 'ldrsb w2, [x3], #-1'],
  [0xb8804c62, 'ldrsw x2, [x3, #4]!'],
  [0xf85ff020, 'ldur x0, [x1, #-1]'],
  [0xf8408020, 'ldur x0, [x1, #8]'],
  [0xf8400020, 'ldur x0, [x1]'],
  [0xb84ff020, 'ldur w0, [x1, #255]'],
  [0x38500020, 'ldurb w0, [x1, #-256]'],
  [0x78401020, 'ldurh w0, [x1, #1]'],
  [0x389ff020, 'ldursb x0, [x1, #-1]'],
  [0x38dff020, 'ldursb w0, [x1, #-1]'],
  [0x78803020, 'ldursh x0, [x1, #3]'],
  [0xb89fc020, 'ldursw x0, [x1, #-4]'],
  [0xf81f8020, 'stur x0, [x1, #-8]'],
  [0x380ff020, 'sturb w0, [x1, #255]'],
  [0x781fd020, 'sturh w0, [x1, #-3]'],
  [0xf8408820, 'ldtr x0, [x1, #8]'],
  [0xb8400820, 'ldtr w0, [x1]'],
  [0x385ff820, 'ldtrb w0, [x1, #-1]'],
  [0x78402820, 'ldtrh w0, [x1, #2]'],
  [0x38800820, 'ldtrsb x0, [x1]'],
  [0x78c00820, 'ldtrsh w0, [x1]'],
  [0xb8900820, 'ldtrsw x0, [x1, #-256]'],
  [0xf80ff820, 'sttr x0, [x1, #255]'],
  [0x38000820, 'sttrb w0, [x1]'],
  [0x78000820, 'sttrh w0, [x1]'],
  [0xf8626820, 'ldr x0, [x1, x2]'],
  [0xf8627820, 'ldr x0, [x1, x2, lsl #3]'],
  [0xb8624820, 'ldr w0, [x1, w2, uxtw]'],
  [0xb8625820, 'ldr w0, [x1, w2, uxtw #2]'],
  [0xf862d820, 'ldr x0, [x1, w2, sxtw #3]'],
  [0xf8625820, 'ldr x0, [x1, w2, uxtw #3]'],
  [0xf862e820, 'ldr x0, [x1, x2, sxtx]'],
  [0xf862f820, 'ldr x0, [x1, x2, sxtx #3]'],
  [0x38627820, 'ldrb w0, [x1, x2, lsl #0]'],
  [0x38626820, 'ldrb w0, [x1, x2]'],
  [0x38624820, 'ldrb w0, [x1, w2, uxtw]'],
  [0x3862d820, 'ldrb w0, [x1, w2, sxtw #0]'],
  [0x38a26820, 'ldrsb x0, [x1, x2]'],
  [0x38e2c820, 'ldrsb w0, [x1, w2, sxtw]'],
  [0x7862d820, 'ldrh w0, [x1, w2, sxtw #1]'],
  [0x7862c820, 'ldrh w0, [x1, w2, sxtw]'],
  [0x78a26be0, 'ldrsh x0, [sp, x2]'],
  [0x78e27820, 'ldrsh w0, [x1, x2, lsl #1]'],
  [0xb8a27820, 'ldrsw x0, [x1, x2, lsl #2]'],
  [0xb8a24820, 'ldrsw x0, [x1, w2, uxtw]'],
  [0x78227820, 'strh w0, [x1, x2, lsl #1]'],
  [0xb83f6820, 'str w0, [x1, xzr]'],
  [0xf822c820, 'str x0, [x1, w2, sxtw]'],
  [0x38226820, 'strb w0, [x1, x2]'],
  [0xf87f7be0, 'ldr x0, [sp, xzr, lsl #3]'],
  [0x58ffd780, 'ldr x0, ffff800010080000'],
  [0x18ffd760, 'ldr w0, ffff800010080000'],
  [0x98ffd740, 'ldrsw x0, ffff800010080000'],
  [0x58000fe1, 'ldr x1, ffff800010080718'],
  [0x18000fc2, 'ldr w2, ffff800010080718'],
  [0xd8ffd6e0, 'prfm pldl1keep, ffff800010080000'],
  [0xd8000f95, 'prfm pstl3strm, ffff800010080718'],
  [0xf9800000, 'prfm pldl1keep, [x0]'],
  [0xf9800413, 'prfm pstl2strm, [x0, #8]'],
  [0xf9bffc08, 'prfm plil1keep, [x0, #32760]'],
  [0xf8a1680c, 'prfm plil3keep, [x0, x1]'],
  [0xf8a1d802, 'prfm pldl2keep, [x0, w1, sxtw #3]'],
  [0xf8a1781f, 'prfm #0x1f, [x0, x1, lsl #3]'],
  [0xf9800006, 'prfm #0x06, [x0]'],
  [0xf98003f8, 'prfm #0x18, [sp]'],
  [0xf89ff001, 'prfum pldl1strm, [x0, #-1]'],
  [0xf88ff010, 'prfum pstl1keep, [x0, #255]'],
  [0xa94007e0, 'ldp x0, x1, [sp]'],
  [0xa94107e0, 'ldp x0, x1, [sp, #16]'],
  [0xa95f8440, 'ldp x0, x1, [x2, #504]'],
  [0xa9600440, 'ldp x0, x1, [x2, #-512]'],
  [0xa9bf7bfd, 'stp x29, x30, [sp, #-16]!'],
  [0xa9a07bfd, 'stp x29, x30, [sp, #-512]!'],
  [0xa8c17bfd, 'ldp x29, x30, [sp], #16'],
  [0xa8dffbfd, 'ldp x29, x30, [sp], #504'],
  [0x29600440, 'ldp w0, w1, [x2, #-256]'],
  [0x295f8440, 'ldp w0, w1, [x2, #252]'],
  [0x29808440, 'stp w0, w1, [x2, #4]!'],
  [0x28bf8440, 'stp w0, w1, [x2], #-4'],
  [0xa9c00440, 'ldp x0, x1, [x2, #0]!'],
  [0xa8800440, 'stp x0, x1, [x2], #0'],
  [0xa9007c1f, 'stp xzr, xzr, [x0]'],
  [0x29017fff, 'stp wzr, wzr, [sp, #8]'],
  [0x69400440, 'ldpsw x0, x1, [x2]'],
  [0x69410440, 'ldpsw x0, x1, [x2, #8]'],
  [0x68c10440, 'ldpsw x0, x1, [x2], #8'],
  [0x69ff0440, 'ldpsw x0, x1, [x2, #-8]!'],
  [0x69600440, 'ldpsw x0, x1, [x2, #-256]'],
  [0xa85f8440, 'ldnp x0, x1, [x2, #504]'],
  [0xa8600440, 'ldnp x0, x1, [x2, #-512]'],
  [0x28400440, 'ldnp w0, w1, [x2]'],
  [0x283f8440, 'stnp w0, w1, [x2, #-4]'],
  [0xa80107e0, 'stnp x0, x1, [sp, #16]'],
  [0xc85f7c20, 'ldxr x0, [x1]'],
  [0x885f7fe0, 'ldxr w0, [sp]'],
  [0x085f7c20, 'ldxrb w0, [x1]'],
  [0x485f7c20, 'ldxrh w0, [x1]'],
  [0xc85ffc20, 'ldaxr x0, [x1]'],
  [0x885ffc20, 'ldaxr w0, [x1]'],
  [0x085ffc20, 'ldaxrb w0, [x1]'],
  [0x485ffc20, 'ldaxrh w0, [x1]'],
  [0xc8027c20, 'stxr w2, x0, [x1]'],
  [0x88027fe0, 'stxr w2, w0, [sp]'],
  [0x08027c20, 'stxrb w2, w0, [x1]'],
  [0x48027c20, 'stxrh w2, w0, [x1]'],
  [0xc802fc20, 'stlxr w2, x0, [x1]'],
  [0x8802fc3f, 'stlxr w2, wzr, [x1]'],
  [0x0802fc20, 'stlxrb w2, w0, [x1]'],
  [0x4802fc20, 'stlxrh w2, w0, [x1]'],
  [0xc87f0440, 'ldxp x0, x1, [x2]'],
  [0x887f0440, 'ldxp w0, w1, [x2]'],
  [0xc87f87e0, 'ldaxp x0, x1, [sp]'],
  [0x887f8440, 'ldaxp w0, w1, [x2]'],
  [0xc8230440, 'stxp w3, x0, x1, [x2]'],
  [0x88230440, 'stxp w3, w0, w1, [x2]'],
  [0xc8238440, 'stlxp w3, x0, x1, [x2]'],
  [0x88238440, 'stlxp w3, w0, w1, [x2]'],
  [0xc8dffc20, 'ldar x0, [x1]'],
  [0x88dfffe0, 'ldar w0, [sp]'],
  [0x08dffc20, 'ldarb w0, [x1]'],
  [0x48dffc20, 'ldarh w0, [x1]'],
  [0xc89ffc20, 'stlr x0, [x1]'],
  [0x889ffc20, 'stlr w0, [x1]'],
  [0x089ffc20, 'stlrb w0, [x1]'],
  [0x489ffc20, 'stlrh w0, [x1]'],
  [0xf8200041, 'ldadd x0, x1, [x2]'],
  [0xb8a00041, 'ldadda w0, w1, [x2]'],
  [0xf8e003e1, 'ldaddal x0, x1, [sp]'],
  [0xf8600041, 'ldaddl x0, x1, [x2]'],
  [0x38200041, 'ldaddb w0, w1, [x2]'],
  [0x78200041, 'ldaddh w0, w1, [x2]'],
  [0x38e00041, 'ldaddalb w0, w1, [x2]'],
  [0x78600041, 'ldaddlh w0, w1, [x2]'],
  [0xf8201041, 'ldclr x0, x1, [x2]'],
  [0xb8e01041, 'ldclral w0, w1, [x2]'],
  [0xf8202041, 'ldeor x0, x1, [x2]'],
  [0x38a02041, 'ldeorab w0, w1, [x2]'],
  [0xf8203041, 'ldset x0, x1, [x2]'],
  [0xb8603041, 'ldsetl w0, w1, [x2]'],
  [0xf8204041, 'ldsmax x0, x1, [x2]'],
  [0x78a04041, 'ldsmaxah w0, w1, [x2]'],
  [0xf8205041, 'ldsmin x0, x1, [x2]'],
  [0xf8605041, 'ldsminl x0, x1, [x2]'],
  [0xb8206041, 'ldumax w0, w1, [x2]'],
  [0x38a06041, 'ldumaxab w0, w1, [x2]'],
  [0xf8207041, 'ldumin x0, x1, [x2]'],
  [0x78e07041, 'lduminalh w0, w1, [x2]'],
  [0xf820005f, 'stadd x0, [x2]'],
  [0xf860005f, 'staddl x0, [x2]'],
  [0x3820005f, 'staddb w0, [x2]'],
  [0x3820105f, 'stclrb w0, [x2]'],
  [0x7820205f, 'steorh w0, [x2]'],
  [0xb820305f, 'stset w0, [x2]'],
  [0xf860405f, 'stsmaxl x0, [x2]'],
  [0xb82053ff, 'stsmin w0, [sp]'],
  [0xf820605f, 'stumax x0, [x2]'],
  [0x3860705f, 'stuminlb w0, [x2]'],
  [0xf8a0005f, 'ldadda x0, xzr, [x2]'],
  [0xb8e0005f, 'ldaddal w0, wzr, [x2]'],
  [0xf8208041, 'swp x0, x1, [x2]'],
  [0xf8a08041, 'swpa x0, x1, [x2]'],
  [0xb8608041, 'swpl w0, w1, [x2]'],
  [0xb8e08041, 'swpal w0, w1, [x2]'],
  [0x38208041, 'swpb w0, w1, [x2]'],
  [0x78e08041, 'swpalh w0, w1, [x2]'],
  [0xf820805f, 'swp x0, xzr, [x2]'],
  [0xc8a07c41, 'cas x0, x1, [x2]'],
  [0x88e07c41, 'casa w0, w1, [x2]'],
  [0xc8a0fc41, 'casl x0, x1, [x2]'],
  [0xc8e0fc41, 'casal x0, x1, [x2]'],
  [0x08a07c41, 'casb w0, w1, [x2]'],
  [0x08e07c41, 'casab w0, w1, [x2]'],
  [0x48a0fc41, 'caslh w0, w1, [x2]'],
  [0x48e0fc41, 'casalh w0, w1, [x2]'],
  [0x88a07fe1, 'cas w0, w1, [sp]'],
  [0x48207c82, 'casp x0, x1, x2, x3, [x4]'],
  [0x4824fd06, 'caspl x4, x5, x6, x7, [x8]'],
  [0x0860fc82, 'caspal w0, w1, w2, w3, [x4]'],
  [0x48607fe2, 'caspa x0, x1, x2, x3, [sp]'],
  [0x083e7c3c, 'casp w30, wzr, w28, w29, [x1]'],
  [0x17fffe3a, 'b ffff800010080000'],
  [0x17ffffff, 'b ffff800010080718'],
  [0x14000000, 'b ffff800010080720'],
  [0x97fffe37, 'bl ffff800010080000'],
  [0x94000131, 'bl ffff800010080bec'],
  [0x15fffe31, 'b ffff80001807fff0'],
  [0x94000142, 'bl ffff800010080c38'],
  [0x54ffc660, 'b.eq ffff800010080000'],
  [0x54ffc641, 'b.ne ffff800010080000'],
  [0x54ffc622, 'b.cs ffff800010080000'],
  [0x54ffc603, 'b.cc ffff800010080000'],
  [0x54ffc5e4, 'b.mi ffff800010080000'],
  [0x54ffc5c5, 'b.pl ffff800010080000'],
  [0x54ffc5a6, 'b.vs ffff800010080000'],
  [0x54ffc587, 'b.vc ffff800010080000'],
  [0x54ffc568, 'b.hi ffff800010080000'],
  [0x54ffc549, 'b.ls ffff800010080000'],
  [0x54ffc52a, 'b.ge ffff800010080000'],
  [0x54ffc50b, 'b.lt ffff800010080000'],
  [0x54ffc4ec, 'b.gt ffff800010080000'],
  [0x54ffc4cd, 'b.le ffff800010080000'],
  [0x54ffc4ae, 'b.al ffff800010080000'],
  [0x54ffc48f, 'b.nv ffff800010080000'],
  [0x540023c2, 'b.cs ffff800010080bec'],
  [0x540023a3, 'b.cc ffff800010080bec'],
  [0xb4ffc420, 'cbz x0, ffff800010080000'],
  [0x34002360, 'cbz w0, ffff800010080bec'],
  [0x35ffc3e0, 'cbnz w0, ffff800010080000'],
  [0xb500233e, 'cbnz x30, ffff800010080bec'],
  [0xb400001f, 'cbz xzr, ffff80001008078c'],
  [0xb6ffc380, 'tbz x0, #63, ffff800010080000'],
  [0x360022c0, 'tbz w0, #0, ffff800010080bec'],
  [0x371fc340, 'tbnz w0, #3, ffff800010080000'],
  [0x37f82285, 'tbnz w5, #31, ffff800010080bec'],
  [0xb7000005, 'tbnz x5, #32, ffff8000100807a0'],
  [0xb647c2ff, 'tbz xzr, #40, ffff800010080000'],
  [0xd61f0000, 'br x0'],
  [0xd61f03c0, 'br x30'],
  [0xd63f0020, 'blr x1'],
  [0xd63f03e0, 'blr xzr'],
  [0xd65f03c0, 'ret'],
  [0xd65f0060, 'ret x3'],
  [0xd65f03e0, 'ret xzr'],
  [0xd69f03e0, 'eret'],
  [0xd4000001, 'svc #0x0'],
  [0xd41fffe1, 'svc #0xffff'],
  [0xd4000002, 'hvc #0x0'],
  [0xd4024682, 'hvc #0x1234'],
  [0xd4000003, 'smc #0x0'],
  [0xd41fffe3, 'smc #0xffff'],
  [0xd4200000, 'brk #0x0'],
  [0xd4207d00, 'brk #0x3e8'],
  [0xd4400000, 'hlt #0x0'],
  [0xd45e0000, 'hlt #0xf000'],
  [0xd503201f, 'nop'],
  [0xd503203f, 'yield'],
  [0xd503205f, 'wfe'],
  [0xd503207f, 'wfi'],
  [0xd503209f, 'sev'],
  [0xd50320bf, 'sevl'],
  [0xd50320df, 'hint #0x6'],
  [0xd503227f, 'hint #0x13'],
  [0xd5032fff, 'hint #0x7f'],
  [0xd50320ff, 'xpaclri'],
  [0xd503221f, 'esb'],
  [0xd503223f, 'psb csync'],
  [0xd503229f, 'csdb'],
  [0xd503233f, 'paciasp'],
  [0xd50323bf, 'autiasp'],
  [0xd503245f, 'bti c'],
  [0xd503249f, 'bti j'],
  [0xd50324df, 'bti jc'],
  [0xd503241f, 'bti'],
  [0xd5033f9f, 'dsb sy'],
  [0xd5033e9f, 'dsb st'],
  [0xd5033d9f, 'dsb ld'],
  [0xd5033b9f, 'dsb ish'],
  [0xd5033a9f, 'dsb ishst'],
  [0xd503399f, 'dsb ishld'],
  [0xd503379f, 'dsb nsh'],
  [0xd503369f, 'dsb nshst'],
  [0xd503359f, 'dsb nshld'],
  [0xd503339f, 'dsb osh'],
  [0xd503329f, 'dsb oshst'],
  [0xd503319f, 'dsb oshld'],
  [0xd5033c9f, 'dsb #0x0c'],
  [0xd503309f, 'ssbb'],
  [0xd503349f, 'pssbb'],
  [0xd5033fbf, 'dmb sy'],
  [0xd5033bbf, 'dmb ish'],
  [0xd50339bf, 'dmb ishld'],
  [0xd5033abf, 'dmb ishst'],
  [0xd50331bf, 'dmb oshld'],
  [0xd50330bf, 'dmb #0x00'],
  [0xd50338bf, 'dmb #0x08'],
  [0xd5033fdf, 'isb'],
  [0xd50333df, 'isb #0x3'],
  [0xd5033f5f, 'clrex'],
  [0xd503355f, 'clrex #0x5'],
  [0xd50342df, 'msr daifset, #0x2'],
  [0xd5034fdf, 'msr daifset, #0xf'],
  [0xd5034fff, 'msr daifclr, #0xf'],
  [0xd50340ff, 'msr daifclr, #0x0'],
  [0xd50041bf, 'msr spsel, #0x1'],
  [0xd50040bf, 'msr spsel, #0x0'],
  [0xd500419f, 'msr pan, #0x1'],
  [0xd500407f, 'msr uao, #0x0'],
  [0xd503415f, 'msr dit, #0x1'],
  [0xd503413f, 'msr ssbs, #0x1'],
  [0xd5381001, 'mrs x1, sctlr_el1'],
  [0xd51c1002, 'msr sctlr_el2, x2'],
  [0xd53e1003, 'mrs x3, sctlr_el3'],
  [0xd5181024, 'msr actlr_el1, x4'],
  [0xd5381045, 'mrs x5, cpacr_el1'],
  [0xd51c1106, 'msr hcr_el2, x6'],
  [0xd53c1127, 'mrs x7, mdcr_el2'],
  [0xd51c1148, 'msr cptr_el2, x8'],
  [0xd53c1169, 'mrs x9, hstr_el2'],
  [0xd51e110a, 'msr scr_el3, x10'],
  [0xd538200b, 'mrs x11, ttbr0_el1'],
  [0xd518202c, 'msr ttbr1_el1, x12'],
  [0xd538204d, 'mrs x13, tcr_el1'],
  [0xd51c200e, 'msr ttbr0_el2, x14'],
  [0xd53c204f, 'mrs x15, tcr_el2'],
  [0xd51c2110, 'msr vttbr_el2, x16'],
  [0xd53c2151, 'mrs x17, vtcr_el2'],
  [0xd5184012, 'msr spsr_el1, x18'],
  [0xd5384033, 'mrs x19, elr_el1'],
  [0xd5184114, 'msr sp_el0, x20'],
  [0xd5384215, 'mrs x21, spsel'],
  [0xd5384256, 'mrs x22, currentel'],
  [0xd53b4237, 'mrs x23, daif'],
  [0xd51b4218, 'msr nzcv, x24'],
  [0xd53b4419, 'mrs x25, fpcr'],
  [0xd51b443a, 'msr fpsr, x26'],
  [0xd53c401b, 'mrs x27, spsr_el2'],
  [0xd51c403c, 'msr elr_el2, x28'],
  [0xd53c411d, 'mrs x29, sp_el1'],
  [0xd51e401e, 'msr spsr_el3, x30'],
  [0xd53e4020, 'mrs x0, elr_el3'],
  [0xd51e4101, 'msr sp_el2, x1'],
  [0xd5385202, 'mrs x2, esr_el1'],
  [0xd51c5203, 'msr esr_el2, x3'],
  [0xd53e5204, 'mrs x4, esr_el3'],
  [0xd5186005, 'msr far_el1, x5'],
  [0xd53c6006, 'mrs x6, far_el2'],
  [0xd51c6087, 'msr hpfar_el2, x7'],
  [0xd5387408, 'mrs x8, par_el1'],
  [0xd518a209, 'msr mair_el1, x9'],
  [0xd53ca20a, 'mrs x10, mair_el2'],
  [0xd518a30b, 'msr amair_el1, x11'],
  [0xd538c00c, 'mrs x12, vbar_el1'],
  [0xd51cc00d, 'msr vbar_el2, x13'],
  [0xd53ec00e, 'mrs x14, vbar_el3'],
  [0xd538c10f, 'mrs x15, isr_el1'],
  [0xd5380010, 'mrs x16, midr_el1'],
  [0xd53800b1, 'mrs x17, mpidr_el1'],
  [0xd53800d2, 'mrs x18, revidr_el1'],
  [0xd51c0013, 'msr vpidr_el2, x19'],
  [0xd53c00b4, 'mrs x20, vmpidr_el2'],
  [0xd53b0035, 'mrs x21, ctr_el0'],
  [0xd53b00f6, 'mrs x22, dczid_el0'],
  [0xd5390037, 'mrs x23, clidr_el1'],
  [0xd5390018, 'mrs x24, ccsidr_el1'],
  [0xd51a0019, 'msr csselr_el1, x25'],
  [0xd538041a, 'mrs x26, id_aa64pfr0_el1'],
  [0xd538043b, 'mrs x27, id_aa64pfr1_el1'],
  [0xd538051c, 'mrs x28, id_aa64dfr0_el1'],
  [0xd538061d, 'mrs x29, id_aa64isar0_el1'],
  [0xd538063e, 'mrs x30, id_aa64isar1_el1'],
  [0xd5380640, 'mrs x0, id_aa64isar2_el1'],
  [0xd5380701, 'mrs x1, id_aa64mmfr0_el1'],
  [0xd5380722, 'mrs x2, id_aa64mmfr1_el1'],
  [0xd5380743, 'mrs x3, id_aa64mmfr2_el1'],
  [0xd5180484, 'msr id_aa64zfr0_el1, x4'],
  [0xd5380105, 'mrs x5, id_pfr0_el1'],
  [0xd53802e6, 'mrs x6, id_isar6_el1'],
  [0xd53bd047, 'mrs x7, tpidr_el0'],
  [0xd51bd068, 'msr tpidrro_el0, x8'],
  [0xd538d089, 'mrs x9, tpidr_el1'],
  [0xd51cd04a, 'msr tpidr_el2, x10'],
  [0xd538d02b, 'mrs x11, contextidr_el1'],
  [0xd51be00c, 'msr cntfrq_el0, x12'],
  [0xd53be02d, 'mrs x13, cntpct_el0'],
  [0xd53be04e, 'mrs x14, cntvct_el0'],
  [0xd53be22f, 'mrs x15, cntp_ctl_el0'],
  [0xd51be250, 'msr cntp_cval_el0, x16'],
  [0xd53be211, 'mrs x17, cntp_tval_el0'],
  [0xd51be332, 'msr cntv_ctl_el0, x18'],
  [0xd53be353, 'mrs x19, cntv_cval_el0'],
  [0xd51be314, 'msr cntv_tval_el0, x20'],
  [0xd538e115, 'mrs x21, cntkctl_el1'],
  [0xd51ce116, 'msr cnthctl_el2, x22'],
  [0xd53ce077, 'mrs x23, cntvoff_el2'],
  [0xd51ce238, 'msr cnthp_ctl_el2, x24'],
  [0xd53ce259, 'mrs x25, cnthp_cval_el2'],
  [0xd51fe23a, 'msr cntps_ctl_el1, x26'],
  [0xd538461b, 'mrs x27, icc_pmr_el1'],
  [0xd538cc1c, 'mrs x28, icc_iar1_el1'],
  [0xd518cc3d, 'msr icc_eoir1_el1, x29'],
  [0xd518cb3e, 'msr icc_dir_el1, x30'],
  [0xd518cba0, 'msr icc_sgi1r_el1, x0'],
  [0xd518cca1, 'msr icc_sre_el1, x1'],
  [0xd53cc9a2, 'mrs x2, icc_sre_el2'],
  [0xd518cc83, 'msr icc_ctlr_el1, x3'],
  [0xd538cce4, 'mrs x4, icc_igrpen1_el1'],
  [0xd518cc65, 'msr icc_bpr1_el1, x5'],
  [0xd538cc46, 'mrs x6, icc_hppir1_el1'],
  [0xd538cb67, 'mrs x7, icc_rpr_el1'],
  [0xd538c908, 'mrs x8, icc_ap1r0_el1'],
  [0xd51ccb09, 'msr ich_hcr_el2, x9'],
  [0xd53ccb2a, 'mrs x10, ich_vtr_el2'],
  [0xd53ccb4b, 'mrs x11, ich_misr_el2'],
  [0xd53ccbac, 'mrs x12, ich_elrsr_el2'],
  [0xd51ccbed, 'msr ich_vmcr_el2, x13'],
  [0xd53ccc0e, 'mrs x14, ich_lr0_el2'],
  [0xd51ccdef, 'msr ich_lr15_el2, x15'],
  [0xd53cc910, 'mrs x16, ich_ap1r0_el2'],
  [0xd51b9c11, 'msr pmcr_el0, x17'],
  [0xd53b9d12, 'mrs x18, pmccntr_el0'],
  [0xd51b9e13, 'msr pmuserenr_el0, x19'],
  [0xd53be814, 'mrs x20, pmevcntr0_el0'],
  [0xd51befd5, 'msr pmevtyper30_el0, x21'],
  [0xd53beff6, 'mrs x22, pmccfiltr_el0'],
  [0xd51d1017, 'msr sctlr_el12, x23'],
  [0xd53d2018, 'mrs x24, ttbr0_el12'],
  [0xd51d4039, 'msr elr_el12, x25'],
  [0xd53de33a, 'mrs x26, cntv_ctl_el02'],
  [0xd510025b, 'msr mdscr_el1, x27'],
  [0xd510109c, 'msr oslar_el1, x28'],
  [0xd530119d, 'mrs x29, oslsr_el1'],
  [0xd530139e, 'mrs x30, osdlr_el1'],
  [0xd5100200, 'msr mdccint_el1, x0'],
  [0xd5300081, 'mrs x1, dbgbvr0_el1'],
  [0xd5100fa2, 'msr dbgbcr15_el1, x2'],
  [0xd53003c3, 'mrs x3, dbgwvr3_el1'],
  [0xd51007e4, 'msr dbgwcr7_el1, x4'],
  [0xd53078c5, 'mrs x5, dbgclaimset_el1'],
  [0xd5330106, 'mrs x6, mdccsr_el0'],
  [0xd5330407, 'mrs x7, dbgdtr_el0'],
  [0xd538f200, 'mrs x0, s3_0_c15_c2_0'],
  [0xd51fffe1, 'msr s3_7_c15_c15_7, x1'],
  [0xd539b05f, 'mrs xzr, s3_1_c11_c0_2'],
  [0xd5300001, 'mrs x1, s2_0_c0_c0_0'],
  [0xd51ccc1f, 'msr ich_lr0_el2, xzr'],
  [0xd508711f, 'ic ialluis'],
  [0xd508751f, 'ic iallu'],
  [0xd50b7520, 'ic ivau, x0'],
  [0xd5087621, 'dc ivac, x1'],
  [0xd5087642, 'dc isw, x2'],
  [0xd5087a43, 'dc csw, x3'],
  [0xd5087e44, 'dc cisw, x4'],
  [0xd50b7425, 'dc zva, x5'],
  [0xd50b7a26, 'dc cvac, x6'],
  [0xd50b7b27, 'dc cvau, x7'],
  [0xd50b7c28, 'dc cvap, x8'],
  [0xd50b7e29, 'dc civac, x9'],
  [0xd50b7e3f, 'dc civac, xzr'],
  [0xd5087800, 'at s1e1r, x0'],
  [0xd5087820, 'at s1e1w, x0'],
  [0xd5087840, 'at s1e0r, x0'],
  [0xd5087860, 'at s1e0w, x0'],
  [0xd5087901, 'at s1e1rp, x1'],
  [0xd5087921, 'at s1e1wp, x1'],
  [0xd50c7802, 'at s1e2r, x2'],
  [0xd50c7822, 'at s1e2w, x2'],
  [0xd50c7883, 'at s12e1r, x3'],
  [0xd50c78a3, 'at s12e1w, x3'],
  [0xd50c78c3, 'at s12e0r, x3'],
  [0xd50c78e3, 'at s12e0w, x3'],
  [0xd50e7804, 'at s1e3r, x4'],
  [0xd50e7824, 'at s1e3w, x4'],
  [0xd508831f, 'tlbi vmalle1is'],
  [0xd5088320, 'tlbi vae1is, x0'],
  [0xd5088340, 'tlbi aside1is, x0'],
  [0xd5088360, 'tlbi vaae1is, x0'],
  [0xd50883a0, 'tlbi vale1is, x0'],
  [0xd50883e0, 'tlbi vaale1is, x0'],
  [0xd508871f, 'tlbi vmalle1'],
  [0xd5088720, 'tlbi vae1, x0'],
  [0xd5088741, 'tlbi aside1, x1'],
  [0xd5088762, 'tlbi vaae1, x2'],
  [0xd50887a3, 'tlbi vale1, x3'],
  [0xd50887e4, 'tlbi vaale1, x4'],
  [0xd50c8020, 'tlbi ipas2e1is, x0'],
  [0xd50c80a0, 'tlbi ipas2le1is, x0'],
  [0xd50c831f, 'tlbi alle2is'],
  [0xd50c8320, 'tlbi vae2is, x0'],
  [0xd50c839f, 'tlbi alle1is'],
  [0xd50c83a0, 'tlbi vale2is, x0'],
  [0xd50c83df, 'tlbi vmalls12e1is'],
  [0xd50c8420, 'tlbi ipas2e1, x0'],
  [0xd50c84a0, 'tlbi ipas2le1, x0'],
  [0xd50c871f, 'tlbi alle2'],
  [0xd50c8720, 'tlbi vae2, x0'],
  [0xd50c879f, 'tlbi alle1'],
  [0xd50c87a0, 'tlbi vale2, x0'],
  [0xd50c87df, 'tlbi vmalls12e1'],
  [0xd50e831f, 'tlbi alle3is'],
  [0xd50e8320, 'tlbi vae3is, x0'],
  [0xd50e83a0, 'tlbi vale3is, x0'],
  [0xd50e871f, 'tlbi alle3'],
  [0xd50e8720, 'tlbi vae3, x0'],
  [0xd50e87a0, 'tlbi vale3, x0'],
  [0xd50bf201, 'sys #3, C15, C2, #0, x1'],
  [0xd508f21f, 'sys #0, C15, C2, #0'],
  [0xd50fb0fe, 'sys #7, C11, C0, #7, x30'],
  [0xd5280000, 'sysl x0, #0, C0, C0, #0'],
  [0xd52bf200, 'sysl x0, #3, C15, C2, #0'],
  [0xd503201f, 'nop'],
  [0x90800000, 'adrp x0, ffff7fff10080000'],
  [0xf07fffe0, 'adrp x0, ffff80011007f000'],
  [0x10800000, 'adr x0, ffff80000ff80bf8'],
  [0x707fffe0, 'adr x0, ffff800010180bfb'],
  [0x16000000, 'b ffff800008080c00'],
  [0x15ffffff, 'b ffff800018080c00'],
  [0x96000000, 'bl ffff800008080c08'],
  [0x54800000, 'b.eq ffff80000ff80c0c'],
  [0x547fffeb, 'b.lt ffff800010180c0c'],
  [0xb4800000, 'cbz x0, ffff80000ff80c14'],
  [0x357fffe5, 'cbnz w5, ffff800010180c14'],
  [0x36040000, 'tbz w0, #0, ffff800010078c1c'],
  [0xb7fbffe7, 'tbnz x7, #63, ffff800010088c1c'],
  [0x58800000, 'ldr x0, ffff80000ff80c24'],
  [0x987fffe0, 'ldrsw x0, ffff800010180c24'],
  [0xd87fffe0, 'prfm pldl1keep, ffff800010180c28'],
  [0x14000008, 'b ffff800010080c50'],
  [0xd503201f, 'nop'],
  [0x90fc0010, 'adrp x16, ffff800008080000'],
  [0x91040210, 'add x16, x16, #0x100'],
  [0xd61f0200, 'br x16'],
];

// prettier-ignore
const UNDEFINED_WORDS: ReadonlyArray<readonly [number, string]> = [
[0x00000000, 'udf #0'],
  [0x0000ffff, 'udf #65535'],
  [0xffffffff, '.inst 0xffffffff ; undefined'],
  // FP/SIMD beyond ARMv8.0 (FEAT_FP16 arithmetic) and the crypto extension
  [0x1ee22820, 'fadd h0, h1, h2'],
  [0x4e284800, 'aese v0.16b, v0.16b'],
  [0x5e280800, 'sha1h s0, s0'],
  [0x04a00000, 'add z0.s, z0.s, z0.s'],
  [0x25d8e3e0, 'ptrue p0.d'],
  [0xd61f0800, '.inst 0xd61f0800 ; undefined'],
  [0xd65f0bff, 'retaa'],
  [0xf820d400, 'ldraa x0, [x0, #104]'],
  [0xdac10020, 'pacia x0, x1'],
  [0x9ac04c00, 'crc32x w0, w0, x0'],
  [0x1ac24020, 'crc32b w0, w1, w2'],
  [0xb8bfc020, 'ldapr w0, [x1]'],
  [0xd9200000, 'stzgm x0, [x0]'],
  [0x91800000, 'addg x0, x0, #0x0, #0x0'],
  [0x54000010, 'bc.eq 4c'],
  [0xd50330ff, 'sb'],
  [0xd503307f, 'tcommit'],
  [0xd500401f, 'cfinv'],
  [0xd503409f, 'msr tco, #0x0'],
  [0xd500427f, 'msr s0_0_c4_c2_3, xzr'],
  [0xd50043bf, 'msr s0_0_c4_c3_5, xzr'],
  [0xd5033a3f, 'dsb ishnxs'],
  [0xd4a00001, 'dcps1'],
  [0xd6bf03e0, 'drps'],
  [0xd69f0000, '.inst 0xd69f0000 ; undefined'],
  [0xd65f0001, '.inst 0xd65f0001 ; undefined'],
  [0xd5031000, 'wfet x0'],
  [0x12400000, '.inst 0x12400000 ; undefined'],
  [0xb240fc00, '.inst 0xb240fc00 ; undefined'],
  [0x93000000, '.inst 0x93000000 ; undefined'],
  [0x73000000, '.inst 0x73000000 ; undefined'],
  [0x13828020, '.inst 0x13828020 ; undefined'],
  [0xb3a20c20, '.inst 0xb3a20c20 ; undefined'],
  [0x52c00000, '.inst 0x52c00000 ; undefined'],
  [0x32800000, '.inst 0x32800000 ; undefined'],
  [0x0a028020, '.inst 0x0a028020 ; undefined'],
  [0x8b217420, '.inst 0x8b217420 ; undefined'],
  [0x8bc20020, '.inst 0x8bc20020 ; undefined'],
  [0x0b028020, '.inst 0x0b028020 ; undefined'],
  [0x8b620020, '.inst 0x8b620020 ; undefined'],
  [0xfa410404, '.inst 0xfa410404 ; undefined'],
  [0xfa410014, '.inst 0xfa410014 ; undefined'],
  [0x9a800800, '.inst 0x9a800800 ; undefined'],
  [0xba820020, '.inst 0xba820020 ; undefined'],
  [0x5ac00c20, '.inst 0x5ac00c20 ; undefined'],
  [0xdac01820, 'ctz x0, x1'],
  [0x9ac20020, 'subp x0, x1, x2'],
  [0xbac20820, '.inst 0xbac20820 ; undefined'],
  [0x1b220c20, '.inst 0x1b220c20 ; undefined'],
  [0x9b42fc20, '.inst 0x9b42fc20 ; undefined'],
  [0xbb020c20, '.inst 0xbb020c20 ; undefined'],
  [0x9ae20c20, '.inst 0x9ae20c20 ; undefined'],
  [0x9a020420, '.inst 0x9a020420 ; undefined'],
  [0xb8e26820, '.inst 0xb8e26820 ; undefined'],
  [0xf8808c00, '.inst 0xf8808c00 ; undefined'],
  [0xf8800800, '.inst 0xf8800800 ; undefined'],
  [0x69000000, 'stgp x0, x0, [x0]'],
  [0xe9400000, '.inst 0xe9400000 ; undefined'],
  [0x68400440, '.inst 0x68400440 ; undefined'],
  [0xf8620820, '.inst 0xf8620820 ; undefined'],
  [0x38e00400, '.inst 0x38e00400 ; undefined'],
  [0xf820f020, '.inst 0xf820f020 ; undefined'],
  [0xc8007c20, 'stxr w0, x0, [x1]'],
  [0xc8017c20, 'stxr w1, x0, [x1]'],
  [0xc8227c40, 'stxp w2, x0, xzr, [x2]'],
  [0xc87f0040, 'ldxp x0, x0, [x2]'],
  [0xa9400040, 'ldp x0, x0, [x2]'],
  [0x29400000, 'ldp w0, w0, [x0]'],
  [0xf8408c21, 'ldr x1, [x1, #8]!'],
  [0xf8008c21, 'str x1, [x1, #8]!'],
  [0xa9c10420, 'ldp x0, x1, [x1, #16]!'],
  [0x28810420, 'stp w0, w1, [x1], #8'],
  [0x48217c82, '.inst 0x48217c82 ; undefined'],
  [0x48207c83, '.inst 0x48207c83 ; undefined'],
  [0xc8407c20, 'ldxr x0, [x1]'],
  [0xc85f0020, 'ldxr x0, [x1]'],
  [0xc80f0c20, 'stxr w15, x0, [x1]'],
  [0x9b420c20, 'smulh x0, x1, x2'],
  [0xc8c0fc20, '.inst 0xc8c0fc20 ; undefined'],
  [0xc89f7c20, 'stllr x0, [x1]'],
  [0x93800000, '.inst 0x93800000 ; undefined'],
  [0xda410004, '.inst 0xda410004 ; undefined'],
  [0x13200000, '.inst 0x13200000 ; undefined'],
  [0xf8209020, '.inst 0xf8209020 ; undefined'],
];

const byText = new Map<string, number>(CORPUS.map(([w, t]) => [t, w]));

/** Decode the corpus word whose objdump text is `text` (must exist). */
function d(text: string): Insn {
  const w = byText.get(text);
  if (w === undefined) throw new Error(`not in corpus: ${text}`);
  return decode(w);
}

describe('a64 decode: objdump corpus', () => {
  it('has a large corpus', () => {
    expect(CORPUS.length).toBeGreaterThanOrEqual(300);
  });

  it('disassembles every corpus word exactly like objdump', () => {
    const mismatches: string[] = [];
    CORPUS.forEach(([word, text], i) => {
      const insn = decode(word);
      const got = norm(disassemble(insn, CORPUS_BASE + BigInt(i * 4)));
      if (insn.op === 'UNDEFINED' || got !== norm(text)) {
        mismatches.push(`${word.toString(16).padStart(8, '0')}: got '${got}' want '${text}'`);
      }
    });
    expect(mismatches).toEqual([]);
  });

  it('covers every Insn op except UNDEFINED', () => {
    const seen = new Set(CORPUS.map(([w]) => decode(w).op));
    const all: Insn['op'][] = [
      'ADDSUB_IMM', 'LOGIC_IMM', 'MOV_WIDE', 'ADR', 'BITFIELD', 'EXTR', 'ADDSUB_SHIFT', 'ADDSUB_EXT',
      'ADDSUB_CARRY', 'LOGIC_REG', 'COND_CMP', 'COND_SEL', 'DP1', 'DP2', 'DP3', 'B', 'B_COND', 'CB', 'TB',
      'BR_REG', 'ERET', 'EXCEPTION', 'HINT', 'BARRIER', 'MSR_IMM', 'MRS', 'MSR_REG', 'SYS', 'SYSL',
      'LDST_IMM', 'LDST_REG', 'LDR_LIT', 'PRFM', 'LDST_PAIR', 'LDXR', 'STXR', 'LDAR', 'STLR', 'ATOMIC',
      'CAS', 'CASP',
    ];
    expect(all.filter((op) => !seen.has(op))).toEqual([]);
  });
});

describe('a64 decode: UNDEFINED', () => {
  it.each(UNDEFINED_WORDS.map(([w, t]) => [w.toString(16).padStart(8, '0'), t, w] as const))(
    '%s (objdump: %s) is UNDEFINED', (_hex, _text, word) => {
      const insn = decode(word);
      expect(insn).toEqual({ op: 'UNDEFINED', word });
      const text = disassemble(insn);
      expect(text === `udf\t#${word}` || text === `.inst\t0x${word.toString(16).padStart(8, '0')} ; undefined`).toBe(true);
    });

  it('0x00000000 is udf #0, 0xffffffff is unallocated', () => {
    expect(disassemble(decode(0))).toBe('udf\t#0');
    expect(decode(0xffffffff).op).toBe('UNDEFINED');
    expect(decode(-1)).toEqual(decode(0xffffffff));
  });
});

describe('a64 decode: fields', () => {
  it('add/sub immediate: shifted immediate, SP vs ZR', () => {
    expect(d('add x5, x6, #0xfff, lsl #12')).toEqual({
      op: 'ADDSUB_IMM', sf: true, sub: false, setFlags: false, rd: 5, rn: 6, imm: 0xfff000, shift12: true,
    });
    // cmp sp, #0 = subs xzr, sp, #0: rn 31 is SP, rd 31 is XZR (setFlags)
    expect(d('cmp sp, #0x0')).toMatchObject({ op: 'ADDSUB_IMM', sub: true, setFlags: true, rd: 31, rn: 31, imm: 0 });
    expect(d('mov sp, x1')).toMatchObject({ op: 'ADDSUB_IMM', setFlags: false, rd: 31, rn: 1, imm: 0 });
  });

  it('logical immediates are decoded to 32-bit halves', () => {
    expect(d('and x0, x1, #0x5555555555555555')).toEqual({
      op: 'LOGIC_IMM', sf: true, opc: 0, setFlags: false, rd: 0, rn: 1, immLo: 0x55555555, immHi: 0x55555555,
    });
    expect(d('and x0, x1, #0xfffffffffffffffe')).toMatchObject({ immLo: 0xfffffffe, immHi: 0xffffffff });
    expect(d('and x0, x1, #0x8000000000000001')).toMatchObject({ immLo: 1, immHi: 0x80000000 });
    expect(d('orr x2, x3, #0xffffffff')).toMatchObject({ opc: 1, immLo: 0xffffffff, immHi: 0 });
    expect(d('mov w0, #0xff00ff00')).toMatchObject({ op: 'LOGIC_IMM', sf: false, rn: 31, immLo: 0xff00ff00, immHi: 0 });
    expect(d('tst x0, #0x1')).toMatchObject({ opc: 3, setFlags: true, rd: 31, immLo: 1, immHi: 0 });
    expect(d('mov sp, #0xff')).toMatchObject({ opc: 1, rd: 31, rn: 31 });
  });

  it('move wide values', () => {
    expect(d('mov x0, #0xffffedcbffffffff')).toEqual({
      op: 'MOV_WIDE', sf: true, kind: 'MOVN', rd: 0, imm16: 0x1234, shift: 32, valLo: 0xffffffff, valHi: 0xffffedcb,
    });
    expect(d('mov w0, #0xffffffff')).toMatchObject({ kind: 'MOVN', valLo: 0xffffffff, valHi: 0 });
    expect(d('movk x0, #0x1234, lsl #16')).toMatchObject({ kind: 'MOVK', imm16: 0x1234, shift: 16, valLo: 0x12340000, valHi: 0 });
    expect(d('mov x1, #0x1234000000000000')).toMatchObject({ kind: 'MOVZ', shift: 48, valLo: 0, valHi: 0x12340000 });
  });

  it('PC-relative offsets are sign-extended byte offsets', () => {
    expect(decode(0x90800000)).toEqual({ op: 'ADR', page: true, rd: 0, imm: -0x100000000 });
    expect(decode(0xf07fffe0)).toEqual({ op: 'ADR', page: true, rd: 0, imm: 0xfffff000 });
    expect(decode(0x10800000)).toEqual({ op: 'ADR', page: false, rd: 0, imm: -0x100000 });
    expect(decode(0x707fffe0)).toEqual({ op: 'ADR', page: false, rd: 0, imm: 0xfffff });
    expect(decode(0x16000000)).toEqual({ op: 'B', link: false, offset: -0x8000000 });
    expect(decode(0x15ffffff)).toEqual({ op: 'B', link: false, offset: 0x7fffffc });
    expect(decode(0x96000000)).toEqual({ op: 'B', link: true, offset: -0x8000000 });
    expect(decode(0x54800000)).toEqual({ op: 'B_COND', cond: 0, offset: -0x100000 });
    expect(decode(0x547fffeb)).toEqual({ op: 'B_COND', cond: 11, offset: 0xffffc });
    expect(decode(0x357fffe5)).toEqual({ op: 'CB', sf: false, nonZero: true, rt: 5, offset: 0xffffc });
    expect(decode(0x36040000)).toEqual({ op: 'TB', nonZero: false, rt: 0, bit: 0, offset: -0x8000 });
    expect(decode(0xb7fbffe7)).toEqual({ op: 'TB', nonZero: true, rt: 7, bit: 63, offset: 0x7ffc });
    expect(decode(0x58800000)).toEqual({ op: 'LDR_LIT', size: 3, signed: false, sf: true, rt: 0, offset: -0x100000 });
    expect(decode(0x987fffe0)).toMatchObject({ op: 'LDR_LIT', size: 2, signed: true, sf: true, offset: 0xffffc });
    expect(decode(0xd87fffe0)).toMatchObject({ op: 'PRFM', mode: 'lit', prfop: 0, offset: 0xffffc });
    expect(disassemble(decode(0x90800000), 0x1234n)).toBe('adrp\tx0, ffffffff00001000');
    expect(disassemble(decode(0x14000000 | 0x3fffffe), 0)).toBe('b\tfffffffffffffff8');
  });

  it('bitfield and extract', () => {
    expect(d('lsl x0, x1, #3')).toEqual({
      op: 'BITFIELD', sf: true, kind: 'UBFM', rd: 0, rn: 1, immr: 61, imms: 60,
      wmaskLo: 0xfffffff8, wmaskHi: 0xffffffff, tmaskLo: 0xffffffff, tmaskHi: 0xffffffff,
    });
    expect(d('sxtw x0, w1')).toMatchObject({ kind: 'SBFM', immr: 0, imms: 31, wmaskLo: 0xffffffff, wmaskHi: 0 });
    expect(d('ubfx w0, w1, #5, #10')).toMatchObject({ kind: 'UBFM', sf: false, immr: 5, imms: 14, wmaskHi: 0, tmaskHi: 0 });
    expect(d('extr w0, w1, w2, #31')).toEqual({ op: 'EXTR', sf: false, rd: 0, rn: 1, rm: 2, lsb: 31 });
  });

  it('data processing register forms', () => {
    expect(d('add x0, sp, x1, lsl #2')).toEqual({
      op: 'ADDSUB_EXT', sf: true, sub: false, setFlags: false, rd: 0, rn: 31, rm: 1, extend: 3, amount: 2,
    });
    expect(d('add x0, x1, w2, sxtw #2')).toMatchObject({ extend: 6, amount: 2 });
    expect(d('add w0, w1, w2, asr #31')).toEqual({
      op: 'ADDSUB_SHIFT', sf: false, sub: false, setFlags: false, rd: 0, rn: 1, rm: 2, shift: 2, amount: 31,
    });
    expect(d('mvn w0, w2, lsr #3')).toMatchObject({ op: 'LOGIC_REG', opc: 1, invert: true, rn: 31, shift: 1, amount: 3 });
    expect(d('ngcs w0, w2')).toEqual({ op: 'ADDSUB_CARRY', sf: false, sub: true, setFlags: true, rd: 0, rn: 31, rm: 2 });
    expect(d('ccmp x0, #0x3, #0x0, cs')).toEqual({
      op: 'COND_CMP', sf: true, sub: true, rn: 0, useImm: true, rm: 0, imm: 3, nzcv: 0, cond: 2,
    });
    expect(d('ccmn w0, #0x1f, #0xf, ne')).toMatchObject({ sub: false, useImm: true, imm: 31, nzcv: 15, cond: 1 });
    expect(d('cset x0, ne')).toEqual({
      op: 'COND_SEL', sf: true, invert: false, increment: true, rd: 0, rn: 31, rm: 31, cond: 0,
    });
    expect(d('csneg x0, x1, x2, ls')).toMatchObject({ invert: true, increment: true, cond: 9 });
    expect(d('rev32 x0, x1')).toEqual({ op: 'DP1', sf: true, kind: 'REV32', rd: 0, rn: 1 });
    expect(d('rev w0, w1')).toMatchObject({ kind: 'REV', sf: false });
    expect(d('asr w0, w1, w2')).toEqual({ op: 'DP2', sf: false, kind: 'ASRV', rd: 0, rn: 1, rm: 2 });
    expect(d('umnegl x0, w1, w2')).toEqual({ op: 'DP3', sf: true, kind: 'UMSUBL', rd: 0, rn: 1, rm: 2, ra: 31 });
    expect(d('smulh x0, x1, x2')).toMatchObject({ kind: 'SMULH', ra: 31 });
  });

  it('loads and stores', () => {
    expect(d('ldr x0, [x1, #8]!')).toEqual({
      op: 'LDST_IMM', size: 3, load: true, signed: false, sf: true, rt: 0, rn: 1, offset: 8,
      writeback: 'pre', unscaled: false, unpriv: false,
    });
    expect(d('ldr x0, [x1], #-8')).toMatchObject({ writeback: 'post', offset: -8 });
    expect(d('ldr x0, [x1, #32760]')).toMatchObject({ writeback: 'none', offset: 32760 });
    expect(d('ldursb w0, [x1, #-1]')).toMatchObject({ size: 0, signed: true, sf: false, unscaled: true, offset: -1 });
    expect(d('ldrsh x0, [x1, #2]')).toMatchObject({ size: 1, signed: true, sf: true });
    expect(d('ldtrsw x0, [x1, #-256]')).toMatchObject({ size: 2, signed: true, unpriv: true, offset: -256 });
    expect(d('str xzr, [sp, #8]')).toMatchObject({ load: false, rt: 31, rn: 31, offset: 8 }); // rt = XZR, rn = SP
    expect(d('ldr x0, [x1, w2, sxtw #3]')).toEqual({
      op: 'LDST_REG', size: 3, load: true, signed: false, sf: true, rt: 0, rn: 1, rm: 2, extend: 6, amount: 3, sBit: true,
    });
    expect(d('ldrb w0, [x1, x2, lsl #0]')).toMatchObject({ extend: 3, amount: 0, sBit: true });
    expect(d('ldrb w0, [x1, x2]')).toMatchObject({ extend: 3, amount: 0, sBit: false });
    expect(d('prfm plil3keep, [x0, x1]')).toMatchObject({ op: 'PRFM', mode: 'reg', prfop: 0b01100, rn: 0, rm: 1 });
    expect(d('prfum pldl1strm, [x0, #-1]')).toMatchObject({ op: 'PRFM', mode: 'unscaled', prfop: 1, offset: -1 });
    expect(d('stp x29, x30, [sp, #-16]!')).toEqual({
      op: 'LDST_PAIR', size: 3, load: false, signed: false, sf: true, rt: 29, rt2: 30, rn: 31, offset: -16,
      writeback: 'pre', nonTemporal: false,
    });
    expect(d('ldpsw x0, x1, [x2, #-256]')).toMatchObject({ size: 2, signed: true, sf: true, offset: -256 });
    expect(d('ldnp x0, x1, [x2, #-512]')).toMatchObject({ nonTemporal: true, offset: -512, writeback: 'none' });
    expect(d('ldp w0, w1, [x2, #252]')).toMatchObject({ size: 2, sf: false, offset: 252 });
  });

  it('exclusives, acquire/release and LSE atomics', () => {
    expect(d('stlxr w2, x0, [x1]')).toEqual({ op: 'STXR', size: 3, release: true, pair: false, rs: 2, rt: 0, rt2: 31, rn: 1 });
    expect(d('ldaxp x0, x1, [sp]')).toEqual({ op: 'LDXR', size: 3, acquire: true, pair: true, rt: 0, rt2: 1, rn: 31 });
    expect(d('stxp w3, w0, w1, [x2]')).toMatchObject({ op: 'STXR', size: 2, pair: true, rs: 3, rt: 0, rt2: 1 });
    expect(d('ldxrb w0, [x1]')).toMatchObject({ op: 'LDXR', size: 0, acquire: false });
    expect(d('ldarh w0, [x1]')).toEqual({ op: 'LDAR', size: 1, rt: 0, rn: 1 });
    expect(d('stlr x0, [x1]')).toEqual({ op: 'STLR', size: 3, rt: 0, rn: 1 });
    expect(d('ldaddal x0, x1, [sp]')).toEqual({
      op: 'ATOMIC', aop: 'ADD', size: 3, acquire: true, release: true, rs: 0, rt: 1, rn: 31,
    });
    expect(d('stuminlb w0, [x2]')).toMatchObject({ aop: 'UMIN', size: 0, acquire: false, release: true, rt: 31 });
    expect(d('swpalh w0, w1, [x2]')).toMatchObject({ aop: 'SWP', size: 1, acquire: true, release: true });
    expect(d('casab w0, w1, [x2]')).toEqual({ op: 'CAS', size: 0, acquire: true, release: false, rs: 0, rt: 1, rn: 2 });
    expect(d('casp x0, x1, x2, x3, [x4]')).toEqual({ op: 'CASP', size: 3, acquire: false, release: false, rs: 0, rt: 2, rn: 4 });
    expect(d('caspal w0, w1, w2, w3, [x4]')).toMatchObject({ size: 2, acquire: true, release: true });
  });

  it('branches, exceptions and system', () => {
    expect(d('ret')).toEqual({ op: 'BR_REG', kind: 'RET', rn: 30 });
    expect(d('blr x1')).toEqual({ op: 'BR_REG', kind: 'BLR', rn: 1 });
    expect(d('eret')).toEqual({ op: 'ERET' });
    expect(d('hvc #0x1234')).toEqual({ op: 'EXCEPTION', kind: 'HVC', imm16: 0x1234 });
    expect(d('smc #0xffff')).toEqual({ op: 'EXCEPTION', kind: 'SMC', imm16: 0xffff });
    expect(d('wfi')).toEqual({ op: 'HINT', kind: 'WFI', imm: 3 });
    expect(d('paciasp')).toEqual({ op: 'HINT', kind: 'OTHER', imm: 25 });
    expect(d('dsb ish')).toEqual({ op: 'BARRIER', kind: 'DSB', option: 11 });
    expect(d('ssbb')).toEqual({ op: 'BARRIER', kind: 'DSB', option: 0 });
    expect(d('isb')).toEqual({ op: 'BARRIER', kind: 'ISB', option: 15 });
    expect(d('msr daifset, #0x2')).toEqual({ op: 'MSR_IMM', field: 'DAIFSet', imm: 2 });
    expect(d('msr spsel, #0x1')).toEqual({ op: 'MSR_IMM', field: 'SPSel', imm: 1 });
    expect(d('mrs x1, sctlr_el1')).toEqual({
      op: 'MRS', rt: 1, op0: 3, op1: 0, crn: 1, crm: 0, op2: 0, sysreg: sysregKey(3, 0, 1, 0, 0), name: 'SCTLR_EL1',
    });
    expect(d('msr icc_sgi1r_el1, x0')).toMatchObject({ op: 'MSR_REG', op0: 3, crn: 12, crm: 11, op2: 5, name: 'ICC_SGI1R_EL1' });
    expect(d('mrs x0, s3_0_c15_c2_0')).toMatchObject({ op: 'MRS', op0: 3, op1: 0, crn: 15, crm: 2, op2: 0, name: null });
    expect(d('mrs x1, s2_0_c0_c0_0')).toMatchObject({ op0: 2, name: null });
    expect(d('tlbi vae1is, x0')).toEqual({
      op: 'SYS', kind: 'TLBI', name: 'VAE1IS', hasRt: true, op1: 0, crn: 8, crm: 3, op2: 1, rt: 0,
    });
    expect(d('tlbi vmalle1is')).toMatchObject({ kind: 'TLBI', name: 'VMALLE1IS', hasRt: false, rt: 31 });
    expect(d('dc civac, xzr')).toMatchObject({ kind: 'DC', name: 'CIVAC', rt: 31 });
    expect(d('sys #3, C15, C2, #0, x1')).toMatchObject({ op: 'SYS', kind: 'SYS', name: null, hasRt: true, op1: 3, crn: 15 });
    expect(d('sysl x0, #3, C15, C2, #0')).toEqual({ op: 'SYSL', op1: 3, crn: 15, crm: 2, op2: 0, rt: 0 });
  });
});

/** Reference DecodeBitMasks (ARM ARM pseudocode) on BigInt, M = 64. */
function refBitMasks(n: number, imms: number, immr: number, immediate: boolean): [bigint, bigint] | null {
  const combined = (n << 6) | (~imms & 0x3f);
  let len = -1;
  for (let b = 6; b >= 0; b--) if ((combined >> b) & 1) { len = b; break; }
  if (len < 1) return null;
  const levels = (1 << len) - 1;
  if (immediate && (imms & levels) === levels) return null;
  const s = imms & levels;
  const r = immr & levels;
  const diff = (s - r) & 0x3f;
  const esize = 1 << len;
  const d = diff & levels;
  const emask = (1n << BigInt(esize)) - 1n;
  const welem = (1n << BigInt(s + 1)) - 1n;
  const telem = (1n << BigInt(d + 1)) - 1n;
  const ror = r === 0 ? welem : ((welem >> BigInt(r)) | (welem << BigInt(esize - r))) & emask;
  let wmask = 0n;
  let tmask = 0n;
  for (let i = 0; i < 64; i += esize) {
    wmask |= ror << BigInt(i);
    tmask |= telem << BigInt(i);
  }
  return [wmask, tmask];
}

const join = (lo: number, hi: number): bigint => (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
const M32 = 0xffffffffn;

describe('a64 decode: DecodeBitMasks exhaustive check against a BigInt reference', () => {
  it('logical immediate (all N/immr/imms, both widths)', () => {
    for (let sf = 0; sf < 2; sf++) {
      for (let n = 0; n < 2; n++) {
        for (let immr = 0; immr < 64; immr++) {
          for (let imms = 0; imms < 64; imms++) {
            const word = ((sf << 31) | (0x24 << 23) | (n << 22) | (immr << 16) | (imms << 10) | (2 << 5) | 1) >>> 0;
            const insn = decode(word);
            const ref = refBitMasks(n, imms, immr, true);
            // sf = 0: N must be 0 and the element size at most 32 (imms<5> = 1 gives len 6 only with N = 1)
            const valid = ref !== null && (sf === 1 || n === 0);
            if (!valid) {
              expect(insn.op, word.toString(16)).toBe('UNDEFINED');
              continue;
            }
            if (insn.op !== 'LOGIC_IMM') throw new Error(`expected LOGIC_IMM for ${word.toString(16)}`);
            const want = sf === 1 ? ref[0] : ref[0] & M32;
            expect(join(insn.immLo, insn.immHi), word.toString(16)).toBe(want);
          }
        }
      }
    }
  });

  it('bitfield wmask/tmask (all valid immr/imms, both widths)', () => {
    for (let sf = 0; sf < 2; sf++) {
      const lim = sf === 1 ? 64 : 32;
      for (let immr = 0; immr < lim; immr++) {
        for (let imms = 0; imms < lim; imms++) {
          const word = ((sf << 31) | (2 << 29) | (0x26 << 23) | (sf << 22) | (immr << 16) | (imms << 10) | 0x21) >>> 0;
          const insn = decode(word);
          if (insn.op !== 'BITFIELD') throw new Error(`expected BITFIELD for ${word.toString(16)}`);
          const ref = refBitMasks(sf, imms, immr, false)!;
          const mask = sf === 1 ? (1n << 64n) - 1n : M32;
          expect(join(insn.wmaskLo, insn.wmaskHi)).toBe(ref[0] & mask);
          expect(join(insn.tmaskLo, insn.tmaskHi)).toBe(ref[1] & mask);
        }
      }
    }
  });
});

describe('a64 decode: properties', () => {
  const u32 = fc.integer({ min: 0, max: 0xffffffff });

  it('decode is total: never throws and always returns an op', () => {
    fc.assert(fc.property(u32, (w) => {
      const insn = decode(w);
      expect(typeof insn.op).toBe('string');
      if (insn.op === 'UNDEFINED') expect(insn.word).toBe(w);
      expect(disassemble(insn, 0x1000).length).toBeGreaterThan(0);
    }), { numRuns: 20000 });
  });

  it('decode is total inside the covered encoding groups', () => {
    const groups = [4, 5, 6, 8, 9, 10, 11, 12, 13, 14];
    fc.assert(fc.property(u32, fc.constantFrom(...groups), (w, op0) => {
      const word = ((w & ~(0xf << 25)) | (op0 << 25)) >>> 0;
      const insn = decode(word);
      expect(typeof insn.op).toBe('string');
      expect(typeof disassemble(insn, 0xffff800000000000n)).toBe('string');
    }), { numRuns: 20000 });
  });

  it('decode is pure and reduces its input modulo 2^32', () => {
    fc.assert(fc.property(u32, (w) => {
      // FP/SIMD results carry a fresh closure per decode: compare what they describe.
      const norm = (i: ReturnType<typeof decode>): unknown => (i.op === 'SIMD' ? { op: i.op, name: i.name, text: i.text, mem: i.mem } : i);
      expect(norm(decode(w))).toEqual(norm(decode(w)));
      expect(norm(decode(w | 0))).toEqual(norm(decode(w)));
    }), { numRuns: 2000 });
  });

  it('register fields are always 0..31 and offsets are integers', () => {
    fc.assert(fc.property(u32, (w) => {
      const insn = decode(w) as unknown as Record<string, unknown>;
      for (const k of ['rd', 'rn', 'rm', 'ra', 'rt', 'rt2', 'rs']) {
        if (k in insn) {
          const v = insn[k] as number;
          expect(Number.isInteger(v) && v >= 0 && v <= 31).toBe(true);
        }
      }
      for (const k of ['offset', 'imm', 'immLo', 'immHi', 'valLo', 'valHi']) {
        if (k in insn) expect(Number.isSafeInteger(insn[k])).toBe(true);
      }
    }), { numRuns: 20000 });
  });
});
