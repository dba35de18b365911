/**
 * The hypercall ABI against a live, enabled machine. All hypervisor state is in shared
 * memory, so the test acts as a root-cell CPU (quiescent, its worker idle) and calls the
 * hypervisor's dispatcher exactly as that CPU's trap handler would.
 */
import './dist-fresh.js';
import { afterEach, describe, expect, it } from 'vitest';
import { Machine } from '../dist/actors/cpu/supervisor.js';
import { CpuContext } from '../dist/actors/cpu/context.js';
import { Hv } from '../dist/actors/hypervisor/core/hv.js';
import { archHandleTrap, type TrapOutcome } from '../dist/actors/hypervisor/core/trap-dispatch.js';
import { esrForHvc } from '../dist/shared/arm64/esr.js';
import { Hc, Stat, JAILHOUSE_HVC_CODE, CPU_INFO_STAT_BASE } from '../dist/actors/hypervisor/core/layout.js';
import { JAILHOUSE_ENABLE } from '../dist/actors/hypervisor/driver/uapi.js';
import { DEFAULT_BOARD } from '../dist/actors/cpu/board.js';
import { CellFlags } from '../dist/shared/config/layout.js';
import { loadSystemConfig, serializeSystemConfig } from '../dist/shared/config/index.js';
import { hvBase } from '../dist/cli/inspect/inspect.js';
import { UserProcess } from '../dist/cli/shell/user.js';
import { Errno } from '../dist/shared/errno.js';

let m: Machine | undefined;
afterEach(async () => {
  await m?.shutdown();
  m = undefined;
});

async function enabled(rootFlags = 0): Promise<{ m: Machine; hv: Hv; u: UserProcess }> {
  m = await Machine.boot({ board: DEFAULT_BOARD });
  const u = new UserProcess(m, 0);
  const sys = loadSystemConfig('configs/qemu-arm64.json').config;
  const cfg = serializeSystemConfig({ ...sys, root_cell: { ...sys.root_cell, flags: rootFlags } });
  expect(await u.ioctl(JAILHOUSE_ENABLE, cfg)).toBe(0);
  // The test plays CPU 2 of the root cell.
  const ctx = new CpuContext({ cpu: 2, board: DEFAULT_BOARD, buffers: m.buffers });
  const base = hvBase(m);
  return { m, u, hv: new Hv(ctx, base, 0x400000) };
}

/** hvc #imm with x0..x2 through arch_handle_trap (ESR_EL2.EC 0x16); x0 afterwards and the outcome. */
function hvc(hv: Hv, imm: number, x: number[]): { x0: number; out: TrapOutcome } {
  const regs = x.map((v) => BigInt.asUintN(64, BigInt(v)));
  const frame = { get: (n: number) => regs[n] ?? 0n, set: (n: number, v: bigint) => { regs[n] = v; } };
  const out = archHandleTrap(hv, { esr: esrForHvc(imm), regs: frame, far: 0, hpfar: 0 });
  return { x0: Number(BigInt.asIntN(64, regs[0]!)), out };
}

const call = (hv: Hv, code: number, a1 = 0, a2 = 0): number => hvc(hv, JAILHOUSE_HVC_CODE, [code, a1, a2]).x0;

describe('hypercalls', () => {
  it('count every call as a hypercall exit, also unknown codes, which answer -ENOSYS', async () => {
    const { hv } = await enabled();
    const before = hv.statOf(2, Stat.HYPERCALL);
    const total = hv.statOf(2, Stat.TOTAL);
    expect(call(hv, 99)).toBe(-Errno.ENOSYS);
    expect(call(hv, 9)).toBe(-Errno.ENOSYS);
    expect(hv.statOf(2, Stat.HYPERCALL)).toBe(before + 2);
    expect(hv.statOf(2, Stat.TOTAL)).toBe(total + 2);
  });

  it('HYPERVISOR_GET_INFO answers the five types and -EINVAL beyond', async () => {
    const { hv, u } = await enabled();
    expect(call(hv, Hc.HYPERVISOR_GET_INFO, 0)).toBe(Number(await u.readText('/sys/devices/jailhouse/mem_pool_size')));
    expect(call(hv, Hc.HYPERVISOR_GET_INFO, 2)).toBe(131072);
    // remap pool: GICD (0x10000 = 16 pages) and four redistributor frames (4 x 0x20000 = 128 pages).
    expect(call(hv, Hc.HYPERVISOR_GET_INFO, 3)).toBe(16 + 128);
    expect(call(hv, Hc.HYPERVISOR_GET_INFO, 4)).toBe(1);
    expect(call(hv, Hc.HYPERVISOR_GET_INFO, 5)).toBe(-Errno.EINVAL);
  });

  it('CPU_GET_INFO: state, 31-bit statistics, -EINVAL for bad CPUs and types', async () => {
    const { hv } = await enabled();
    expect(call(hv, Hc.CPU_GET_INFO, 1, 0)).toBe(0);
    expect(call(hv, Hc.CPU_GET_INFO, 2, CPU_INFO_STAT_BASE + Stat.HYPERCALL)).toBeGreaterThan(0);
    expect(call(hv, Hc.CPU_GET_INFO, 4, 0)).toBe(-Errno.EINVAL);
    expect(call(hv, Hc.CPU_GET_INFO, 1, CPU_INFO_STAT_BASE + 9)).toBe(-Errno.EINVAL);
    expect(call(hv, Hc.CPU_GET_INFO, 1, 1)).toBe(-Errno.EINVAL);
    // The top bit of a counter is masked off.
    hv.c.mem.write32(hv.pub(1) + 16 + Stat.MMIO * 4, 0x80000005);
    expect(call(hv, Hc.CPU_GET_INFO, 1, CPU_INFO_STAT_BASE + Stat.MMIO)).toBe(5);
  });

  it('CELL_GET_STATE: root is running, unknown ids are -ENOENT', async () => {
    const { hv } = await enabled();
    expect(call(hv, Hc.CELL_GET_STATE, 0)).toBe(0);
    expect(call(hv, Hc.CELL_GET_STATE, 7)).toBe(-Errno.ENOENT);
  });

  it('DEBUG_CONSOLE_PUTC needs VIRTUAL_CONSOLE_PERMITTED, also for the root cell', async () => {
    const { hv } = await enabled();
    expect(call(hv, Hc.DEBUG_CONSOLE_PUTC, 'x'.charCodeAt(0))).toBe(-Errno.EPERM);
    await m!.shutdown();
    const e = await enabled(CellFlags.VIRTUAL_CONSOLE_PERMITTED);
    for (const ch of 'hello\n') expect(call(e.hv, Hc.DEBUG_CONSOLE_PUTC, ch.charCodeAt(0))).toBe(0);
    expect(await e.u.readText('/sys/devices/jailhouse/console')).toMatch(/Activating hypervisor\nhello\n$/);
  });

  it('an HVC with another immediate is a forbidden trap that panic-parks the CPU', async () => {
    const { hv, u } = await enabled();
    const r = hvc(hv, 0x1234, [Hc.HYPERVISOR_GET_INFO, 0, 0]);
    expect(r.out.action.kind).toBe('park');
    expect(r.x0).toBe(Hc.HYPERVISOR_GET_INFO);
    expect(call(hv, Hc.CPU_GET_INFO, 2, 0)).toBe(2);
    expect(await u.readText('/sys/devices/jailhouse/cells/0/cpus_failed_list')).toBe('2\n');
    expect(await u.readText('/sys/devices/jailhouse/console')).toMatch(/FATAL: forbidden access[\s\S]*Parking CPU 2 \(Cell: "qemu-arm64"\)/);
  });
});
