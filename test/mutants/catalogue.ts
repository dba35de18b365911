/**
 * The mutants: small deliberate concurrency and resource bugs in jhsim's own hypervisor, driver,
 * root-Linux model and sync layer, each an exact search/replace on a file under src/ (every
 * search must match exactly once, or the harness refuses to run: a mutant cannot silently
 * rot), and the stress profile that suits it. `npm run mutants` measures which of them the
 * stress harness catches (test/mutants/main.ts).
 */

/** One exact replacement in a file under src/ (path relative to src/). */
export interface Edit {
  file: string;
  search: string;
  replace: string;
}

/** A stress workload: extra `jhsim stress` options, operations per run, runs at most. */
export interface Profile {
  args: readonly string[];
  iterations: number;
  runs: number;
}

/** The workloads mutants use (always with --cpus 4 --callers 3). */
export const PROFILES = {
  /** enable/disable with CPU hotplug and injected cpu_init failures: fast, ~300 ops/s. */
  basic: { args: ['--hotplug', '--fail-cpu-rate', '0.1'], iterations: 400, runs: 8 },
  /** cell create/load/start/shutdown/destroy with guest code, against enable/disable: ~30 ops/s. */
  cells: { args: ['--cells'], iterations: 150, runs: 5 },
  /** cells and CPU hotplug together. */
  'cells-hotplug': { args: ['--cells', '--hotplug'], iterations: 400, runs: 6 },
} as const satisfies Record<string, Profile>;

export type ProfileName = keyof typeof PROFILES;

export type Kind = 'lock' | 'barrier' | 'error' | 'wakeup' | 'wait' | 'leak' | 'check-then-act' | 'ordering' | 'cpu-set' | 'lifecycle';

export interface Mutant {
  id: string;
  kind: Kind;
  description: string;
  profile: ProfileName;
  edits: readonly Edit[];
  /** Why the mutant may survive the stress harness (printed when it does). */
  note?: string;
}

const l = (...lines: string[]): string => lines.join('\n');

const DRV_MAIN = 'actors/hypervisor/driver/main.ts';
const DRV_CELL = 'actors/hypervisor/driver/cell-ioctl.ts';
const SETUP = 'actors/hypervisor/core/setup.ts';
const CONTROL = 'actors/hypervisor/core/control.ts';
const PERCPU = 'actors/hypervisor/core/percpu-control.ts';
const CELL_MGMT = 'actors/hypervisor/core/cell-mgmt.ts';
const IRQCHIP_CELL = 'actors/hypervisor/core/irqchip-cell.ts';
const HOTPLUG = 'actors/cpu/linux/hotplug.ts';
const SYNC = 'shared/sync.ts';

export const MUTANTS: readonly Mutant[] = [
  {
    id: 'drv-enable-unlock-after-check',
    kind: 'check-then-act',
    description: "ENABLE drops jailhouse_lock right after its already-enabled check, so two enables both pass it",
    profile: 'basic',
    edits: [
      {
        file: DRV_MAIN,
        search: l('    return enableLocked(k, caller, arg, hdr, maxCpus);', '  } finally {', '    unlockJailhouse(k);', '  }'),
        replace: l('    return enableLocked(k, caller, arg, hdr, maxCpus);', '  } finally {', '    // released in enableLocked', '  }'),
      },
      {
        file: DRV_MAIN,
        search: "  if (d.enabled) return err(k, Errno.EBUSY, 'hypervisor already enabled');",
        replace: l('  const was = d.enabled;', '  unlockJailhouse(k);', "  if (was) return err(k, Errno.EBUSY, 'hypervisor already enabled');"),
      },
    ],
  },
  {
    id: 'drv-call-done-one-short',
    kind: 'barrier',
    description: "ENABLE's call_done barrier waits for one CPU fewer than it sent enter_hypervisor to",
    profile: 'basic',
    edits: [
      {
        file: DRV_MAIN,
        search: "k.waitIrqsOn(() => d.get(DrvWord.CALL_DONE) >= online.length, 'call_done == num_online_cpus (enable)');",
        replace: "k.waitIrqsOn(() => d.get(DrvWord.CALL_DONE) >= online.length - 1, 'call_done == num_online_cpus (enable)');",
      },
    ],
  },
  {
    id: 'drv-enable-no-hotplug-lock',
    kind: 'lock',
    description: 'ENABLE runs on_each_cpu without cpus_read_lock, so CPU hotplug changes the online set under the rendezvous',
    profile: 'basic',
    edits: [
      { file: DRV_MAIN, search: l("  d.set(DrvWord.ERROR_CODE, 0);", '  cpusReadLock(k);', '  let online: number[];'), replace: l("  d.set(DrvWord.ERROR_CODE, 0);", '  let online: number[];') },
      {
        file: DRV_MAIN,
        search: l("'call_done == num_online_cpus (enable)');", '  } finally {', '    cpusReadUnlock(k);', '  }'),
        replace: l("'call_done == num_online_cpus (enable)');", '  } finally {', '    // no hotplug lock taken', '  }'),
      },
    ],
  },
  {
    id: 'drv-create-hotplug-lock-per-cpu',
    kind: 'lock',
    description: "cell create releases the CPU hotplug lock after each remove_cpu (upstream's window): a CPU can come back online before CELL_CREATE takes it",
    profile: 'cells-hotplug',
    edits: [
      {
        file: DRV_CELL,
        search: '  if (k.c.upstreamRaces) return offlineAndCreate(k, d, cfg, name, cpus, slot, id);',
        replace: '  return offlineAndCreate(k, d, cfg, name, cpus, slot, id);',
      },
    ],
  },
  {
    id: 'drv-destroy-cpus-not-returned',
    kind: 'cpu-set',
    description: "cell destroy does not give the cell's CPUs back to the root cell in the driver's table",
    profile: 'cells',
    edits: [
      {
        file: DRV_CELL,
        search: l('      setOfflined(d, cpu, false);', '    }', '    setRootCpu(d, cpu, true);', '  }', '  k.printk(`Destroyed'),
        replace: l('      setOfflined(d, cpu, false);', '    }', '  }', '  k.printk(`Destroyed'),
      },
    ],
  },
  {
    id: 'disable-with-cells',
    kind: 'lifecycle',
    description: 'DISABLE allowed while cells exist: the driver skips destroying them and the hypervisor no longer refuses with EBUSY',
    profile: 'cells',
    edits: [
      { file: DRV_MAIN, search: '  const destroyed = cellDestroyNonRoot(k, d);', replace: '  const destroyed = 0;' },
      { file: CONTROL, search: '      const state = numCells === 1 ? ShutdownState.STARTED : -Errno.EBUSY;', replace: '      const state = ShutdownState.STARTED;' },
    ],
  },
  {
    id: 'hv-disable-ignores-cells',
    kind: 'lifecycle',
    description: "the hypervisor's shutdown no longer refuses with EBUSY while non-root cells exist (the driver still destroys them first)",
    profile: 'cells',
    note:
      "equivalent through the driver, so in every mode: disable_locked destroys every cell under jailhouse_lock (which every cell ioctl takes too) and returns before the hypercall if a destroy fails, so NUM_CELLS is 1 whenever the driver's DISABLE reaches the hypervisor; only a root program issuing the hypercall itself could tell, and stress drives the machine through the driver (disable-with-cells removes both lines and is caught)",
    edits: [{ file: CONTROL, search: '      const state = numCells === 1 ? ShutdownState.STARTED : -Errno.EBUSY;', replace: '      const state = ShutdownState.STARTED;' }],
  },
  {
    id: 'hv-disable-barrier-one-short',
    kind: 'barrier',
    description: "DISABLE's waiting_cpus rendezvous counts one CPU short (its wake-up and its wait): the first CPUs run the global shutdown before the last arrives",
    profile: 'basic',
    note:
      "equivalent in jhsim, so in every mode: the first CPUs through run the global shutdown while the last is still in root Linux (or on its way into the hypercall), but that shutdown (PCI handover of root's devices, the irqchip's stub) changes nothing the late CPU uses: root Linux drives no PCI device under stress, the late CPU's own hypercall still finds its STARTED state and releases itself, the console lines come out in the same order, and the driver waits for every CPU's call_done before it frees anything",
    edits: [
      {
        file: CONTROL,
        search: '      if (Atomics.add(waiting.view, waiting.index, 1) + 1 >= hv.onlineCpus) signal(gen);',
        replace: '      if (Atomics.add(waiting.view, waiting.index, 1) + 1 >= hv.onlineCpus - 1) signal(gen);',
      },
      {
        file: CONTROL,
        search: "waitUntil(c.policy, gen, () => hv.load(waiting) >= hv.onlineCpus, 'disable barrier: waiting_cpus == online_cpus');",
        replace: "waitUntil(c.policy, gen, () => hv.load(waiting) >= hv.onlineCpus - 1, 'disable barrier: waiting_cpus == online_cpus');",
      },
    ],
  },
  {
    id: 'hv-entry-barrier-one-short',
    kind: 'barrier',
    description: "entry's rendezvous counts one CPU short (entered_cpus and initialized_cpus): init_late and activation race the last CPU's cpu_init",
    profile: 'basic',
    edits: [{ file: SETUP, search: '  const online = hv.onlineCpus;', replace: '  const online = hv.onlineCpus - 1;' }],
  },
  {
    id: 'hv-entry-cpu-init-unlocked',
    kind: 'lock',
    description: 'init_lock narrowed: cpu_init (page-pool allocations) runs outside it, concurrently on every CPU',
    profile: 'basic',
    edits: [
      {
        file: SETUP,
        search: l('    if (!hv.load(error)) {', '      const err = cpuInit(hv);', '      if (err) hv.store(error, err);', '      else Atomics.add(initialized.view, initialized.index, 1);', '    }'),
        replace: l('    spinUnlock(initLock);', '    if (!hv.load(error)) {', '      const err = cpuInit(hv);', '      if (err) hv.store(error, err);', '      else Atomics.add(initialized.view, initialized.index, 1);', '    }', "    spinLock(c.policy, initLock, 'init_lock');"),
      },
    ],
  },
  {
    id: 'hv-entry-error-not-shared',
    kind: 'error',
    description: "a CPU whose cpu_init fails keeps the error to itself instead of publishing it in the shared `error`",
    profile: 'basic',
    edits: [{ file: SETUP, search: l('      if (err) hv.store(error, err);', '      else Atomics.add(initialized.view, initialized.index, 1);'), replace: '      if (!err) Atomics.add(initialized.view, initialized.index, 1);' }],
  },
  {
    id: 'hv-suspend-no-wait',
    kind: 'wait',
    description: 'suspend_cpu sends SGI_EVENT but does not wait for the target to report cpu_suspended',
    profile: 'cells',
    edits: [
      {
        file: PERCPU,
        search: l(
          '    archSendEvent(hv, target);',
          '    const suspended = field(hv, target, PUB.CPU_SUSPENDED);',
          '    waitUntil(hv.c.policy, genOf(hv, target), () => hv.load(suspended) !== 0, `suspend_cpu: waiting for CPU ${target} to suspend`);',
        ),
        replace: '    archSendEvent(hv, target);',
      },
    ],
  },
  {
    id: 'hv-resume-no-wait',
    kind: 'wait',
    description: "resume_cpu does not wait for the target to leave check_events (upstream's behaviour, which jhsim's slow threads expose)",
    profile: 'cells-hotplug',
    edits: [
      {
        file: PERCPU,
        search: l(
          '  const again = field(hv, target, PUB.SUSPEND_CPU);',
          '  waitUntil(hv.c.policy, genOf(hv, target), () => hv.load(suspended) === 0 || hv.load(again) !== 0, `resume_cpu: waiting for CPU ${target} to leave check_events`);',
        ),
        replace: '  void suspended;',
      },
    ],
  },
  {
    id: 'hv-resume-wakes-before-state',
    kind: 'wakeup',
    description: 'check_events clears cpu_suspended (waking the resumer) before it settles its own state (parked, guest)',
    profile: 'cells-hotplug',
    edits: [
      {
        file: PERCPU,
        search: l(
          '  const park = hv.load(wfp) !== 0;',
          '  if (park) c.setState(parkedState(hv));',
          '  else if (c.state === CpuState.SUSPENDED) c.setState(before === CpuState.SUSPENDED ? CpuState.HYPERVISOR : before);',
          '  if (hv.load(suspended)) {',
          '    hv.store(suspended, 0);',
          '    signal(genOf(hv, me));',
          '  }',
        ),
        replace: l(
          '  if (hv.load(suspended)) {',
          '    hv.store(suspended, 0);',
          '    signal(genOf(hv, me));',
          '  }',
          '  const park = hv.load(wfp) !== 0;',
          '  if (park) c.setState(parkedState(hv));',
          '  else if (c.state === CpuState.SUSPENDED) c.setState(before === CpuState.SUSPENDED ? CpuState.HYPERVISOR : before);',
        ),
      },
    ],
  },
  {
    id: 'hv-create-clears-cell-bit',
    kind: 'cpu-set',
    description: "cell create clears the CPU's bit in the new cell's set instead of the root cell's",
    profile: 'cells',
    edits: [{ file: CELL_MGMT, search: '    cellSetCpu(hv, root, cpu, false);', replace: '    cellSetCpu(hv, cell, cpu, false);' }],
  },
  {
    id: 'hv-create-keeps-root-mapping',
    kind: 'leak',
    description: "cell create maps the cell's memory without taking it out of the root cell's stage 2",
    profile: 'cells',
    edits: [{ file: CELL_MGMT, search: '    if (!(r.flags & (MemFlags.COMM_REGION | MemFlags.ROOTSHARED))) err = unmapFromRootCell(hv, r);', replace: '    // root keeps its mapping' }],
  },
  {
    id: 'hv-destroy-leaks-cell-pages',
    kind: 'leak',
    description: 'cell destroy does not free the struct cell and config-copy pages',
    profile: 'cells',
    edits: [{ file: CELL_MGMT, search: l('    freeCellPages(hv, cell);', "    poolStats(hv, 'cell destruction');"), replace: "    poolStats(hv, 'cell destruction');" }],
  },
  {
    id: 'hv-destroy-no-remap-root',
    kind: 'leak',
    description: "cell destroy unmaps the cell's memory but never maps it back into the root cell",
    profile: 'cells',
    edits: [{ file: CELL_MGMT, search: '    if (!(r.flags & (MemFlags.COMM_REGION | MemFlags.ROOTSHARED))) remapToRootCell(hv, r, false);', replace: '    // memory not handed back to root' }],
  },
  {
    id: 'hv-irq-root-keeps-spi',
    kind: 'cpu-set',
    description: "cell create gives the cell its SPIs without clearing them from the root cell's irq_bitmap",
    profile: 'cells',
    edits: [
      {
        file: IRQCHIP_CELL,
        search: '  if (cell !== root) for (let n = 1; n < IRQ_WORDS; n++) m.write32(bitmapWord(root, n), m.read32(bitmapWord(root, n)) & ~bits[n]!);',
        replace: '  void root;',
      },
    ],
  },
  {
    id: 'linux-online-before-ready',
    kind: 'ordering',
    description: 'secondary_start_kernel publishes the CPU in the online mask before setting its state and GIC up',
    profile: 'basic',
    note:
      "the CPU is online before gic_cpu_init: seen by the check that an online CPU has group-1 interrupts enabled, when a quiescent point falls while the booting CPU is still inside gic_cpu_init (under the hypervisor its GICR writes trap, which are schedule points); random schedules and real threads get there within the budget; PCT (also with --pct-steps 15000, about a basic run's length) and round-robin did not",
    edits: [
      {
        file: HOTPLUG,
        search: l('  c.setState(c.hvActive ? CpuState.GUEST : CpuState.LINUX);', '  gicCpuInit(k);', '  k.setOnline(k.cpu, true);'),
        replace: l('  k.setOnline(k.cpu, true);', '  c.setState(c.hvActive ? CpuState.GUEST : CpuState.LINUX);', '  gicCpuInit(k);'),
      },
    ],
  },
  {
    id: 'sync-spinlock-test-then-set',
    kind: 'check-then-act',
    description: "the spinlock's contended paths (spinning, then sleeping) test the word and then store it, not one atomic swap: two CPUs can both take it",
    profile: 'basic',
    note:
      "a real bug that needs two CPUs between the test and the set (nanoseconds apart) at once, on the contended path only, while 4 workers share 2 cores; spinUnlock faults on a release of a free lock, so a double acquisition is reported whenever one happens (no consequence needed). Controlled modes never run the mutated lines: their branch of spinLock takes the lock with one compare-exchange between schedule points, and no other agent runs between two points",
    edits: [
      {
        file: SYNC,
        search: '    if (Atomics.load(view, index) === 0 && Atomics.compareExchange(view, index, 0, 1) === 0) return;',
        replace: l('    if (Atomics.load(view, index) === 0) {', '      Atomics.store(view, index, 1);', '      return;', '    }'),
      },
      { file: SYNC, search: '    const prev = Atomics.exchange(view, index, 2);', replace: l('    const prev = Atomics.load(view, index);', '    Atomics.store(view, index, 2);') },
    ],
  },
  {
    id: 'sync-wait-gen-after-cond',
    kind: 'ordering',
    description: 'waitUntil reads the generation word after testing the condition: a signal in between is lost (until the 50 ms slice ends)',
    profile: 'basic',
    note:
      "harmless in jhsim: every real-thread wait sleeps in 50 ms slices, so a lost wake-up costs at most one slice, not correctness, and no state invariant can see it (ops/s might, within the noise). Controlled modes never run the mutated lines: their branch of waitUntil blocks on the generation value it loaded before the test, at a schedule point, and no other agent runs between two points",
    edits: [{ file: SYNC, search: l('    const g = Atomics.load(gen.view, gen.index);', '    if (cond()) return;'), replace: l('    if (cond()) return;', '    const g = Atomics.load(gen.view, gen.index);') }],
  },
];
