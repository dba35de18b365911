/**
 * readl/writel of root Linux: a device access at a physical address. While Linux runs natively
 * it reaches the device on the bus; once Jailhouse is enabled on this CPU, an address root's
 * stage 2 does not map traps (a data abort with a real syndrome, counted as vmexits_mmio) and
 * the hypervisor emulates or forwards it, exactly as a load/store by the kernel would.
 */
import { EC } from '../../cpu/a64/interp-types.js';
import { esrValue } from '../../cpu/a64/interp-exc.js';
import { archHandleTrap, type TrapRegs } from '../../hypervisor/core/trap-dispatch.js';
import { INVALID_PHYS_ADDR, pagingVirt2Phys } from '../../hypervisor/core/paging.js';
import { cellPageTable } from '../../hypervisor/core/setup.js';
import type { Kernel } from './kernel.js';

/** ESR of a data abort Linux's `str`/`ldr` of `size` bytes with x0 would raise (ISV, SAS, SRT 0). */
function dabtEsr(size: number, isWrite: boolean): number {
  const sas = size === 8 ? 3 : size === 4 ? 2 : size === 2 ? 1 : 0;
  return Number(esrValue({ ec: EC.DABT_LOWER, iss: (1 << 24) | (sas << 22) | (isWrite ? 1 << 6 : 0) }));
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
  const r = archHandleTrap(k.hv!, { esr: dabtEsr(size, isWrite), regs, far: pa % 4096, hpfar: Math.floor(pa / 4096) * 16, elr: 0 });
  k.afterTrap(r.action, `${what} at 0x${pa.toString(16)}`);
  return regs.x0;
}

/** A device access: direct on the bus, or trapped when Jailhouse is on and root's stage 2 lacks pa. */
export function linuxMmio(k: Kernel, pa: number, size: 1 | 2 | 4 | 8, isWrite: boolean, value: bigint, what: string): bigint {
  const c = k.c;
  if (c.hvActive && k.hv && pagingVirt2Phys(c.mem, cellPageTable(k.hv, k.hv.rootCell), pa) === INVALID_PHYS_ADDR) {
    return trappedMmio(k, pa, size, isWrite, value, what);
  }
  if (isWrite) {
    c.mem.mmio?.write(pa, size, value);
    return 0n;
  }
  return c.mem.mmio?.read(pa, size) ?? (1n << BigInt(8 * size)) - 1n;
}
