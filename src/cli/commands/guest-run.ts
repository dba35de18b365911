/**
 * `jhsim guest run IMAGE`: the bare-machine harness. Boots the board, enables the hypervisor
 * with a root cell that owns every CPU (flat, identity-mapped stage 2), copies the image into
 * root RAM like a boot loader, then hands the CPUs from root-cell Linux to the image at EL1 as
 * QEMU virt boots one: the boot CPU (0) starts at the entry, the others wait powered off until
 * the image's PSCI CPU_ON. With `allCpus` every CPU starts at the entry (x0 = the CPU's
 * logical number; MPIDR_EL1 tells them apart too). Guest console output (the
 * DEBUG_CONSOLE_PUTC hypercall) is streamed as it appears, and so are the lines the guest
 * writes to the PL011 UARTs, prefixed with the cell's name (the root cell's here); at the end
 * each CPU's instruction count, how it stopped and its vmexit counters are reported.
 *
 * A CPU stops when it turns itself off (PSCI CPU_OFF: the hypervisor parks it), when the
 * hypervisor panic-parks it after a fatal trap, or when its instruction budget is spent.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import Table from 'cli-table3';
import { Machine } from '../../actors/cpu/supervisor.js';
import { GUEST_STATUS_NAMES, GuestStatus } from '../../actors/cpu/layout.js';
import { JAILHOUSE_ENABLE } from '../../actors/hypervisor/driver/uapi.js';
import { checkFits, loadImage, parseImage, type GuestImage, type ImageRegion } from '../../actors/cpu/a64/image.js';
import type { Board } from '../../actors/cpu/board.js';
import { MemFlags, adaptRootCpuSet, loadSystemConfig, serializeSystemConfig, type SystemConfig } from '../../shared/config/index.js';
import { Errno, ErrnoError, errnoName } from '../../shared/errno.js';
import { hvConsoleSince, vmexits } from '../inspect/inspect.js';
import type { Io } from '../io.js';
import { parseIntOption } from '../machine-options.js';
import { UserProcess } from '../shell/user.js';
import { UartConsole, formatUartLine, type UartLine } from '../shell/uart-console.js';
import { fileError } from '../file-errors.js';
import { OTHER_NOTE, otherExits } from '../inspect/exit-counters.js';
import { progressBar } from '../progress.js';
import { ProfileCollector, type ProfileData } from '../profile/profile-collector.js';
import { checkProfileTarget, saveProfile } from '../profile/profile-output.js';
import { figuresLine, runFigures, type ControlledOptions, type RunFigures } from '../../shared/sched/control.js';
import { ScheduleStopped } from '../../shared/sched/main-agent.js';

export const DEFAULT_GUEST_CONFIG = 'configs/qemu-arm64-guest.json';
/** Where a raw image goes unless --load says otherwise (QEMU virt's RAM base, as for -kernel). */
export const DEFAULT_RAW_LOAD = 0x4008_0000;

export interface GuestRunOptions {
  board: Board;
  /** The image bytes and its name for messages. */
  image: Uint8Array;
  name: string;
  /** Raw images: load address. */
  load?: number;
  entry?: number;
  /** Root config file (its CPU set is adapted to the board). */
  configFile: string;
  /** Per-CPU instruction budget (0 = none). */
  maxInstructions: number;
  /** Start every CPU at the entry (x0 = CPU number) instead of the boot CPU only. */
  allCpus?: boolean;
  /** Wall-clock limit for the whole run. */
  timeoutMs: number;
  watchdogMs?: number;
  /** IsolationMode bits (--filters, --isolation-monitor). */
  isolation?: number;
  /** Keep the upstream driver's race windows (--upstream-races). */
  upstreamRaces?: boolean;
  /** Streams guest console output (and UART lines, prefixed) as it appears. */
  onOutput?: (text: string) => void;
  /** Write each cell's UART lines to DIR/<cell name>.log. */
  uartLogDir?: string;
  /**
   * Guest memory to hand back after the run (physical = guest address in the flat root cell):
   * results a program leaves in RAM, which a console of 2 KB could not carry reliably.
   */
  readBack?: { address: number; size: number };
  /** Record every vmexit (the profiler); the result then carries the recording. */
  profile?: boolean;
  /** Called while the guest runs with the most instructions any CPU has retired so far. */
  onProgress?: (retired: number) => void;
  /** Controlled mode (`--schedule`): the CPUs run one at a time under this strategy, on virtual time. */
  schedule?: ControlledOptions;
}

export interface GuestCpuReport {
  cpu: number;
  status: (typeof GUEST_STATUS_NAMES)[number];
  instructions: number;
  /** Translated blocks entered (jit.ts JitStats.blocks): instructions ÷ blocks is the engine's work per dispatch. */
  blocks: number;
  vmexits: Record<string, number>;
}

export interface GuestRunResult {
  image: string;
  format: 'raw' | 'elf';
  entry: number;
  cpus: GuestCpuReport[];
  output: string;
  /** Lines written to the UARTs, in the order they were completed. */
  uart: UartLine[];
  /** Console characters overwritten before the harness could read them. */
  lost: number;
  /** The readBack range's bytes after the run. */
  memory?: Uint8Array;
  timedOut: boolean;
  durationMs: number;
  /** Guest instructions per second over all CPUs (wall clock of the run). */
  instructionsPerSecond: number;
  /** The vmexit recording, when asked for (`profile`). */
  profile?: ProfileData;
  /** Controlled mode: schedule points, preemptions, virtual time, and why the run stopped if it did. */
  controlled?: RunFigures & { stop?: string[] };
}

/** Root RAM regions an image may be loaded into: page-granular, executable, not IO. */
export function loadableRegions(sys: SystemConfig): ImageRegion[] {
  return sys.root_cell.memory_regions
    .filter((r) => (r.flags & MemFlags.EXECUTE) && !(r.flags & MemFlags.IO) && r.size > 0 && r.virt_start === r.phys_start)
    .map((r) => ({ start: r.virt_start, size: r.size, name: 'root RAM' }));
}

/** Parses and checks the image against the config before anything boots. Throws ErrnoError. */
export function prepareGuestImage(o: Pick<GuestRunOptions, 'image' | 'name' | 'load' | 'entry'>, sys: SystemConfig): GuestImage {
  const image = parseImage(o.image, { name: o.name, loadAddress: o.load ?? DEFAULT_RAW_LOAD, entry: o.entry });
  checkFits(image, loadableRegions(sys));
  return image;
}

const DONE = new Set<number>([GuestStatus.BUDGET, GuestStatus.OFF, GuestStatus.FAILED, GuestStatus.REFUSED]);

export async function runGuest(o: GuestRunOptions): Promise<GuestRunResult> {
  const sys = adaptRootCpuSet(loadSystemConfig(o.configFile).config, o.board.cpus);
  const image = prepareGuestImage(o, sys);
  const m = await Machine.boot({ board: o.board, watchdogMs: o.watchdogMs, isolation: o.isolation, upstreamRaces: o.upstreamRaces, profile: o.profile, controlled: o.schedule !== undefined });
  const uart = UartConsole.forMachine(m, { logDir: o.uartLogDir });
  const recording = o.profile ? new ProfileCollector(m).start() : undefined;
  try {
    if (!o.schedule) return await guestBody(o, m, image, sys, uart, recording);
    const schedule = o.schedule;
    let r: GuestRunResult | undefined;
    try {
      r = await m.runControlled(schedule, () => guestBody(o, m, image, sys, uart, recording));
    } catch (e) {
      if (!(e instanceof ScheduleStopped)) throw e;
    }
    const stop = m.controlledStop;
    const controlled = { ...runFigures(m.sched!), ...(stop ? { stop } : {}) };
    if (!r) throw new ErrnoError(Errno.EIO, `guest run: the controlled run stopped: ${controlled.stop?.join('\n') ?? 'no result'}`);
    return { ...r, controlled };
  } finally {
    recording?.stop();
    uart.stop();
    await m.shutdown();
  }
}

/** Enable, load, start the CPUs and follow them until every one is done (or the timeout). */
async function guestBody(o: GuestRunOptions, m: Machine, image: GuestImage, sys: SystemConfig, uart: UartConsole, recording: ProfileCollector | undefined): Promise<GuestRunResult> {
  {
    const u = new UserProcess(m, 0);
    const ret = await u.ioctl(JAILHOUSE_ENABLE, serializeSystemConfig(sys));
    if (ret !== 0) {
      throw new ErrnoError(-ret, `guest run: enabling the hypervisor with ${o.configFile} failed: ${errnoName(-ret)} (${-ret})`);
    }
    let pos = hvConsoleSince(m, 0).tail;
    loadImage(m.mem, image);
    const t0 = performance.now();
    if (!o.allCpus) {
      // QEMU's secondaries are off before the boot CPU runs: park them first, or the image's
      // CPU_ON could find one still in Linux (PSCI ALREADY_ON).
      for (let cpu = 1; cpu < m.nr; cpu++) m.startGuest(cpu, image.entry, cpu, o.maxInstructions, true);
      while (!Array.from({ length: m.nr - 1 }, (_, i) => m.guestStatus(i + 1)).every((st) => DONE.has(st))) {
        if (m.hangs.length || m.faults.length || performance.now() - t0 > o.timeoutMs) break;
        await m.waitSched(2);
      }
    }
    for (let cpu = 0; cpu < (o.allCpus ? m.nr : 1); cpu++) m.startGuest(cpu, image.entry, cpu, o.maxInstructions);
    let output = '';
    let lost = 0;
    const uartLines: UartLine[] = [];
    // UART lines wait until the hypervisor console stream is at the start of a line.
    let pending: UartLine[] = [];
    const drain = (final = false): void => {
      const r = hvConsoleSince(m, pos);
      pos = r.tail;
      lost += r.lost;
      if (r.lost) o.onOutput?.(`\n[jhsim: ${r.lost} console characters were overwritten before they could be read]\n`);
      if (r.text) {
        output += r.text;
        o.onOutput?.(r.text);
      }
      if (final) uart.stop();
      else uart.poll();
      const lines = uart.take();
      uartLines.push(...lines);
      pending.push(...lines);
      if (!pending.length) return;
      const atLineStart = output === '' || output.endsWith('\n');
      if (!atLineStart && !final) return;
      o.onOutput?.((atLineStart ? '' : '\n') + pending.map(formatUartLine).join(''));
      pending = [];
    };
    let timedOut = false;
    for (;;) {
      drain();
      o.onProgress?.(Math.max(...Array.from({ length: m.nr }, (_, cpu) => m.guestRetired(cpu))));
      const statuses = Array.from({ length: m.nr }, (_, cpu) => m.guestStatus(cpu));
      if (statuses.every((s) => DONE.has(s))) break;
      if (m.hangs.length || m.faults.length) break;
      if (performance.now() - t0 > o.timeoutMs) {
        timedOut = true;
        break;
      }
      await m.waitSched(2);
    }
    const durationMs = performance.now() - t0;
    drain(true);
    const cpus = Array.from({ length: m.nr }, (_, cpu): GuestCpuReport => ({
      cpu,
      status: GUEST_STATUS_NAMES[m.guestStatus(cpu)] ?? 'none',
      instructions: m.guestRetired(cpu),
      blocks: m.guestBlocks(cpu),
      vmexits: vmexits(m, cpu) ?? {},
    }));
    const total = cpus.reduce((a, c) => a + c.instructions, 0);
    if (m.hangs.length || m.faults.length) {
      const what = [...m.hangs.map((h) => `CPU ${h.cpu} hung in "${h.what}"`), ...m.faults.map((f) => `CPU ${f.cpu}: ${f.message}`)];
      throw new ErrnoError(Errno.EIO, `guest run: the simulator failed: ${what.join('; ')}`);
    }
    return {
      ...(o.readBack ? { memory: m.mem.copyOut(o.readBack.address, o.readBack.size) } : {}),
      image: o.name, format: image.format, entry: image.entry, cpus, output, uart: uartLines, lost, timedOut, durationMs,
      instructionsPerSecond: durationMs > 0 ? total / (durationMs / 1000) : 0,
      ...(recording ? { profile: recording.stop() } : {}),
    };
  }
}

export interface GuestCliOptions {
  entry?: string;
  load?: string;
  maxInstructions?: string;
  timeout: string;
  config: string;
  json?: boolean;
  allCpus?: boolean;
  /** The global --profile FILE: record the run's vmexits and write the profile there. */
  profile?: string;
  /** Controlled mode (--schedule, parsed). */
  schedule?: ControlledOptions;
}

function parseAddress(flag: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = /^(0x[0-9a-f]+|\d+)$/i.test(v.trim()) ? Number(v.trim()) : NaN;
  if (!Number.isSafeInteger(n) || n < 0) throw new ErrnoError(Errno.EINVAL, `${flag} ${v}: expected an address (decimal or 0x hex)`);
  return n;
}

export async function guestRunCli(board: Board, file: string, o: GuestCliOptions, io: Io, watchdogMs?: number, uartLogDir?: string, isolation?: number, upstreamRaces?: boolean): Promise<number> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(readFileSync(file));
  } catch (e) {
    // The errno once, in the top level's "(ENOENT 2)"; here only its text.
    throw fileError(`${file}: cannot read image`, e);
  }
  if (o.profile !== undefined) checkProfileTarget(o.profile);
  // Whether what was streamed so far ends a line (the report starts on a line of its own).
  let streamedLineEnd = true;
  const budget = parseIntOption('--max-instructions', o.maxInstructions, 1, Number.MAX_SAFE_INTEGER) ?? 0;
  // A bar for a budgeted run, on a terminal, when the guest's output does not stream to it.
  const bar = budget ? progressBar('guest run', budget, { quiet: !o.json && !!process.stdout.isTTY, unit: 'instructions' }) : undefined;
  const run = runGuest({
    onProgress: bar ? (n) => bar.update(Math.min(n, budget)) : undefined,
    profile: o.profile !== undefined,
    board,
    image: bytes,
    name: basename(file),
    load: parseAddress('--load', o.load),
    entry: parseAddress('--entry', o.entry),
    configFile: o.config,
    maxInstructions: budget,
    allCpus: !!o.allCpus,
    timeoutMs: (parseIntOption('--timeout', o.timeout, 1, 86_400) ?? 60) * 1000,
    watchdogMs,
    isolation,
    upstreamRaces,
    uartLogDir,
    schedule: o.schedule,
    onOutput: o.json
      ? undefined
      : (t) => {
        io.out(t);
        if (t) streamedLineEnd = t.endsWith('\n');
      },
  });
  let r: GuestRunResult;
  try {
    r = await run;
  } finally {
    bar?.stop();
  }
  const { profile, ...result } = r;
  if (profile && o.profile !== undefined) {
    saveProfile(profile, o.profile, (l) => io.err(l));
  }
  if (o.json) {
    io.out(`${JSON.stringify(result)}\n`);
  } else {
    if (!streamedLineEnd) io.out('\n');
    const names = ['vmexits_total', 'vmexits_hypercall', 'vmexits_mmio', 'vmexits_psci', 'vmexits_smccc', 'vmexits_virt_irq', 'vmexits_virt_sgi', 'vmexits_maintenance', 'vmexits_management'];
    const t = new Table({ head: ['CPU', 'stopped', 'instructions', ...names.map((n) => n.replace('vmexits_', '')), 'other'], style: { head: [], border: [] } });
    for (const c of r.cpus) t.push([c.cpu, c.status, c.instructions, ...names.map((n) => c.vmexits[n] ?? 0), otherExits(c.vmexits)]);
    io.out(`${t.toString()}\n${OTHER_NOTE}\n`);
    const total = r.cpus.reduce((a, c) => a + c.instructions, 0);
    const blocks = r.cpus.reduce((a, c) => a + c.blocks, 0);
    io.out(`${total} instructions in ${(r.durationMs / 1000).toFixed(3)} s (${(r.instructionsPerSecond / 1e6).toFixed(2)} M/s over ${r.cpus.length} CPUs), entry 0x${r.entry.toString(16)} (${r.format})\n`);
    if (blocks) io.out(`${blocks} translated blocks entered (${(blocks / (r.durationMs / 1000) / 1e6).toFixed(2)} M/s, ${(total / blocks).toFixed(1)} instructions per block entered, interpreter runs included)\n`);
    if (r.controlled) io.out(`${figuresLine(r.controlled)}\n`);
  }
  if (r.timedOut) {
    io.err(`jhsim guest run: timed out after ${o.timeout} s with CPUs still running (raise --timeout or set --max-instructions)\n`);
    return 1;
  }
  const failed = r.cpus.filter((c) => c.status === 'failed');
  if (failed.length) {
    io.err(`jhsim guest run: CPU ${failed.map((c) => c.cpu).join(', ')} failed (panic-parked by the hypervisor; see its console lines above)\n`);
    return 1;
  }
  return 0;
}
