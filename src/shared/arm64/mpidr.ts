/**
 * MPIDR_EL1, a CPU's affinity: Aff0 bits 7:0, Aff1 15:8, Aff2 23:16, Aff3 39:32 (asm/sysregs.h).
 * The board gives each CPU its affinity, the CPU reports it in MPIDR_EL1, and the hypervisor
 * (PSCI, SGI routing) and root Linux find CPUs by it, so all of them pack and mask it alike.
 * Affinities are numbers (below 2^40); MPIDR_EL1 register values are bigints.
 */

/** The affinity fields Aff3, Aff2, Aff1, Aff0 (MPIDR_CPUID_MASK). */
export const MPIDR_CPUID_MASK = 0xff_00ff_ffff;
/** Bit 31, RES1 in MPIDR_EL1: the multiprocessor extensions (MPIDR_MP_BIT). */
export const MPIDR_MP_BIT = 0x8000_0000;

/** The affinity value of Aff3.Aff2.Aff1.Aff0. */
export function mpidrAffinity(aff0: number, aff1: number, aff2 = 0, aff3 = 0): number {
  return aff3 * 2 ** 32 + ((aff2 << 16) | (aff1 << 8) | aff0);
}

/** Affinity level 0..3 of an affinity value (MPIDR_AFFINITY_LEVEL). */
export function mpidrAffinityLevel(mpidr: number, level: 0 | 1 | 2 | 3): number {
  return level === 3 ? Math.floor(mpidr / 2 ** 32) & 0xff : (mpidr >>> (8 * level)) & 0xff;
}

/** MPIDR_EL1 as the CPU with this affinity reads it (RES1 bit 31 set). */
export function mpidrEl1(affinity: number): bigint {
  return BigInt(affinity) | BigInt(MPIDR_MP_BIT);
}
