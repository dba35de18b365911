/**
 * Machine-level concurrency tests on real worker threads (one per simulated CPU). They boot the
 * built simulator from dist/ (workers can only load built JS; `npm test` builds first) and
 * assert on shared state and on causality, never on wall-clock durations.
 */
import './dist-fresh.js';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { Machine, type MachineOptions } from '../dist/actors/cpu/supervisor.js';
import { CpuState, CpuWord, MachineWord, cpuWord, machineWord } from '../dist/actors/cpu/layout.js';
import { Sys } from '../dist/actors/cpu/linux/layout.js';
import { KernelWord } from '../dist/actors/cpu/linux/layout.js';
import { JAILHOUSE_DISABLE, JAILHOUSE_ENABLE } from '../dist/actors/hypervisor/driver/uapi.js';
import { DEFAULT_BOARD, loadBoard } from '../dist/actors/cpu/board.js';
import { adaptRootCpuSet, loadSystemConfig, serializeSystemConfig } from '../dist/shared/config/index.js';
import { Errno } from '../dist/shared/errno.js';
import { UserProcess } from '../dist/cli/shell/user.js';
import { epochResults } from '../dist/cli/stress/stress-check.js';
import { DrvWord, drvWord } from '../dist/actors/hypervisor/driver/layout.js';
import { Rng } from '../dist/shared/rng.js';
import { driverCells, hvBase, vmexits } from '../dist/cli/inspect/inspect.js';

const CONFIG = fileURLToPath(new URL('../configs/qemu-arm64.json', import.meta.url));
const NR = 4;
const CPUS = Array.from({ length: NR }, (_, i) => i);
const cfgBytes = serializeSystemConfig(adaptRootCpuSet(loadSystemConfig(CONFIG).config, NR));
const SYS = '/sys/devices/jailhouse';

let machines: Machine[] = [];

async function boot(opts: Partial<MachineOptions> = {}): Promise<Machine> {
  const board = NR === DEFAULT_BOARD.cpus ? DEFAULT_BOARD : loadBoard(undefined, NR);
  const m = await Machine.boot({ board, ...opts });
  machines.push(m);
  return m;
}

afterEach(async () => {
  const ms = machines;
  machines = [];
  for (const m of ms) await m.shutdown();
});

/** Reject instead of hanging the test run if a promise never settles (a guard, not a timing assertion). */
async function settles<T>(p: Promise<T>, what: string, limitMs = 20_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, rej) => {
    timer = setTimeout(() => rej(new Error(`${what} did not complete`)), limitMs);
  });
  try {
    return await Promise.race([p, t]);
  } finally {
    clearTimeout(timer);
  }
}

/** Poll until cond() holds (bounded so a missing event fails the test instead of hanging it). */
async function eventually(cond: () => boolean, what: string, limitMs = 10_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`never happened: ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

function states(m: Machine): number[] {
  return CPUS.map((c) => m.cpuState(c));
}

function hv(m: Machine): boolean[] {
  return CPUS.map((c) => m.hvActive(c));
}

function expectAllGuest(m: Machine): void {
  expect(states(m)).toEqual(CPUS.map(() => CpuState.GUEST));
  expect(hv(m)).toEqual(CPUS.map(() => true));
}

function expectAllLinux(m: Machine): void {
  expect(states(m)).toEqual(CPUS.map(() => CpuState.LINUX));
  expect(hv(m)).toEqual(CPUS.map(() => false));
}

type Counters = Record<string, number>;

function expectNoIncidents(m: Machine): void {
  expect(m.hangs).toEqual([]);
  expect(m.faults).toEqual([]);
}

/** Enable then disable, checking every CPU's state after each. */
async function cycleCleanly(m: Machine, u: UserProcess, what = ''): Promise<void> {
  expect(await u.ioctl(JAILHOUSE_ENABLE, cfgBytes), `enable ${what}`).toBe(0);
  expectAllGuest(m);
  expect(await u.ioctl(JAILHOUSE_DISABLE), `disable ${what}`).toBe(0);
  expectAllLinux(m);
}

function snapshot(m: Machine): Counters[] {
  return CPUS.map((c) => {
    const v = vmexits(m, c);
    if (!v) throw new Error(`no per_cpu counters for CPU ${c}`);
    return v;
  });
}

describe('machine: real concurrency between CPU workers', () => {
  it('enable runs entry() on every CPU in its own worker; disable brings all back to Linux', async () => {
    const m = await boot();
    const u = new UserProcess(m, 0);
    expectAllLinux(m);

    expect(await u.ioctl(JAILHOUSE_ENABLE, cfgBytes)).toBe(0);
    const epoch = m.cpuWord(0, CpuWord.ENTRY_EPOCH);
    expect(epoch).toBeGreaterThan(0);
    for (const cpu of CPUS) {
      expect(m.cpuWord(cpu, CpuWord.ENTRY_RESULT), `ENTRY_RESULT of CPU ${cpu}`).toBe(0);
      expect(m.cpuWord(cpu, CpuWord.ENTRY_EPOCH), `ENTRY_EPOCH of CPU ${cpu}`).toBe(epoch);
    }
    expectAllGuest(m);
    expect(await u.readText(`${SYS}/enabled`)).toBe('1\n');

    const con = await u.readText(`${SYS}/console`);
    expect(typeof con).toBe('string');
    for (const cpu of CPUS) expect(con as string).toContain(` CPU ${cpu}... OK\n`);
    expect(con as string).toContain('Activating hypervisor');
    expect(con as string).not.toContain('FAILED');

    expect(await u.ioctl(JAILHOUSE_DISABLE)).toBe(0);
    for (const cpu of CPUS) expect(m.cpuWord(cpu, CpuWord.LEAVE_RESULT), `LEAVE_RESULT of CPU ${cpu}`).toBe(0);
    expectAllLinux(m);
    expect(await u.readText(`${SYS}/enabled`)).toBe('0\n');
    expectNoIncidents(m);
  }, 30_000);

  it('a CPU that enters late holds every other CPU at entry barrier A', async () => {
    const m = await boot();
    const u = new UserProcess(m, 0);
    m.delayNextEntry(2, 300);
    expect(await u.ioctl(JAILHOUSE_ENABLE, cfgBytes)).toBe(0);
    // The delay hook is consumed by CPU 2's entry.
    expect(Atomics.load(m.cpus, machineWord(NR, MachineWord.DELAY_ENTRY_CPU))).toBe(0);

    // A machine-wide sequence counter orders the events across workers (no clocks involved).
    const entered = CPUS.map((c) => Atomics.load(m.cpus, cpuWord(c, CpuWord.ENTERED_SEQ)));
    const barrierA = CPUS.map((c) => Atomics.load(m.cpus, cpuWord(c, CpuWord.BARRIER_A_SEQ)));
    for (const c of CPUS) {
      expect(entered[c], `ENTERED_SEQ of CPU ${c}`).toBeGreaterThan(0);
      // Nobody may leave barrier A before the last CPU (CPU 2) has entered.
      expect(barrierA[c], `BARRIER_A_SEQ of CPU ${c} vs ENTERED_SEQ of CPU 2`).toBeGreaterThan(entered[2]!);
      expect(barrierA[c], `BARRIER_A_SEQ of CPU ${c} vs its own ENTERED_SEQ`).toBeGreaterThan(entered[c]!);
    }
    // CPU 2 entered last.
    for (const c of CPUS) if (c !== 2) expect(entered[2], `CPU 2 entered after CPU ${c}`).toBeGreaterThan(entered[c]!);
    expectAllGuest(m);
    expect(await u.ioctl(JAILHOUSE_DISABLE)).toBe(0);
    expectAllLinux(m);
  }, 30_000);

  const failures: { name: string; cpu: number; errno: number }[] = [
    { name: 'EIO on CPU 1', cpu: 1, errno: Errno.EIO },
    { name: 'ENOMEM on CPU 1', cpu: 1, errno: Errno.ENOMEM },
    { name: 'EIO on CPU 0 (the caller, master or not)', cpu: 0, errno: Errno.EIO },
    { name: 'ENOMEM on CPU 3', cpu: 3, errno: Errno.ENOMEM },
  ];
  it.each(failures)('one error code for all CPUs: cpu_init failure $name', async ({ cpu, errno }) => {
    const m = await boot();
    const u = new UserProcess(m, 0);
    m.injectCpuInitFailure(cpu, errno);
    expect(await u.ioctl(JAILHOUSE_ENABLE, cfgBytes)).toBe(-errno);
    // The injection was consumed by that CPU's cpu_init.
    expect(Atomics.load(m.cpus, machineWord(NR, MachineWord.FAIL_CPU_INIT))).toBe(0);
    const epoch = m.cpuWord(0, CpuWord.ENTRY_EPOCH);
    for (const c of CPUS) {
      expect(m.cpuWord(c, CpuWord.ENTRY_RESULT), `ENTRY_RESULT of CPU ${c}`).toBe(-errno);
      expect(m.cpuWord(c, CpuWord.ENTRY_EPOCH), `ENTRY_EPOCH of CPU ${c}`).toBe(epoch);
    }
    expectAllLinux(m);
    expect(await u.readText(`${SYS}/enabled`)).toBe('0\n');
    expect(await u.readText(`${SYS}/mem_pool_used`)).toBe('0\n');
    expect(await u.listDir(`${SYS}/cells`)).toEqual([]);
    expect(driverCells(m)).toEqual([]);
    expect(hvBase(m), 'hypervisor memory unmapped after a failed enable').toBe(0);
    expect(m.kernelLog().text).not.toContain('The Jailhouse is opening.');

    // Nothing is left behind: a normal enable now succeeds, and disable works.
    expect(await u.ioctl(JAILHOUSE_ENABLE, cfgBytes)).toBe(0);
    for (const c of CPUS) expect(m.cpuWord(c, CpuWord.ENTRY_RESULT)).toBe(0);
    expectAllGuest(m);
    expect(await u.readText(`${SYS}/enabled`)).toBe('1\n');
    expect(Number(await u.readText(`${SYS}/mem_pool_used`))).toBeGreaterThan(0);
    expect(await u.ioctl(JAILHOUSE_DISABLE)).toBe(0);
    expectAllLinux(m);
    expectNoIncidents(m);
  }, 30_000);

  it('one error code for all CPUs: every CPU x errno, each failure followed by a clean enable', async () => {
    const m = await boot();
    const u = new UserProcess(m, 0);
    const seen: string[] = [];
    for (const cpu of CPUS) {
      for (const errno of [Errno.EIO, Errno.ENOMEM, Errno.ENODEV]) {
        m.injectCpuInitFailure(cpu, errno);
        const ret = await u.ioctl(JAILHOUSE_ENABLE, cfgBytes);
        const results = CPUS.map((c) => m.cpuWord(c, CpuWord.ENTRY_RESULT));
        seen.push(`inject -${errno} on CPU ${cpu}: enable ${ret}, CPUs ${results.join(',')}`);
        expect(ret, seen.at(-1)).toBe(-errno);
        expect(results, seen.at(-1)).toEqual(CPUS.map(() => -errno));
        expectAllLinux(m);
        expect(await u.readText(`${SYS}/enabled`)).toBe('0\n');
        expect(await u.readText(`${SYS}/mem_pool_used`)).toBe('0\n');
        expect(driverCells(m)).toEqual([]);
        await cycleCleanly(m, u, `after ${seen.at(-1)}`);
      }
    }
    expectNoIncidents(m);
  }, 60_000);

  it('vmexit accounting: per-CPU counters, cell-wide sums, zeroed by the next enable', async () => {
    const m = await boot();
    const u = new UserProcess(m, 0);
    expect(await u.ioctl(JAILHOUSE_ENABLE, cfgBytes)).toBe(0);
    // Entering the hypervisor is not an exit: every counter starts at zero.
    for (const [c, v] of snapshot(m).entries()) for (const [k, n] of Object.entries(v)) expect(n, `CPU ${c} ${k} right after enable`).toBe(0);

    // Per-CPU files: the CPU_GET_INFO hypercall is counted on the CPU that made it (the one
    // that ran the read), and the value read is that CPU's counter including this very call.
    for (const n of CPUS) {
      const before = snapshot(m);
      const v = Number(await u.readText(`${SYS}/cells/0/statistics/cpu${n}/vmexits_hypercall`));
      const after = snapshot(m);
      const changed = CPUS.filter((c) => after[c]!.vmexits_hypercall !== before[c]!.vmexits_hypercall);
      expect(changed, `exactly one CPU made the hypercall reading cpu${n}`).toHaveLength(1);
      const r = changed[0]!;
      expect(after[r]!.vmexits_hypercall).toBe(before[r]!.vmexits_hypercall! + 1);
      expect(after[r]!.vmexits_total).toBe(before[r]!.vmexits_total! + 1);
      for (const c of CPUS) if (c !== r) expect(after[c], `CPU ${c} untouched by the read`).toEqual(before[c]);
      expect(v, `cpu${n}/vmexits_hypercall`).toBe(after[n]!.vmexits_hypercall);
    }

    // Cell-wide file: the driver sums CPU_GET_INFO over the cell's CPUs in order, each call
    // counted on the reading CPU r before its value is read. So the file shows the sum of the
    // quiescent per-CPU counters plus the (index of r + 1) calls r had made when its own
    // counter was read; afterwards r has made one call per CPU of the cell.
    for (const stat of ['vmexits_total', 'vmexits_hypercall']) {
      const before = snapshot(m);
      const sumBefore = before.reduce((s, v) => s + v[stat]!, 0);
      const total = Number(await u.readText(`${SYS}/cells/0/statistics/${stat}`));
      const after = snapshot(m);
      const changed = CPUS.filter((c) => after[c]!.vmexits_total !== before[c]!.vmexits_total);
      expect(changed, `exactly one CPU made the ${stat} hypercalls`).toHaveLength(1);
      const r = changed[0]!;
      expect(after[r]!.vmexits_total - before[r]!.vmexits_total!).toBe(NR);
      expect(after[r]!.vmexits_hypercall - before[r]!.vmexits_hypercall!).toBe(NR);
      expect(total, `cell-wide ${stat}`).toBe(sumBefore + CPUS.indexOf(r) + 1);
      const sumAfter = after.reduce((s, v) => s + v[stat]!, 0);
      expect(sumAfter).toBe(sumBefore + NR);
    }
    // In a quiescent state with no reads in flight, the cell-wide total is the per-CPU sum and
    // vmexits_total counts every exit of each CPU.
    for (const v of snapshot(m)) expect(v.vmexits_total).toBeGreaterThanOrEqual(v.vmexits_hypercall!);
    expect(snapshot(m).some((v) => v.vmexits_total! > 0)).toBe(true);

    // disable + enable: the driver zero-fills hypervisor memory, so the counters restart.
    expect(await u.ioctl(JAILHOUSE_DISABLE)).toBe(0);
    expect(await u.ioctl(JAILHOUSE_ENABLE, cfgBytes)).toBe(0);
    for (const [c, v] of snapshot(m).entries()) for (const [k, n] of Object.entries(v)) expect(n, `CPU ${c} ${k} after re-enable`).toBe(0);
    const before = snapshot(m);
    const first = Number(await u.readText(`${SYS}/cells/0/statistics/vmexits_hypercall`));
    const r = CPUS.find((c) => snapshot(m)[c]!.vmexits_hypercall !== before[c]!.vmexits_hypercall)!;
    expect(first).toBe(CPUS.indexOf(r) + 1);
    expect(await u.ioctl(JAILHOUSE_DISABLE)).toBe(0);
    expectAllLinux(m);
    expectNoIncidents(m);
  }, 30_000);

  it('CPU hotplug under the hypervisor: CPU_OFF parks, CPU_ON resumes the guest', async () => {
    const m = await boot();
    const u = new UserProcess(m, 0);
    expect(await u.ioctl(JAILHOUSE_ENABLE, cfgBytes)).toBe(0);
    const psciBefore = vmexits(m, 3)!.vmexits_psci!;

    expect(await u.writeFile('/sys/devices/system/cpu/cpu3/online', '0', { avoid: 3 })).toBe(1);
    expect(m.onlineCpus()).toEqual([0, 1, 2]);
    expect(m.cpuState(3)).toBe(CpuState.PARKED);
    expect(m.hvActive(3)).toBe(true);
    expect(vmexits(m, 3)!.vmexits_psci, 'CPU 3 counted its own PSCI CPU_OFF').toBe(psciBefore + 1);
    for (const c of [0, 1, 2]) {
      expect(m.cpuState(c)).toBe(CpuState.GUEST);
      expect(m.hvActive(c)).toBe(true);
    }
    expect(await u.readText('/sys/devices/system/cpu/online')).toBe('0-2\n');

    // Disable refuses while a root CPU is offline, and changes nothing.
    expect(await u.ioctl(JAILHOUSE_DISABLE)).toBe(-Errno.EBUSY);
    expect(await u.readText(`${SYS}/enabled`)).toBe('1\n');
    expect(m.cpuState(3)).toBe(CpuState.PARKED);

    expect(await u.writeFile('/sys/devices/system/cpu/cpu3/online', '1', { avoid: 3 })).toBe(1);
    expect(m.onlineCpus()).toEqual(CPUS);
    expectAllGuest(m);

    expect(await u.ioctl(JAILHOUSE_DISABLE)).toBe(0);
    expectAllLinux(m);
    expectNoIncidents(m);
  }, 30_000);

  it('CPU hotplug without the hypervisor: offline CPU blocks enable with EINVAL, nothing changes', async () => {
    const m = await boot();
    const u = new UserProcess(m, 0);
    expect(await u.writeFile('/sys/devices/system/cpu/cpu3/online', '0', { avoid: 3 })).toBe(1);
    expect(m.cpuState(3)).toBe(CpuState.OFFLINE);
    expect(m.hvActive(3)).toBe(false);
    expect(m.onlineCpus()).toEqual([0, 1, 2]);

    // The root cell set (0-3) differs from the online CPUs (0-2): init_late refuses.
    expect(await u.ioctl(JAILHOUSE_ENABLE, cfgBytes)).toBe(-Errno.EINVAL);
    for (const c of [0, 1, 2]) {
      expect(m.cpuWord(c, CpuWord.ENTRY_RESULT), `ENTRY_RESULT of CPU ${c}`).toBe(-Errno.EINVAL);
      expect(m.cpuState(c)).toBe(CpuState.LINUX);
      expect(m.hvActive(c)).toBe(false);
    }
    expect(m.cpuState(3)).toBe(CpuState.OFFLINE);
    expect(m.hvActive(3)).toBe(false);
    expect(m.onlineCpus()).toEqual([0, 1, 2]);
    expect(await u.readText(`${SYS}/enabled`)).toBe('0\n');
    expect(await u.readText(`${SYS}/mem_pool_used`)).toBe('0\n');
    expect(driverCells(m)).toEqual([]);

    expect(await u.writeFile('/sys/devices/system/cpu/cpu3/online', '1', { avoid: 3 })).toBe(1);
    expectAllLinux(m);
    expect(await u.ioctl(JAILHOUSE_ENABLE, cfgBytes)).toBe(0);
    expectAllGuest(m);
    expect(await u.ioctl(JAILHOUSE_DISABLE)).toBe(0);
    expectAllLinux(m);
    expectNoIncidents(m);
  }, 30_000);

  it('enable with a root CPU set missing an online CPU fails with EINVAL and leaves the hotplug lock free', async () => {
    // Short watchdog: if the lock is left held, the next cpus_read_lock hangs only briefly.
    const m = await boot({ watchdogMs: 1000 });
    const u = new UserProcess(m, 0);
    const cfg3 = serializeSystemConfig(adaptRootCpuSet(loadSystemConfig(CONFIG).config, NR - 1));
    // CPU 3 is online but not below max_cpus (3): the driver refuses before entering.
    expect(await u.ioctl(JAILHOUSE_ENABLE, cfg3)).toBe(-Errno.EINVAL);
    expectAllLinux(m);
    expect(driverCells(m)).toEqual([]);
    expect(await u.readText(`${SYS}/enabled`)).toBe('0\n');
    // cpus_read_lock/unlock must be balanced on this error path (0 = free, -1 = a writer holds it).
    expect.soft(Atomics.load(m.k32, KernelWord.HOTPLUG_LOCK), 'cpu hotplug lock after the refused enable').toBe(0);
    // The machine is unchanged: a correct config enables, and disable works.
    expect(await settles(u.ioctl(JAILHOUSE_ENABLE, cfgBytes), 'enable after the refused enable')).toBe(0);
    expectAllGuest(m);
    expect(await settles(u.ioctl(JAILHOUSE_DISABLE), 'disable')).toBe(0);
    expectAllLinux(m);
    expect(m.hangs).toEqual([]);
  }, 30_000);

  it('concurrent callers: enable/disable from 4 user threads at once stay consistent', async () => {
    const m = await boot();
    // Tasks land on random free CPUs, so the driver runs on a different CPU from call to call.
    const users = [0, 1, 2, 3].map((i) => new UserProcess(m, i, { rng: new Rng(11, 100 + i) }));
    const callerEpoch = (i: number): number => Atomics.load(m.k32, drvWord(DrvWord.CALLER_EPOCH + i));
    let okEnable = 0;
    let okDisable = 0;
    let rounds = 0;
    const unexpected: string[] = [];
    for (let round = 0; round < 50; round++) {
      const ops = users.map((u, i) => ((i + round) % 3 === 0 ? 'disable' : 'enable'));
      const epochs = users.map((u, i) => callerEpoch(i));
      const rets = await settles(
        Promise.all(users.map((u, i) => (ops[i] === 'enable' ? u.ioctl(JAILHOUSE_ENABLE, cfgBytes) : u.ioctl(JAILHOUSE_DISABLE)))),
        `round ${round}`,
      );
      rets.forEach((r, i) => {
        if (r === 0) {
          if (ops[i] === 'enable') okEnable++;
          else okDisable++;
        } else if (r !== -Errno.EBUSY && r !== -Errno.EINVAL) unexpected.push(`round ${round}: ${ops[i]} by caller ${i} returned ${r}`);
        // A call that reached on_each_cpu: every online CPU reported, all with the caller's result.
        if (callerEpoch(i) !== epochs[i]) {
          const e = epochResults(m, i);
          if (!e) return;
          rounds++;
          if (e.results.size !== e.expected) unexpected.push(`round ${round}: ${e.results.size} of ${e.expected} CPUs reported for caller ${i}`);
          for (const [cpu, cr] of e.results) if (cr !== r) unexpected.push(`round ${round}: ${ops[i]} by caller ${i} returned ${r} but CPU ${cpu} returned ${cr}`);
        }
      });
      // Quiescent: the driver flag and every CPU agree.
      const enabled = (await users[0]!.readText(`${SYS}/enabled`)) === '1\n';
      expect(okEnable - okDisable, `successful enables minus disables after round ${round}`).toBe(enabled ? 1 : 0);
      if (enabled) expectAllGuest(m);
      else expectAllLinux(m);
    }
    expect(unexpected).toEqual([]);
    expect(rounds).toBeGreaterThan(0);
    expect(okEnable).toBeGreaterThan(0);
    expect(okDisable).toBeGreaterThan(0);
    const last = await users[0]!.ioctl(JAILHOUSE_DISABLE);
    expect([0, -Errno.EINVAL]).toContain(last);
    expectAllLinux(m);
    expect(await users[0]!.readText(`${SYS}/enabled`)).toBe('0\n');
    expectNoIncidents(m);
  }, 60_000);

  it('IPIs between CPUs are never lost while CPUs enter and leave the hypervisor', async () => {
    // Linux IPIs pending when a CPU comes under the hypervisor must become virtual SGIs, and
    // virtual ones still queued when it leaves must become physical again (GICv3 cpu_init /
    // cpu_shutdown). A lost IPI hangs its sender in smp_call_function's wait.
    const m = await boot({ watchdogMs: 5000 });
    const cycler = new UserProcess(m, 0);
    let stop = false;
    const pinger = async (caller: number): Promise<number[]> => {
      const rets: number[] = [];
      for (let i = 0; !stop; i++) {
        const target = (caller + i) % NR;
        rets.push(await m.syscall(caller, Sys.IPI_SELFTEST, [20, target], { avoid: target }));
      }
      return rets;
    };
    const pings = [pinger(1), pinger(2)];
    for (let i = 0; i < 40; i++) {
      expect(await settles(cycler.ioctl(JAILHOUSE_ENABLE, cfgBytes), 'enable')).toBe(0);
      expect(await settles(cycler.ioctl(JAILHOUSE_DISABLE), 'disable')).toBe(0);
    }
    stop = true;
    const rets = (await settles(Promise.all(pings), 'IPI self-tests')).flat();
    expect(rets.length).toBeGreaterThan(0);
    // Each call returns its duration in µs (>= 0); a target that happens to be the CPU the
    // task landed on is refused with EINVAL before anything is sent.
    for (const r of rets) expect(r === -22 || r >= 0, `IPI self-test returned ${r}`).toBe(true);
    expectNoIncidents(m);
    expectAllLinux(m);
  }, 60_000);

  it('watchdog: a CPU held at the entry barrier longer than the watchdog is reported as a hang', async () => {
    const m = await boot({ watchdogMs: 300 });
    const u = new UserProcess(m, 0);
    m.delayNextEntry(1, 2000);
    // The ioctl must complete (with an error) instead of hanging the caller.
    const ret = await settles(u.ioctl(JAILHOUSE_ENABLE, cfgBytes), 'JAILHOUSE_ENABLE under a hang');
    expect(ret).toBeLessThan(0);
    await eventually(() => m.hangs.some((h) => h.what.includes('entry barrier')), 'an entry-barrier hang report');
    const h = m.hangs.find((x) => x.what.includes('entry barrier'))!;
    expect(h.cpu).toBeGreaterThanOrEqual(0);
    expect(h.cpu).toBeLessThan(NR);
    expect(h.ms).toBeGreaterThanOrEqual(300);
    expect(m.cpuState(h.cpu)).toBe(CpuState.HUNG);
  }, 30_000);
});
