/**
 * ESR_ELx.EC, the exception class of a synchronous exception. The EL2 trap table
 * (arch_handle_trap), the guest's EL1 vectors, the interpreter's syndromes, the translator's
 * stage-2 exit and the root-Linux model's trapped accesses all name classes through this one
 * table, so a class cannot mean one thing to the CPU and another to the hypervisor.
 *
 * The keys are jhsim's; each doc comment gives Jailhouse's macro (asm/sysregs.h).
 */
export const EC = {
  /** Unknown reason: an UNDEFINED instruction (ESR_EC_UNKNOWN) */
  UNKNOWN: 0x00,
  /** Trapped WFI or WFE (ESR_EC_WFx) */
  WFX: 0x01,
  /** FP or Advanced SIMD access trapped by CPACR_EL1.FPEN (ESR_EC_FP_ASIMD) */
  FP_ACCESS: 0x07,
  /** Illegal Execution State after an illegal exception return (ESR_EC_ILL) */
  ILLEGAL_STATE: 0x0e,
  /** SVC from AArch64 (ESR_EC_SVC64) */
  SVC64: 0x15,
  /** HVC from AArch64: Jailhouse's hypercalls (ESR_EC_HVC64) */
  HVC64: 0x16,
  /** SMC from AArch64: the PSCI conduit (ESR_EC_SMC64) */
  SMC64: 0x17,
  /** Trapped MSR, MRS or system instruction (ESR_EC_SYS64) */
  SYSREG: 0x18,
  /** Instruction abort from a lower EL (ESR_EC_IABT_LOW) */
  IABT_LOWER: 0x20,
  /** Instruction abort from the current EL (ESR_EC_IABT_CUR) */
  IABT_CUR: 0x21,
  /** PC alignment fault (ESR_EC_PC_ALIGN) */
  PC_ALIGN: 0x22,
  /** Data abort from a lower EL: the stage-2 fault MMIO emulation starts from (ESR_EC_DABT_LOW) */
  DABT_LOWER: 0x24,
  /** Data abort from the current EL (ESR_EC_DABT_CUR) */
  DABT_CUR: 0x25,
  /** SP alignment fault (ESR_EC_SP_ALIGN) */
  SP_ALIGN: 0x26,
  /** BRK from AArch64 (ESR_EC_BRK64) */
  BRK64: 0x3c,
} as const;

/** One of the exception classes above. */
export type ExceptionClass = (typeof EC)[keyof typeof EC];
