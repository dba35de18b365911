/**
 * A64 encoder / assembler tests. Every expected word below was produced once by GNU as 2.40
 * (`aarch64-linux-gnu-as -march=armv8.4-a+lse`, read back with objdump -d) and linked images by
 * `aarch64-linux-gnu-ld -Ttext=0x40000800` + `objcopy -O binary`, then pasted here as literals:
 * the tests need no cross toolchain.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as E from '../src/actors/cpu/a64/encode.js';
import { Assembler, wordsToBytes } from '../src/actors/cpu/a64/asm.js';
import { assemble } from '../src/actors/cpu/a64/asm-text.js';

/** Reference DecodeBitMasks (ARM pseudocode, BigInt) to check the encoder against. */
const ones = (n: number): bigint => (1n << BigInt(n)) - 1n;
/**
 * Decodes N:immr:imms to the `width`-bit value (unsigned bigint), or undefined for reserved
 * encodings.
 */
function decodeBitmask(n: number, immr: number, imms: number, width: 32 | 64): bigint | undefined {
  const combined = (n << 6) | (~imms & 0x3f);
  if (combined === 0) return undefined;
  const len = 31 - Math.clz32(combined);
  if (len < 1) return undefined;
  if (width === 32 && n === 1) return undefined;
  const size = 1 << len;
  const levels = size - 1;
  const s = imms & levels;
  const r = immr & levels;
  if (s === levels) return undefined;
  const mask = ones(size);
  const run = ones(s + 1);
  const elt = r === 0 ? run : ((run >> BigInt(r)) | (run << BigInt(size - r))) & mask;
  let v = 0n;
  for (let i = 0; i < width; i += size) v |= elt << BigInt(i);
  return v & ones(width);
}

const hex = (w: number): string => `0x${(w >>> 0).toString(16).padStart(8, '0')}`;
const hexAll = (w: number | readonly number[]): string[] => (typeof w === 'number' ? [w] : [...w]).map(hex);

function words(bytes: Uint8Array): number[] {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: number[] = [];
  for (let i = 0; i + 4 <= bytes.length; i += 4) out.push(dv.getUint32(i, true));
  return out;
}

/** One source line -> its single instruction word, via the text front end. */
function asm1(src: string): number {
  const { bytes } = assemble(src);
  expect(bytes.length).toBe(4);
  return words(bytes)[0]!;
}

// ---------------------------------------------------------------------------------------------
// GNU as vectors: [source line, word]. `.`-relative targets are relative to the instruction.

const GAS: ReadonlyArray<readonly [string, number]> = [
  ['add x0, x1, #4', 0x91001020],
  ['add w3, w4, #4095', 0x113ffc83],
  ['add x0, x1, #0x1000', 0x91400420],
  ['add x0, x1, #0xfff000', 0x917ffc20],
  ['add x5, x6, #1, lsl #12', 0x914004c5],
  ['add x0, x1, #0, lsl #12', 0x91400020],
  ['add sp, sp, #16', 0x910043ff],
  ['add x29, sp, #0x20', 0x910083fd],
  ['add x0, x1, #-8', 0xd1002020],
  ['adds x0, x1, #1', 0xb1000420],
  ['adds w2, wsp, #7', 0x31001fe2],
  ['sub sp, sp, #0x40', 0xd10103ff],
  ['sub x0, x1, #1', 0xd1000420],
  ['subs x0, x1, #0x123', 0xf1048c20],
  ['subs wzr, w1, #3', 0x71000c3f],
  ['cmp x0, #0', 0xf100001f],
  ['cmp w1, #255', 0x7103fc3f],
  ['cmp x0, #-1', 0xb100041f],
  ['cmn x3, #5', 0xb100147f],
  ['cmn w3, #1, lsl #12', 0x3140047f],
  ['cmp sp, #8', 0xf10023ff],
  ['add x0, x1, x2', 0x8b020020],
  ['add w0, w1, w2, lsl #5', 0x0b021420],
  ['add x0, x1, x2, lsr #63', 0x8b42fc20],
  ['add x0, x1, x2, asr #1', 0x8b820420],
  ['adds x0, x1, x2, lsl #3', 0xab020c20],
  ['sub x0, x1, x2', 0xcb020020],
  ['subs w0, w1, w2, asr #31', 0x6b827c20],
  ['sub x0, xzr, x1', 0xcb0103e0],
  ['cmp x0, x1', 0xeb01001f],
  ['cmp w0, w1, lsl #2', 0x6b01081f],
  ['cmn x0, x1, asr #7', 0xab811c1f],
  ['neg x0, x1', 0xcb0103e0],
  ['neg w0, w1, lsl #3', 0x4b010fe0],
  ['negs x2, x3', 0xeb0303e2],
  ['add x0, sp, x1', 0x8b2163e0],
  ['add sp, sp, x1', 0x8b2163ff],
  ['add x0, x1, w2, uxtw', 0x8b224020],
  ['add x0, x1, w2, sxtw #2', 0x8b22c820],
  ['add x0, x1, w2, uxtb', 0x8b220020],
  ['add x0, x1, w2, uxth #1', 0x8b222420],
  ['add x0, x1, w2, sxtb #4', 0x8b229020],
  ['add x0, x1, w2, sxth', 0x8b22a020],
  ['add x0, x1, x2, uxtx #3', 0x8b226c20],
  ['add x0, x1, x2, sxtx', 0x8b22e020],
  ['add x0, sp, w1, uxtw #2', 0x8b214be0],
  ['add sp, x1, x2, lsl #4', 0x8b22703f],
  ['add w0, wsp, w1', 0x0b2143e0],
  ['add wsp, w1, w2, uxtb', 0x0b22003f],
  ['adds x0, sp, x1', 0xab2163e0],
  ['sub sp, sp, x9', 0xcb2963ff],
  ['subs x0, x1, w2, sxtw', 0xeb22c020],
  ['cmp sp, x1', 0xeb2163ff],
  ['cmp x1, w2, uxtw #1', 0xeb22443f],
  ['cmn sp, x3, lsl #2', 0xab236bff],
  ['adc x0, x1, x2', 0x9a020020],
  ['adcs w0, w1, w2', 0x3a020020],
  ['sbc x0, x1, x2', 0xda020020],
  ['sbcs x3, x4, x5', 0xfa050083],
  ['ngc x0, x1', 0xda0103e0],
  ['ngcs w0, w1', 0x7a0103e0],
  ['and x0, x1, #0x5555555555555555', 0x9200f020],
  ['and x0, x1, #0xfffffffffffffffe', 0x927ff820],
  ['and x0, x1, #0x00ff00ff00ff00ff', 0x92009c20],
  ['and w0, w1, #0x55555555', 0x1200f020],
  ['and w0, w1, #0xfffffffe', 0x121f7820],
  ['and w0, w1, #0x00ff00ff', 0x12009c20],
  ['and x0, x1, #0xff', 0x92401c20],
  ['and x0, x1, #1', 0x92400020],
  ['and x0, x1, #0x8000000000000000', 0x92410020],
  ['and x0, x1, #0x7fffffffffffffff', 0x9240f820],
  ['and x0, x1, #0xffffffff', 0x92407c20],
  ['and x0, x1, #0xffffffff00000000', 0x92607c20],
  ['and x0, x1, #0x0f0f0f0f0f0f0f0f', 0x9200cc20],
  ['and x0, x1, #0x3333333333333333', 0x9200e420],
  ['and x0, x1, #0x8080808080808080', 0x9201c020],
  ['and x0, x1, #0xfffe0000fffe0000', 0x920f3820],
  ['and x0, x1, #0x0000ffff0000ffff', 0x92003c20],
  ['and w0, w1, #0x80000000', 0x12010020],
  ['and w0, w1, #0x7ffffffe', 0x121f7420],
  ['and w0, w1, #0xf0f0f0f0', 0x1204cc20],
  ['and w0, w1, #0x0003fffc', 0x121e3c20],
  ['and sp, x1, #0xfffffffffffffff0', 0x927cec3f],
  ['orr x0, xzr, #0xaaaaaaaaaaaaaaaa', 0xb201f3e0],
  ['orr w0, wzr, #0xffff', 0x32003fe0],
  ['eor x3, x4, #0x1', 0xd2400083],
  ['eor w3, w4, #0xc0000003', 0x52020c83],
  ['ands x0, x1, #0x10', 0xf27c0020],
  ['ands w0, w1, #0x3', 0x72000420],
  ['tst x0, #0x7', 0xf240081f],
  ['tst w1, #0x80000000', 0x7201003f],
  ['bic x0, x1, #0x1', 0x927ff820],
  ['and x0, x1, x2', 0x8a020020],
  ['and w0, w1, w2, lsl #4', 0x0a021020],
  ['orr x0, x1, x2, ror #8', 0xaac22020],
  ['orr w0, w1, w2, lsr #1', 0x2a420420],
  ['eor x0, x1, x2, asr #3', 0xca820c20],
  ['ands x0, x1, x2', 0xea020020],
  ['bic x0, x1, x2', 0x8a220020],
  ['bic w0, w1, w2, lsl #2', 0x0a220820],
  ['bics x0, x1, x2', 0xea220020],
  ['orn x0, x1, x2', 0xaa220020],
  ['orn w0, w1, w2, ror #31', 0x2ae27c20],
  ['eon x0, x1, x2, lsl #63', 0xca22fc20],
  ['tst x0, x1', 0xea01001f],
  ['tst w0, w1, lsl #3', 0x6a010c1f],
  ['mov x0, x1', 0xaa0103e0],
  ['mov w0, w1', 0x2a0103e0],
  ['mov x0, xzr', 0xaa1f03e0],
  ['mov x0, sp', 0x910003e0],
  ['mov sp, x0', 0x9100001f],
  ['mov w0, wsp', 0x110003e0],
  ['mov wsp, w1', 0x1100003f],
  ['mvn x0, x1', 0xaa2103e0],
  ['mvn w0, w1, lsl #2', 0x2a210be0],
  ['mov x0, #0', 0xd2800000],
  ['mov x0, #1', 0xd2800020],
  ['mov x0, #0xffff', 0xd29fffe0],
  ['mov x0, #0x10000', 0xd2a00020],
  ['mov x0, #0xffff0000', 0xd2bfffe0],
  ['mov x0, #0xffff00000000', 0xd2dfffe0],
  ['mov x0, #0x1234000000000000', 0xd2e24680],
  ['mov x0, #-1', 0x92800000],
  ['mov x0, #-2', 0x92800020],
  ['mov x0, #-0x10000', 0x929fffe0],
  ['mov x0, #0xffffffffffff1234', 0x929db960],
  ['mov x0, #0x1234ffffffffffff', 0x92fdb960],
  ['mov x0, #0xffffffff', 0xb2407fe0],
  ['mov x0, #0x5555555555555555', 0xb200f3e0],
  ['mov w0, #0', 0x52800000],
  ['mov w0, #-1', 0x12800000],
  ['mov w0, #0xffff0000', 0x52bfffe0],
  ['mov w0, #0xfffffffe', 0x12800020],
  ['mov w0, #0xffff1234', 0x129db960],
  ['mov w0, #0x80000000', 0x52b00000],
  ['mov w0, #0x55555555', 0x3200f3e0],
  ['movz x0, #0x1234', 0xd2824680],
  ['movz x0, #0x1234, lsl #16', 0xd2a24680],
  ['movz x0, #0x1234, lsl #32', 0xd2c24680],
  ['movz x0, #0x1234, lsl #48', 0xd2e24680],
  ['movz w0, #0xffff, lsl #16', 0x52bfffe0],
  ['movn x0, #0', 0x92800000],
  ['movn x0, #0x1234, lsl #16', 0x92a24680],
  ['movn w0, #0x1', 0x12800020],
  ['movk x0, #0xbeef', 0xf297dde0],
  ['movk x0, #0xdead, lsl #16', 0xf2bbd5a0],
  ['movk x0, #0xcafe, lsl #32', 0xf2d95fc0],
  ['movk x0, #0xf00d, lsl #48', 0xf2fe01a0],
  ['movk w0, #0x1, lsl #16', 0x72a00020],
  ['sbfm x0, x1, #3, #10', 0x93432820],
  ['bfm w0, w1, #1, #2', 0x33010820],
  ['ubfm x0, x1, #63, #62', 0xd37ff820],
  ['lsl x0, x1, #3', 0xd37df020],
  ['lsl w0, w1, #31', 0x53010020],
  ['lsl x0, x1, #0', 0xd340fc20],
  ['lsr x0, x1, #12', 0xd34cfc20],
  ['lsr w0, w1, #31', 0x531f7c20],
  ['asr x0, x1, #63', 0x937ffc20],
  ['asr w0, w1, #1', 0x13017c20],
  ['sxtb x0, w1', 0x93401c20],
  ['sxtb w0, w1', 0x13001c20],
  ['sxth x0, w1', 0x93403c20],
  ['sxth w0, w1', 0x13003c20],
  ['sxtw x0, w1', 0x93407c20],
  ['uxtb w0, w1', 0x53001c20],
  ['uxth w0, w1', 0x53003c20],
  ['ubfx x0, x1, #4, #8', 0xd3442c20],
  ['ubfx w0, w1, #0, #1', 0x53000020],
  ['sbfx x0, x1, #60, #4', 0x937cfc20],
  ['sbfx w0, w1, #5, #27', 0x13057c20],
  ['bfi x0, x1, #8, #16', 0xb3783c20],
  ['bfi w0, w1, #31, #1', 0x33010020],
  ['bfxil x0, x1, #16, #8', 0xb3505c20],
  ['bfxil w0, w1, #0, #32', 0x33007c20],
  ['ubfiz x0, x1, #2, #30', 0xd37e7420],
  ['sbfiz w0, w1, #3, #5', 0x131d1020],
  ['bfc x0, #3, #4', 0xb37d0fe0],
  ['extr x0, x1, x2, #13', 0x93c23420],
  ['extr w0, w1, w2, #31', 0x13827c20],
  ['ror x0, x1, #7', 0x93c11c20],
  ['ror w0, w1, #16', 0x13814020],
  ['lslv x0, x1, x2', 0x9ac22020],
  ['lsrv w0, w1, w2', 0x1ac22420],
  ['asrv x0, x1, x2', 0x9ac22820],
  ['rorv w0, w1, w2', 0x1ac22c20],
  ['lsl x0, x1, x2', 0x9ac22020],
  ['lsr w0, w1, w2', 0x1ac22420],
  ['asr x0, x1, x2', 0x9ac22820],
  ['ror x0, x1, x2', 0x9ac22c20],
  ['csel x0, x1, x2, eq', 0x9a820020],
  ['csel w0, w1, w2, ne', 0x1a821020],
  ['csinc x0, x1, x2, hs', 0x9a822420],
  ['csinc x0, x1, x2, cs', 0x9a822420],
  ['csinv w0, w1, w2, lo', 0x5a823020],
  ['csneg x0, x1, x2, mi', 0xda824420],
  ['csel x0, x1, x2, pl', 0x9a825020],
  ['csel x0, x1, x2, vs', 0x9a826020],
  ['csel x0, x1, x2, vc', 0x9a827020],
  ['csel x0, x1, x2, hi', 0x9a828020],
  ['csel x0, x1, x2, ls', 0x9a829020],
  ['csel x0, x1, x2, ge', 0x9a82a020],
  ['csel x0, x1, x2, lt', 0x9a82b020],
  ['csel x0, x1, x2, gt', 0x9a82c020],
  ['csel x0, x1, x2, le', 0x9a82d020],
  ['csel x0, x1, x2, al', 0x9a82e020],
  ['cset x0, eq', 0x9a9f17e0],
  ['cset w0, ne', 0x1a9f07e0],
  ['cset w0, lt', 0x1a9fa7e0],
  ['csetm x0, hi', 0xda9f93e0],
  ['csetm w0, ge', 0x5a9fb3e0],
  ['cinc x0, x1, le', 0x9a81c420],
  ['cinc w0, w1, eq', 0x1a811420],
  ['cinv x0, x1, gt', 0xda81d020],
  ['cneg x0, x1, mi', 0xda815420],
  ['cneg w0, w1, ls', 0x5a818420],
  ['ccmp x0, x1, #0, eq', 0xfa410000],
  ['ccmp w0, w1, #15, ne', 0x7a41100f],
  ['ccmp x0, #31, #4, ge', 0xfa5fa804],
  ['ccmn x0, x1, #2, lt', 0xba41b002],
  ['ccmn w0, #0, #8, al', 0x3a40e808],
  ['madd x0, x1, x2, x3', 0x9b020c20],
  ['madd w0, w1, w2, w3', 0x1b020c20],
  ['msub x0, x1, x2, x3', 0x9b028c20],
  ['mul x0, x1, x2', 0x9b027c20],
  ['mul w0, w1, w2', 0x1b027c20],
  ['mneg x0, x1, x2', 0x9b02fc20],
  ['smaddl x0, w1, w2, x3', 0x9b220c20],
  ['smsubl x0, w1, w2, x3', 0x9b228c20],
  ['umaddl x0, w1, w2, x3', 0x9ba20c20],
  ['umsubl x0, w1, w2, x3', 0x9ba28c20],
  ['smull x0, w1, w2', 0x9b227c20],
  ['umull x0, w1, w2', 0x9ba27c20],
  ['smnegl x0, w1, w2', 0x9b22fc20],
  ['umnegl x0, w1, w2', 0x9ba2fc20],
  ['smulh x0, x1, x2', 0x9b427c20],
  ['umulh x0, x1, x2', 0x9bc27c20],
  ['sdiv x0, x1, x2', 0x9ac20c20],
  ['sdiv w0, w1, w2', 0x1ac20c20],
  ['udiv x0, x1, x2', 0x9ac20820],
  ['udiv w0, w1, w2', 0x1ac20820],
  ['clz x0, x1', 0xdac01020],
  ['clz w0, w1', 0x5ac01020],
  ['cls x0, x1', 0xdac01420],
  ['cls w0, w1', 0x5ac01420],
  ['rbit x0, x1', 0xdac00020],
  ['rbit w0, w1', 0x5ac00020],
  ['rev x0, x1', 0xdac00c20],
  ['rev w0, w1', 0x5ac00820],
  ['rev16 x0, x1', 0xdac00420],
  ['rev16 w0, w1', 0x5ac00420],
  ['rev32 x0, x1', 0xdac00820],
  ['ldr x0, [x1]', 0xf9400020],
  ['ldr x0, [x1, #8]', 0xf9400420],
  ['ldr x0, [x1, #32760]', 0xf97ffc20],
  ['ldr w0, [x1, #16380]', 0xb97ffc20],
  ['ldr x0, [sp, #16]', 0xf9400be0],
  ['ldr x0, [x1, #-8]', 0xf85f8020],
  ['ldr x0, [x1, #4]', 0xf8404020],
  ['ldr x0, [x1, #255]', 0xf84ff020],
  ['ldr w0, [x1, #-256]', 0xb8500020],
  ['str x0, [x1]', 0xf9000020],
  ['str x0, [sp, #8]', 0xf90007e0],
  ['str w0, [x1, #4]', 0xb9000420],
  ['str xzr, [x1, #16]', 0xf900083f],
  ['strb w0, [x1]', 0x39000020],
  ['strb w0, [x1, #4095]', 0x393ffc20],
  ['strb wzr, [x1, #1]', 0x3900043f],
  ['strh w0, [x1, #2]', 0x79000420],
  ['strh w0, [x1, #8190]', 0x793ffc20],
  ['ldrb w0, [x1]', 0x39400020],
  ['ldrb w0, [x1, #1]', 0x39400420],
  ['ldrh w0, [x1, #2]', 0x79400420],
  ['ldrsb x0, [x1]', 0x39800020],
  ['ldrsb w0, [x1, #1]', 0x39c00420],
  ['ldrsh x0, [x1, #2]', 0x79800420],
  ['ldrsh w0, [x1, #4]', 0x79c00820],
  ['ldrsw x0, [x1, #4]', 0xb9800420],
  ['ldrsw x0, [x1, #16380]', 0xb9bffc20],
  ['ldr x0, [x1, #8]!', 0xf8408c20],
  ['ldr x0, [sp, #-16]!', 0xf85f0fe0],
  ['ldr w0, [x1, #-4]!', 0xb85fcc20],
  ['ldr x0, [x1], #8', 0xf8408420],
  ['ldr w0, [x1], #-256', 0xb8500420],
  ['str x0, [sp, #-16]!', 0xf81f0fe0],
  ['str x30, [sp], #16', 0xf80107fe],
  ['str w0, [x1, #255]!', 0xb80ffc20],
  ['strb w0, [x1], #1', 0x38001420],
  ['strh w0, [x1, #-2]!', 0x781fec20],
  ['ldrb w0, [x1], #1', 0x38401420],
  ['ldrh w0, [x1, #2]!', 0x78402c20],
  ['ldrsb x0, [x1], #-1', 0x389ff420],
  ['ldrsh w0, [x1], #2', 0x78c02420],
  ['ldrsw x0, [x1, #4]!', 0xb8804c20],
  ['ldr x0, [x1, x2]', 0xf8626820],
  ['ldr x0, [x1, x2, lsl #3]', 0xf8627820],
  ['ldr x0, [x1, x2, lsl #0]', 0xf8626820],
  ['ldr w0, [x1, w2, uxtw]', 0xb8624820],
  ['ldr w0, [x1, w2, uxtw #2]', 0xb8625820],
  ['ldr x0, [x1, w2, sxtw]', 0xf862c820],
  ['ldr x0, [x1, w2, sxtw #3]', 0xf862d820],
  ['ldr x0, [x1, x2, sxtx]', 0xf862e820],
  ['ldr x0, [x1, x2, sxtx #3]', 0xf862f820],
  ['ldr x0, [sp, x2, lsl #3]', 0xf8627be0],
  ['str x0, [x1, x2, lsl #3]', 0xf8227820],
  ['str w0, [x1, w2, sxtw #2]', 0xb822d820],
  ['ldrb w0, [x1, x2]', 0x38626820],
  ['ldrb w0, [x1, x2, lsl #0]', 0x38627820],
  ['ldrb w0, [x1, w2, uxtw]', 0x38624820],
  ['ldrb w0, [x1, w2, sxtw #0]', 0x3862d820],
  ['strb w0, [x1, x2]', 0x38226820],
  ['ldrh w0, [x1, x2, lsl #1]', 0x78627820],
  ['ldrh w0, [x1, w2, uxtw #1]', 0x78625820],
  ['strh w0, [x1, x2]', 0x78226820],
  ['ldrsb x0, [x1, x2]', 0x38a26820],
  ['ldrsh w0, [x1, x2, lsl #1]', 0x78e27820],
  ['ldrsw x0, [x1, x2, lsl #2]', 0xb8a27820],
  ['ldrsw x0, [x1, w2, sxtw]', 0xb8a2c820],
  ['ldur x0, [x1, #-8]', 0xf85f8020],
  ['ldur x0, [x1]', 0xf8400020],
  ['ldur w0, [x1, #255]', 0xb84ff020],
  ['stur x0, [x1, #-256]', 0xf8100020],
  ['stur w0, [x1, #3]', 0xb8003020],
  ['ldurb w0, [x1, #-1]', 0x385ff020],
  ['sturb w0, [x1, #5]', 0x38005020],
  ['ldurh w0, [x1, #-2]', 0x785fe020],
  ['sturh w0, [x1, #1]', 0x78001020],
  ['ldursb x0, [x1, #-3]', 0x389fd020],
  ['ldursh w0, [x1, #7]', 0x78c07020],
  ['ldursw x0, [x1, #-4]', 0xb89fc020],
  ['ldr x0, .+8', 0x58000040],
  ['ldr w0, .-4', 0x18ffffe0],
  ['ldr x1, .+0xffffc', 0x587fffe1],
  ['ldr x1, .-0x100000', 0x58800001],
  ['ldrsw x0, .+16', 0x98000080],
  ['ldp x0, x1, [x2]', 0xa9400440],
  ['ldp x0, x1, [sp, #16]', 0xa94107e0],
  ['ldp x29, x30, [sp], #16', 0xa8c17bfd],
  ['ldp x0, x1, [x2, #-512]', 0xa9600440],
  ['ldp x0, x1, [x2, #504]', 0xa95f8440],
  ['ldp x0, x1, [x2, #16]!', 0xa9c10440],
  ['ldp w0, w1, [x2, #8]', 0x29410440],
  ['ldp w0, w1, [x2, #-256]!', 0x29e00440],
  ['ldp w0, w1, [x2], #252', 0x28df8440],
  ['stp x29, x30, [sp, #-16]!', 0xa9bf7bfd],
  ['stp x0, x1, [sp, #32]', 0xa90207e0],
  ['stp x0, x1, [x2], #-16', 0xa8bf0440],
  ['stp w0, w1, [x2, #4]', 0x29008440],
  ['stp xzr, xzr, [x0]', 0xa9007c1f],
  ['ldpsw x0, x1, [x2]', 0x69400440],
  ['ldpsw x0, x1, [x2, #8]', 0x69410440],
  ['ldpsw x0, x1, [x2], #-8', 0x68ff0440],
  ['ldpsw x0, x1, [x2, #4]!', 0x69c08440],
  ['ldnp x0, x1, [x2, #16]', 0xa8410440],
  ['stnp w0, w1, [x2]', 0x28000440],
  ['prfm pldl1keep, [x0]', 0xf9800000],
  ['prfm pstl1strm, [x0, #64]', 0xf9802011],
  ['prfm pldl2keep, [x0, x1, lsl #3]', 0xf8a17802],
  ['ldxr x0, [x1]', 0xc85f7c20],
  ['ldxr w0, [x1]', 0x885f7c20],
  ['ldxr x0, [sp]', 0xc85f7fe0],
  ['ldxrb w0, [x1]', 0x085f7c20],
  ['ldxrh w0, [x1]', 0x485f7c20],
  ['ldaxr x0, [x1]', 0xc85ffc20],
  ['ldaxr w0, [x1]', 0x885ffc20],
  ['ldaxrb w0, [x1]', 0x085ffc20],
  ['ldaxrh w0, [x1]', 0x485ffc20],
  ['stxr w2, x0, [x1]', 0xc8027c20],
  ['stxr w2, w0, [x1]', 0x88027c20],
  ['stxrb w2, w0, [x1]', 0x08027c20],
  ['stxrh w2, w0, [x1]', 0x48027c20],
  ['stlxr w2, x0, [x1]', 0xc802fc20],
  ['stlxr w2, w0, [x1]', 0x8802fc20],
  ['stlxrb w2, w0, [x1]', 0x0802fc20],
  ['stlxrh w2, w0, [x1]', 0x4802fc20],
  ['ldxp x0, x1, [x2]', 0xc87f0440],
  ['ldxp w0, w1, [x2]', 0x887f0440],
  ['ldaxp x0, x1, [x2]', 0xc87f8440],
  ['ldaxp w0, w1, [x2]', 0x887f8440],
  ['stxp w3, x0, x1, [x2]', 0xc8230440],
  ['stxp w3, w0, w1, [x2]', 0x88230440],
  ['stlxp w3, x0, x1, [x2]', 0xc8238440],
  ['stlxp w3, w0, w1, [x2]', 0x88238440],
  ['ldar x0, [x1]', 0xc8dffc20],
  ['ldar w0, [x1]', 0x88dffc20],
  ['ldarb w0, [x1]', 0x08dffc20],
  ['ldarh w0, [x1]', 0x48dffc20],
  ['stlr x0, [x1]', 0xc89ffc20],
  ['stlr w0, [x1]', 0x889ffc20],
  ['stlrb w0, [x1]', 0x089ffc20],
  ['stlrh w0, [x1]', 0x489ffc20],
  ['stlr x0, [sp]', 0xc89fffe0],
  ['clrex', 0xd5033f5f],
  ['clrex #5', 0xd503355f],
  ['ldadd x0, x1, [x2]', 0xf8200041],
  ['ldadda x0, x1, [x2]', 0xf8a00041],
  ['ldaddl x0, x1, [x2]', 0xf8600041],
  ['ldaddal x0, x1, [x2]', 0xf8e00041],
  ['ldadd w0, w1, [x2]', 0xb8200041],
  ['ldaddal w0, w1, [sp]', 0xb8e003e1],
  ['ldaddb w0, w1, [x2]', 0x38200041],
  ['ldaddab w0, w1, [x2]', 0x38a00041],
  ['ldaddlb w0, w1, [x2]', 0x38600041],
  ['ldaddalb w0, w1, [x2]', 0x38e00041],
  ['ldaddh w0, w1, [x2]', 0x78200041],
  ['ldaddah w0, w1, [x2]', 0x78a00041],
  ['ldaddlh w0, w1, [x2]', 0x78600041],
  ['ldaddalh w0, w1, [x2]', 0x78e00041],
  ['ldclr x0, x1, [x2]', 0xf8201041],
  ['ldclra w0, w1, [x2]', 0xb8a01041],
  ['ldclrl x0, x1, [x2]', 0xf8601041],
  ['ldclral w0, w1, [x2]', 0xb8e01041],
  ['ldclrb w0, w1, [x2]', 0x38201041],
  ['ldclrh w0, w1, [x2]', 0x78201041],
  ['ldset x0, x1, [x2]', 0xf8203041],
  ['ldseta x0, x1, [x2]', 0xf8a03041],
  ['ldsetl w0, w1, [x2]', 0xb8603041],
  ['ldsetal x0, x1, [x2]', 0xf8e03041],
  ['ldsetalb w0, w1, [x2]', 0x38e03041],
  ['ldsetah w0, w1, [x2]', 0x78a03041],
  ['ldeor x0, x1, [x2]', 0xf8202041],
  ['ldeora w0, w1, [x2]', 0xb8a02041],
  ['ldeorl x0, x1, [x2]', 0xf8602041],
  ['ldeoral x0, x1, [x2]', 0xf8e02041],
  ['ldeorb w0, w1, [x2]', 0x38202041],
  ['ldeorlh w0, w1, [x2]', 0x78602041],
  ['ldsmax x0, x1, [x2]', 0xf8204041],
  ['ldsminal w0, w1, [x2]', 0xb8e05041],
  ['ldumax x0, x1, [x2]', 0xf8206041],
  ['lduminlb w0, w1, [x2]', 0x38607041],
  ['swp x0, x1, [x2]', 0xf8208041],
  ['swpa x0, x1, [x2]', 0xf8a08041],
  ['swpl w0, w1, [x2]', 0xb8608041],
  ['swpal x0, x1, [x2]', 0xf8e08041],
  ['swpb w0, w1, [x2]', 0x38208041],
  ['swpah w0, w1, [x2]', 0x78a08041],
  ['swpalb w0, w1, [x2]', 0x38e08041],
  ['swplh w0, w1, [x2]', 0x78608041],
  ['cas x0, x1, [x2]', 0xc8a07c41],
  ['casa x0, x1, [x2]', 0xc8e07c41],
  ['casl w0, w1, [x2]', 0x88a0fc41],
  ['casal x0, x1, [x2]', 0xc8e0fc41],
  ['casb w0, w1, [x2]', 0x08a07c41],
  ['casah w0, w1, [x2]', 0x48e07c41],
  ['casalb w0, w1, [x2]', 0x08e0fc41],
  ['caslh w0, w1, [x2]', 0x48a0fc41],
  ['casal w0, w1, [sp]', 0x88e0ffe1],
  ['casp x0, x1, x2, x3, [x4]', 0x48207c82],
  ['caspa x0, x1, x2, x3, [x4]', 0x48607c82],
  ['caspl w0, w1, w2, w3, [x4]', 0x0820fc82],
  ['caspal x4, x5, x6, x7, [sp]', 0x4864ffe6],
  ['stadd w0, [x1]', 0xb820003f],
  ['staddl x0, [x1]', 0xf860003f],
  ['staddb w0, [x1]', 0x3820003f],
  ['stclr x0, [x1]', 0xf820103f],
  ['stsetlh w0, [x1]', 0x7860303f],
  ['steor w0, [x1]', 0xb820203f],
  ['b .', 0x14000000],
  ['b .+8', 0x14000002],
  ['b .-4', 0x17ffffff],
  ['b .+0x7fffffc', 0x15ffffff],
  ['b .-0x8000000', 0x16000000],
  ['bl .+0x100', 0x94000040],
  ['bl .-0x1000', 0x97fffc00],
  ['b.eq .+8', 0x54000040],
  ['b.ne .-8', 0x54ffffc1],
  ['b.cs .+16', 0x54000082],
  ['b.hs .+16', 0x54000082],
  ['b.cc .+4', 0x54000023],
  ['b.lo .+4', 0x54000023],
  ['b.mi .-0x100000', 0x54800004],
  ['b.pl .+0xffffc', 0x547fffe5],
  ['b.vs .', 0x54000006],
  ['b.vc .+12', 0x54000067],
  ['b.hi .-12', 0x54ffffa8],
  ['b.ls .+20', 0x540000a9],
  ['b.ge .-20', 0x54ffff6a],
  ['b.lt .+24', 0x540000cb],
  ['b.gt .-24', 0x54ffff4c],
  ['b.le .+28', 0x540000ed],
  ['b.al .+32', 0x5400010e],
  ['cbz x0, .+8', 0xb4000040],
  ['cbz w1, .-8', 0x34ffffc1],
  ['cbnz x2, .+0x1000', 0xb5008002],
  ['cbnz w3, .-0x1000', 0x35ff8003],
  ['tbz x0, #0, .+8', 0x36000040],
  ['tbz w1, #31, .-8', 0x36ffffc1],
  ['tbz x2, #63, .+0x7ffc', 0xb6fbffe2],
  ['tbnz x3, #32, .-0x8000', 0xb7040003],
  ['tbnz w4, #5, .+12', 0x37280064],
  ['br x0', 0xd61f0000],
  ['br x30', 0xd61f03c0],
  ['blr x1', 0xd63f0020],
  ['blr x16', 0xd63f0200],
  ['ret', 0xd65f03c0],
  ['ret x1', 0xd65f0020],
  ['eret', 0xd69f03e0],
  ['nop', 0xd503201f],
  ['yield', 0xd503203f],
  ['wfe', 0xd503205f],
  ['wfi', 0xd503207f],
  ['sev', 0xd503209f],
  ['sevl', 0xd50320bf],
  ['hint #0x22', 0xd503245f],
  ['dmb ish', 0xd5033bbf],
  ['dmb ishst', 0xd5033abf],
  ['dmb ishld', 0xd50339bf],
  ['dmb sy', 0xd5033fbf],
  ['dmb st', 0xd5033ebf],
  ['dmb ld', 0xd5033dbf],
  ['dmb osh', 0xd50333bf],
  ['dmb oshst', 0xd50332bf],
  ['dmb oshld', 0xd50331bf],
  ['dmb nsh', 0xd50337bf],
  ['dmb nshst', 0xd50336bf],
  ['dmb nshld', 0xd50335bf],
  ['dsb sy', 0xd5033f9f],
  ['dsb ish', 0xd5033b9f],
  ['dsb ishst', 0xd5033a9f],
  ['dsb nsh', 0xd503379f],
  ['dsb #0', 0xd503309f],
  ['isb', 0xd5033fdf],
  ['isb sy', 0xd5033fdf],
  ['hvc #0', 0xd4000002],
  ['hvc #0x4a48', 0xd4094902],
  ['hvc #0xffff', 0xd41fffe2],
  ['smc #0', 0xd4000003],
  ['smc #1', 0xd4000023],
  ['svc #0', 0xd4000001],
  ['svc #0x80', 0xd4001001],
  ['brk #0', 0xd4200000],
  ['brk #0x3e8', 0xd4207d00],
  ['hlt #0xf000', 0xd45e0000],
  ['mrs x0, SCTLR_EL1', 0xd5381000],
  ['mrs x0, TCR_EL1', 0xd5382040],
  ['mrs x0, MAIR_EL1', 0xd538a200],
  ['mrs x0, TTBR0_EL1', 0xd5382000],
  ['mrs x0, TTBR1_EL1', 0xd5382020],
  ['mrs x0, VBAR_EL1', 0xd538c000],
  ['mrs x0, ELR_EL1', 0xd5384020],
  ['mrs x0, SPSR_EL1', 0xd5384000],
  ['mrs x0, ESR_EL1', 0xd5385200],
  ['mrs x0, FAR_EL1', 0xd5386000],
  ['mrs x0, TPIDR_EL1', 0xd538d080],
  ['mrs x0, TPIDR_EL0', 0xd53bd040],
  ['mrs x0, SP_EL0', 0xd5384100],
  ['mrs x0, MPIDR_EL1', 0xd53800a0],
  ['mrs x0, DAIF', 0xd53b4220],
  ['mrs x0, NZCV', 0xd53b4200],
  ['mrs x0, CurrentEL', 0xd5384240],
  ['mrs x0, CNTFRQ_EL0', 0xd53be000],
  ['mrs x0, CNTVCT_EL0', 0xd53be040],
  ['mrs x0, CNTPCT_EL0', 0xd53be020],
  ['mrs x0, CNTV_CTL_EL0', 0xd53be320],
  ['mrs x0, CNTV_CVAL_EL0', 0xd53be340],
  ['mrs x0, CNTV_TVAL_EL0', 0xd53be300],
  ['mrs x0, CPACR_EL1', 0xd5381040],
  ['mrs x0, ICC_IAR1_EL1', 0xd538cc00],
  ['mrs x0, ICC_PMR_EL1', 0xd5384600],
  ['mrs x0, ICC_IGRPEN1_EL1', 0xd538cce0],
  ['mrs x0, ICC_CTLR_EL1', 0xd538cc80],
  ['mrs x0, ACTLR_EL1', 0xd5381020],
  ['mrs x1, midr_el1', 0xd5380001],
  ['mrs x2, cntkctl_el1', 0xd538e102],
  ['mrs x3, cntp_ctl_el0', 0xd53be223],
  ['mrs x4, cntp_cval_el0', 0xd53be244],
  ['mrs x5, cntp_tval_el0', 0xd53be205],
  ['mrs x6, icc_sre_el1', 0xd538cca6],
  ['mrs x7, icc_rpr_el1', 0xd538cb67],
  ['mrs x8, icc_hppir1_el1', 0xd538cc48],
  ['mrs x9, icc_bpr1_el1', 0xd538cc69],
  ['mrs x10, par_el1', 0xd538740a],
  ['mrs x11, contextidr_el1', 0xd538d02b],
  ['mrs x12, tpidrro_el0', 0xd53bd06c],
  ['mrs x13, ctr_el0', 0xd53b002d],
  ['mrs x14, dczid_el0', 0xd53b00ee],
  ['mrs x15, clidr_el1', 0xd539002f],
  ['mrs x16, ccsidr_el1', 0xd5390010],
  ['mrs x17, csselr_el1', 0xd53a0011],
  ['mrs x18, id_aa64pfr0_el1', 0xd5380412],
  ['mrs x19, id_aa64mmfr0_el1', 0xd5380713],
  ['mrs x20, id_aa64isar0_el1', 0xd5380614],
  ['mrs x21, spsel', 0xd5384215],
  ['mrs x22, fpcr', 0xd53b4416],
  ['mrs x23, fpsr', 0xd53b4437],
  ['mrs x24, mdscr_el1', 0xd5300258],
  ['mrs x25, afsr0_el1', 0xd5385119],
  ['mrs x26, amair_el1', 0xd538a31a],
  ['mrs x27, isr_el1', 0xd538c11b],
  ['mrs x28, revidr_el1', 0xd53800dc],
  ['mrs x0, s3_0_c15_c2_0', 0xd538f200],
  ['mrs x0, s3_7_c15_c15_7', 0xd53fffe0],
  ['mrs x0, hcr_el2', 0xd53c1100],
  ['mrs x0, vtcr_el2', 0xd53c2140],
  ['mrs x0, vttbr_el2', 0xd53c2100],
  ['mrs x0, esr_el2', 0xd53c5200],
  ['mrs x0, far_el2', 0xd53c6000],
  ['mrs x0, hpfar_el2', 0xd53c6080],
  ['mrs x0, elr_el2', 0xd53c4020],
  ['mrs x0, spsr_el2', 0xd53c4000],
  ['mrs x0, vbar_el2', 0xd53cc000],
  ['mrs x0, sctlr_el2', 0xd53c1000],
  ['mrs x0, tpidr_el2', 0xd53cd040],
  ['mrs x0, vmpidr_el2', 0xd53c00a0],
  ['mrs x0, ich_vtr_el2', 0xd53ccb20],
  ['mrs x0, ich_lr0_el2', 0xd53ccc00],
  ['mrs x0, ich_lr15_el2', 0xd53ccde0],
  ['mrs x0, ich_misr_el2', 0xd53ccb40],
  ['mrs x0, ich_elrsr_el2', 0xd53ccba0],
  ['mrs x0, cnthctl_el2', 0xd53ce100],
  ['mrs x0, cntvoff_el2', 0xd53ce060],
  ['msr SCTLR_EL1, x0', 0xd5181000],
  ['msr TCR_EL1, x1', 0xd5182041],
  ['msr MAIR_EL1, x2', 0xd518a202],
  ['msr TTBR0_EL1, x3', 0xd5182003],
  ['msr TTBR1_EL1, x4', 0xd5182024],
  ['msr VBAR_EL1, x5', 0xd518c005],
  ['msr ELR_EL1, x6', 0xd5184026],
  ['msr SPSR_EL1, x7', 0xd5184007],
  ['msr ESR_EL1, x8', 0xd5185208],
  ['msr FAR_EL1, x9', 0xd5186009],
  ['msr TPIDR_EL1, x10', 0xd518d08a],
  ['msr TPIDR_EL0, x11', 0xd51bd04b],
  ['msr SP_EL0, x12', 0xd518410c],
  ['msr DAIF, x13', 0xd51b422d],
  ['msr NZCV, x14', 0xd51b420e],
  ['msr CNTFRQ_EL0, x15', 0xd51be00f],
  ['msr CNTV_CTL_EL0, x16', 0xd51be330],
  ['msr CNTV_CVAL_EL0, x17', 0xd51be351],
  ['msr CNTV_TVAL_EL0, x18', 0xd51be312],
  ['msr CPACR_EL1, x19', 0xd5181053],
  ['msr ICC_SGI1R_EL1, x20', 0xd518cbb4],
  ['msr ICC_EOIR1_EL1, x21', 0xd518cc35],
  ['msr ICC_PMR_EL1, x22', 0xd5184616],
  ['msr ICC_IGRPEN1_EL1, x23', 0xd518ccf7],
  ['msr ICC_CTLR_EL1, x24', 0xd518cc98],
  ['msr ACTLR_EL1, x25', 0xd5181039],
  ['msr icc_dir_el1, x0', 0xd518cb20],
  ['msr icc_asgi1r_el1, x0', 0xd518cbc0],
  ['msr icc_sgi0r_el1, x0', 0xd518cbe0],
  ['msr icc_eoir0_el1, x0', 0xd518c820],
  ['msr ich_hcr_el2, x0', 0xd51ccb00],
  ['msr ich_lr3_el2, x1', 0xd51ccc61],
  ['msr ich_lr10_el2, x1', 0xd51ccd41],
  ['msr ich_vmcr_el2, x1', 0xd51ccbe1],
  ['msr ich_ap1r0_el2, x1', 0xd51cc901],
  ['msr hcr_el2, xzr', 0xd51c111f],
  ['msr s3_0_c15_c2_0, x0', 0xd518f200],
  ['msr DAIFSet, #2', 0xd50342df],
  ['msr DAIFClr, #2', 0xd50342ff],
  ['msr daifset, #0xf', 0xd5034fdf],
  ['msr daifclr, #0x3', 0xd50343ff],
  ['msr SPSel, #1', 0xd50041bf],
  ['msr SPSel, #0', 0xd50040bf],
  ['msr PAN, #1', 0xd500419f],
  ['msr UAO, #0', 0xd500407f],
  ['tlbi vmalle1is', 0xd508831f],
  ['tlbi vmalle1', 0xd508871f],
  ['tlbi vae1, x0', 0xd5088720],
  ['tlbi vae1is, x1', 0xd5088321],
  ['tlbi aside1is, x2', 0xd5088342],
  ['tlbi vaae1is, x3', 0xd5088363],
  ['tlbi vale1is, x4', 0xd50883a4],
  ['tlbi vaale1, x5', 0xd50887e5],
  ['tlbi alle2', 0xd50c871f],
  ['tlbi alle1is', 0xd50c839f],
  ['tlbi vmalls12e1is', 0xd50c83df],
  ['tlbi ipas2e1is, x6', 0xd50c8026],
  ['tlbi vae2is, x7', 0xd50c8327],
  ['ic iallu', 0xd508751f],
  ['ic ialluis', 0xd508711f],
  ['ic ivau, x0', 0xd50b7520],
  ['dc civac, x0', 0xd50b7e20],
  ['dc cvac, x1', 0xd50b7a21],
  ['dc ivac, x2', 0xd5087622],
  ['dc cvau, x3', 0xd50b7b23],
  ['dc zva, x4', 0xd50b7424],
  ['dc cisw, x5', 0xd5087e45],
  ['dc csw, x6', 0xd5087a46],
  ['dc isw, x7', 0xd5087647],
  ['at s1e1r, x0', 0xd5087800],
  ['at s1e0w, x1', 0xd5087861],
  ['at s12e1r, x2', 0xd50c7882],
  ['sys #0, c7, c5, #0', 0xd508751f],
  ['sys #3, c7, c14, #1, x0', 0xd50b7e20],
  ['sysl x0, #0, c1, c2, #3', 0xd5281260],
  ['csdb', 0xd503229f],
  ['esb', 0xd503221f],
  ['add x0, sp, x1, uxtx #2', 0x8b216be0],
  ["cmp x0, #'a'", 0xf101841f],
  ['mov x0, #(1 << 12)', 0xd2820000],
  ['mov x0, 0x10', 0xd2800200],
  ['add x0, x1, 4', 0x91001020],
  ['ldr x0, [x1, 8]', 0xf9400420],
  ['svc 0', 0xd4000001],
  ['ccmp x0, 3, 4, ne', 0xfa431804],
  ['stp x0, x1, [sp, -16]!', 0xa9bf07e0],
  ['movk x0, 0x1, lsl 16', 0xf2a00020],
  ['tbz x0, 5, .+8', 0x36280040],
  ['ldr x0, [x1, x2, lsl 3]', 0xf8627820],
  ['mrs x0, S3_0_C1_C0_0', 0xd5381000],
  ['MOV X0, #0x8000000000000000', 0xd2f00000],
  ['ldr x0, [x1, #-0x8]!', 0xf85f8c20],
  ['sub x0, x1, #0x1000', 0xd1400420],
  ['sub x0, x1, #-0x1000', 0x91400420],
  ['adds x0, x1, #-1', 0xf1000420],
  ['add w0, w1, #0xfff, lsl #12', 0x117ffc20],
  ['cmn w0, #-4095', 0x713ffc1f],
  ['mov w1, #-0x80000000', 0x52b00001],
  ['mov x1, #0xfffffffff0000000', 0xb2648fe1],
  ['orr x0, x1, #0x3fe', 0xb27f2020],
  ['ands w0, w1, #0xfc00ffff', 0x72065420],
  ['b.hs .+4', 0x54000022],
  ['ldrsw x0, [sp]', 0xb98003e0],
  ['ldrb w0, [sp, #16]', 0x394043e0],
  ['prfm #5, [x0]', 0xf9800005],
  ['prfm pldl3strm, .+64', 0xd8000205],
  ['ldnp x0, x1, [x2, #-512]', 0xa8600440],
  ['stnp x0, x1, [x2, #504]', 0xa81f8440],
  ['dmb #11', 0xd5033bbf],
  ['isb #15', 0xd5033fdf],
  ['clrex #0', 0xd503305f],
  ['ldaddh w0, wzr, [x1]', 0x7820003f],
  ['msr spsel, #1', 0xd50041bf],
  ['hint #127', 0xd5032fff],
  ['tlbi aside1, x0', 0xd5088740],
  ['dc cvap, x0', 0xd50b7c20],
];
const WORD = new Map(GAS);

describe('text front end matches GNU as, one instruction per line', () => {
  it('has a broad corpus', () => {
    expect(GAS.length).toBeGreaterThan(600);
    expect(WORD.size).toBe(GAS.length);
  });
  it.each(GAS)('%s', (src, want) => {
    expect(hex(asm1(src))).toBe(hex(want));
  });
});

// ---------------------------------------------------------------------------------------------
// The same vectors through the encoder API (expected word looked up by source text).

const API: ReadonlyArray<readonly [string, () => number | readonly number[]]> = [
  // add/sub immediate
  ['add x0, x1, #4', () => E.add('x0', 'x1', 4)],
  ['add w3, w4, #4095', () => E.add('w3', 'w4', 4095)],
  ['add x0, x1, #0x1000', () => E.add('x0', 'x1', 0x1000)],
  ['add x0, x1, #0xfff000', () => E.add('x0', 'x1', 0xfff000)],
  ['add x5, x6, #1, lsl #12', () => E.add('x5', 'x6', { imm: 1, lsl: 12 })],
  ['add x0, x1, #0, lsl #12', () => E.add('x0', 'x1', { imm: 0, lsl: 12 })],
  ['add sp, sp, #16', () => E.add('sp', 'sp', 16)],
  ['add x29, sp, #0x20', () => E.add('fp', 'sp', 0x20)],
  ['add x0, x1, #-8', () => E.add('x0', 'x1', -8)],
  ['adds w2, wsp, #7', () => E.adds('w2', 'wsp', 7)],
  ['sub sp, sp, #0x40', () => E.sub('sp', 'sp', 0x40)],
  ['subs wzr, w1, #3', () => E.subs('wzr', 'w1', 3)],
  ['cmp x0, #-1', () => E.cmp('x0', -1)],
  ['cmn w3, #1, lsl #12', () => E.cmn('w3', { imm: 1, lsl: 12 })],
  ['cmp sp, #8', () => E.cmp('sp', 8)],
  // add/sub shifted and extended register
  ['add w0, w1, w2, lsl #5', () => E.add('w0', 'w1', E.shifted('w2', 'lsl', 5))],
  ['add x0, x1, x2, lsr #63', () => E.add('x0', 'x1', E.shifted('x2', 'lsr', 63))],
  ['subs w0, w1, w2, asr #31', () => E.subs('w0', 'w1', E.shifted('w2', 'asr', 31))],
  ['sub x0, xzr, x1', () => E.sub('x0', 'xzr', 'x1')],
  ['cmp w0, w1, lsl #2', () => E.cmp('w0', E.shifted('w1', 'lsl', 2))],
  ['neg w0, w1, lsl #3', () => E.neg('w0', E.shifted('w1', 'lsl', 3))],
  ['negs x2, x3', () => E.negs('x2', 'x3')],
  ['add x0, sp, x1', () => E.add('x0', 'sp', 'x1')],
  ['add sp, sp, x1', () => E.add('sp', 'sp', 'x1')],
  ['add x0, x1, w2, sxtw #2', () => E.add('x0', 'x1', E.extended('w2', 'sxtw', 2))],
  ['add x0, x1, w2, uxtb', () => E.add('x0', 'x1', E.extended('w2', 'uxtb'))],
  ['add x0, x1, x2, uxtx #3', () => E.add('x0', 'x1', E.extended('x2', 'uxtx', 3))],
  ['add x0, sp, w1, uxtw #2', () => E.add('x0', 'sp', E.extended('w1', 'uxtw', 2))],
  ['add sp, x1, x2, lsl #4', () => E.add('sp', 'x1', E.shifted('x2', 'lsl', 4))],
  ['add w0, wsp, w1', () => E.add('w0', 'wsp', 'w1')],
  ['add wsp, w1, w2, uxtb', () => E.add('wsp', 'w1', E.extended('w2', 'uxtb'))],
  ['adds x0, sp, x1', () => E.adds('x0', 'sp', 'x1')],
  ['subs x0, x1, w2, sxtw', () => E.subs('x0', 'x1', E.extended('w2', 'sxtw'))],
  ['cmp sp, x1', () => E.cmp('sp', 'x1')],
  ['cmn sp, x3, lsl #2', () => E.cmn('sp', E.shifted('x3', 'lsl', 2))],
  ['adc x0, x1, x2', () => E.adc('x0', 'x1', 'x2')],
  ['adcs w0, w1, w2', () => E.adcs('w0', 'w1', 'w2')],
  ['sbc x0, x1, x2', () => E.sbc('x0', 'x1', 'x2')],
  ['sbcs x3, x4, x5', () => E.sbcs('x3', 'x4', 'x5')],
  ['ngc x0, x1', () => E.ngc('x0', 'x1')],
  ['ngcs w0, w1', () => E.ngcs('w0', 'w1')],
  // logical
  ['and x0, x1, #0x5555555555555555', () => E.and('x0', 'x1', 0x5555555555555555n)],
  ['and x0, x1, #0xfffffffffffffffe', () => E.and('x0', 'x1', -2)],
  ['and x0, x1, #0x00ff00ff00ff00ff', () => E.and('x0', 'x1', 0x00ff00ff00ff00ffn)],
  ['and w0, w1, #0x55555555', () => E.and('w0', 'w1', 0x55555555)],
  ['and w0, w1, #0xfffffffe', () => E.and('w0', 'w1', -2)],
  ['and w0, w1, #0x00ff00ff', () => E.and('w0', 'w1', 0x00ff00ff)],
  ['and x0, x1, #0x8000000000000000', () => E.and('x0', 'x1', 1n << 63n)],
  ['and x0, x1, #0xfffe0000fffe0000', () => E.and('x0', 'x1', 0xfffe0000fffe0000n)],
  ['and w0, w1, #0x0003fffc', () => E.and('w0', 'w1', 0x3fffc)],
  ['and sp, x1, #0xfffffffffffffff0', () => E.and('sp', 'x1', -16)],
  ['orr w0, wzr, #0xffff', () => E.orr('w0', 'wzr', 0xffff)],
  ['eor w3, w4, #0xc0000003', () => E.eor('w3', 'w4', 0xc0000003)],
  ['ands x0, x1, #0x10', () => E.ands('x0', 'x1', 0x10)],
  ['tst w1, #0x80000000', () => E.tst('w1', 0x80000000)],
  ['bic x0, x1, #0x1', () => E.bic('x0', 'x1', 1)],
  ['orr x0, x1, x2, ror #8', () => E.orr('x0', 'x1', E.shifted('x2', 'ror', 8))],
  ['eor x0, x1, x2, asr #3', () => E.eor('x0', 'x1', E.shifted('x2', 'asr', 3))],
  ['ands x0, x1, x2', () => E.ands('x0', 'x1', 'x2')],
  ['bic w0, w1, w2, lsl #2', () => E.bic('w0', 'w1', E.shifted('w2', 'lsl', 2))],
  ['bics x0, x1, x2', () => E.bics('x0', 'x1', 'x2')],
  ['orn w0, w1, w2, ror #31', () => E.orn('w0', 'w1', E.shifted('w2', 'ror', 31))],
  ['eon x0, x1, x2, lsl #63', () => E.eon('x0', 'x1', E.shifted('x2', 'lsl', 63))],
  ['tst x0, x1', () => E.tst('x0', 'x1')],
  ['mvn w0, w1, lsl #2', () => E.mvn('w0', E.shifted('w1', 'lsl', 2))],
  // mov
  ['mov x0, x1', () => E.mov('x0', 'x1')],
  ['mov x0, xzr', () => E.mov('x0', 'xzr')],
  ['mov x0, sp', () => E.mov('x0', 'sp')],
  ['mov sp, x0', () => E.mov('sp', 'x0')],
  ['mov wsp, w1', () => E.mov('wsp', 'w1')],
  ['mov x0, #0', () => E.mov('x0', 0)],
  ['mov x0, #0xffff00000000', () => E.mov('x0', 0xffff00000000)],
  ['mov x0, #-1', () => E.mov('x0', -1)],
  ['mov x0, #-0x10000', () => E.mov('x0', -0x10000)],
  ['mov x0, #0x1234ffffffffffff', () => E.mov('x0', 0x1234ffffffffffffn)],
  ['mov x0, #0xffffffff', () => E.mov('x0', 0xffffffff)],
  ['mov w0, #-1', () => E.mov('w0', -1)],
  ['mov w0, #0xffff1234', () => E.mov('w0', 0xffff1234)],
  ['mov w0, #0x55555555', () => E.mov('w0', 0x55555555)],
  ['movz x0, #0x1234, lsl #48', () => E.movz('x0', 0x1234, 48)],
  ['movz w0, #0xffff, lsl #16', () => E.movz('w0', 0xffff, 16)],
  ['movn x0, #0x1234, lsl #16', () => E.movn('x0', 0x1234, 16)],
  ['movk x0, #0xcafe, lsl #32', () => E.movk('x0', 0xcafe, 32)],
  ['movk w0, #0x1, lsl #16', () => E.movk('w0', 1, 16)],
  // bitfield and shifts
  ['sbfm x0, x1, #3, #10', () => E.sbfm('x0', 'x1', 3, 10)],
  ['bfm w0, w1, #1, #2', () => E.bfm('w0', 'w1', 1, 2)],
  ['ubfm x0, x1, #63, #62', () => E.ubfm('x0', 'x1', 63, 62)],
  ['lsl x0, x1, #3', () => E.lsl('x0', 'x1', 3)],
  ['lsl w0, w1, #31', () => E.lsl('w0', 'w1', 31)],
  ['lsr x0, x1, #12', () => E.lsr('x0', 'x1', 12)],
  ['asr w0, w1, #1', () => E.asr('w0', 'w1', 1)],
  ['sxtb x0, w1', () => E.sxtb('x0', 'w1')],
  ['sxth w0, w1', () => E.sxth('w0', 'w1')],
  ['sxtw x0, w1', () => E.sxtw('x0', 'w1')],
  ['uxtb w0, w1', () => E.uxtb('w0', 'w1')],
  ['uxth w0, w1', () => E.uxth('w0', 'w1')],
  ['ubfx x0, x1, #4, #8', () => E.ubfx('x0', 'x1', 4, 8)],
  ['sbfx w0, w1, #5, #27', () => E.sbfx('w0', 'w1', 5, 27)],
  ['bfi x0, x1, #8, #16', () => E.bfi('x0', 'x1', 8, 16)],
  ['bfi w0, w1, #31, #1', () => E.bfi('w0', 'w1', 31, 1)],
  ['bfxil w0, w1, #0, #32', () => E.bfxil('w0', 'w1', 0, 32)],
  ['ubfiz x0, x1, #2, #30', () => E.ubfiz('x0', 'x1', 2, 30)],
  ['sbfiz w0, w1, #3, #5', () => E.sbfiz('w0', 'w1', 3, 5)],
  ['bfc x0, #3, #4', () => E.bfc('x0', 3, 4)],
  ['extr x0, x1, x2, #13', () => E.extr('x0', 'x1', 'x2', 13)],
  ['ror w0, w1, #16', () => E.ror('w0', 'w1', 16)],
  ['lslv x0, x1, x2', () => E.lslv('x0', 'x1', 'x2')],
  ['lsrv w0, w1, w2', () => E.lsrv('w0', 'w1', 'w2')],
  ['asrv x0, x1, x2', () => E.asrv('x0', 'x1', 'x2')],
  ['rorv w0, w1, w2', () => E.rorv('w0', 'w1', 'w2')],
  ['lsl x0, x1, x2', () => E.lsl('x0', 'x1', 'x2')],
  ['ror x0, x1, x2', () => E.ror('x0', 'x1', 'x2')],
  // conditional
  ['csel w0, w1, w2, ne', () => E.csel('w0', 'w1', 'w2', 'ne')],
  ['csinc x0, x1, x2, hs', () => E.csinc('x0', 'x1', 'x2', 'hs')],
  ['csinv w0, w1, w2, lo', () => E.csinv('w0', 'w1', 'w2', 'lo')],
  ['csneg x0, x1, x2, mi', () => E.csneg('x0', 'x1', 'x2', 'mi')],
  ['csel x0, x1, x2, al', () => E.csel('x0', 'x1', 'x2', 'al')],
  ['cset x0, eq', () => E.cset('x0', 'eq')],
  ['cset w0, lt', () => E.cset('w0', 'lt')],
  ['csetm x0, hi', () => E.csetm('x0', 'hi')],
  ['cinc x0, x1, le', () => E.cinc('x0', 'x1', 'le')],
  ['cinv x0, x1, gt', () => E.cinv('x0', 'x1', 'gt')],
  ['cneg w0, w1, ls', () => E.cneg('w0', 'w1', 'ls')],
  ['ccmp x0, x1, #0, eq', () => E.ccmp('x0', 'x1', 0, 'eq')],
  ['ccmp x0, #31, #4, ge', () => E.ccmp('x0', 31, 4, 'ge')],
  ['ccmn w0, #0, #8, al', () => E.ccmn('w0', 0, 8, 'al')],
  // multiply / divide / bit ops
  ['madd w0, w1, w2, w3', () => E.madd('w0', 'w1', 'w2', 'w3')],
  ['msub x0, x1, x2, x3', () => E.msub('x0', 'x1', 'x2', 'x3')],
  ['mul x0, x1, x2', () => E.mul('x0', 'x1', 'x2')],
  ['mneg x0, x1, x2', () => E.mneg('x0', 'x1', 'x2')],
  ['smaddl x0, w1, w2, x3', () => E.smaddl('x0', 'w1', 'w2', 'x3')],
  ['umsubl x0, w1, w2, x3', () => E.umsubl('x0', 'w1', 'w2', 'x3')],
  ['smull x0, w1, w2', () => E.smull('x0', 'w1', 'w2')],
  ['umull x0, w1, w2', () => E.umull('x0', 'w1', 'w2')],
  ['smulh x0, x1, x2', () => E.smulh('x0', 'x1', 'x2')],
  ['umulh x0, x1, x2', () => E.umulh('x0', 'x1', 'x2')],
  ['sdiv w0, w1, w2', () => E.sdiv('w0', 'w1', 'w2')],
  ['udiv x0, x1, x2', () => E.udiv('x0', 'x1', 'x2')],
  ['clz x0, x1', () => E.clz('x0', 'x1')],
  ['cls w0, w1', () => E.cls('w0', 'w1')],
  ['rbit x0, x1', () => E.rbit('x0', 'x1')],
  ['rev x0, x1', () => E.rev('x0', 'x1')],
  ['rev w0, w1', () => E.rev('w0', 'w1')],
  ['rev16 w0, w1', () => E.rev16('w0', 'w1')],
  ['rev32 x0, x1', () => E.rev32('x0', 'x1')],
  // loads and stores
  ['ldr x0, [x1]', () => E.ldr('x0', 'x1')],
  ['ldr x0, [x1, #32760]', () => E.ldr('x0', E.mem('x1', 32760))],
  ['ldr w0, [x1, #16380]', () => E.ldr('w0', E.mem('x1', 16380))],
  ['ldr x0, [sp, #16]', () => E.ldr('x0', E.mem('sp', 16))],
  ['ldr x0, [x1, #-8]', () => E.ldr('x0', E.mem('x1', -8))],
  ['ldr x0, [x1, #4]', () => E.ldr('x0', E.mem('x1', 4))],
  ['str xzr, [x1, #16]', () => E.str('xzr', E.mem('x1', 16))],
  ['strb w0, [x1, #4095]', () => E.strb('w0', E.mem('x1', 4095))],
  ['strh w0, [x1, #8190]', () => E.strh('w0', E.mem('x1', 8190))],
  ['ldrb w0, [x1, #1]', () => E.ldrb('w0', E.mem('x1', 1))],
  ['ldrh w0, [x1, #2]', () => E.ldrh('w0', E.mem('x1', 2))],
  ['ldrsb x0, [x1]', () => E.ldrsb('x0', 'x1')],
  ['ldrsb w0, [x1, #1]', () => E.ldrsb('w0', E.mem('x1', 1))],
  ['ldrsh x0, [x1, #2]', () => E.ldrsh('x0', E.mem('x1', 2))],
  ['ldrsw x0, [x1, #16380]', () => E.ldrsw('x0', E.mem('x1', 16380))],
  ['ldr x0, [sp, #-16]!', () => E.ldr('x0', E.pre('sp', -16))],
  ['ldr w0, [x1, #-4]!', () => E.ldr('w0', E.pre('x1', -4))],
  ['ldr x0, [x1], #8', () => E.ldr('x0', E.post('x1', 8))],
  ['ldr w0, [x1], #-256', () => E.ldr('w0', E.post('x1', -256))],
  ['str x0, [sp, #-16]!', () => E.str('x0', E.pre('sp', -16))],
  ['str x30, [sp], #16', () => E.str('lr', E.post('sp', 16))],
  ['strb w0, [x1], #1', () => E.strb('w0', E.post('x1', 1))],
  ['strh w0, [x1, #-2]!', () => E.strh('w0', E.pre('x1', -2))],
  ['ldrsb x0, [x1], #-1', () => E.ldrsb('x0', E.post('x1', -1))],
  ['ldrsw x0, [x1, #4]!', () => E.ldrsw('x0', E.pre('x1', 4))],
  ['ldr x0, [x1, x2]', () => E.ldr('x0', E.idx('x1', 'x2'))],
  ['ldr x0, [x1, x2, lsl #3]', () => E.ldr('x0', E.idx('x1', 'x2', 'lsl', 3))],
  ['ldr x0, [x1, x2, lsl #0]', () => E.ldr('x0', E.idx('x1', 'x2', 'lsl', 0))],
  ['ldr w0, [x1, w2, uxtw]', () => E.ldr('w0', E.idx('x1', 'w2', 'uxtw'))],
  ['ldr w0, [x1, w2, uxtw #2]', () => E.ldr('w0', E.idx('x1', 'w2', 'uxtw', 2))],
  ['ldr x0, [x1, w2, sxtw #3]', () => E.ldr('x0', E.idx('x1', 'w2', 'sxtw', 3))],
  ['ldr x0, [x1, x2, sxtx]', () => E.ldr('x0', E.idx('x1', 'x2', 'sxtx'))],
  ['ldr x0, [sp, x2, lsl #3]', () => E.ldr('x0', E.idx('sp', 'x2', 'lsl', 3))],
  ['str w0, [x1, w2, sxtw #2]', () => E.str('w0', E.idx('x1', 'w2', 'sxtw', 2))],
  ['ldrb w0, [x1, x2]', () => E.ldrb('w0', E.idx('x1', 'x2'))],
  ['ldrb w0, [x1, x2, lsl #0]', () => E.ldrb('w0', E.idx('x1', 'x2', 'lsl', 0))],
  ['ldrb w0, [x1, w2, sxtw #0]', () => E.ldrb('w0', E.idx('x1', 'w2', 'sxtw', 0))],
  ['ldrh w0, [x1, w2, uxtw #1]', () => E.ldrh('w0', E.idx('x1', 'w2', 'uxtw', 1))],
  ['ldrsw x0, [x1, x2, lsl #2]', () => E.ldrsw('x0', E.idx('x1', 'x2', 'lsl', 2))],
  ['ldur x0, [x1]', () => E.ldur('x0', 'x1')],
  ['ldur w0, [x1, #255]', () => E.ldur('w0', E.mem('x1', 255))],
  ['stur x0, [x1, #-256]', () => E.stur('x0', E.mem('x1', -256))],
  ['sturb w0, [x1, #5]', () => E.sturb('w0', E.mem('x1', 5))],
  ['ldurh w0, [x1, #-2]', () => E.ldurh('w0', E.mem('x1', -2))],
  ['ldursb x0, [x1, #-3]', () => E.ldursb('x0', E.mem('x1', -3))],
  ['ldursw x0, [x1, #-4]', () => E.ldursw('x0', E.mem('x1', -4))],
  ['ldr x0, .+8', () => E.ldrLit('x0', 8)],
  ['ldr w0, .-4', () => E.ldrLit('w0', -4)],
  ['ldr x1, .-0x100000', () => E.ldrLit('x1', -0x100000)],
  ['ldrsw x0, .+16', () => E.ldrswLit('x0', 16)],
  ['ldp x29, x30, [sp], #16', () => E.ldp('fp', 'lr', E.post('sp', 16))],
  ['ldp x0, x1, [x2, #-512]', () => E.ldp('x0', 'x1', E.mem('x2', -512))],
  ['ldp x0, x1, [x2, #504]', () => E.ldp('x0', 'x1', E.mem('x2', 504))],
  ['ldp w0, w1, [x2, #-256]!', () => E.ldp('w0', 'w1', E.pre('x2', -256))],
  ['stp x29, x30, [sp, #-16]!', () => E.stp('x29', 'x30', E.pre('sp', -16))],
  ['stp xzr, xzr, [x0]', () => E.stp('xzr', 'xzr', 'x0')],
  ['ldpsw x0, x1, [x2], #-8', () => E.ldpsw('x0', 'x1', E.post('x2', -8))],
  ['ldnp x0, x1, [x2, #16]', () => E.ldnp('x0', 'x1', E.mem('x2', 16))],
  ['stnp w0, w1, [x2]', () => E.stnp('w0', 'w1', 'x2')],
  ['prfm pstl1strm, [x0, #64]', () => E.prfm('pstl1strm', E.mem('x0', 64))],
  // exclusives, acquire/release, LSE
  ['ldxr x0, [sp]', () => E.ldxr('x0', 'sp')],
  ['ldxrb w0, [x1]', () => E.ldxrb('w0', 'x1')],
  ['ldaxr w0, [x1]', () => E.ldaxr('w0', 'x1')],
  ['ldaxrh w0, [x1]', () => E.ldaxrh('w0', 'x1')],
  ['stxr w2, x0, [x1]', () => E.stxr('w2', 'x0', 'x1')],
  ['stxrh w2, w0, [x1]', () => E.stxrh('w2', 'w0', 'x1')],
  ['stlxr w2, w0, [x1]', () => E.stlxr('w2', 'w0', 'x1')],
  ['stlxrb w2, w0, [x1]', () => E.stlxrb('w2', 'w0', 'x1')],
  ['ldxp w0, w1, [x2]', () => E.ldxp('w0', 'w1', 'x2')],
  ['ldaxp x0, x1, [x2]', () => E.ldaxp('x0', 'x1', 'x2')],
  ['stxp w3, x0, x1, [x2]', () => E.stxp('w3', 'x0', 'x1', 'x2')],
  ['stlxp w3, w0, w1, [x2]', () => E.stlxp('w3', 'w0', 'w1', 'x2')],
  ['ldar x0, [x1]', () => E.ldar('x0', 'x1')],
  ['ldarh w0, [x1]', () => E.ldarh('w0', 'x1')],
  ['stlr w0, [x1]', () => E.stlr('w0', 'x1')],
  ['stlrb w0, [x1]', () => E.stlrb('w0', 'x1')],
  ['clrex', () => E.clrex()],
  ['ldadd x0, x1, [x2]', () => E.ldadd('x0', 'x1', 'x2')],
  ['ldadda x0, x1, [x2]', () => E.ldadd('x0', 'x1', 'x2', 'a')],
  ['ldaddl x0, x1, [x2]', () => E.ldadd('x0', 'x1', 'x2', 'l')],
  ['ldaddal w0, w1, [sp]', () => E.ldadd('w0', 'w1', 'sp', 'al')],
  ['ldaddab w0, w1, [x2]', () => E.ldadd('w0', 'w1', 'x2', 'a', 'b')],
  ['ldaddalh w0, w1, [x2]', () => E.ldadd('w0', 'w1', 'x2', 'al', 'h')],
  ['ldclral w0, w1, [x2]', () => E.ldclr('w0', 'w1', 'x2', 'al')],
  ['ldclrh w0, w1, [x2]', () => E.ldclr('w0', 'w1', 'x2', '', 'h')],
  ['ldseta x0, x1, [x2]', () => E.ldset('x0', 'x1', 'x2', 'a')],
  ['ldsetalb w0, w1, [x2]', () => E.ldset('w0', 'w1', 'x2', 'al', 'b')],
  ['ldeorl x0, x1, [x2]', () => E.ldeor('x0', 'x1', 'x2', 'l')],
  ['ldeorlh w0, w1, [x2]', () => E.ldeor('w0', 'w1', 'x2', 'l', 'h')],
  ['ldsminal w0, w1, [x2]', () => E.ldsmin('w0', 'w1', 'x2', 'al')],
  ['lduminlb w0, w1, [x2]', () => E.lse('umin', 'w0', 'w1', 'x2', 'l', 'b')],
  ['swpal x0, x1, [x2]', () => E.swp('x0', 'x1', 'x2', 'al')],
  ['swpah w0, w1, [x2]', () => E.swp('w0', 'w1', 'x2', 'a', 'h')],
  ['casa x0, x1, [x2]', () => E.cas('x0', 'x1', 'x2', 'a')],
  ['casl w0, w1, [x2]', () => E.cas('w0', 'w1', 'x2', 'l')],
  ['casalb w0, w1, [x2]', () => E.cas('w0', 'w1', 'x2', 'al', 'b')],
  ['caslh w0, w1, [x2]', () => E.cas('w0', 'w1', 'x2', 'l', 'h')],
  ['casp x0, x1, x2, x3, [x4]', () => E.casp('x0', 'x1', 'x2', 'x3', 'x4')],
  ['caspal x4, x5, x6, x7, [sp]', () => E.casp('x4', 'x5', 'x6', 'x7', 'sp', 'al')],
  ['caspl w0, w1, w2, w3, [x4]', () => E.casp('w0', 'w1', 'w2', 'w3', 'x4', 'l')],
  ['stadd w0, [x1]', () => E.stlse('add', 'w0', 'x1')],
  ['stsetlh w0, [x1]', () => E.stlse('set', 'w0', 'x1', 'l', 'h')],
  // branches
  ['b .', () => E.b(0)],
  ['b .-4', () => E.b(-4)],
  ['b .+0x7fffffc', () => E.b(0x7fffffc)],
  ['b .-0x8000000', () => E.b(-0x8000000)],
  ['bl .-0x1000', () => E.bl(-0x1000)],
  ['b.ne .-8', () => E.bcond('ne', -8)],
  ['b.hs .+16', () => E.bcond('hs', 16)],
  ['b.mi .-0x100000', () => E.bcond('mi', -0x100000)],
  ['b.pl .+0xffffc', () => E.bcond('pl', 0xffffc)],
  ['b.al .+32', () => E.bcond('al', 32)],
  ['cbz w1, .-8', () => E.cbz('w1', -8)],
  ['cbnz x2, .+0x1000', () => E.cbnz('x2', 0x1000)],
  ['tbz w1, #31, .-8', () => E.tbz('w1', 31, -8)],
  ['tbz x2, #63, .+0x7ffc', () => E.tbz('x2', 63, 0x7ffc)],
  ['tbnz x3, #32, .-0x8000', () => E.tbnz('x3', 32, -0x8000)],
  ['br x30', () => E.br('lr')],
  ['blr x16', () => E.blr('x16')],
  ['ret', () => E.ret()],
  ['ret x1', () => E.ret('x1')],
  ['eret', () => E.eret()],
  // system
  ['nop', () => E.nop()],
  ['yield', () => E.yield_()],
  ['wfe', () => E.wfe()],
  ['wfi', () => E.wfi()],
  ['sev', () => E.sev()],
  ['sevl', () => E.sevl()],
  ['hint #0x22', () => E.hint(0x22)],
  ['dmb ish', () => E.dmb('ish')],
  ['dmb ishst', () => E.dmb('ishst')],
  ['dmb oshld', () => E.dmb('oshld')],
  ['dsb sy', () => E.dsb()],
  ['dsb nsh', () => E.dsb('nsh')],
  ['dsb #0', () => E.dsb(0)],
  ['isb', () => E.isb()],
  ['hvc #0x4a48', () => E.hvc(0x4a48)],
  ['smc #1', () => E.smc(1)],
  ['svc #0x80', () => E.svc(0x80)],
  ['brk #0x3e8', () => E.brk(1000)],
  ['hlt #0xf000', () => E.hlt(0xf000)],
  ['mrs x0, CurrentEL', () => E.mrs('x0', 'CurrentEL')],
  ['mrs x0, s3_0_c15_c2_0', () => E.mrs('x0', { op0: 3, op1: 0, crn: 15, crm: 2, op2: 0 })],
  ['mrs x0, ich_lr15_el2', () => E.mrs('x0', 'ICH_LR15_EL2')],
  ['msr ICC_SGI1R_EL1, x20', () => E.msr('icc_sgi1r_el1', 'x20')],
  ['msr hcr_el2, xzr', () => E.msr('HCR_EL2', 'xzr')],
  ['msr DAIFSet, #2', () => E.msr('DAIFSet', 2)],
  ['msr daifclr, #0x3', () => E.msr('daifclr', 3)],
  ['msr SPSel, #1', () => E.msr('spsel', 1)],
  ['msr PAN, #1', () => E.msr('pan', 1)],
  ['tlbi vmalle1is', () => E.tlbi('vmalle1is')],
  ['tlbi vmalle1', () => E.tlbi('vmalle1')],
  ['tlbi vae1, x0', () => E.tlbi('vae1', 'x0')],
  ['tlbi vae1is, x1', () => E.tlbi('vae1is', 'x1')],
  ['tlbi ipas2e1is, x6', () => E.tlbi('ipas2e1is', 'x6')],
  ['ic iallu', () => E.ic('iallu')],
  ['ic ivau, x0', () => E.ic('ivau', 'x0')],
  ['dc civac, x0', () => E.dc('civac', 'x0')],
  ['dc zva, x4', () => E.dc('zva', 'x4')],
  ['at s1e1r, x0', () => E.at('s1e1r', 'x0')],
  ['sys #3, c7, c14, #1, x0', () => E.sys(3, 7, 14, 1, 'x0')],
  ['sysl x0, #0, c1, c2, #3', () => E.sysl('x0', 0, 1, 2, 3)],
];

describe('encoder API matches GNU as', () => {
  it.each(API)('%s', (src, fn) => {
    const want = WORD.get(src);
    expect(want, `no GNU vector for '${src}'`).toBeDefined();
    expect(hexAll(fn())).toEqual([hex(want!)]);
  });

  it('covers every system register line of the corpus by name (mrs and msr)', () => {
    let n = 0;
    for (const [src, want] of GAS) {
      const mr = /^mrs (x\d+), (\w+)$/.exec(src);
      const ms = /^msr (\w+), (x\d+|xzr)$/.exec(src);
      if (mr) expect(hex(E.mrs(mr[1] as E.Reg, mr[2]!)), src).toBe(hex(want));
      else if (ms) expect(hex(E.msr(ms[1]!, ms[2] as E.Reg)), src).toBe(hex(want));
      else continue;
      n++;
    }
    expect(n).toBeGreaterThanOrEqual(115);
  });

  it('has the required system registers in the exported table, with a reversible key', () => {
    const required = [
      'SCTLR_EL1', 'TCR_EL1', 'MAIR_EL1', 'TTBR0_EL1', 'TTBR1_EL1', 'VBAR_EL1', 'ELR_EL1', 'SPSR_EL1',
      'ESR_EL1', 'FAR_EL1', 'TPIDR_EL1', 'TPIDR_EL0', 'SP_EL0', 'MPIDR_EL1', 'DAIF', 'NZCV', 'CurrentEL',
      'CNTFRQ_EL0', 'CNTVCT_EL0', 'CNTPCT_EL0', 'CNTV_CTL_EL0', 'CNTV_CVAL_EL0', 'CNTV_TVAL_EL0',
      'CPACR_EL1', 'ICC_SGI1R_EL1', 'ICC_IAR1_EL1', 'ICC_EOIR1_EL1', 'ICC_PMR_EL1', 'ICC_IGRPEN1_EL1',
      'ICC_CTLR_EL1', 'ACTLR_EL1',
    ];
    for (const r of required) {
      const s = E.SYSREGS[r];
      expect(s, r).toBeDefined();
      expect(E.sysregByKey(E.sysregKey(s!))).toBe(r);
      // The key is exactly bits [20:5] of MRS.
      const w = s!.access === 'w' ? E.msr(r, 'x0') : E.mrs('x0', r);
      expect((w >>> 5) & 0xffff).toBe(E.sysregKey(s!));
    }
    expect(E.SYSREGS.SCTLR_EL1).toMatchObject({ op0: 3, op1: 0, crn: 1, crm: 0, op2: 0 });
    expect(E.sysregByKey(E.sysregKey({ op0: 3, op1: 7, crn: 15, crm: 15, op2: 7 }))).toBe('S3_7_C15_C15_7');
    expect(E.lookupSysreg('s3_0_c15_c2_0')).toMatchObject({ op0: 3, op1: 0, crn: 15, crm: 2, op2: 0 });
  });

  it('every encoder is an Assembler method', () => {
    const a = new Assembler() as unknown as Record<string, unknown>;
    for (const name of Object.keys(E.ENCODERS)) expect(typeof a[name], name).toBe('function');
  });
});

// ---------------------------------------------------------------------------------------------
// Bitmask immediates

describe('logical (bitmask) immediates', () => {
  it('encodes the classic edge cases like GNU as', () => {
    // Fields read back from the GNU words of `and x0, x1, #...` / `and w0, w1, #...`.
    const cases: [E.Imm, 32 | 64, string][] = [
      [0x5555555555555555n, 64, 'and x0, x1, #0x5555555555555555'],
      [0xfffffffffffffffen, 64, 'and x0, x1, #0xfffffffffffffffe'],
      [0x00ff00ff00ff00ffn, 64, 'and x0, x1, #0x00ff00ff00ff00ff'],
      [0x8000000000000000n, 64, 'and x0, x1, #0x8000000000000000'],
      [0x0f0f0f0f0f0f0f0fn, 64, 'and x0, x1, #0x0f0f0f0f0f0f0f0f'],
      [0x55555555, 32, 'and w0, w1, #0x55555555'],
      [0xfffffffe, 32, 'and w0, w1, #0xfffffffe'],
      [0x00ff00ff, 32, 'and w0, w1, #0x00ff00ff'],
      [0x80000000, 32, 'and w0, w1, #0x80000000'],
      [0x0003fffc, 32, 'and w0, w1, #0x0003fffc'],
    ];
    for (const [v, width, src] of cases) {
      const w = WORD.get(src)!;
      expect(E.encodeBitmask(v, width), src).toEqual({ n: (w >>> 22) & 1, immr: (w >>> 16) & 63, imms: (w >>> 10) & 63 });
    }
  });

  it('round-trips every valid encoding (exhaustive, 64- and 32-bit)', () => {
    let count64 = 0;
    let count32 = 0;
    for (let n = 0; n < 2; n++) {
      for (let immr = 0; immr < 64; immr++) {
        for (let imms = 0; imms < 64; imms++) {
          const v = decodeBitmask(n, immr, imms, 64);
          if (v !== undefined) {
            const f = E.encodeBitmask(v, 64);
            expect(decodeBitmask(f.n, f.immr, f.imms, 64)).toBe(v);
            if (immr === f.immr && imms === f.imms && n === f.n) count64++;
          }
          const v32 = immr < 32 ? decodeBitmask(n, immr, imms, 32) : undefined;
          if (v32 !== undefined) {
            const f = E.encodeBitmask(v32, 32);
            expect(f.n).toBe(0);
            expect(decodeBitmask(f.n, f.immr, f.imms, 32)).toBe(v32);
            if (immr === f.immr && imms === f.imms) count32++;
          }
        }
      }
    }
    expect(count64).toBe(5334); // number of distinct 64-bit logical immediates
    expect(count32).toBe(1302); // ... and 32-bit ones
  });

  it('rejects unencodable values with a clear error', () => {
    for (const v of [0n, -1n, 0x1234n, 0x5555555555555554n, 0xff00ff00ff00ff01n]) {
      expect(E.tryEncodeBitmask(v, 64)).toBeUndefined();
    }
    for (const v of [0, 0xffffffff, 0x12345678, 0x00ff00fe]) expect(E.tryEncodeBitmask(v, 32)).toBeUndefined();
    expect(() => E.and('x0', 'x1', 0x1234)).toThrow(/and: 0x1234 is not encodable as a 64-bit bitmask immediate/);
    expect(() => E.orr('w0', 'w1', 0x12345678)).toThrow(/0x12345678 is not encodable as a 32-bit bitmask/);
    expect(() => E.and('w0', 'w1', 0x100000000)).toThrow(/does not fit in 32 bits/);
    expect(() => E.eor('x0', 'x1', 0)).toThrow(E.A64Error);
    expect(() => E.tst('x0', -1)).toThrow(/not encodable/);
  });
});

// ---------------------------------------------------------------------------------------------
// mov64

/** [register, value, the shortest sequence (as GNU as text), its GNU words]. */
const MOV64: ReadonlyArray<readonly [E.Reg, bigint, string, readonly number[]]> = [
  ['x0', 0n, 'movz x0, #0', [0xd2800000]],
  ['x0', 0x1234n, 'movz x0, #0x1234', [0xd2824680]],
  ['x0', 0x12345678n, 'movz x0, #0x5678; movk x0, #0x1234, lsl #16', [0xd28acf00, 0xf2a24680]],
  ['x0', 0x123456789abcdef0n, 'movz x0, #0xdef0; movk x0, #0x9abc, lsl #16; movk x0, #0x5678, lsl #32; movk x0, #0x1234, lsl #48', [0xd29bde00, 0xf2b35780, 0xf2cacf00, 0xf2e24680]],
  ['x0', 0xffffffffffff1234n, 'movn x0, #0xedcb', [0x929db960]],
  ['x0', 0xffff1234ffff5678n, 'movn x0, #0xa987; movk x0, #0x1234, lsl #32', [0x929530e0, 0xf2c24680]],
  ['x0', 0x5555555555555555n, 'orr x0, xzr, #0x5555555555555555', [0xb200f3e0]],
  ['x0', 0x5555555555551234n, 'orr x0, xzr, #0x5555555555555555; movk x0, #0x1234', [0xb200f3e0, 0xf2824680]],
  ['x0', 0x00ff00ff00ff1234n, 'orr x0, xzr, #0x00ff00ff00ff00ff; movk x0, #0x1234', [0xb2009fe0, 0xf2824680]],
  ['x0', 0x1234000000005678n, 'movz x0, #0x5678; movk x0, #0x1234, lsl #48', [0xd28acf00, 0xf2e24680]],
  ['x0', -2n, 'movn x0, #1', [0x92800020]],
  ['x0', 0xffffffffn, 'orr x0, xzr, #0xffffffff', [0xb2407fe0]],
  ['x0', 0x100000000n, 'movz x0, #1, lsl #32', [0xd2c00020]],
  ['x0', 0xdeadbeefcafebaben, 'movz x0, #0xbabe; movk x0, #0xcafe, lsl #16; movk x0, #0xbeef, lsl #32; movk x0, #0xdead, lsl #48', [0xd29757c0, 0xf2b95fc0, 0xf2d7dde0, 0xf2fbd5a0]],
  ['x0', 0x0000ffffffff0000n, 'orr x0, xzr, #0x0000ffffffff0000', [0xb2707fe0]],
  ['x0', 0xffff0000ffff1234n, 'movn x0, #0xedcb; movk x0, #0, lsl #32', [0x929db960, 0xf2c00000]],
  ['x0', 0x8000000000000000n, 'movz x0, #0x8000, lsl #48', [0xd2f00000]],
  ['x0', 0x7fffffffffffffffn, 'movn x0, #0x8000, lsl #48', [0x92f00000]],
  ['x0', 0xffffffff00000000n, 'orr x0, xzr, #0xffffffff00000000', [0xb2607fe0]],
  ['x0', 0xffff00000000ffffn, 'orr x0, xzr, #0xffff00000000ffff', [0xb2507fe0]],
  ['x0', 0x12340000ffffffffn, 'movn x0, #0xffff, lsl #32; movk x0, #0x1234, lsl #48', [0x92dfffe0, 0xf2e24680]],
  ['x0', 0x0101010101010101n, 'orr x0, xzr, #0x0101010101010101', [0xb200c3e0]],
  ['x0', 0x1111111112345678n, 'orr x0, xzr, #0x1111111111111111; movk x0, #0x5678; movk x0, #0x1234, lsl #16', [0xb200e3e0, 0xf28acf00, 0xf2a24680]],
  ['x0', 0x3fffffffffff0000n, 'orr x0, xzr, #0x3fffffffffff0000', [0xb270b7e0]],
  ['x1', 0xabcd0000abcd0000n, 'movz x1, #0xabcd, lsl #16; movk x1, #0xabcd, lsl #48', [0xd2b579a1, 0xf2f579a1]],
  ['x30', 0xcafe0000beefn, 'movz x30, #0xbeef; movk x30, #0xcafe, lsl #32', [0xd297ddfe, 0xf2d95fde]],
  ['w0', 0x12345678n, 'movz w0, #0x5678; movk w0, #0x1234, lsl #16', [0x528acf00, 0x72a24680]],
  ['w0', -2n, 'movn w0, #1', [0x12800020]],
  ['w0', 0xffff5678n, 'movn w0, #0xa987', [0x129530e0]],
  ['w0', 0x55555555n, 'orr w0, wzr, #0x55555555', [0x3200f3e0]],
  ['w0', 0xffffffffn, 'movn w0, #0', [0x12800000]],
  ['w0', 0x80000001n, 'orr w0, wzr, #0x80000001', [0x320107e0]],
  ['w0', 0x12340000n, 'movz w0, #0x1234, lsl #16', [0x52a24680]],
];

/** Executes MOVZ/MOVN/MOVK/ORR(imm, from zr) on one register. */
function runMov(ws: readonly number[], rd: number, sf: boolean): bigint {
  const width = sf ? 64 : 32;
  const mask = (1n << BigInt(width)) - 1n;
  let r = 0n;
  for (const w of ws) {
    expect(w & 31).toBe(rd);
    expect(w >>> 31).toBe(sf ? 1 : 0);
    const sh = BigInt(((w >>> 21) & 3) * 16);
    const imm = BigInt((w >>> 5) & 0xffff);
    switch (w & 0x7f800000) {
      case 0x52800000: r = imm << sh; break;
      case 0x12800000: r = ~(imm << sh) & mask; break;
      case 0x72800000: r = (r & ~(0xffffn << sh)) | (imm << sh); break;
      case 0x32000000:
        expect((w >>> 5) & 31).toBe(31);
        r = decodeBitmask((w >>> 22) & 1, (w >>> 16) & 63, (w >>> 10) & 63, width)!;
        break;
      default: throw new Error(`unexpected ${hex(w)}`);
    }
  }
  return r;
}

describe('mov64', () => {
  it.each(MOV64)('%s = %s -> %s', (rd, v, _text, want) => {
    expect(hexAll(E.mov64(rd, v))).toEqual(want.map(hex));
  });

  it('loads exactly the value, in at most 4 (64-bit) / 2 (32-bit) instructions', () => {
    const interesting = fc.oneof(
      fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
      // values built from 0x0000 / 0xffff / repeated halfwords, where MOVN and ORR matter
      fc.tuple(...[0, 1, 2, 3].map(() => fc.constantFrom(0n, 0xffffn, 0x5555n, 0x1234n, 0x00ffn, 0x8000n)))
        .map((h) => h.reduce<bigint>((acc, x, i) => acc | (x << BigInt(16 * i)), 0n)),
    );
    fc.assert(
      fc.property(interesting, fc.integer({ min: 0, max: 30 }), (v, n) => {
        const seq = E.mov64(`x${n}` as E.Reg, v);
        expect(seq.length).toBeLessThanOrEqual(4);
        expect(runMov(seq, n, true)).toBe(v);
        const v32 = v & 0xffffffffn;
        const seq32 = E.mov64(`w${n}` as E.Reg, v32);
        expect(seq32.length).toBeLessThanOrEqual(2);
        expect(runMov(seq32, n, false)).toBe(v32);
        // never longer than the plain MOVZ+MOVK form
        const nz = [0, 1, 2, 3].filter((i) => ((v >> BigInt(16 * i)) & 0xffffn) !== 0n).length;
        expect(seq.length).toBeLessThanOrEqual(Math.max(1, nz));
      }),
      { numRuns: 3000, seed: 42 },
    );
  });

  it('accepts negative numbers as two\'s complement and agrees with mov for one-instruction values', () => {
    expect(E.mov64('x3', -1)).toEqual([E.mov('x3', -1)]);
    expect(E.mov64('w3', -2)).toEqual([E.mov('w3', 0xfffffffe)]);
    expect(() => E.mov('x0', 0x12345678)).toThrow(/use mov64/);
    expect(() => E.mov64('sp', 1)).toThrow(/sp/);
    expect(() => E.mov64('x0', 1n << 64n)).toThrow(/does not fit in 64 bits/);
    expect(() => E.mov64('x0', 2 ** 60)).toThrow(/safe integer/);
  });
});

// ---------------------------------------------------------------------------------------------
// Whole programs against GNU as + ld (base 0x40000800)

interface Image { size: number; segments: [number, string][] }
const IMAGES: Record<'sum' | 'spin' | 'fwd', Image> = {
  sum: { size: 48, segments: [[0x0, '000080d2210080d20000018b210400913f2800f1adffff5482000010400000f9024909d400000014']] },
  spin: { size: 12288, segments: [[0x0, '010000f021c01f9122008052bf2003d55f2003d523fc5f88c3ffff3522fc0388a3ffff35050000f0a4fc43f984040091a4fc03f93ffc9f88000980d2024909d4c0035fd6'], [0x2ff4, '1f2003d5']] },
  fwd: { size: 8452, segments: [[0x0, '11000014616263001f2003d51f2003d568656c6c6f2c20696e6d6174650a0000440800400000000084080040000000001008004000000000200800403412ffff0102ff000f000094400200b4c0ff1f3701feff10020000d0830100586401001845010098200100d8c65f99d2e6ffdff2410000541f2003d5010000b505000014c0035fd61f2003d578563412000000807f2003d5ffffff17aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'], [0x2100, 'efbeadde']] },
};

function image(i: Image): Uint8Array {
  const out = new Uint8Array(i.size);
  for (const [off, h] of i.segments) out.set(Buffer.from(h, 'hex'), off);
  return out;
}

const BASE = 0x40000800;

const SUM_SRC = `
        .text
        .global _start
_start:
        mov     x0, #0              // sum
        mov     x1, #1              // i
loop:   add     x0, x0, x1
        add     x1, x1, #1
        cmp     x1, #10
        b.le    loop
        adr     x2, result
        str     x0, [x2]
        hvc     #0x4a48
        b       .
        .align  3
result: .quad   0
`;

const SPIN_SRC = `
// spinlock taken with LDAXR/STLXR, then a hypercall
        .text
        .equ    JH_HC, 0x4a48
_start: adrp    x1, lockvar
        add     x1, x1, :lo12:lockvar
        mov     w2, #1
        sevl
1:      wfe
2:      ldaxr   w3, [x1]
        cbnz    w3, 1b
        stlxr   w3, w2, [x1]
        cbnz    w3, 2b
        adrp    x5, counter
        ldr     x4, [x5, :lo12:counter]
        add     x4, x4, #1
        str     x4, [x5, :lo12:counter]
        stlr    wzr, [x1]
        mov     x0, #JH_HC & 0xff
        hvc     #JH_HC
        ret
        .org    0x2ff0
lockvar: .word  0
        .align  3
counter: .quad  0
`;

// GNU as got '//' where this has ';', and an explicit movz/movk pair for the mov64 line.
const FWD_SRC = `
start:
        b       main                 ; forward reference
        .ascii  "abc"
        .align  4
msg:    .asciz  "hello, inmate\\n"
        .balign 8
table:  .quad   main, func+4, msg
        .word   table
        .hword  0x1234, -1
        .byte   1, 2, 0xff
        .align  2
main:   bl      func
        cbz     x0, done
        tbnz    w0, #3, main
        adr     x1, msg
        adrp    x2, far
        ldr     x3, lit
        ldr     w4, lit
        ldrsw   x5, lit
        prfm    pldl1keep, lit
        mov64   x6, #0xffff0000cafe
        b.ne    1f
        nop
1:      cbnz    x1, 1b
        b       done
func:   ret
        .align  3
lit:    .quad   0x8000000012345678
done:   wfi
        b       done
        .skip   16, 0xaa
        .org    0x2100
far:    .word   0xdeadbeef
`;

describe('text front end: programs match GNU as + ld', () => {
  it('sums 1..10 in a loop', () => {
    const r = assemble(SUM_SRC, BASE);
    expect(Buffer.from(r.bytes).toString('hex')).toBe(Buffer.from(image(IMAGES.sum)).toString('hex'));
    expect(r.symbols).toEqual(new Map([['_start', BASE], ['loop', BASE + 8], ['result', BASE + 0x28]]));
  });

  it('spinlock with LDAXR/STLXR, adrp + :lo12:, local labels and hvc #0x4a48', () => {
    const r = assemble(SPIN_SRC, BASE);
    expect(r.bytes).toEqual(image(IMAGES.spin));
    expect(r.symbols.get('lockvar')).toBe(BASE + 0x2ff0);
    expect(r.symbols.get('counter')).toBe(BASE + 0x2ff8);
    expect([...r.symbols.keys()]).toEqual(['_start', 'lockvar', 'counter']); // no 1:/2: locals
  });

  it('forward references, data directives, literals, alignment and .org', () => {
    const r = assemble(FWD_SRC, BASE);
    expect(r.bytes).toEqual(image(IMAGES.fwd));
    expect(r.symbols.get('far')).toBe(BASE + 0x2100);
    expect(r.symbols.get('main')).toBe(BASE + 0x44);
  });
});

describe('Assembler builder', () => {
  it('builds the 1..10 loop like GNU as', () => {
    const a = new Assembler();
    a.label('_start').mov('x0', 0).mov('x1', 1)
      .label('loop').add('x0', 'x0', 'x1').add('x1', 'x1', 1).cmp('x1', 10).bcond('le', 'loop')
      .adr('x2', 'result').str('x0', 'x2').hvc(0x4a48).b(0)
      .align(8).label('result').quad(0);
    const r = a.finish(BASE);
    expect(r.bytes).toEqual(image(IMAGES.sum));
    expect(r.symbols.get('result')).toBe(BASE + 0x28);
  });

  it('builds the spinlock like GNU as (adrp/:lo12:, forward references)', () => {
    const a = new Assembler();
    a.label('_start').adrp('x1', 'lockvar').addLo12('x1', 'x1', 'lockvar').mov('w2', 1).sevl()
      .label('wait').wfe()
      .label('retry').ldaxr('w3', 'x1').cbnz('w3', 'wait').stlxr('w3', 'w2', 'x1').cbnz('w3', 'retry')
      .adrp('x5', 'counter').ldstLo12('ldr', 'x4', 'x5', 'counter').add('x4', 'x4', 1)
      .ldstLo12('str', 'x4', 'x5', 'counter')
      .stlr('wzr', 'x1').mov('x0', 0x48).hvc(0x4a48).ret()
      .org(0x2ff0).label('lockvar').word(0).align(8).label('counter').quad(0);
    expect(a.finish(BASE).bytes).toEqual(image(IMAGES.spin));
  });

  it('resolves forward and backward references, addends and raw offsets; finish() is repeatable', () => {
    const a = new Assembler();
    a.b('end').bl({ label: 'end', addend: -4 }).cbz('x0', 'start').b(8).label('start').nop().label('end').ret();
    const r0 = a.finish(0);
    expect(words(r0.bytes).map(hex)).toEqual([E.b(20), E.bl(12), E.cbz('x0', 8), E.b(8), E.nop(), E.ret()].map(hex));
    // adrp depends on the base: 'end' (offset 20) and the adrp (offset 24) straddle a page at 0xfe8.
    a.adrp('x0', 'end');
    expect(hex(words(a.finish(0).bytes)[6]!)).toBe(hex(E.adrp('x0', 0)));
    expect(hex(words(a.finish(0xfe8).bytes)[6]!)).toBe(hex(E.adrp('x0', -0x1000)));
    expect(a.finish(0xfe8).symbols.get('end')).toBe(0xffc);
  });

  it('emits mov64 sequences, raw words and data', () => {
    const a = new Assembler();
    a.mov64('x0', 0x123456789abcdef0n).emit(0xd503201f).word(-1).bytes([1, 2]).asciz('ok').align(4).nop().align(16);
    expect(words(a.finish().bytes).map(hex)).toEqual(
      [0xd29bde00, 0xf2b35780, 0xf2cacf00, 0xf2e24680, 0xd503201f, 0xffffffff, 0x6b6f0201, 0, 0xd503201f, 0xd503201f, 0xd503201f, 0xd503201f].map(hex),
    );
    // GNU-style code alignment: zero bytes up to a word boundary, then NOPs; or an explicit fill byte.
    expect(words(new Assembler().byte(1).align(8).finish().bytes).map(hex)).toEqual([0x00000001, 0xd503201f].map(hex));
    expect([...new Assembler().byte(1).align(4, 0xee).finish().bytes]).toEqual([1, 0xee, 0xee, 0xee]);
    expect(wordsToBytes([0x11223344])).toEqual(new Uint8Array([0x44, 0x33, 0x22, 0x11]));
  });

  it('reports undefined labels, range errors, SP/ZR misuse and bad directives clearly', () => {
    expect(() => new Assembler().b('nowhere').finish()).toThrow(/offset 0x0: undefined label 'nowhere' \(b\)/);
    const far = new Assembler().cbz('x0', 'far').skip(0x100000).label('far');
    expect(() => far.finish()).toThrow(/cbz to 'far' at 0x100004: cbz offset \(±1 MiB\): 1048580 out of range/);
    const tb = new Assembler().label('back').skip(0x8004).tbz('w1', 3, 'back');
    expect(() => tb.finish()).toThrow(/tbz to 'back'.*out of range -32768\.\.32764/);
    expect(() => new Assembler().add('x0', 'xzr', 1)).toThrow(/add Rn: 'xzr' not allowed here \(register 31 is sp\/wsp/);
    expect(() => new Assembler().orr('x0', 'sp', 'x1')).toThrow(/'sp' not allowed here \(register 31 is xzr\/wzr/);
    expect(() => new Assembler().label('a').label('a')).toThrow(/label 'a' already defined/);
    expect(() => new Assembler().nop().org(0)).toThrow(/moves backwards/);
    expect(() => new Assembler().align(3)).toThrow(/not a power of two/);
    expect(() => new Assembler().byte(1).nop()).toThrow(/unaligned/);
    expect(() => new Assembler().ldr('x0', E.mem('x1', 3)).ldr('x0', E.mem('x1', 32768))).toThrow(/offset 0x4: ldr: offset 32768 not encodable/);
  });
});

describe('text front end errors name the line and the problem', () => {
  const cases: [string, RegExp][] = [
    ['nop\n\nand x0, x1, #0x1234', /^line 3: and: 0x1234 is not encodable as a 64-bit bitmask immediate/],
    ['add x0, x1, #4097', /^line 1: add: immediate 0x1001 not encodable/],
    ['mov x0, #0x12345678', /^line 1: mov: .*use mov64/],
    ['ldr x0, [x1, #32768]', /^line 1: ldr: offset 32768 not encodable/],
    ['nop\nfrob x0, x1', /^line 2: unknown mnemonic 'frob'/],
    ['b.xx .+8', /^line 1: b\.xx condition: expected a condition/],
    ['b nowhere', /^line 1: undefined label 'nowhere' \(b\)/],
    ['start: nop\nstart: nop', /^line 2: label 'start' already defined/],
    ['  cbz x0, far\n  .skip 0x100000\nfar: ret', /^line 1: cbz to 'far' at 0x100004: cbz offset \(±1 MiB\): 1048580 out of range/],
    ['back: nop\n .skip 0x8000\n tbnz x0, #1, back', /^line 3: tbnz to 'back' at 0x0: .*-32772 out of range -32768\.\.32764/],
    ['b .+0x8000000', /^line 1: b offset \(±128 MiB\): 134217728 out of range/],
    ['add x0, x1', /^line 1: add: expected 3 to 4 operands, got 2/],
    ['.frob 1', /^line 1: unknown directive '.frob'/],
    ['ldr x0, =0x1234', /^line 1: literal pool operands/],
    ['mrs x0, sctlr_el9', /^line 1: mrs: unknown system register 'sctlr_el9'/],
    ['msr midr_el1, x0', /^line 1: msr: system register 'midr_el1' is read-only/],
    ['b 1b', /^line 1: local label '1' not defined before '1b'/],
    ['ldxr x0, [x1, #8]', /^line 1: ldxr: address must be \[xN\] or \[xN, #0\]/],
    ['add x0, x1, #(1 +', /^line 1: missing value in expression/],
  ];
  it.each(cases)('%j', (src, re) => {
    expect(() => assemble(src)).toThrow(re);
    expect(() => assemble(src)).toThrow(E.A64Error);
  });

  it('accepts comments, several labels per line, .equ constants and case-insensitive names', () => {
    const r = assemble(`
      # full-line comment
      .equ FOUR, 2 * 2
      a: b: ADD X0, X1, #FOUR   // trailing
      MRS x2, mpidr_el1 ; other comment
      .word a + FOUR, 'A'
    `);
    expect(words(r.bytes).map(hex)).toEqual([E.add('x0', 'x1', 4), E.mrs('x2', 'MPIDR_EL1'), 4, 0x41].map(hex));
    expect(r.symbols).toEqual(new Map([['a', 0], ['b', 0]]));
  });
});
