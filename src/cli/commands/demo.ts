/**
 * `jhsim demo` (npm start): a guided tour of what jhsim can do so far, on the bundled default
 * board and configs. It grows with each capability.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cpuTopology } from '../../actors/cpu/board.js';
import { processIo, type Io } from '../io.js';
import { bootFromOptions, endSession, reportIncidents, sessionShell, uartLogFrom, type GlobalOptions } from '../machine-options.js';
import { stress } from '../stress/stress.js';
import { DEFAULT_ROOT_CONFIG, PACKAGE_ROOT, resolveUserPath } from '../paths.js';
import { DEFAULT_GUEST_CONFIG, runGuest } from './guest-run.js';

const say = (io: Io, text: string): void => io.out(`\n# ${text}\n`);

export async function runDemo(opts: GlobalOptions, io: Io = processIo): Promise<number> {
  const s = await bootFromOptions(opts);
  const shell = sessionShell(s, io);
  const topo = cpuTopology(s.board);
  io.out(`jhsim demo: a ${s.board.name} board with ${s.board.cpus} CPUs, each a worker thread; GICD 0x${s.board.gic.gicd_base.toString(16)}, RAM ${s.board.ram.map((r) => `0x${r.base.toString(16)}+0x${r.size.toString(16)}`).join(', ')}\n`);
  io.out(`MPIDRs: ${topo.map((t) => `cpu${t.id}=0x${t.mpidr.toString(16)}`).join(' ')}\n`);
  let failures = 0;
  // Where the demo writes its bad config; removed at the end, whatever happens.
  let scratch: string | undefined;
  const run = async (line: string, expectFail = false): Promise<void> => {
    io.out(`root@jhsim:~# ${line}\n`);
    const code = await shell.runLine(line, true);
    if ((code !== 0) !== expectFail) failures++;
  };
  try {
    say(io, 'Enable the hypervisor: the driver IPIs every CPU (on_each_cpu), all meet in entry(), one error code for all.');
    await run(`jailhouse enable ${DEFAULT_ROOT_CONFIG}`);
    await run('cat /sys/devices/jailhouse/enabled /sys/devices/jailhouse/mem_pool_size /sys/devices/jailhouse/mem_pool_used');
    say(io, 'Create two cells: the driver hot-unplugs their CPUs from root Linux, the hypervisor parks them and moves the memory to the cells\' stage-2 tables.');
    await run('jailhouse cell create configs/cells/hello.json; jailhouse cell create configs/cells/compute.json; jailhouse cell list; cat /sys/devices/jailhouse/mem_pool_used /sys/devices/system/cpu/online');
    say(io, 'Load the built-in inmates (real A64 code) and start both cells; compute powers on its second CPU with PSCI CPU_ON. They run in parallel, each CPU in its own worker.');
    await run('jailhouse cell load hello configs/inmates/hello.bin; jailhouse cell load compute configs/inmates/compute.bin');
    await run('jailhouse cell start hello');
    await new Promise((r) => setTimeout(r, 300));
    await run('jailhouse cell start compute');
    await new Promise((r) => setTimeout(r, 1500));
    await run('jailhouse cell list; jailhouse console');
    say(io, 'Per-CPU vmexit counts (from shared memory) and the cell-wide statistics the real tool shows:');
    await run('cpus; jailhouse cell stats compute --once');
    say(io, 'A cell that writes outside its memory: the hypervisor panic-parks its CPU and the cell fails; root and compute keep running.');
    await run('jailhouse cell shutdown hello; jailhouse cell load hello configs/inmates/bad-access.bin; jailhouse cell start hello');
    await new Promise((r) => setTimeout(r, 500));
    await run('jailhouse cell list; cat /sys/devices/jailhouse/cells/1/cpus_failed_list');
    say(io, 'Destroy both cells (their CPUs come back online in root Linux) and disable.');
    await run('jailhouse cell destroy hello; jailhouse cell destroy compute; jailhouse cell list; cat /sys/devices/system/cpu/online /sys/devices/jailhouse/mem_pool_used');
    io.out('(mem_pool_used is one page above its post-enable value: taking compute\'s 64 KiB at 0x7f900000 out of the root\'s 2 MiB mapping split that block into a page table, and Jailhouse never merges it back.)\n');
    say(io, 'Interrupts: gic-demo (CPU 1) takes its virtual timer at 10 Hz through the GICv3 model and prints the jitter on its PL011; sgi-pingpong (CPUs 2-3) bounces SGI 5 between its CPUs. Their output carries the cell name.');
    await run('jailhouse cell create configs/cells/gic-demo.json; jailhouse cell load gic-demo configs/inmates/gic-demo.bin; jailhouse cell start gic-demo');
    await run('jailhouse cell create configs/cells/sgi-pingpong.json; jailhouse cell load sgi-pingpong configs/inmates/sgi-pingpong.bin; jailhouse cell start sgi-pingpong');
    await new Promise((r) => setTimeout(r, 1500));
    await run('jailhouse console');
    say(io, 'Their profiles: gic-demo a few MMIO exits while probing the redistributors, then one virt_irq exit per tick; sgi-pingpong one virt_sgi exit per SGI on the receiving CPU.');
    await run('cpus; jailhouse cell stats gic-demo --once');
    say(io, 'An adversarial cell on CPU 3 routes its own SPI 144 to CPU 0, outside the cell: the hypervisor refuses and panic-parks it; gic-demo keeps ticking.');
    await run('jailhouse cell destroy sgi-pingpong; jailhouse cell create configs/cells/gic-attack.json; jailhouse cell load gic-attack configs/inmates/gic-attack.bin -s 2 -a 0x1000; jailhouse cell start gic-attack');
    await new Promise((r) => setTimeout(r, 500));
    await run('jailhouse console; jailhouse cell list');
    await run('jailhouse cell destroy gic-attack; jailhouse cell destroy gic-demo');
    say(io, 'PCIe: the board\'s hierarchy as root Linux enumerated it (root ports, a switch, a PCIe-to-PCI bridge, an RCEC), and Jailhouse\'s virtual PCI host (domain 0001) with root\'s ivshmem devices, read through the trapped ECAM window.');
    await run('lspci -t; lspci -D -s 0001:00:');
    say(io, 'ivshmem: two cells find their ivshmem device 00:02.0 through the trapped ECAM, program BARs and an MSI-X vector, and exchange 10 messages with doorbell interrupts.');
    await run('jailhouse cell create configs/cells/ivshmem-b.json; jailhouse cell load ivshmem-b configs/inmates/ivshmem-demo.bin; jailhouse cell start ivshmem-b');
    await run('jailhouse cell create configs/cells/ivshmem-a.json; jailhouse cell load ivshmem-a configs/inmates/ivshmem-demo.bin; jailhouse cell start ivshmem-a');
    await new Promise((r) => setTimeout(r, 1500));
    await run('jailhouse console');
    say(io, 'Their doorbells and config accesses are mmio exits, the messages they receive virt_irq exits:');
    await run('jailhouse cell stats ivshmem-a --once; jailhouse cell destroy ivshmem-a; jailhouse cell destroy ivshmem-b');
    await run('jailhouse disable; cat /sys/devices/jailhouse/enabled; cpus');
    say(io, 'Bad input is rejected before anything changes: a config with the wrong revision, disabling twice.');
    scratch = mkdtempSync(join(tmpdir(), 'jhsim-demo-'));
    const bad = join(scratch, 'rev13.json');
    const cfg = JSON.parse(readFileSync(resolveUserPath(DEFAULT_ROOT_CONFIG), 'utf8')) as Record<string, unknown>;
    writeFileSync(bad, JSON.stringify({ ...cfg, revision: 13 }));
    await run(`jailhouse enable ${bad}`, true);
    await run('jailhouse disable', true);
    say(io, 'A short stress campaign: 3 concurrent callers, enable/disable and cell management with guest code running, invariants after every operation.');
    const r = await stress({
      board: s.board,
      callers: 3,
      iterations: 150,
      seed: 1,
      hotplug: false,
      cells: true,
      failCpuRate: 0.1,
      delayPpm: 20000,
      configFile: resolveUserPath(DEFAULT_ROOT_CONFIG),
      watchdogMs: 10_000,
    });
    io.out(`seed 1 (re-run: jhsim stress --callers 3 --iterations 150 --seed 1 --cells --fail-cpu-rate 0.1): ${r.operations} operations, ${r.checks} checks, ${r.violations.length} violations, ${r.hangs.length} hangs; results ${JSON.stringify(r.results)}\n`);
    if (r.violations.length || r.hangs.length) failures++;
    say(io, 'Real AArch64 code: a CRC-32 program built with aarch64-linux-gnu-gcc -O2 runs at EL1 on every CPU under the hypervisor (jhsim guest run).');
    io.out(`$ jhsim --cpus ${s.board.cpus} guest run test/guest-programs/crc32.elf\n`);
    const g = await runGuest({
      board: s.board,
      image: new Uint8Array(readFileSync(join(PACKAGE_ROOT, 'test', 'guest-programs', 'crc32.elf'))),
      name: 'crc32.elf',
      configFile: resolveUserPath(DEFAULT_GUEST_CONFIG),
      maxInstructions: 0,
      allCpus: true,
      timeoutMs: 60_000,
      onOutput: (t) => io.out(t),
      uartLogDir: uartLogFrom(opts),
    });
    for (const c of g.cpus) {
      io.out(`cpu${c.cpu}: ${c.status}, ${c.instructions} instructions, vmexits total ${c.vmexits.vmexits_total} (hypercall ${c.vmexits.vmexits_hypercall}, psci ${c.vmexits.vmexits_psci})\n`);
    }
    if (g.cpus.some((c) => c.status !== 'off')) failures++;
    io.out(`\nMore: jhsim shell | jhsim run -c "..." | jhsim stress --help | jhsim guest run --help | jhsim bench\n`);
  } finally {
    failures += reportIncidents(s);
    await endSession(s);
    if (scratch !== undefined) rmSync(scratch, { recursive: true, force: true });
  }
  return failures ? 1 : 0;
}
