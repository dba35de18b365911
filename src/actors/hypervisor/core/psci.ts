/**
 * PSCI 1.1 and SMCCC emulation for guests (SMC conduit, trapped by HCR.TSC). CPU_ON only
 * targets CPUs of the caller's own cell.
 */
import type { Hv } from './hv.js';
import { Stat } from './layout.js';
import { armCpuPark, cpuByMpidr, requestCpuOn, waitsForPoweron, RESUME, type CpuAction } from './percpu-control.js';
import { irqchipHasPendingIrqs } from './irqchip.js';
import { irqchipHandleIrq } from './irqchip-irq.js';
import { MPIDR_CPUID_MASK } from '../../../shared/arm64/mpidr.js';

export const Psci = {
  VERSION: 0x84000000,
  CPU_SUSPEND_32: 0x84000001,
  CPU_SUSPEND_64: 0xc4000001,
  CPU_OFF: 0x84000002,
  CPU_ON_32: 0x84000003,
  CPU_ON_64: 0xc4000003,
  AFFINITY_INFO_32: 0x84000004,
  AFFINITY_INFO_64: 0xc4000004,
  FEATURES: 0x8400000a,
} as const;

export const PsciRet = { SUCCESS: 0, NOT_SUPPORTED: -1, INVALID_PARAMETERS: -2, DENIED: -3, ALREADY_ON: -4 } as const;

export const Smccc = { VERSION: 0x80000000, ARCH_FEATURES: 0x80000001, ARCH_WORKAROUND_1: 0x80008000, ARCH_WORKAROUND_2: 0x80007fff } as const;

/** SMCCC_GET_OWNER values handle_smc dispatches on (ARM_SMCCC_OWNER_*). */
const SmcccOwner = { ARCH: 0, SIP: 2, STANDARD: 4 } as const;

export interface SmcResult {
  /** Value for x0, or undefined when the trap is unhandled (fatal). */
  x0?: number;
  action: CpuAction;
}

/** MPIDR_CPUID_MASK as a 64-bit register mask: the affinity fields Aff3, Aff2, Aff1, Aff0. */
const CPUID_MASK = BigInt(MPIDR_CPUID_MASK);

/** A 64-bit register as a number: exact below 2^53 (entry points, context IDs). */
function num(v: bigint): number {
  return Number(v);
}

/**
 * handle_smc: dispatch by the SMCCC owner field (bits 29..24 of the whole 64-bit x0); counts
 * smccc exits (psci_dispatch counts its own). The registers come as the guest holds them, 64
 * bits wide: as upstream, handle_arch takes the function ID as a u32, but psci_dispatch
 * compares all 64 bits of x0, so a PSCI call with bits above 31 set is NOT_SUPPORTED.
 */
export function handleSmc(hv: Hv, x0: bigint, x1: bigint, x2: bigint, x3: bigint): SmcResult {
  const fid = Number(x0 & 0xffff_ffffn);
  const owner = Number((x0 >> 24n) & 0x3fn);
  switch (owner) {
    case SmcccOwner.ARCH:
    case SmcccOwner.SIP:
      hv.count(Stat.SMCCC);
      // ARM_SMCCC_NOT_SUPPORTED for every SIP call.
      return owner === SmcccOwner.ARCH ? handleArch(fid, x1) : { x0: -1, action: RESUME };
    case SmcccOwner.STANDARD:
      return psciDispatch(hv, x0 > 0xffff_ffffn ? -1 : fid, x1, x2, x3);
    default:
      return { action: RESUME };
  }
}

/** handle_arch: SMCCC_VERSION and SMCCC_ARCH_FEATURES; anything else is unhandled (fatal). */
function handleArch(fid: number, x1: bigint): SmcResult {
  if (fid === Smccc.VERSION) return { x0: 0x10001, action: RESUME };
  if (fid === Smccc.ARCH_FEATURES) return { x0: (x1 & 0xffff_ffffn) === BigInt(Smccc.ARCH_FEATURES) ? 0 : -1, action: RESUME };
  return { action: RESUME };
}

/**
 * psci_dispatch. arm_cpu_by_mpidr compares the whole argument with a CPU's MPIDR affinity
 * fields, so a target MPIDR with any other bit set (bit 31 included) names no CPU and the call
 * is DENIED ("virtual id not in set"), where the PSCI specification would answer
 * INVALID_PARAMETERS. CPU_ON masks its arguments to 32 bits for the SMC32 function ID;
 * AFFINITY_INFO never masks (arm-common/psci.c).
 */
function psciDispatch(hv: Hv, fid: number, x1: bigint, x2: bigint, x3: bigint): SmcResult {
  hv.count(Stat.PSCI);
  const mask = (fid & 0x40000000) === 0 ? 0xffff_ffffn : 0xffff_ffff_ffff_ffffn;
  const cell = hv.thisCell();
  switch (fid) {
    case Psci.VERSION:
      return { x0: 0x10001, action: RESUME };
    case Psci.CPU_SUSPEND_32:
    case Psci.CPU_SUSPEND_64:
      // The power_state parameter is ignored: always a context-preserving suspend, which PSCI
      // allows. QEMU's firmware has no SDEI, so no arm_cpu_passthru_suspend.
      return { x0: PsciRet.SUCCESS, action: irqchipHasPendingIrqs(hv) ? RESUME : cpuSuspend(hv) };
    case Psci.CPU_OFF:
      return { x0: 0, action: armCpuPark(hv) };
    case Psci.CPU_ON_32:
    case Psci.CPU_ON_64: {
      const target = cpuByMpidrExact(hv, cell, x1 & mask);
      if (target < 0) return { x0: PsciRet.DENIED, action: RESUME };
      const r = requestCpuOn(hv, target, num(x2 & mask), num(x3 & mask));
      return { x0: r === 'ok' ? PsciRet.SUCCESS : PsciRet.ALREADY_ON, action: RESUME };
    }
    case Psci.AFFINITY_INFO_32:
    case Psci.AFFINITY_INFO_64: {
      const target = cpuByMpidrExact(hv, cell, x1);
      if (target < 0) return { x0: PsciRet.DENIED, action: RESUME };
      return { x0: waitsForPoweron(hv, target) ? 1 : 0, action: RESUME };
    }
    case Psci.FEATURES: {
      const supported = [
        Psci.VERSION,
        Psci.CPU_SUSPEND_32,
        Psci.CPU_SUSPEND_64,
        Psci.CPU_OFF,
        Psci.CPU_ON_32,
        Psci.CPU_ON_64,
        Psci.AFFINITY_INFO_32,
        Psci.AFFINITY_INFO_64,
        Psci.FEATURES,
        Smccc.VERSION,
      ] as number[];
      return { x0: x1 <= 0xffff_ffffn && supported.includes(Number(x1)) ? 0 : PsciRet.NOT_SUPPORTED, action: RESUME };
    }
    default:
      return { x0: PsciRet.NOT_SUPPORTED, action: RESUME };
  }
}

/**
 * CPU_SUSPEND without a pending virtual interrupt: `wfi` at EL2 until a physical interrupt is
 * pending for this CPU (or it is woken), then irqchip_handle_irq takes it, as after any IRQ
 * exit (an SGI_EVENT may park or reset the CPU meanwhile). vmexits_total is not counted again:
 * the SMC exit already was.
 */
function cpuSuspend(hv: Hv): CpuAction {
  hv.c.waitForInterrupt();
  return irqchipHandleIrq(hv);
}

/** arm_cpu_by_mpidr: the cell's CPU whose MPIDR affinity equals the whole 64-bit argument, or -1. */
function cpuByMpidrExact(hv: Hv, cell: number, mpidr: bigint): number {
  if ((mpidr & ~CPUID_MASK) !== 0n) return -1;
  return cpuByMpidr(hv, cell, Number(mpidr));
}
