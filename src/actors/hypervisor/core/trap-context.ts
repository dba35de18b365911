/**
 * struct trap_context: what the hypervisor sees of a trapped CPU. The CPU side implements it
 * (the A64 engine over its register file, the root-Linux model over the few registers its
 * trapped operations load), so arch_handle_trap depends on this interface and the arm64
 * syndrome layout (shared/arm64/) only, never on the interpreter that produced the exit.
 */
import type { El2FaultRegs } from '../../../shared/arm64/fault-regs.js';

/** The guest's general-purpose registers as the trap frame holds them (x31 reads as zero). */
export interface TrapRegs {
  get(n: number): bigint;
  set(n: number, value: bigint): void;
  /**
   * The frame's registers as little-endian 32-bit words (X[n] = words[2n] + words[2n+1]·2^32),
   * where the frame has them in that form (the A64 engine's register file): MMIO emulation then
   * moves register values without a bigint per trap. Frames without it go through get/set.
   */
  readonly words?: Uint32Array;
}

/** SPSR_EL2 and the stack pointer of the trapped context, for the FATAL register dump. */
export interface TrapPstate {
  spsr: number;
  /** SP_EL0 or SP_EL1, by the EL in SPSR (fill_trap_context). */
  sp: bigint;
}

/** struct trap_context plus the fault address registers. */
export interface TrapContext extends El2FaultRegs {
  /** ESR_EL2 of the exit. */
  esr: number;
  regs: TrapRegs;
  /** FAR_EL2 (VA; only the low 12 bits matter for a data abort). */
  far: number;
  /** HPFAR_EL2 (FIPA = IPA[47:12] in bits 43:4). */
  hpfar: number;
  /** ELR_EL2: the trapping instruction, or the one after an HVC (0 where unknown: the Linux model). */
  elr: number;
  /** SPSR_EL2 and SP, read only for a FATAL dump (absent where unknown). */
  pstate?: () => TrapPstate;
}
