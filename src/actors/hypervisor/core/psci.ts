/**
 * PSCI 1.1 and SMCCC emulation for guests (SMC conduit, trapped by HCR.TSC). CPU_ON only
 * targets CPUs of the caller's own cell.
 */
import type { Hv } from './hv.js';
import { Stat } from './layout.js';
import { armCpuPark, cpuByMpidr, requestCpuOn, waitsForPoweron, RESUME, type CpuAction } from './percpu-control.js';

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

export interface SmcResult {
  /** Value for x0, or undefined when the trap is unhandled (fatal). */
  x0?: number;
  action: CpuAction;
}

/** handle_smc: dispatch by the SMCCC owner field; counts psci/smccc exits. */
export function handleSmc(hv: Hv, x0: number, x1: number, x2: number, x3: number): SmcResult {
  const fid = x0 >>> 0;
  const owner = (fid >>> 24) & 0x3f;
  if (owner === 0) {
    hv.count(Stat.SMCCC);
    if (fid === Smccc.VERSION) return { x0: 0x10001, action: RESUME };
    if (fid === Smccc.ARCH_FEATURES) return { x0: x1 >>> 0 === Smccc.ARCH_FEATURES ? 0 : -1, action: RESUME };
    return { action: RESUME };
  }
  if (owner === 2) {
    hv.count(Stat.SMCCC);
    return { x0: -1, action: RESUME };
  }
  if (owner === 4) {
    hv.count(Stat.PSCI);
    return psciDispatch(hv, fid, x1, x2, x3);
  }
  return { action: RESUME };
}

function psciDispatch(hv: Hv, fid: number, x1: number, x2: number, x3: number): SmcResult {
  const is32 = (fid & 0x40000000) === 0;
  const mask = (v: number): number => (is32 ? v >>> 0 : v);
  const cell = hv.thisCell();
  switch (fid) {
    case Psci.VERSION:
      return { x0: 0x10001, action: RESUME };
    case Psci.CPU_SUSPEND_32:
    case Psci.CPU_SUSPEND_64:
      return { x0: 0, action: RESUME };
    case Psci.CPU_OFF:
      return { x0: 0, action: armCpuPark(hv) };
    case Psci.CPU_ON_32:
    case Psci.CPU_ON_64: {
      const target = cpuByMpidr(hv, cell, mask(x1) & 0xff00ffffff);
      if (target < 0) return { x0: PsciRet.DENIED, action: RESUME };
      const r = requestCpuOn(hv, target, mask(x2), mask(x3));
      return { x0: r === 'ok' ? PsciRet.SUCCESS : PsciRet.ALREADY_ON, action: RESUME };
    }
    case Psci.AFFINITY_INFO_32:
    case Psci.AFFINITY_INFO_64: {
      const target = cpuByMpidr(hv, cell, x1 & 0xff00ffffff);
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
      return { x0: supported.includes(x1 >>> 0) ? 0 : PsciRet.NOT_SUPPORTED, action: RESUME };
    }
    default:
      return { x0: PsciRet.NOT_SUPPORTED, action: RESUME };
  }
}
