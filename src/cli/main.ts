#!/usr/bin/env node
/**
 * jhsim: the command line. Global options pick the board and machine; subcommands run the
 * demo, a root-cell shell, scripts, stress campaigns, benchmarks and config tools.
 */
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { Errno, ErrnoError } from '../shared/errno.js';
import { ExploreDiverged } from '../shared/sched/explore.js';
import { ConfigError, adaptRootCpuSet, configToJson, loadCellConfig, loadSystemConfig } from '../shared/config/index.js';
import { buildFirmwareImage } from '../actors/hypervisor/core/firmware.js';
import { runBench } from './bench/bench.js';
import { INMATES, buildInmate } from '../actors/cpu/inmates/index.js';
import { runDemo } from './commands/demo.js';
import { interactive } from './shell/interactive.js';
import { processIo } from './io.js';
import { LOG_LEVELS } from './logger.js';
import { boardFrom, bootFromOptions, endSession, sessionShell, isolationFrom, parseIntOption, reportIncidents, uartLogFrom, watchdogFrom, type GlobalOptions } from './machine-options.js';
import { DEFAULT_GUEST_CONFIG, DEFAULT_RAW_LOAD, guestRunCli, type GuestCliOptions } from './commands/guest-run.js';
import { resolveUserPath } from './paths.js';
import { Shell } from './shell/shell.js';
import { configCheck, isSystemConfig, type ConfigCheckOptions } from './tools/config-check.js';
import { runStress, type StressCliOptions } from './stress/stress-cli.js';
import { DEFAULT_MAX_SCHEDULES, DEFAULT_PREEMPTION_BOUND } from './stress/stress-options.js';
import { replayCli, type ReplayCliOptions } from './replay/replay-cli.js';
import { addScheduleOptions, controlledFrom, rerunWithSeed, type ScheduleCliOptions } from './schedule-options.js';
import { figuresLine, runFigures, type ControlledOptions } from '../shared/sched/control.js';
import { STRATEGY_NAMES } from '../shared/sched/layout.js';
import { ScheduleStopped } from '../shared/sched/main-agent.js';
import { randomSeed } from '../shared/rng.js';
import { MACHINE_GLOBALS, SESSION_GLOBALS, finishHelp, helpConfiguration, honours, packageVersion } from './help.js';
import { errnoLabel, fsErrno, fsErrorText } from './file-errors.js';
import { profileCli, type ProfileCliOptions } from './profile/profile-cli.js';
import { SORT_KEYS } from './profile/profile-report.js';
import { EVENT_CLASSES } from './profile/profile-names.js';
import { firmwareInfoCli, type FirmwareInfoOptions } from './commands/firmware-info.js';
import { TLP_ENCODE_HELP, tlpDecodeCli, tlpEncodeCli, type TlpDecodeCliOptions, type TlpEncodeCliOptions } from './commands/tlp.js';

const program = new Command();
program
  .name('jhsim')
  .description('A truly concurrent simulation of the Jailhouse partitioning hypervisor on an arm64 board')
  .version(packageVersion(), '-V, --version', 'print the version (package.json) and exit')
  // Before the commands: each copies the help configuration when it is created.
  .configureHelp(helpConfiguration)
  .option('--board <file>', 'board description (JSON); default: QEMU arm64 virt')
  .option('--cpus <n>', 'number of CPUs (2..64), overrides the board')
  .option('--firmware <file>', 'hypervisor image the driver loads instead of the built jailhouse.bin')
  .option('--watchdog <ms>', 'deadline for any single wait inside the machine', '10000')
  .addOption(new Option('--filters <which>', "the hypervisor's GIC filters: Jailhouse's own (flaws included) or jhsim's corrected ones").choices(['upstream', 'fixed']).default('upstream'))
  .addOption(new Option('--isolation-monitor <on|off>', 'report emulated writes that change another cell\'s interrupts, PCI devices or ivshmem peers').choices(['on', 'off']).default('on'))
  .option('--upstream-races', "keep upstream's race windows (cell create releases the CPU hotplug lock before its hypercall; a failed create leaves its CPUs with a stale park), which jhsim closes by default")
  .option('--uart-log <dir>', "write each cell's UART output to DIR/<cell name>.log (shell, run, demo, guest run)")
  .option('--profile <file>', 'record every vmexit (shell, run, demo, guest run, stress) and write FILE (Chrome/Perfetto trace), FILE .html (report) and .txt (tables) at the end')
  .addOption(new Option('--log-level <level>', 'log level of the supervisor (stderr)').choices([...LOG_LEVELS]).default('warn'));

const globals = (): GlobalOptions => program.opts<GlobalOptions>();

/** --schedule of `run` / `guest run`: the seed printed first, with the line that runs it again. */
function scheduleFor(o: ScheduleCliOptions): ControlledOptions | undefined {
  if (o.schedule === undefined) return undefined;
  const seed = parseIntOption('--seed', o.seed, 0, 0xffffffff) ?? randomSeed();
  const c = controlledFrom(o, seed)!;
  process.stderr.write(`seed ${seed} (re-run: ${rerunWithSeed(process.argv, seed)})\n`);
  return c;
}

async function withShell(schedule: ControlledOptions | undefined, fn: (shell: Shell) => Promise<number>): Promise<number> {
  const s = await bootFromOptions(globals(), schedule ? { controlled: true } : {});
  const shell = sessionShell(s, processIo);
  try {
    if (!schedule) return await fn(shell);
    let code = 1;
    try {
      code = await s.machine.runControlled(schedule, () => fn(shell));
    } catch (e) {
      if (!(e instanceof ScheduleStopped)) throw e;
    }
    const f = runFigures(s.machine.sched!);
    const stop = s.machine.controlledStop;
    process.stderr.write(`${figuresLine(f, STRATEGY_NAMES[schedule.strategy])}\n`);
    if (stop) {
      process.stderr.write(`${stop.join('\n')}\n`);
      return 1;
    }
    return code;
  } finally {
    reportIncidents(s);
    await endSession(s);
  }
}

honours(program.command('demo'), SESSION_GLOBALS)
  .description('show what jhsim does so far on the bundled default configs (npm start)')
  .action(async () => {
    process.exitCode = await runDemo(globals());
  });

honours(program.command('shell'), SESSION_GLOBALS)
  .description('interactive root-cell shell (jailhouse, cat, echo > sysfs, ...; type help)')
  .action(async () => {
    process.exitCode = await withShell(undefined, (sh) => interactive(sh));
  });

addScheduleOptions(honours(program.command('run'), SESSION_GLOBALS), true)
  .description('run shell commands from FILE or -c, stopping at the first failing command')
  .argument('[file]', 'script with one or more commands per line')
  .option('-c, --command <cmds>', 'commands separated by ";"')
  .action(async (file: string | undefined, o: { command?: string } & ScheduleCliOptions) => {
    if (!file && o.command === undefined) throw new ErrnoError(22, 'run: give a FILE or -c "commands"');
    const lines = o.command !== undefined ? [o.command] : readFileSync(file!, 'utf8').split('\n');
    process.exitCode = await withShell(scheduleFor(o), async (sh) => {
      for (const line of lines) {
        const code = await sh.runLine(line, true);
        if (code !== 0) return code;
      }
      return 0;
    });
  });

const stressCmd = honours(program.command('stress'), [...MACHINE_GLOBALS, '--profile']);
addScheduleOptions(stressCmd, false, true);
stressCmd
  .description('concurrent enable/disable (hotplug, cell management) callers against one machine, invariants checked after every operation')
  .option('--callers <n>', 'concurrent user-space callers', '3')
  .option('--iterations <n>', 'operations in total', '1000')
  .option('--seed <n>', 'seed (default: random, printed first)')
  .option('--hotplug', 'also take CPUs offline and online')
  .option('--cells', 'also create, load, start, shut down and destroy cells running guest code (built-in inmates)')
  .option('--fail-cpu-rate <p>', 'probability that an enable makes one random CPU fail its hypervisor entry', '0')
  .option('--delay-ppm <n>', 'chance per schedule point (ppm) of a seeded delay that widens race windows', '20000')
  .option('--config <file>', 'root cell config (its CPU set is adapted to the board)', 'configs/qemu-arm64.json')
  .option('--runs <n>', 'a campaign of N runs with seeds seed, seed+1, ... (a piscina pool of finite jobs)', '1')
  .option('--parallel <n>', 'campaign runs at a time (each has its own machine and CPU workers)', '1')
  .option('--preemption-bound <n>', 'exhaustive: preemptions a schedule may take (switches away from an agent that could go on)', String(DEFAULT_PREEMPTION_BOUND))
  .option('--delay-bound <n>', 'exhaustive: bound the delays instead (every deviation from the default schedule counts, switches at blocks too): far fewer schedules per bound')
  .option('--max-schedules <n>', 'exhaustive: schedules to run at most before the search stops unfinished', String(DEFAULT_MAX_SCHEDULES))
  .option('--record <file>', 'controlled mode: write the schedule file (decisions, command line, input hashes) for `jhsim replay`')
  .option('--bundle <dir>', 'where a failing run writes its failure bundle (schedule, operation log, report, consoles, CPU states, replay line)', undefined)
  .option('--no-bundle', 'write no failure bundle')
  .option('--fail-fast', 'stop at the first violation (no final clean-up); hangs always stop a run, and so does any failure of a controlled run')
  .option('--json', 'print one JSON object instead of the report (with the operation log and the bundle path)')
  .action(async (o: StressCliOptions) => {
    process.exitCode = await runStress(globals(), o);
  });

program.command('replay')
  .description('run a recorded schedule (a controlled stress run\'s schedule file or failure bundle) again, decision for decision, and say whether the recorded failure happens again')
  .argument('<file>', 'schedule file (schedule.json of a failure bundle, or written by stress --record)')
  .option('--trace [n]', 'print the last N schedule points before the run ended: CPU, what it did, the lock or word, the operation (default 60)')
  .option('--minimize', 'shrink the failing schedule (fewer operations, fewer preemptions) while the same failure occurs; writes FILE.min.json')
  .option('-o, --out <file>', 'with --minimize: where to write the smallest schedule')
  .option('--budget <n>', 'with --minimize: replays to spend at most', '80')
  .option('--force', 'replay even if the board, root config or firmware changed since the recording')
  .option('--json', 'print the replayed run as stress --json does')
  .action(async (file: string, o: ReplayCliOptions) => {
    process.exitCode = await replayCli(file, o);
  });

honours(program.command('profile'), SESSION_GLOBALS.filter((o) => o !== '--profile'))
  .description('record every vmexit of a session (the bundled gic-demo + sgi-pingpong + ivshmem scenario, a script or -c) and report them as perf kvm stat does, plus a Perfetto trace and an HTML report')
  .argument('[file]', 'script with one or more shell commands per line (default: the bundled scenario)')
  .option('-c, --command <cmds>', 'commands separated by ";" instead of the scenario')
  .option('--duration <s>', 'seconds the scenario\'s cells run', '3')
  .option('-o, --out <file>', 'trace file; the report and tables go beside it (.html, .txt)', 'jhsim-profile.json')
  .addOption(new Option('--sort <key>', 'order of the reasons').choices([...SORT_KEYS]).default('samples'))
  .option('--cpu <list>', 'only these CPUs (comma-separated)')
  .option('--cell <names>', 'only these cells (names or ids, comma-separated)')
  .addOption(new Option('--event <class>', 'only this kind of exit').choices([...EVENT_CLASSES]))
  .option('--json', 'print the report as JSON')
  .option('--csv', 'print the report as CSV')
  .action(async (file: string | undefined, o: ProfileCliOptions) => {
    process.exitCode = await profileCli(globals(), file, o);
  });

// fast-check loads only when the command runs (dynamic import): other commands start as fast as before.
const { FUZZ_HELP } = await import('./fuzz/help.js');
honours(program.command('fuzz'), MACHINE_GLOBALS)
  .description('seeded fuzz campaigns (fast-check) over everything a user can feed jhsim: bad input must get a clear error and change nothing, nothing may hang')
  .option('--target <names...>', 'targets (space- or comma-separated): all, cell-config, system-config, image, guest-code, shell, tlp', ['all'])
  .option('--runs <n>', 'cases per target', '100')
  .option('--seed <n>', 'campaign seed (default: random, printed first)')
  .option('--path <p>', 'replay the one case a failure printed (with --seed and one --target)')
  .option('--shrink-seconds <s>', 'how long to shrink a failing case (each step boots a fresh machine)', '30')
  .option('--case-timeout <s>', 'wall-clock limit of one case; past it the case is a hang', '30')
  .option('--work-dir <dir>', 'where case files and reproducers go (default: a new temporary directory, removed when nothing failed)')
  .option('--keep-going', 'after a failure, go on with the cases left (each further failure replays with its own seed)')
  .option('--json', 'print one JSON object (the seed line goes to stderr)')
  .addHelpText('after', FUZZ_HELP)
  .action(async (o: import('./fuzz/index.js').FuzzCliOptions) => {
    const { fuzzCli } = await import('./fuzz/index.js');
    const code = await fuzzCli(globals(), o, processIo);
    // A case that wedged a machine may leave its worker threads behind: the report is out, so
    // the campaign ends here instead of waiting for them.
    await new Promise<void>((r) => process.stdout.write('', () => process.stderr.write('', () => r())));
    process.exit(code);
  });

program
  .command('bench')
  .description('enable+disable cycle cost against a bare Atomics barrier (2..16 CPUs), IPI latency, guest engine speed')
  .option('--json', 'print {"results":[...]} as JSON')
  .option('--cpus-list <list>', 'CPU counts to measure', '2,4,8,16')
  .option('--cycles <n>', 'enable+disable cycles timed per CPU count (after the warm-up)', '300')
  .option('--guest-instructions <n>', 'guest instructions per CPU for the guest-engine integer and memory benches (the MMIO bench runs 1/20 of it, the FP/SIMD bench 1/50; 0 skips them)', '200000000')
  .option('--stress-operations <n>', 'operations per run of the stress exploration bench (stress --cells, 8 CPUs, real threads vs controlled; 0 skips it)', '150')
  .action(async (o: { json?: boolean; cpusList: string; cycles: string; guestInstructions: string; stressOperations: string }) => {
    process.exitCode = await runBench(o);
  });

const guest = program.command('guest').description('run AArch64 guest code on the simulated CPUs (bare-machine harness)');
// guest run boots its own harness: no --firmware (it enables the built image), no --log-level.
addScheduleOptions(honours(guest.command('run'), ['--board', '--cpus', '--watchdog', '--filters', '--isolation-monitor', '--upstream-races', '--uart-log', '--profile']), true)
  .description('enable the hypervisor, load IMAGE (raw or ELF) into root RAM and run it at EL1 as QEMU virt boots it: CPU 0 at the entry, the others powered off until PSCI CPU_ON')
  .argument('<image>', 'raw binary or AArch64 ELF64 executable')
  .option('--entry <addr>', 'entry point (default: the ELF entry, or the load address of a raw image)')
  .option('--load <addr>', `load address of a raw image (default 0x${DEFAULT_RAW_LOAD.toString(16)})`)
  .option('--max-instructions <n>', 'stop each CPU after N instructions (default: run until CPU_OFF)')
  .option('--all-cpus', 'start every CPU at the entry, x0 = its CPU number (default: only CPU 0)')
  .option('--timeout <s>', 'wall-clock limit in seconds', '60')
  .option('--config <file>', 'root cell config (CPU set adapted to the board)', DEFAULT_GUEST_CONFIG)
  .option('--json', 'print one JSON object (output, per-CPU instructions and vmexits) instead of streaming')
  .action(async (image: string, o: GuestCliOptions & ScheduleCliOptions) => {
    const g = globals();
    const schedule = scheduleFor(o);
    process.exitCode = await guestRunCli(boardFrom(g), resolveUserPath(image), { ...o, config: resolveUserPath(o.config), profile: g.profile, schedule }, processIo, watchdogFrom(g), uartLogFrom(g), isolationFrom(g), !!g.upstreamRaces);
  });

const inmate = program.command('inmate').description('built-in inmate images for the demo cells (configs/inmates/*.bin are copies)');
inmate.command('list')
  .description('list the built-in inmates')
  .option('--json', 'print one JSON array of {name, description}')
  .action((o: { json?: boolean }) => {
    if (o.json) processIo.out(`${JSON.stringify(INMATES.map((i) => ({ name: i.name, description: i.description })))}\n`);
    else for (const i of INMATES) processIo.out(`${i.name.padEnd(14)}${i.description}\n`);
  });
inmate.command('build')
  .description('write the image of inmate NAME (linked at IPA 0) to FILE')
  .argument('<name>')
  .argument('<file>')
  .action((name: string, file: string) => {
    if (!INMATES.some((i) => i.name === name)) throw new ErrnoError(22, `inmate ${name}: unknown (have: ${INMATES.map((i) => i.name).join(', ')})`);
    writeFileSync(file, buildInmate(name));
  });

const fw = program.command('firmware').description('the hypervisor image (jailhouse.bin)');
fw.command('dump')
  .description('write the built jailhouse.bin to FILE (e.g. to corrupt it and pass it with --firmware)')
  .argument('<file>')
  .action((file: string) => {
    writeFileSync(file, buildFirmwareImage());
  });
fw.command('info')
  .description('print the header of an image (default: the built one); a file that is not one fails with EINVAL')
  .argument('[file]')
  .option('--json', 'print one JSON object: file, signature, size, core_size, percpu_size, entry, console_page')
  .action((file: string | undefined, o: FirmwareInfoOptions) => {
    process.exitCode = firmwareInfoCli(file, o, processIo);
  });

const cfg = program.command('config').description('Jailhouse configurations: JSON and binary .cell');
cfg.command('export')
  .description('write the binary .cell image of a JSON config')
  .argument('<json>')
  .argument('<cell>')
  .option('--cell', 'the file is a cell config (default: detect from its signature field)')
  .action((json: string, out: string, o: { cell?: boolean }) => {
    writeFileSync(out, loadAny(json, o.cell).bytes);
  });
cfg.command('import')
  .description('print a binary .cell (or JSON) config as JSON')
  .argument('<file>')
  .option('--cell', 'the file is a cell config (default: detect from its signature)')
  .action((file: string, o: { cell?: boolean }) => {
    processIo.out(`${configToJson(loadAny(file, o.cell).config, { symbolic: true })}\n`);
  });
honours(cfg.command('create'), ['--board', '--cpus'])
  .description("write a root (system) config for the board: the bundled one (or --from) with its root cell's CPU set adapted to the board's CPU count (--cpus, --board), as stress and guest run do internally")
  .argument('<out>', 'the JSON file to write')
  .option('--from <file>', 'the system config to adapt', 'configs/qemu-arm64.json')
  .action((out: string, o: { from: string }) => {
    const board = boardFrom(globals());
    const from = resolveUserPath(o.from);
    const sys = adaptRootCpuSet(loadSystemConfig(from).config, board.cpus);
    sys.comment = `${o.from} adapted by \`jhsim config create\` to ${board.cpus} CPUs of board ${board.name}${sys.comment ? `. ${sys.comment}` : ''}`;
    writeFileSync(out, `${configToJson(sys, { symbolic: true })}\n`);
    processIo.out(`${out}: root cell "${sys.root_cell.name}" on CPUs 0-${board.cpus - 1} of ${board.name}\n`);
  });
cfg.command('check')
  .description("check a configuration set as `jailhouse config check` does: schema, overlaps inside cells and with the hypervisor, missing MMCONFIG/GIC interception, revision, memory, CPUs and SPIs shared between cells (one cell config alone: schema only)")
  .argument('<sysconfig>', 'system configuration (.json or .cell)')
  .argument('[cellconfigs...]', 'non-root cell configurations')
  .option('--json', 'print one JSON object: files, findings, ok')
  .action((sys: string, cells: string[], o: ConfigCheckOptions) => {
    process.exitCode = configCheck([sys, ...cells], o, processIo);
  });

const tlp = program.command('tlp').description('PCIe transaction layer packets: decode wire bytes, encode from fields');
tlp.command('decode')
  .description('decode a TLP given as hex bytes or big-endian DWs (spaces and colons allowed; HDR/DATA/ECRC labels skipped)')
  .argument('<hex...>', 'e.g. 40000001 0000000f f0000000 78563412')
  .option('--check-ecrc', 'fail when the ECRC digest of a TD=1 TLP is wrong')
  .option('--json', 'print one JSON object')
  .action((hex: string[], o: TlpDecodeCliOptions) => {
    process.exitCode = tlpDecodeCli(hex, o, processIo);
  });
tlp.command('encode')
  .description('encode a TLP from KEY=VALUE fields; prints the DWs as HDR ... ; DATA ... ; ECRC ... and the bytes')
  .argument('<fields...>', 'kind=MWr addr=0xf0000000 data=0x12345678 ... (keys below)')
  .option('--describe', 'also print the decoded description')
  .option('--json', 'print one JSON object')
  .addHelpText('after', TLP_ENCODE_HELP)
  .action((fields: string[], o: TlpEncodeCliOptions) => {
    process.exitCode = tlpEncodeCli(fields, o, processIo);
  });

function loadAny(file: string, cell?: boolean): { bytes: Uint8Array; config: Parameters<typeof configToJson>[0] } {
  const p = resolveUserPath(file);
  if (existsSync(p) && statSync(p).isDirectory()) throw new ErrnoError(Errno.EISDIR, `${file}: Is a directory`);
  return cell || !isSystemConfig(p) ? loadCellConfig(p) : loadSystemConfig(p);
}

finishHelp(program);

async function main(): Promise<void> {
  // A reader that went away (`jhsim ... | head`): stop quietly as a Unix tool does, with
  // SIGPIPE's status, instead of an unhandled EPIPE error.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code !== 'EPIPE') throw e;
      process.exit(141);
    });
  }
  try {
    await program.parseAsync(process.argv);
  } catch (e) {
    if (e instanceof ConfigError || e instanceof ExploreDiverged) {
      process.stderr.write(`jhsim: ${e.message}\n`);
      process.exitCode = 1;
    } else if (e instanceof ErrnoError) {
      process.stderr.write(`jhsim: ${e.message} (${errnoLabel(e.errno)} ${e.errno})\n`);
      process.exitCode = 1;
    } else {
      // A file the user named could not be read (missing, a directory, no permission): say
      // which and why, as a Linux tool would, instead of a stack trace.
      const ne = e as NodeJS.ErrnoException;
      const errno = fsErrno(e);
      if (errno !== undefined && ne.syscall !== undefined) {
        process.stderr.write(`jhsim: ${ne.path ?? 'a file'}: ${fsErrorText(e)} (${errnoLabel(errno)} ${errno})\n`);
        process.exitCode = 1;
      } else throw e;
    }
  }
}

await main();
