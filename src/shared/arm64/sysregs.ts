/**
 * The single table of AArch64 system registers (MRS/MSR register form), shared by the encoder
 * (cpu/a64/encode-sys.ts, re-exported from encode.ts), the decoder/disassembler
 * (cpu/a64/decode-branch.ts) and the interpreter's system-register file (cpu/a64/interp-sys.ts,
 * state.ts); an architecture fact, so it lives in the arm64 layer the hypervisor can read too.
 *
 * Each register is keyed by the packed sysreg key op0<<14 | op1<<11 | CRn<<7 | CRm<<3 | op2, which
 * is exactly bits [20:5] of an MRS/MSR word. Covers what a hypervisor, an OS kernel and bare-metal
 * inmates commonly touch (ID, control, translation, exception, timer, GICv3, PMU basics, debug
 * basics, VHE *_EL12/_EL02 aliases).
 *
 * Two views are derived from {@link ROWS}:
 *  - encoder: {@link SYSREGS} (architectural name -> fields + access direction), {@link lookupSysreg}
 *    (case-insensitive names, the generic S<op0>_<op1>_C<n>_C<m>_<op2> form, or explicit fields),
 *    {@link sysregKey} / {@link sysregByKey};
 *  - decoder: {@link sysregName} (packed key -> upper-case name, or null), {@link sysregByName},
 *    {@link knownSysregs}. The disassembler prints these names lower-cased, as objdump does.
 */

/** 'r' read-only (MRS), 'w' write-only (MSR), 'rw' both. */
export type SysRegAccess = 'r' | 'w' | 'rw';

export interface SysRegSpec {
  readonly op0: number;
  readonly op1: number;
  readonly crn: number;
  readonly crm: number;
  readonly op2: number;
  /** 'r' read-only (MRS), 'w' write-only (MSR), 'rw' both. */
  readonly access: SysRegAccess;
}

/** Encoding fields of a system register, without the access direction. */
export interface SysRegFieldsSpec { op0: number; op1: number; crn: number; crm: number; op2: number }

/** [architectural name, op0, op1, CRn, CRm, op2, access (omitted = 'rw')]. */
type Row = readonly [name: string, op0: number, op1: number, crn: number, crm: number, op2: number, access?: 'r' | 'w'];

const ROWS: readonly Row[] = [
  // Identification
  ['MIDR_EL1', 3, 0, 0, 0, 0, 'r'], ['MPIDR_EL1', 3, 0, 0, 0, 5, 'r'], ['REVIDR_EL1', 3, 0, 0, 0, 6, 'r'],
  ['ID_PFR0_EL1', 3, 0, 0, 1, 0], ['ID_PFR1_EL1', 3, 0, 0, 1, 1], ['ID_DFR0_EL1', 3, 0, 0, 1, 2],
  ['ID_AFR0_EL1', 3, 0, 0, 1, 3], ['ID_MMFR0_EL1', 3, 0, 0, 1, 4], ['ID_MMFR1_EL1', 3, 0, 0, 1, 5],
  ['ID_MMFR2_EL1', 3, 0, 0, 1, 6], ['ID_MMFR3_EL1', 3, 0, 0, 1, 7],
  ['ID_ISAR0_EL1', 3, 0, 0, 2, 0], ['ID_ISAR1_EL1', 3, 0, 0, 2, 1], ['ID_ISAR2_EL1', 3, 0, 0, 2, 2],
  ['ID_ISAR3_EL1', 3, 0, 0, 2, 3], ['ID_ISAR4_EL1', 3, 0, 0, 2, 4], ['ID_ISAR5_EL1', 3, 0, 0, 2, 5],
  ['ID_MMFR4_EL1', 3, 0, 0, 2, 6], ['ID_ISAR6_EL1', 3, 0, 0, 2, 7],
  ['ID_PFR2_EL1', 3, 0, 0, 3, 4], ['ID_DFR1_EL1', 3, 0, 0, 3, 5], ['ID_MMFR5_EL1', 3, 0, 0, 3, 6],
  ['MVFR0_EL1', 3, 0, 0, 3, 0], ['MVFR1_EL1', 3, 0, 0, 3, 1], ['MVFR2_EL1', 3, 0, 0, 3, 2],
  ['ID_AA64PFR0_EL1', 3, 0, 0, 4, 0, 'r'], ['ID_AA64PFR1_EL1', 3, 0, 0, 4, 1, 'r'],
  ['ID_AA64ZFR0_EL1', 3, 0, 0, 4, 4], ['ID_AA64SMFR0_EL1', 3, 0, 0, 4, 5],
  ['ID_AA64DFR0_EL1', 3, 0, 0, 5, 0, 'r'], ['ID_AA64DFR1_EL1', 3, 0, 0, 5, 1],
  ['ID_AA64AFR0_EL1', 3, 0, 0, 5, 4], ['ID_AA64AFR1_EL1', 3, 0, 0, 5, 5],
  ['ID_AA64ISAR0_EL1', 3, 0, 0, 6, 0, 'r'], ['ID_AA64ISAR1_EL1', 3, 0, 0, 6, 1, 'r'],
  ['ID_AA64ISAR2_EL1', 3, 0, 0, 6, 2],
  ['ID_AA64MMFR0_EL1', 3, 0, 0, 7, 0, 'r'], ['ID_AA64MMFR1_EL1', 3, 0, 0, 7, 1, 'r'],
  ['ID_AA64MMFR2_EL1', 3, 0, 0, 7, 2, 'r'],
  ['CCSIDR_EL1', 3, 1, 0, 0, 0, 'r'], ['CLIDR_EL1', 3, 1, 0, 0, 1, 'r'], ['AIDR_EL1', 3, 1, 0, 0, 7],
  ['CSSELR_EL1', 3, 2, 0, 0, 0], ['CTR_EL0', 3, 3, 0, 0, 1, 'r'], ['DCZID_EL0', 3, 3, 0, 0, 7, 'r'],
  ['VPIDR_EL2', 3, 4, 0, 0, 0], ['VMPIDR_EL2', 3, 4, 0, 0, 5],
  // System control
  ['SCTLR_EL1', 3, 0, 1, 0, 0], ['ACTLR_EL1', 3, 0, 1, 0, 1], ['CPACR_EL1', 3, 0, 1, 0, 2],
  ['SCTLR_EL2', 3, 4, 1, 0, 0], ['ACTLR_EL2', 3, 4, 1, 0, 1], ['HCR_EL2', 3, 4, 1, 1, 0],
  ['MDCR_EL2', 3, 4, 1, 1, 1], ['CPTR_EL2', 3, 4, 1, 1, 2], ['HSTR_EL2', 3, 4, 1, 1, 3],
  ['HACR_EL2', 3, 4, 1, 1, 7], ['HCRX_EL2', 3, 4, 1, 2, 2],
  ['SCTLR_EL3', 3, 6, 1, 0, 0], ['ACTLR_EL3', 3, 6, 1, 0, 1], ['SCR_EL3', 3, 6, 1, 1, 0],
  ['CPTR_EL3', 3, 6, 1, 1, 2], ['MDCR_EL3', 3, 6, 1, 3, 1],
  // Translation
  ['TTBR0_EL1', 3, 0, 2, 0, 0], ['TTBR1_EL1', 3, 0, 2, 0, 1], ['TCR_EL1', 3, 0, 2, 0, 2],
  ['TTBR0_EL2', 3, 4, 2, 0, 0], ['TTBR1_EL2', 3, 4, 2, 0, 1], ['TCR_EL2', 3, 4, 2, 0, 2],
  ['VTTBR_EL2', 3, 4, 2, 1, 0], ['VTCR_EL2', 3, 4, 2, 1, 2],
  ['TTBR0_EL3', 3, 6, 2, 0, 0], ['TCR_EL3', 3, 6, 2, 0, 2], ['DACR32_EL2', 3, 4, 3, 0, 0],
  // Exception state, PSTATE access
  ['SPSR_EL1', 3, 0, 4, 0, 0], ['ELR_EL1', 3, 0, 4, 0, 1], ['SP_EL0', 3, 0, 4, 1, 0],
  ['SPSel', 3, 0, 4, 2, 0], ['CurrentEL', 3, 0, 4, 2, 2, 'r'], ['PAN', 3, 0, 4, 2, 3], ['UAO', 3, 0, 4, 2, 4],
  ['ICC_PMR_EL1', 3, 0, 4, 6, 0],
  ['NZCV', 3, 3, 4, 2, 0], ['DAIF', 3, 3, 4, 2, 1], ['DIT', 3, 3, 4, 2, 5], ['SSBS', 3, 3, 4, 2, 6],
  ['FPCR', 3, 3, 4, 4, 0], ['FPSR', 3, 3, 4, 4, 1],
  ['SPSR_EL2', 3, 4, 4, 0, 0], ['ELR_EL2', 3, 4, 4, 0, 1], ['SP_EL1', 3, 4, 4, 1, 0],
  ['SPSR_IRQ', 3, 4, 4, 3, 0], ['SPSR_ABT', 3, 4, 4, 3, 1], ['SPSR_UND', 3, 4, 4, 3, 2],
  ['SPSR_FIQ', 3, 4, 4, 3, 3],
  ['SPSR_EL3', 3, 6, 4, 0, 0], ['ELR_EL3', 3, 6, 4, 0, 1], ['SP_EL2', 3, 6, 4, 1, 0],
  // Fault status / address
  ['AFSR0_EL1', 3, 0, 5, 1, 0], ['AFSR1_EL1', 3, 0, 5, 1, 1], ['ESR_EL1', 3, 0, 5, 2, 0],
  ['IFSR32_EL2', 3, 4, 5, 0, 1], ['AFSR0_EL2', 3, 4, 5, 1, 0], ['AFSR1_EL2', 3, 4, 5, 1, 1],
  ['ESR_EL2', 3, 4, 5, 2, 0], ['FPEXC32_EL2', 3, 4, 5, 3, 0], ['ESR_EL3', 3, 6, 5, 2, 0],
  ['FAR_EL1', 3, 0, 6, 0, 0], ['FAR_EL2', 3, 4, 6, 0, 0], ['HPFAR_EL2', 3, 4, 6, 0, 4],
  ['FAR_EL3', 3, 6, 6, 0, 0], ['PAR_EL1', 3, 0, 7, 4, 0],
  // PMU
  ['PMINTENSET_EL1', 3, 0, 9, 14, 1], ['PMINTENCLR_EL1', 3, 0, 9, 14, 2],
  ['PMCR_EL0', 3, 3, 9, 12, 0], ['PMCNTENSET_EL0', 3, 3, 9, 12, 1], ['PMCNTENCLR_EL0', 3, 3, 9, 12, 2],
  ['PMOVSCLR_EL0', 3, 3, 9, 12, 3], ['PMSWINC_EL0', 3, 3, 9, 12, 4], ['PMSELR_EL0', 3, 3, 9, 12, 5],
  ['PMCEID0_EL0', 3, 3, 9, 12, 6], ['PMCEID1_EL0', 3, 3, 9, 12, 7], ['PMCCNTR_EL0', 3, 3, 9, 13, 0],
  ['PMXEVTYPER_EL0', 3, 3, 9, 13, 1], ['PMXEVCNTR_EL0', 3, 3, 9, 13, 2],
  ['PMUSERENR_EL0', 3, 3, 9, 14, 0], ['PMOVSSET_EL0', 3, 3, 9, 14, 3], ['PMCCFILTR_EL0', 3, 3, 14, 15, 7],
  // Memory attributes
  ['MAIR_EL1', 3, 0, 10, 2, 0], ['AMAIR_EL1', 3, 0, 10, 3, 0], ['MAIR_EL2', 3, 4, 10, 2, 0],
  ['AMAIR_EL2', 3, 4, 10, 3, 0], ['MAIR_EL3', 3, 6, 10, 2, 0], ['AMAIR_EL3', 3, 6, 10, 3, 0],
  // Vectors, reset, interrupt status
  ['VBAR_EL1', 3, 0, 12, 0, 0], ['RVBAR_EL1', 3, 0, 12, 0, 1], ['RMR_EL1', 3, 0, 12, 0, 2],
  ['ISR_EL1', 3, 0, 12, 1, 0, 'r'], ['VBAR_EL2', 3, 4, 12, 0, 0], ['RVBAR_EL2', 3, 4, 12, 0, 1],
  ['RMR_EL2', 3, 4, 12, 0, 2], ['VBAR_EL3', 3, 6, 12, 0, 0], ['RVBAR_EL3', 3, 6, 12, 0, 1],
  ['RMR_EL3', 3, 6, 12, 0, 2],
  // GICv3 CPU interface
  ['ICC_IAR0_EL1', 3, 0, 12, 8, 0, 'r'], ['ICC_EOIR0_EL1', 3, 0, 12, 8, 1, 'w'], ['ICC_HPPIR0_EL1', 3, 0, 12, 8, 2, 'r'],
  ['ICC_BPR0_EL1', 3, 0, 12, 8, 3], ['ICC_AP0R0_EL1', 3, 0, 12, 8, 4], ['ICC_AP0R1_EL1', 3, 0, 12, 8, 5],
  ['ICC_AP0R2_EL1', 3, 0, 12, 8, 6], ['ICC_AP0R3_EL1', 3, 0, 12, 8, 7],
  ['ICC_AP1R0_EL1', 3, 0, 12, 9, 0], ['ICC_AP1R1_EL1', 3, 0, 12, 9, 1], ['ICC_AP1R2_EL1', 3, 0, 12, 9, 2],
  ['ICC_AP1R3_EL1', 3, 0, 12, 9, 3],
  ['ICC_DIR_EL1', 3, 0, 12, 11, 1, 'w'], ['ICC_RPR_EL1', 3, 0, 12, 11, 3, 'r'], ['ICC_SGI1R_EL1', 3, 0, 12, 11, 5, 'w'],
  ['ICC_ASGI1R_EL1', 3, 0, 12, 11, 6, 'w'], ['ICC_SGI0R_EL1', 3, 0, 12, 11, 7, 'w'],
  ['ICC_IAR1_EL1', 3, 0, 12, 12, 0, 'r'], ['ICC_EOIR1_EL1', 3, 0, 12, 12, 1, 'w'], ['ICC_HPPIR1_EL1', 3, 0, 12, 12, 2, 'r'],
  ['ICC_BPR1_EL1', 3, 0, 12, 12, 3], ['ICC_CTLR_EL1', 3, 0, 12, 12, 4], ['ICC_SRE_EL1', 3, 0, 12, 12, 5],
  ['ICC_IGRPEN0_EL1', 3, 0, 12, 12, 6], ['ICC_IGRPEN1_EL1', 3, 0, 12, 12, 7],
  ['ICC_SRE_EL2', 3, 4, 12, 9, 5], ['ICC_CTLR_EL3', 3, 6, 12, 12, 4], ['ICC_SRE_EL3', 3, 6, 12, 12, 5],
  ['ICC_IGRPEN1_EL3', 3, 6, 12, 12, 7],
  ['ICH_AP0R0_EL2', 3, 4, 12, 8, 0], ['ICH_AP0R1_EL2', 3, 4, 12, 8, 1], ['ICH_AP0R2_EL2', 3, 4, 12, 8, 2],
  ['ICH_AP0R3_EL2', 3, 4, 12, 8, 3], ['ICH_AP1R0_EL2', 3, 4, 12, 9, 0], ['ICH_AP1R1_EL2', 3, 4, 12, 9, 1],
  ['ICH_AP1R2_EL2', 3, 4, 12, 9, 2], ['ICH_AP1R3_EL2', 3, 4, 12, 9, 3],
  ['ICH_HCR_EL2', 3, 4, 12, 11, 0], ['ICH_VTR_EL2', 3, 4, 12, 11, 1, 'r'], ['ICH_MISR_EL2', 3, 4, 12, 11, 2, 'r'],
  ['ICH_EISR_EL2', 3, 4, 12, 11, 3, 'r'], ['ICH_ELRSR_EL2', 3, 4, 12, 11, 5, 'r'], ['ICH_VMCR_EL2', 3, 4, 12, 11, 7],
  // Context / thread ID
  ['CONTEXTIDR_EL1', 3, 0, 13, 0, 1], ['TPIDR_EL1', 3, 0, 13, 0, 4], ['TPIDR_EL0', 3, 3, 13, 0, 2],
  ['TPIDRRO_EL0', 3, 3, 13, 0, 3], ['CONTEXTIDR_EL2', 3, 4, 13, 0, 1], ['TPIDR_EL2', 3, 4, 13, 0, 2],
  ['TPIDR_EL3', 3, 6, 13, 0, 2],
  // Generic timer
  ['CNTKCTL_EL1', 3, 0, 14, 1, 0], ['CNTFRQ_EL0', 3, 3, 14, 0, 0], ['CNTPCT_EL0', 3, 3, 14, 0, 1, 'r'],
  ['CNTVCT_EL0', 3, 3, 14, 0, 2, 'r'], ['CNTP_TVAL_EL0', 3, 3, 14, 2, 0], ['CNTP_CTL_EL0', 3, 3, 14, 2, 1],
  ['CNTP_CVAL_EL0', 3, 3, 14, 2, 2], ['CNTV_TVAL_EL0', 3, 3, 14, 3, 0], ['CNTV_CTL_EL0', 3, 3, 14, 3, 1],
  ['CNTV_CVAL_EL0', 3, 3, 14, 3, 2], ['CNTVOFF_EL2', 3, 4, 14, 0, 3], ['CNTHCTL_EL2', 3, 4, 14, 1, 0],
  ['CNTHP_TVAL_EL2', 3, 4, 14, 2, 0], ['CNTHP_CTL_EL2', 3, 4, 14, 2, 1], ['CNTHP_CVAL_EL2', 3, 4, 14, 2, 2],
  ['CNTHV_TVAL_EL2', 3, 4, 14, 3, 0], ['CNTHV_CTL_EL2', 3, 4, 14, 3, 1], ['CNTHV_CVAL_EL2', 3, 4, 14, 3, 2],
  ['CNTPS_TVAL_EL1', 3, 7, 14, 2, 0], ['CNTPS_CTL_EL1', 3, 7, 14, 2, 1], ['CNTPS_CVAL_EL1', 3, 7, 14, 2, 2],
  // VHE (E2H) aliases of EL1/EL0 registers
  ['SCTLR_EL12', 3, 5, 1, 0, 0], ['CPACR_EL12', 3, 5, 1, 0, 2], ['TTBR0_EL12', 3, 5, 2, 0, 0],
  ['TTBR1_EL12', 3, 5, 2, 0, 1], ['TCR_EL12', 3, 5, 2, 0, 2], ['SPSR_EL12', 3, 5, 4, 0, 0],
  ['ELR_EL12', 3, 5, 4, 0, 1], ['AFSR0_EL12', 3, 5, 5, 1, 0], ['AFSR1_EL12', 3, 5, 5, 1, 1],
  ['ESR_EL12', 3, 5, 5, 2, 0], ['FAR_EL12', 3, 5, 6, 0, 0], ['MAIR_EL12', 3, 5, 10, 2, 0],
  ['AMAIR_EL12', 3, 5, 10, 3, 0], ['VBAR_EL12', 3, 5, 12, 0, 0], ['CONTEXTIDR_EL12', 3, 5, 13, 0, 1],
  ['CNTKCTL_EL12', 3, 5, 14, 1, 0], ['CNTP_TVAL_EL02', 3, 5, 14, 2, 0], ['CNTP_CTL_EL02', 3, 5, 14, 2, 1],
  ['CNTP_CVAL_EL02', 3, 5, 14, 2, 2], ['CNTV_TVAL_EL02', 3, 5, 14, 3, 0], ['CNTV_CTL_EL02', 3, 5, 14, 3, 1],
  ['CNTV_CVAL_EL02', 3, 5, 14, 3, 2],
  // Debug (op0 = 2)
  ['OSDTRRX_EL1', 2, 0, 0, 0, 2], ['MDCCINT_EL1', 2, 0, 0, 2, 0], ['MDSCR_EL1', 2, 0, 0, 2, 2],
  ['OSDTRTX_EL1', 2, 0, 0, 3, 2], ['OSECCR_EL1', 2, 0, 0, 6, 2], ['MDRAR_EL1', 2, 0, 1, 0, 0],
  ['OSLAR_EL1', 2, 0, 1, 0, 4], ['OSLSR_EL1', 2, 0, 1, 1, 4], ['OSDLR_EL1', 2, 0, 1, 3, 4],
  ['DBGPRCR_EL1', 2, 0, 1, 4, 4], ['DBGCLAIMSET_EL1', 2, 0, 7, 8, 6], ['DBGCLAIMCLR_EL1', 2, 0, 7, 9, 6],
  ['DBGAUTHSTATUS_EL1', 2, 0, 7, 14, 6], ['MDCCSR_EL0', 2, 3, 0, 1, 0], ['DBGDTR_EL0', 2, 3, 0, 4, 0],
  ['DBGVCR32_EL2', 2, 4, 0, 7, 0],
];

/** Numbered register families (debug breakpoints/watchpoints, GICv3 list registers, PMU counters). */
function* families(): Generator<Row> {
  for (let n = 0; n < 16; n++) {
    yield [`DBGBVR${n}_EL1`, 2, 0, 0, n, 4];
    yield [`DBGBCR${n}_EL1`, 2, 0, 0, n, 5];
    yield [`DBGWVR${n}_EL1`, 2, 0, 0, n, 6];
    yield [`DBGWCR${n}_EL1`, 2, 0, 0, n, 7];
    yield [`ICH_LR${n}_EL2`, 3, 4, 12, 12 + (n >> 3), n & 7];
  }
  for (let n = 0; n < 31; n++) {
    yield [`PMEVCNTR${n}_EL0`, 3, 3, 14, 8 + (n >> 3), n & 7];
    yield [`PMEVTYPER${n}_EL0`, 3, 3, 14, 12 + (n >> 3), n & 7];
  }
}

/** Packs op0:op1:CRn:CRm:op2 into the 16-bit value found at bits [20:5] of MRS/MSR. */
export function packSysregKey(op0: number, op1: number, crn: number, crm: number, op2: number): number {
  return (op0 << 14) | (op1 << 11) | (crn << 7) | (crm << 3) | op2;
}

/** Packed key of a register's fields (see {@link packSysregKey}). */
export function sysregKey(s: SysRegFieldsSpec): number {
  return packSysregKey(s.op0, s.op1, s.crn, s.crm, s.op2);
}

/** Generic S<op0>_<op1>_C<n>_C<m>_<op2> spelling of a packed key. */
function genericName(key: number): string {
  return `S${key >> 14}_${(key >> 11) & 7}_C${(key >> 7) & 15}_C${(key >> 3) & 15}_${key & 7}`;
}

const specs: Record<string, SysRegSpec> = {};
const nameByKey = new Map<number, string>();
for (const [name, op0, op1, crn, crm, op2, access] of [...ROWS, ...families()]) {
  const spec: SysRegSpec = { op0, op1, crn, crm, op2, access: access ?? 'rw' };
  const key = sysregKey(spec);
  if (name in specs || nameByKey.has(key)) throw new Error(`sysregs: duplicate ${name} (key ${genericName(key)})`);
  specs[name] = spec;
  nameByKey.set(key, name);
}

// ---------------------------------------------------------------------------------------------
// Encoder view

/** Architectural name -> encoding fields (and access). */
export const SYSREGS: Readonly<Record<string, SysRegSpec>> = Object.freeze(specs);

const BY_LOWER = new Map(Object.entries(SYSREGS).map(([k, v]) => [k.toLowerCase(), v]));

/** Architectural register name for a 16-bit key, or the generic S<op0>_<op1>_C<n>_C<m>_<op2> form. */
export function sysregByKey(key: number): string {
  return nameByKey.get(key) ?? genericName(key);
}

const GENERIC = /^s([0-3])_([0-7])_c([0-9]|1[0-5])_c([0-9]|1[0-5])_([0-7])$/i;

/** A system register: a name from {@link SYSREGS}, the generic S.._.. form, or explicit fields. */
export type SysReg = string | SysRegFieldsSpec;

/** Resolves a system register to its fields; undefined if unknown. Generic forms are 'rw'. */
export function lookupSysreg(r: SysReg): SysRegSpec | undefined {
  if (typeof r !== 'string') {
    const ok = r.op0 >= 2 && r.op0 <= 3 && r.op1 >= 0 && r.op1 < 8 && r.crn >= 0 && r.crn < 16 &&
      r.crm >= 0 && r.crm < 16 && r.op2 >= 0 && r.op2 < 8;
    return ok ? { ...r, access: 'rw' } : undefined;
  }
  const hit = BY_LOWER.get(r.toLowerCase());
  if (hit) return hit;
  const m = GENERIC.exec(r);
  if (!m) return undefined;
  const [op0, op1, crn, crm, op2] = m.slice(1).map(Number) as [number, number, number, number, number];
  if (op0 < 2) return undefined;
  return { op0, op1, crn, crm, op2, access: 'rw' };
}

/** Whether MRS may read the register. */
export function sysregReadable(s: SysRegSpec): boolean {
  return s.access !== 'w';
}

/** Whether MSR may write the register. */
export function sysregWritable(s: SysRegSpec): boolean {
  return s.access !== 'r';
}

// ---------------------------------------------------------------------------------------------
// Decoder view (upper-case names, e.g. CURRENTEL, SPSEL)

const SYSREG_NAMES: ReadonlyMap<number, string> = new Map([...nameByKey].map(([k, n]) => [k, n.toUpperCase()]));

/** Upper-case name of a known system register by packed key, or null. */
export function sysregName(key: number): string | null {
  return SYSREG_NAMES.get(key) ?? null;
}

/** Reverse lookup (upper-case architectural name) -> packed key, or undefined. */
export function sysregByName(name: string): number | undefined {
  for (const [k, v] of SYSREG_NAMES) if (v === name) return k;
  return undefined;
}

/** All known (key, upper-case name) pairs, for tooling and tests. */
export function knownSysregs(): ReadonlyMap<number, string> {
  return SYSREG_NAMES;
}
