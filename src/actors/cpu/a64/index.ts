/**
 * A64 (AArch64) instruction set support for guest code on the simulated CPUs.
 *
 * Owns, so far: the decoder (decode.ts → `Insn`, an executor-ready description of every
 * instruction GCC/Clang emit for freestanding code, UNDEFINED for anything else) with an
 * objdump-compatible disassembler; the encoder and assembler (encode.ts, asm.ts builder,
 * asm-text.ts text front end) so the project's own guest programs need no cross toolchain; one
 * system-register table shared by both (sysregs.ts); and guest image loading (image.ts: raw
 * binaries and AArch64 ELF64, validated, loaded into simulated RAM).
 *
 * The execution engine comes next (issue 3). Planned shape: per-CPU private register state in
 * the worker; a software TLB per CPU (stage 1 × stage 2) invalidated by TLBI and by the
 * hypervisor's flush request; basic blocks decoded once per physical page and translated to
 * JavaScript functions for speed, with a plain interpreter as the reference; 64-bit values as
 * 32-bit halves on hot paths (BigInt only for rare cases such as 64-bit division); store
 * exclusives as compare-and-swap on shared RAM (as QEMU does); traps building real ESR_EL2
 * syndromes into hypervisor/core/traps.ts.
 */
export { decode } from './decode.js';
export { disassemble, type Insn } from './insn.js';
export { Assembler, wordsToBytes, type AsmResult, type Target } from './asm.js';
export { assemble } from './asm-text.js';
export { SYSREGS, lookupSysreg, sysregByKey, sysregKey, sysregName } from './sysregs.js';
export { checkFits, imageExtent, loadImage, parseImage, type GuestImage, type ImageSegment } from './image.js';
