/**
 * A64 (AArch64) instruction set support for guest code on the simulated CPUs.
 *
 * Owns, so far: the decoder (decode.ts → `Insn`, an executor-ready description of every
 * ARMv8.0 instruction GCC/Clang emit, LSE atomics and the FP/Advanced SIMD instruction set
 * (simd/: decoded into closures, softfloat after the Arm pseudocode), UNDEFINED for anything
 * else) with an
 * objdump-compatible disassembler; the encoder and assembler (encode.ts, asm.ts builder,
 * asm-text.ts text front end) so the project's own guest programs need no cross toolchain; one
 * system-register table shared by both (shared/arm64/sysregs.ts); and guest image loading (image.ts: raw
 * binaries and AArch64 ELF64, validated, loaded into simulated RAM).
 *
 * Also: the reference interpreter (state.ts, interp*.ts: every decoded kind, exact flags,
 * exclusives as compare-and-swap against the value read, as QEMU does, EL1 exception entry and
 * ERET, ESR/FAR/HPFAR syndromes for the hypervisor, packed by shared/arm64/) and guest address
 * translation (mmu*.ts: stage-1 walk, stage 2 over the cell's tables, a per-CPU soft TLB).
 *
 * The CPU actor runs them through cpu/guest/ (engine.ts). Next, for speed: basic blocks
 * decoded once per page and translated to JavaScript functions with 64-bit values as 32-bit
 * halves, checked against this interpreter.
 */
export { decode } from './decode.js';
export { type Insn } from './insn.js';
export { disassemble } from './insn-disasm.js';
export { Assembler, wordsToBytes, type AsmResult, type Target } from './asm.js';
export { assemble } from './asm-text.js';
export { SYSREGS, lookupSysreg, sysregByKey, sysregKey, sysregName } from '../../../shared/arm64/sysregs.js';
export { checkFits, imageExtent, loadImage, parseImage, type GuestImage, type ImageSegment } from './image.js';
export {
  A64State, toVa, fromVa, M32, M64, FLAG_N, FLAG_Z, FLAG_C, FLAG_V, DAIF_D, DAIF_A, DAIF_I, DAIF_F,
  type ExclusiveMonitor,
} from './state.js';
export {
  faultStatusCode, instructionAbortIss,
  type Access, type AccessKind, type AccessSize, type ExceptionEvent, type Fault, type FaultKind,
  type GuestMemory, type InterpHooks, type MaintenanceOp, type RunResult, type Stage2FaultKind, type StepException,
  type StepResult, type TimerReg,
} from './interp-types.js';
export { step, run, execute, decodeCached } from './interp.js';
export {
  takeException, eret, deliverToGuest, retire, guestSyndrome, el2Syndrome, esrValue,
  type El2Syndrome, type Syndrome, type VectorKind,
} from './interp-exc.js';
export { accessFor } from './interp-mem.js';
