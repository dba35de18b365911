/**
 * A machine booted in-process with the root-cell shell on it, for the machine targets: shell
 * lines as a user types them, the observable state a refused operation must leave alone, and the
 * health checks (hangs, internal faults). A target keeps one host for the whole campaign and
 * throws it away after a failure, since a failed case may have left the machine in any state.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Machine } from '../../actors/cpu/supervisor.js';
import { DEFAULT_BOARD } from '../../actors/cpu/board.js';
import { adaptRootCpuSet, configToJson, loadSystemConfig } from '../../shared/config/index.js';
import { PACKAGE_ROOT } from '../paths.js';
import { BufferIo } from '../io.js';
import { Shell } from '../shell/shell.js';
import { checkErrnoLines, checkNotSilent, checkText, clip, escaped, indent } from './invariants.js';
import { FuzzFailure, type FuzzEnv } from './types.js';

/** The bundled root config the machine targets enable. */
export const ROOT_CONFIG = 'configs/qemu-arm64.json';

/**
 * The root config for `env.board`: the bundled file on the default board, else a copy with its
 * CPU set adapted to the board (as `jhsim config create` writes it) in the work directory.
 */
export function rootConfigFor(env: FuzzEnv): string {
  if (env.board.cpus === DEFAULT_BOARD.cpus) return ROOT_CONFIG;
  const file = join(env.workDir, `root-${env.board.cpus}cpus.json`);
  writeFileSync(file, `${configToJson(adaptRootCpuSet(loadSystemConfig(join(PACKAGE_ROOT, ROOT_CONFIG)).config, env.board.cpus), { symbolic: true })}\n`);
  return file;
}

export interface LineResult {
  code: number;
  out: string;
  err: string;
}

/** What `jailhouse cell create` etc. must leave as it was when they are refused. */
export interface Snapshot {
  enabled: string;
  cells: string;
  online: string;
  memPoolUsed: string;
  remapPoolUsed: string;
}

const SNAPSHOT_FILES = {
  enabled: '/sys/devices/jailhouse/enabled',
  online: '/sys/devices/system/cpu/online',
  memPoolUsed: '/sys/devices/jailhouse/mem_pool_used',
  remapPoolUsed: '/sys/devices/jailhouse/remap_pool_used',
} as const;

/** How often a running line gets a Ctrl-C (ends `jailhouse console -f`, like a user would). */
const INTERRUPT_MS = 150;

export class MachineHost {
  private m: Machine | undefined;
  private sh: Shell | undefined;
  private io = new BufferIo();
  /** The state the target's cases start from (set by `prepare`). */
  baseline: Snapshot | undefined;

  constructor(
    private readonly env: FuzzEnv,
    /** Shell lines that bring a fresh machine to the target's starting state; each must succeed. */
    private readonly setupLines: readonly string[] = [],
  ) {}

  get machine(): Machine | undefined {
    return this.m;
  }

  /** A machine in the starting state (booted and set up on first use and after `discard`). */
  async prepare(): Promise<void> {
    if (this.m) return;
    this.m = await Machine.boot({
      board: this.env.board,
      firmware: this.env.firmware,
      watchdogMs: this.env.watchdogMs,
      isolation: this.env.isolation,
      upstreamRaces: this.env.upstreamRaces,
    });
    this.io = new BufferIo();
    this.sh = new Shell(this.m, this.io);
    for (const line of this.setupLines) {
      const r = await this.run(line);
      if (r.code !== 0) throw new Error(`fuzz set-up: \`${line}\` failed (${r.code}): ${r.err}`);
    }
    this.baseline = await this.snapshot();
  }

  /**
   * One shell line; a JavaScript exception out of the shell is a finding, reported with the
   * line. A line running past the per-case timeout is left to the runner's timeout.
   */
  async run(line: string): Promise<LineResult> {
    const sh = this.sh;
    if (!sh) throw new Error('fuzz host: no machine');
    this.io.stdout = '';
    this.io.stderr = '';
    const tick = setInterval(() => sh.interrupt(), INTERRUPT_MS);
    try {
      const code = await sh.runLine(line, false);
      return { code, out: this.io.stdout, err: this.io.stderr };
    } catch (e) {
      throw escaped(`\`${clip(line, 300)}\``, e);
    } finally {
      clearInterval(tick);
    }
  }

  /**
   * A line whose output is checked: no exception text, errno lines after failed ioctls, no
   * silent failure, machine healthy. `input` is what the user typed (echoed words may be odd).
   */
  async runChecked(line: string, input = line): Promise<LineResult> {
    const r = await this.run(line);
    const what = `\`${clip(line, 300)}\``;
    checkText(what, r.out + r.err, input);
    checkErrnoLines(what, r.err);
    checkNotSilent(what, r.code, r.out, r.err);
    this.checkHealth(what);
    return r;
  }

  /** The hypervisor console must be readable and free of exception text. */
  async checkConsole(input = ''): Promise<void> {
    const r = await this.run('jailhouse console');
    checkText('`jailhouse console`', r.out + r.err, input);
  }

  checkHealth(what: string): void {
    const m = this.m;
    if (!m) return;
    if (m.hangs.length) {
      throw new FuzzFailure('hang', `after ${what}: ${m.hangs.map((h) => `CPU ${h.cpu} hung in "${h.what}" after ${h.ms} ms`).join('; ')}`);
    }
    if (m.faults.length) {
      throw new FuzzFailure('sim-fault', `after ${what}: the simulator failed: ${m.faults.map((f) => `CPU ${f.cpu}: ${f.message.split('\n')[0]}`).join('; ')}`);
    }
  }

  async snapshot(): Promise<Snapshot> {
    const read = async (path: string): Promise<string> => {
      const r = await this.run(`cat ${path}`);
      return r.code === 0 ? r.out.trim() : `<${r.err.trim()}>`;
    };
    const cells = await this.run('jailhouse cell list');
    return {
      enabled: await read(SNAPSHOT_FILES.enabled),
      cells: cells.out.split('\n').map((l) => l.trimEnd()).filter(Boolean).join('\n'),
      online: await read(SNAPSHOT_FILES.online),
      memPoolUsed: await read(SNAPSHOT_FILES.memPoolUsed),
      remapPoolUsed: await read(SNAPSHOT_FILES.remapPoolUsed),
    };
  }

  /** Fails naming every field that differs from `expected`. */
  async expectState(what: string, expected: Snapshot, ignore: readonly (keyof Snapshot)[] = []): Promise<void> {
    const now = await this.snapshot();
    const broken = Object.values(now).find((v) => v.includes('the machine is broken'));
    if (broken !== undefined) {
      // A hang, not a changed state: the report may still be on its way from the worker.
      this.checkHealth(what);
      throw new FuzzFailure('hang', `after ${what}: ${broken.replace(/^<|>$/g, '')}`);
    }
    const diffs: string[] = [];
    for (const k of Object.keys(expected) as (keyof Snapshot)[]) {
      if (ignore.includes(k) || now[k] === expected[k]) continue;
      diffs.push(`${k}: was\n${indent(expected[k] || '(empty)', '      ')}\n    now\n${indent(now[k] || '(empty)', '      ')}`);
    }
    if (diffs.length) throw new FuzzFailure('state-changed', `${what} left the machine changed:\n  ${diffs.join('\n  ')}`);
  }

  /** Ids of the non-root cells, from sysfs (a cell's name may hold any byte, newlines too, so not from `cell list`). */
  async nonRootCells(): Promise<string[]> {
    const r = await this.run('ls /sys/devices/jailhouse/cells');
    return r.code === 0 ? r.out.split('\n').filter((id) => /^\d+$/.test(id) && id !== '0') : [];
  }

  /** Shuts the machine down (bounded: a wedged worker is terminated); the next `prepare` boots anew. */
  async discard(): Promise<void> {
    const m = this.m;
    this.m = undefined;
    this.sh = undefined;
    this.baseline = undefined;
    if (m) await m.shutdown();
  }
}
