/**
 * The stress harness's invariant checker must be able to fail (corrupting state behind its back
 * is detected), and a seeded stress campaign with hotplug and injected entry failures must
 * finish without violations or hangs. Boots the built simulator from dist/.
 */
import './dist-fresh.js';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { Machine } from '../dist/actors/cpu/supervisor.js';
import { CpuState, CpuWord, cpuWord } from '../dist/actors/cpu/layout.js';
import { KernelWord } from '../dist/actors/cpu/linux/layout.js';
import { JAILHOUSE_DISABLE, JAILHOUSE_ENABLE } from '../dist/actors/hypervisor/driver/uapi.js';
import { DEFAULT_BOARD, loadBoard } from '../dist/actors/cpu/board.js';
import { adaptRootCpuSet, loadSystemConfig, serializeSystemConfig } from '../dist/shared/config/index.js';
import { checkQuiescent, type Expectations } from '../dist/cli/stress/stress-check.js';
import { stress } from '../dist/cli/stress/stress.js';
import { UserProcess } from '../dist/cli/shell/user.js';
import { hvView } from '../dist/cli/inspect/inspect.js';
import { stage2Format } from '../dist/actors/hypervisor/core/paging.js';
import { entryIndex, isTable, nextTable, readHi, readLo, tableView } from '../dist/shared/arm64/table-walk.js';
import { GicCpuWord, ICC_IGRPEN1_EN, ICH_VMCR_VENG1, gicCpuWord } from '../dist/actors/gic/index.js';

const CONFIG = fileURLToPath(new URL('../configs/qemu-arm64.json', import.meta.url));
const NR = 4;
const ALL = Array.from({ length: NR }, (_, i) => i);
const cfgBytes = serializeSystemConfig(adaptRootCpuSet(loadSystemConfig(CONFIG).config, NR));

let machine: Machine | undefined;
afterEach(async () => {
  const m = machine;
  machine = undefined;
  await m?.shutdown();
});

describe('checkQuiescent', () => {
  it('passes on healthy machines and reports corruption behind its back', async () => {
    const m = (machine = await Machine.boot({ board: DEFAULT_BOARD }));
    const admin = new UserProcess(m, 0);
    const checker = new UserProcess(m, 1);
    const exp: Expectations = { rootCpus: ALL };

    // Healthy and disabled.
    expect(await checkQuiescent(m, checker, exp)).toEqual([]);

    // Healthy and enabled (learns mem_pool_used after enable).
    expect(await admin.ioctl(JAILHOUSE_ENABLE, cfgBytes)).toBe(0);
    expect(await checkQuiescent(m, checker, exp)).toEqual([]);
    expect(exp.postEnablePoolUsed).toBeGreaterThan(0);
    expect(await checkQuiescent(m, checker, exp)).toEqual([]);

    // A CPU claiming to run native Linux while the hypervisor is enabled.
    const st = cpuWord(1, CpuWord.STATE);
    Atomics.store(m.cpus, st, CpuState.LINUX);
    try {
      const v = await checkQuiescent(m, checker, exp);
      expect(v.length).toBeGreaterThan(0);
      expect(v.some((x) => x.includes('CPU 1'))).toBe(true);
    } finally {
      Atomics.store(m.cpus, st, CpuState.GUEST);
    }
    expect(await checkQuiescent(m, checker, exp)).toEqual([]);

    // The isolation monitor found a foreign change made by CPU 3's guest.
    const iso = cpuWord(3, CpuWord.ISO_VIOLATIONS);
    Atomics.store(m.cpus, iso, 2);
    try {
      expect(await checkQuiescent(m, checker, exp)).toEqual(["the isolation monitor reported 2 violations by CPU 3's guest (see jailhouse console)"]);
    } finally {
      Atomics.store(m.cpus, iso, 0);
    }
    expect(await checkQuiescent(m, checker, exp)).toEqual([]);

    // A CPU that lost the hypervisor underneath while still in guest state.
    const hv = cpuWord(2, CpuWord.HV_ACTIVE);
    Atomics.store(m.cpus, hv, 0);
    try {
      const v = await checkQuiescent(m, checker, { rootCpus: ALL, postEnablePoolUsed: exp.postEnablePoolUsed });
      expect(v.some((x) => x.includes('CPU 2'))).toBe(true);
    } finally {
      Atomics.store(m.cpus, hv, 1);
    }

    // An online CPU whose (virtual) CPU interface has group-1 interrupts off: online before gic_cpu_init.
    const vmcr = gicCpuWord(2, GicCpuWord.ICH_VMCR);
    const was = Atomics.load(m.gic.i32, vmcr);
    expect(was & ICH_VMCR_VENG1).toBe(ICH_VMCR_VENG1);
    Atomics.store(m.gic.i32, vmcr, was & ~ICH_VMCR_VENG1);
    try {
      expect(await checkQuiescent(m, checker, exp)).toEqual([
        'CPU 2 is online in root-cell Linux but its GIC CPU interface has group-1 interrupts disabled (ICH_VMCR.VENG1 = 0): online before gic_cpu_init',
      ]);
    } finally {
      Atomics.store(m.gic.i32, vmcr, was);
    }
    expect(await checkQuiescent(m, checker, exp)).toEqual([]);

    // The CPU hotplug lock left held.
    Atomics.store(m.k32, KernelWord.HOTPLUG_LOCK, 1);
    try {
      const v = await checkQuiescent(m, checker, exp);
      expect(v.some((x) => x.includes('hotplug lock'))).toBe(true);
    } finally {
      Atomics.store(m.k32, KernelWord.HOTPLUG_LOCK, 0);
    }

    // mem_pool_used drifting from what every enable leaves.
    {
      const v = await checkQuiescent(m, checker, { rootCpus: ALL, postEnablePoolUsed: exp.postEnablePoolUsed! + 1 });
      expect(v.some((x) => x.includes('mem_pool_used'))).toBe(true);
    }

    // The cells' CPUs not covering the system's exactly once.
    {
      const v = await checkQuiescent(m, checker, { rootCpus: [0, 1, 2], postEnablePoolUsed: exp.postEnablePoolUsed });
      expect(v.some((x) => x.includes("the cells' CPUs 0,1,2,3 are not exactly the system's 0,1,2"))).toBe(true);
    }
    expect(await checkQuiescent(m, checker, exp)).toEqual([]);

    // Disabled: a CPU left under the hypervisor is caught too.
    expect(await admin.ioctl(JAILHOUSE_DISABLE)).toBe(0);
    expect(await checkQuiescent(m, checker, exp)).toEqual([]);
    Atomics.store(m.cpus, cpuWord(3, CpuWord.STATE), CpuState.GUEST);
    try {
      const v = await checkQuiescent(m, checker, exp);
      expect(v.some((x) => x.includes('CPU 3'))).toBe(true);
    } finally {
      Atomics.store(m.cpus, cpuWord(3, CpuWord.STATE), CpuState.LINUX);
    }
    expect(await checkQuiescent(m, checker, exp)).toEqual([]);
    // Natively the physical ICC_IGRPEN1_EL1 is what Linux set up.
    const grpen = gicCpuWord(1, GicCpuWord.ICC_IGRPEN1);
    expect(Atomics.load(m.gic.i32, grpen) & ICC_IGRPEN1_EN).toBe(ICC_IGRPEN1_EN);
    Atomics.store(m.gic.i32, grpen, 0);
    try {
      expect(await checkQuiescent(m, checker, exp)).toEqual([
        'CPU 1 is online in root-cell Linux but its GIC CPU interface has group-1 interrupts disabled (ICC_IGRPEN1_EL1 = 0): online before gic_cpu_init',
      ]);
    } finally {
      Atomics.store(m.gic.i32, grpen, ICC_IGRPEN1_EN);
    }
    expect(await checkQuiescent(m, checker, exp)).toEqual([]);
    expect(m.hangs).toEqual([]);
    expect(m.faults).toEqual([]);
  }, 30_000);
});

describe('checkQuiescent with cells', () => {
  it("reports a page of root's memory that no cell holds and root's stage 2 no longer maps", async () => {
    const m = (machine = await Machine.boot({ board: DEFAULT_BOARD }));
    const admin = new UserProcess(m, 0);
    const checker = new UserProcess(m, 1);
    const exp: Expectations = { rootCpus: ALL, cells: true };
    expect(await admin.ioctl(JAILHOUSE_ENABLE, cfgBytes)).toBe(0);
    expect(await checkQuiescent(m, checker, exp)).toEqual([]);

    // The descriptor of root's stage 2 that maps IPA 0x7e000000 (a 2 MiB block of root RAM).
    const hv = hvView(m)!;
    const root = hv.cells(8)[0]!;
    const fmt = stage2Format(m.board.pa_bits);
    const ipa = 0x7e000000;
    let tpa = hv.cellStage2Root(root);
    let desc = 0;
    for (const l of fmt.levels) {
      const t = tableView(m.mem, tpa, l.entries);
      const idx = entryIndex(l, ipa);
      desc = tpa + idx * 8;
      if (!isTable(l, readLo(t, idx))) break;
      tpa = nextTable(readLo(t, idx), readHi(t, idx));
    }
    const lo = m.mem.read32(desc);
    expect(lo & 1).toBe(1);
    m.mem.write32(desc, lo & ~1);
    try {
      const v = await checkQuiescent(m, checker, exp);
      expect(v).toEqual([expect.stringMatching(/^root cell's page 0x7e000000 \(IPA 0x7e000000, its config region at 0x40000000\) is held by no cell but not mapped by root's stage 2$/)]);
    } finally {
      m.mem.write32(desc, lo);
    }
    expect(await checkQuiescent(m, checker, exp)).toEqual([]);
    expect(await admin.ioctl(JAILHOUSE_DISABLE)).toBe(0);
  }, 30_000);
});

describe('stress campaign', () => {
  it('4 CPUs, 3 callers, 300 operations with hotplug and injected failures: no violation, no hang', async () => {
    const r = await stress({
      board: NR === DEFAULT_BOARD.cpus ? DEFAULT_BOARD : loadBoard(undefined, NR),
      callers: 3,
      iterations: 300,
      seed: 3,
      hotplug: true,
      failCpuRate: 0.2,
      delayPpm: 20_000,
      configFile: CONFIG,
      watchdogMs: 10_000,
    });
    expect(r.violations).toEqual([]);
    expect(r.hangs).toEqual([]);
    expect(r.operations).toBe(300);
    expect(r.checks).toBeGreaterThan(0);
    expect(r.injections).toBeGreaterThanOrEqual(1);
    expect(r.results.enable?.ok ?? 0).toBeGreaterThanOrEqual(1);
    // An injected cpu_init failure surfaced as the enable's result (EIO, ENOMEM or ENODEV); it
    // may also be absorbed when that enable fails earlier (EBUSY) or its CPU is not online.
    const injected = Object.keys(r.results.enable ?? {}).filter((k) => ['EIO', 'ENOMEM', 'ENODEV'].includes(k));
    expect(injected.length).toBeGreaterThan(0);
  }, 60_000);
});
