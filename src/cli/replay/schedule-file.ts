/**
 * Schedule files: what a controlled stress run did, enough to do it again exactly: the jhsim
 * version, the command line with every option (global ones included), hashes of the board,
 * root config and firmware it ran on, and the scheduling decisions (run-length pairs). Versioned
 * JSON, so a person can read the header and `jhsim replay` can refuse a file from elsewhere.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { Errno, ErrnoError } from '../../shared/errno.js';
import { decodeDecisions } from '../../shared/sched/control.js';
import { fileError } from '../file-errors.js';
import { packageVersion } from '../help.js';
import { boardFrom, type GlobalOptions } from '../machine-options.js';
import { resolveUserPath } from '../paths.js';
import type { StressCliOptions } from '../stress/stress-options.js';
import type { StressResult } from '../stress/stress.js';

export const SCHEDULE_FORMAT = 'jhsim-schedule';
export const SCHEDULE_VERSION = 1;

export interface ScheduleInputs {
  /** sha256 of the board as loaded (after --cpus). */
  board: string;
  config: { path: string; sha256: string };
  firmware?: { path: string; sha256: string };
}

export interface ScheduleFile {
  format: typeof SCHEDULE_FORMAT;
  version: number;
  jhsim: string;
  /** The one-line command that ran it (every option). */
  command: string;
  /** The parsed options (what `replay` runs again). */
  global: GlobalOptions;
  stress: StressCliOptions;
  inputs: ScheduleInputs;
  strategy: string;
  seed: number;
  figures: { steps: number; preemptions: number; virtualMs: number; operations: number; opsStarted: number };
  outcome: { ok: boolean; failure?: string; violations: string[]; hangs: string[] };
  /** Decisions: "agent*count" pairs in base 36 (agents: CPUs, then user space). */
  decisions: string;
}

const sha256 = (b: Uint8Array | string): string => createHash('sha256').update(b).digest('hex');

export function scheduleInputs(g: GlobalOptions, o: StressCliOptions): ScheduleInputs {
  const board = boardFrom(g);
  const read = (what: string, p: string): Uint8Array => {
    try {
      return readFileSync(resolveUserPath(p));
    } catch (e) {
      throw fileError(what, e);
    }
  };
  return {
    board: sha256(JSON.stringify(board)),
    config: { path: o.config, sha256: sha256(read(`--config ${o.config}`, o.config)) },
    ...(g.firmware ? { firmware: { path: g.firmware, sha256: sha256(read(`--firmware ${g.firmware}`, g.firmware)) } } : {}),
  };
}

/**
 * What identifies a failure across replays and minimisation: the first violation or hang,
 * without the numbers that move when the schedule changes (operation index, schedule point).
 */
export function failureSignature(res: Pick<StressResult, 'violations' | 'hangs'>): string | undefined {
  const v = res.violations[0];
  if (v !== undefined) return v.replace(/^after operation \d+: /, '').replace(/^(enable|disable) by caller \d+/, '$1 by a caller');
  const h = res.hangs[0];
  if (h !== undefined) return h.what.split('\n')[0]!.replace(/ at schedule point \d+( \(virtual [\d.]+ ms\))?/, '');
  return undefined;
}

export function makeScheduleFile(g: GlobalOptions, o: StressCliOptions, command: string, res: StressResult): ScheduleFile {
  const c = res.controlled!;
  return {
    format: SCHEDULE_FORMAT,
    version: SCHEDULE_VERSION,
    jhsim: packageVersion(),
    command,
    global: g,
    stress: { ...o, json: undefined, record: undefined, bundle: undefined },
    inputs: scheduleInputs(g, o),
    strategy: o.schedule ?? c.strategy,
    seed: res.seed,
    figures: { steps: c.steps, preemptions: c.preemptions, virtualMs: c.virtualMs, operations: res.operations, opsStarted: res.opsStarted },
    outcome: {
      ok: res.violations.length === 0 && res.hangs.length === 0,
      ...(failureSignature(res) !== undefined ? { failure: failureSignature(res) } : {}),
      violations: res.violations.slice(0, 5),
      hangs: res.hangs.slice(0, 5).map((h) => h.what),
    },
    decisions: c.schedule,
  };
}

export function writeScheduleFile(path: string, f: ScheduleFile): void {
  try {
    writeFileSync(path, `${JSON.stringify(f, null, 1)}\n`);
  } catch (e) {
    throw fileError(`schedule file ${path}`, e);
  }
}

/** Read and check a schedule file: format, version, decisions; EINVAL naming the field otherwise. */
export function readScheduleFile(path: string): { file: ScheduleFile; decisions: Int32Array } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw fileError(path, e);
  }
  let f: ScheduleFile;
  try {
    f = JSON.parse(text) as ScheduleFile;
  } catch (e) {
    throw new ErrnoError(Errno.EINVAL, `${path}: not JSON (${(e as Error).message})`);
  }
  const bad = (field: string, why: string): never => {
    throw new ErrnoError(Errno.EINVAL, `${path}: ${field}: ${why}`);
  };
  if (f === null || typeof f !== 'object') bad('(file)', 'expected a JSON object');
  if (f.format !== SCHEDULE_FORMAT) bad('format', `expected "${SCHEDULE_FORMAT}", found ${JSON.stringify(f.format)}`);
  if (f.version !== SCHEDULE_VERSION) bad('version', `this jhsim reads version ${SCHEDULE_VERSION}, found ${JSON.stringify(f.version)}`);
  if (typeof f.global !== 'object' || f.global === null) bad('global', 'missing');
  if (typeof f.stress !== 'object' || f.stress === null) bad('stress', 'missing');
  if (typeof f.decisions !== 'string') bad('decisions', 'missing');
  if (typeof f.seed !== 'number') bad('seed', 'missing');
  let decisions: Int32Array;
  try {
    decisions = decodeDecisions(f.decisions);
  } catch (e) {
    return bad('decisions', (e as Error).message);
  }
  return { file: f, decisions };
}

/** The inputs a replay would run on differ from the recorded ones: say which (EINVAL). */
export function checkInputs(path: string, f: ScheduleFile): void {
  const now = scheduleInputs(f.global, f.stress);
  const diff: string[] = [];
  if (now.board !== f.inputs.board) diff.push('the board');
  if (now.config.sha256 !== f.inputs.config.sha256) diff.push(`the root config ${f.inputs.config.path}`);
  if ((now.firmware?.sha256 ?? '') !== (f.inputs.firmware?.sha256 ?? '')) diff.push(`the firmware ${f.inputs.firmware?.path ?? '(built-in)'}`);
  if (diff.length) throw new ErrnoError(Errno.EINVAL, `${path}: ${diff.join(', ')} changed since the schedule was recorded (sha256 differs); the replay would not be the same run (--force runs it anyway)`);
}
