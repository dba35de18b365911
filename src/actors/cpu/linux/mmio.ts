/**
 * readl/writel of root Linux: a device access at a physical address. While Linux runs natively
 * it reaches the device on the bus; once Jailhouse is enabled on this CPU, an address root's
 * stage 2 does not map traps (a data abort with a real syndrome, counted as vmexits_mmio) and
 * the hypervisor emulates or forwards it, exactly as a load/store by the kernel would.
 */
import { EC } from '../../../shared/arm64/exception-class.js';
import { esrOf } from '../../../shared/arm64/esr.js';
import { hpfarOf } from '../../../shared/arm64/fault-regs.js';
import { encodeDataAbortIss } from '../../../shared/arm64/iss-abort.js';
import { archHandleTrap } from '../../hypervisor/core/trap-dispatch.js';
import type { TrapRegs } from '../../hypervisor/core/trap-context.js';
import { INVALID_PHYS_ADDR, pagingVirt2Phys } from '../../hypervisor/core/paging.js';
import { cellPageTable } from '../../hypervisor/core/page-tables.js';
import type { KernelCpu as Kernel } from './kernel-cpu.js';

/**
 * ESR of a data abort Linux's `str`/`ldr` of `size` bytes with x0 would raise (ISV, SAS, WnR,
 * SRT 0). SF stays 0 even for 8 bytes, as this model always reported it: arch_handle_dabt does
 * not read SF.
 */
function dabtEsr(size: number, isWrite: boolean): number {
  const sas = size === 8 ? 3 : size === 4 ? 2 : size === 2 ? 1 : 0;
  return esrOf(EC.DABT_LOWER, encodeDataAbortIss({
    isv: true, sas, sse: false, srt: 0, sf: false, ar: false, wnr: isWrite, cm: false, s1ptw: false, ea: false, dfsc: 0,
  }));
}

class OneReg implements TrapRegs {
  constructor(public x0: bigint) {}
  get(n: number): bigint {
    return n === 0 ? this.x0 : 0n;
  }
  set(n: number, v: bigint): void {
    if (n === 0) this.x0 = v;
  }
}

/** The access as a trap to the hypervisor (the caller knows root's stage 2 does not map pa). */
export function trappedMmio(k: Kernel, pa: number, size: 1 | 2 | 4 | 8, isWrite: boolean, value: bigint, what: string): bigint {
  const regs = new OneReg(value);
  const r = archHandleTrap(k.c.hv!, { esr: dabtEsr(size, isWrite), regs, far: pa % 4096, hpfar: hpfarOf(pa), elr: 0 });
  k.afterTrap(r.action, `${what} at 0x${pa.toString(16)}`);
  return regs.x0;
}

/** A device access: direct on the bus, or trapped when Jailhouse is on and root's stage 2 lacks pa. */
export function linuxMmio(k: Kernel, pa: number, size: 1 | 2 | 4 | 8, isWrite: boolean, value: bigint, what: string): bigint {
  const c = k.c;
  const hv = c.hv;
  if (hv && pagingVirt2Phys(c.mem, cellPageTable(hv, hv.rootCell), pa) === INVALID_PHYS_ADDR) {
    return trappedMmio(k, pa, size, isWrite, value, what);
  }
  if (isWrite) {
    c.mem.mmio?.write(pa, size, value);
    return 0n;
  }
  return c.mem.mmio?.read(pa, size) ?? (1n << BigInt(8 * size)) - 1n;
}
