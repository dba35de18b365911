/**
 * A cell's CPU parked by cell destroy must look parked as soon as the destroy returns. The
 * target leaves check_events' suspend loop, the hypervisor's resume_cpu lets the destroying CPU
 * go on, and only then does the target reach arm_cpu_park. jhsim used to put the CPU back into
 * its state from before the suspend (running guest code, or failed) while it left the loop, so
 * for as long as its host thread was descheduled before arm_cpu_park, a root CPU that Linux has
 * offline showed as running guest code (`stress --hotplug --cells`: "CPU n is offline but guest
 * under the hypervisor", or "... but failed ..." after a bad-access inmate). On hardware the CPU
 * is in EL2 on its way to the parking loop and never runs the cell again.
 *
 * Machine.delayNextPark holds the target in that window every time. The CPU is offline before
 * the create, so the driver leaves it offline after the destroy and nothing else moves it.
 */
import './dist-fresh.js';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Machine } from '../dist/actors/cpu/supervisor.js';
import { CpuState, type CpuStateValue } from '../dist/actors/cpu/layout.js';
import { buildInmate } from '../dist/actors/cpu/inmates/index.js';
import { JAILHOUSE_CELL_CREATE, JAILHOUSE_CELL_DESTROY, JAILHOUSE_CELL_LOAD, JAILHOUSE_CELL_START, JAILHOUSE_DISABLE, JAILHOUSE_ENABLE } from '../dist/actors/hypervisor/driver/uapi.js';
import { DEFAULT_BOARD } from '../dist/actors/cpu/board.js';
import { adaptRootCpuSet, loadSystemConfig, serializeSystemConfig } from '../dist/shared/config/index.js';
import { checkQuiescent } from '../dist/cli/stress/stress-check.js';
import { stressCellConfig, stressCellName } from '../dist/cli/stress/stress-cells.js';
import { cellCreatePayload, cellIdBytes, cellLoadPayload } from '../dist/cli/tools/jailhouse-cell.js';
import { UserProcess } from '../dist/cli/shell/user.js';

vi.setConfig({ testTimeout: 60_000 });

const CONFIG = fileURLToPath(new URL('../configs/qemu-arm64.json', import.meta.url));
const NR = DEFAULT_BOARD.cpus;
const CPU = NR - 1;
/** Far longer than the destroy ioctl takes to come back to the test. */
const PARK_DELAY_MS = 1500;

let machine: Machine | undefined;
afterEach(async () => {
  const m = machine;
  machine = undefined;
  await m?.shutdown();
});

async function until(what: string, cond: () => boolean): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > 10_000) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/**
 * Enable, take CPU offline, create a cell on it, run `image` there until the CPU reaches
 * `running`, then destroy the cell with the park held open. Returns what was seen right after.
 */
async function destroyWhileParking(image: string, running: CpuStateValue): Promise<{ state: number; violations: string[] }> {
  const m = (machine = await Machine.boot({ board: DEFAULT_BOARD, watchdogMs: 5000 }));
  const admin = new UserProcess(m, 0);
  const checker = new UserProcess(m, 1);
  const cfg = serializeSystemConfig(adaptRootCpuSet(loadSystemConfig(CONFIG).config, NR));
  const sel = { id: -1, name: stressCellName(0) };
  expect(await admin.ioctl(JAILHOUSE_ENABLE, cfg)).toBe(0);
  expect(await admin.writeFile(`/sys/devices/system/cpu/cpu${CPU}/online`, '0', { avoid: CPU })).toBe(1);
  expect(await admin.ioctlBuilt(JAILHOUSE_CELL_CREATE, (a) => cellCreatePayload(a, stressCellConfig(0, [CPU])))).toBe(0);
  expect(await admin.ioctlBuilt(JAILHOUSE_CELL_LOAD, (a) => cellLoadPayload(a, sel, [{ bytes: buildInmate(image), address: 0 }]))).toBe(0);
  expect(await admin.ioctl(JAILHOUSE_CELL_START, cellIdBytes(sel))).toBe(0);
  await until(`CPU ${CPU} to be ${running}`, () => m.cpuState(CPU) === running);

  m.delayNextPark(CPU, PARK_DELAY_MS);
  expect(await admin.ioctl(JAILHOUSE_CELL_DESTROY, cellIdBytes(sel))).toBe(0);
  const state = m.cpuState(CPU);
  const violations = await checkQuiescent(m, checker, { rootCpus: Array.from({ length: NR }, (_, i) => i), cells: true });

  // The CPU still comes back to Linux and the hypervisor can be disabled.
  expect(await admin.writeFile(`/sys/devices/system/cpu/cpu${CPU}/online`, '1', { avoid: CPU })).toBe(1);
  expect(await admin.ioctl(JAILHOUSE_DISABLE)).toBe(0);
  expect(m.hangs).toEqual([]);
  return { state, violations };
}

describe('cell destroy parks its CPUs before it returns', () => {
  it('a CPU that ran the cell is parked, not running guest code, when the destroy returns', async () => {
    const r = await destroyWhileParking('compute', CpuState.GUEST);
    expect(r.state).toBe(CpuState.PARKED);
    expect(r.violations).toEqual([]);
  });

  it('a CPU the cell failed on (bad access) is parked as a healthy root CPU, not failed', async () => {
    const r = await destroyWhileParking('bad-access', CpuState.FAILED);
    expect(r.state).toBe(CpuState.PARKED);
    expect(r.violations).toEqual([]);
  });
});
