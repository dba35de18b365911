/**
 * Global CLI options (--board, --cpus, --firmware, --log-level, --watchdog, --uart-log) turned
 * into a booted machine; bad values are reported before anything starts.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Logger } from 'pino';
import { Machine, type MachineOptions } from '../actors/cpu/supervisor.js';
import { IsolationMode } from '../actors/cpu/layout.js';
import { loadBoard, type Board } from '../actors/cpu/board.js';
import { Errno, ErrnoError } from '../shared/errno.js';
import { fileError, fsErrno } from './file-errors.js';
import { createLogger } from './logger.js';
import { resolveUserPath } from './paths.js';
import { UartConsole } from './shell/uart-console.js';
import { ProfileCollector } from './profile/profile-collector.js';
import { checkProfileTarget, saveProfile } from './profile/profile-output.js';
import { logIoctl, logRecord } from './profile/event-log.js';
import { Shell } from './shell/shell.js';
import type { Io } from './io.js';

export interface GlobalOptions {
  board?: string;
  /** upstream | fixed: which GIC filters the hypervisor runs. */
  filters?: string;
  /** on | off: jhsim's isolation monitor. */
  isolationMonitor?: string;
  /** Keep the upstream driver's race windows. */
  upstreamRaces?: boolean;
  cpus?: string;
  firmware?: string;
  logLevel: string;
  watchdog?: string;
  /** Directory for the per-cell UART logs. */
  uartLog?: string;
  /** Record every vmexit and write the profile (trace, HTML report, tables) to this file at the end. */
  profile?: string;
}

export function parseIntOption(name: string, value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
    throw new ErrnoError(Errno.EINVAL, `${name} ${value}: expected an integer from ${min} to ${max}`);
  }
  return n;
}

export function boardFrom(opts: GlobalOptions): Board {
  const cpus = opts.cpus === undefined ? undefined : Number(opts.cpus);
  if (opts.cpus !== undefined && (!/^\d+$/.test(opts.cpus) || !Number.isInteger(cpus))) {
    throw new ErrnoError(Errno.EINVAL, `--cpus ${opts.cpus}: expected an integer from 2 to 64`);
  }
  try {
    return loadBoard(opts.board ? resolveUserPath(opts.board) : undefined, cpus);
  } catch (e) {
    // A board file that cannot be read says why (ENOENT, EISDIR, EACCES), not EINVAL.
    const cause = (e as Error).cause;
    if (opts.board !== undefined && fsErrno(cause) !== undefined) throw fileError(`--board ${opts.board}`, cause);
    throw new ErrnoError(Errno.EINVAL, (e as Error).message);
  }
}

export function firmwareFrom(opts: GlobalOptions): Uint8Array | undefined {
  if (!opts.firmware) return undefined;
  try {
    return new Uint8Array(readFileSync(opts.firmware));
  } catch (e) {
    throw fileError(`--firmware ${opts.firmware}`, e);
  }
}

/** The global --watchdog in ms (default 10 s). */
export function watchdogFrom(opts: Pick<GlobalOptions, 'watchdog'>): number {
  return parseIntOption('--watchdog', opts.watchdog, 100, 3_600_000) ?? 10_000;
}

/** The IsolationMode bits of --filters and --isolation-monitor. */
export function isolationFrom(opts: Pick<GlobalOptions, 'filters' | 'isolationMonitor'>): number {
  const filters = opts.filters ?? 'upstream';
  const monitor = opts.isolationMonitor ?? 'on';
  if (filters !== 'upstream' && filters !== 'fixed') throw new ErrnoError(Errno.EINVAL, `--filters ${filters}: expected upstream or fixed`);
  if (monitor !== 'on' && monitor !== 'off') throw new ErrnoError(Errno.EINVAL, `--isolation-monitor ${monitor}: expected on or off`);
  return (filters === 'fixed' ? IsolationMode.FIXED_FILTERS : 0) | (monitor === 'off' ? IsolationMode.MONITOR_OFF : 0);
}

/** The global options a re-run command must repeat (those not at their defaults). */
export function globalRerunOptions(g: GlobalOptions): string[] {
  const out: string[] = [];
  if (g.board) out.push(`--board ${g.board}`);
  if (g.firmware) out.push(`--firmware ${g.firmware}`);
  if (g.watchdog !== undefined && g.watchdog !== '10000') out.push(`--watchdog ${g.watchdog}`);
  if (g.filters !== undefined && g.filters !== 'upstream') out.push(`--filters ${g.filters}`);
  if (g.isolationMonitor !== undefined && g.isolationMonitor !== 'on') out.push(`--isolation-monitor ${g.isolationMonitor}`);
  if (g.upstreamRaces) out.push('--upstream-races');
  return out;
}

export interface Session {
  machine: Machine;
  log: Logger;
  board: Board;
  /** The UARTs' output, drained in the background (stopped by endSession). */
  uart: UartConsole;
  /** The vmexit recorder's drain, when the machine records (--profile, `jhsim profile`, --log-level debug|trace). */
  recording?: ProfileCollector;
  /** --profile FILE: endSession writes the recording there. */
  profileFile?: string;
}

/** The --uart-log directory, created if needed (undefined without the option). */
export function uartLogFrom(opts: Pick<GlobalOptions, 'uartLog'>): string | undefined {
  if (opts.uartLog === undefined) return undefined;
  const dir = resolve(opts.uartLog);
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw new ErrnoError(Errno.EINVAL, `--uart-log ${opts.uartLog}: cannot create the directory: ${(e as Error).message}`);
  }
  return dir;
}

export async function bootFromOptions(opts: GlobalOptions, extra: Partial<MachineOptions> = {}): Promise<Session> {
  const log = createLogger(opts.logLevel);
  const board = boardFrom(opts);
  const firmware = firmwareFrom(opts);
  const watchdogMs = watchdogFrom(opts);
  const logDir = uartLogFrom(opts);
  const t0 = performance.now();
  const isolation = isolationFrom(opts);
  if (opts.profile !== undefined) checkProfileTarget(opts.profile);
  // --log-level debug|trace logs the management events, which the vmexit recorder sees.
  const logEvents = log.isLevelEnabled('debug');
  const profile = opts.profile !== undefined || !!extra.profile || logEvents;
  const machine = await Machine.boot({ board, firmware, watchdogMs, isolation, upstreamRaces: !!opts.upstreamRaces, ...extra, profile });
  log.info({ board: board.name, cpus: board.cpus, ms: Math.round(performance.now() - t0) }, 'machine booted: one worker thread per CPU');
  const s: Session = { machine, log, board, uart: UartConsole.forMachine(machine, { logDir }).start() };
  if (profile) {
    // One drain of the recorder's rings per session: for --profile (and `jhsim profile`) it
    // keeps records for the trace; for the event log alone it keeps none.
    s.recording = new ProfileCollector(machine, opts.profile !== undefined || extra.profile ? undefined : 0).start();
    if (opts.profile !== undefined) s.profileFile = opts.profile;
    if (logEvents) s.recording.tap = (r) => logRecord(log, r);
  }
  return s;
}

/** The session's root shell: its UART console and, at --log-level debug, its ioctls logged. */
export function sessionShell(s: Session, io: Io): Shell {
  const shell = new Shell(s.machine, io);
  shell.uart = s.uart;
  if (s.log.isLevelEnabled('debug')) shell.user.onIoctl = (e) => logIoctl(s.log, e);
  return shell;
}

/**
 * Drains the UARTs a last time (finishing their logs), writes the --profile files and shuts the
 * machine down.
 */
export async function endSession(s: Session, say: (line: string) => void = (l) => process.stderr.write(l)): Promise<void> {
  s.uart.stop();
  try {
    const data = s.recording?.stop();
    if (data && s.profileFile !== undefined) {
      saveProfile(data, s.profileFile, say);
    }
  } finally {
    // A profile that cannot be written (FILE.json is a directory …) still ends the machine.
    await s.machine.shutdown();
  }
}

/** Report hangs and faults the workers raised during a session. */
export function reportIncidents(s: Session): number {
  for (const h of s.machine.hangs) s.log.error(h, `CPU ${h.cpu} hung in "${h.what}" after ${h.ms} ms`);
  for (const f of s.machine.faults) s.log.error(f, `CPU ${f.cpu}: ${f.message}`);
  return s.machine.hangs.length + s.machine.faults.length;
}
