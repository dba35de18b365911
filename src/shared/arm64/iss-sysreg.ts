/**
 * ISS of a trapped MSR/MRS (EC 0x18, ESR_EC_SYS64): Op0 21:20, Op2 19:17, Op1 16:14, CRn 13:10,
 * Rt 9:5, CRm 4:1, direction 0 (1 = read, MRS). The interpreter builds it for the sysreg exits
 * it reports, the root-Linux model for its trapped ICC_SGI1R_EL1 writes, and the hypervisor
 * matches it against the registers it emulates (ESR_MATCH_MCR_MRC compares everything but Rt
 * and the direction).
 */
import { EC } from './exception-class.js';
import { esrOf } from './esr.js';

/** Rt (bits 9:5), the register an MSR writes from or an MRS reads into. */
export const ISS_SYSREG_RT_SHIFT = 5;
/** The Rt field in place. */
export const ISS_SYSREG_RT_MASK = 31 << ISS_SYSREG_RT_SHIFT;
/** Direction: 1 = read (MRS), 0 = write (MSR). */
export const ISS_SYSREG_READ = 1;

/** ISS of a trapped MSR/MRS of the register (op0, op1, CRn, CRm, op2) with Rt, reading or writing. */
export function sysregIss(op0: number, op1: number, crn: number, crm: number, op2: number, rt: number, read: boolean): number {
  return (op0 << 20) | (op2 << 17) | (op1 << 14) | (crn << 10) | (rt << ISS_SYSREG_RT_SHIFT) | (crm << 1) | (read ? ISS_SYSREG_READ : 0);
}

/** Rt of a sysreg-trap ISS. */
export function sysregIssRt(iss: number): number {
  return (iss >> ISS_SYSREG_RT_SHIFT) & 31;
}

/** Whether a sysreg-trap ISS is a read (MRS). */
export function sysregIssIsRead(iss: number): boolean {
  return (iss & ISS_SYSREG_READ) !== 0;
}

/** ESR_EL2 of a trapped MSR/MRS (see {@link sysregIss}). */
export function esrForSysreg(op0: number, op1: number, crn: number, crm: number, op2: number, rt: number, read: boolean): number {
  return esrOf(EC.SYSREG, sysregIss(op0, op1, crn, crm, op2, rt, read));
}
