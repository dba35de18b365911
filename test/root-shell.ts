/**
 * A machine booted in-process with the root-cell shell on it, for tests that drive it line by
 * line as a user would (and read its shared memory directly where a test needs to look).
 */
import './dist-fresh.js';
import { afterEach, expect } from 'vitest';
import { Machine, type MachineOptions } from '../dist/actors/cpu/supervisor.js';
import { DEFAULT_BOARD } from '../dist/actors/cpu/board.js';
import { BufferIo } from '../dist/cli/io.js';
import { Shell } from '../dist/cli/shell/shell.js';
import { UartConsole } from '../dist/cli/shell/uart-console.js';

export interface ShellResult { code: number; out: string; err: string }

export interface RootShell {
  m: Machine;
  sh: Shell;
  io: BufferIo;
  /** Run one shell line; stdout, stderr and the exit code of its last command. */
  run(line: string): Promise<ShellResult>;
}

export async function bootRootShell(opts: Partial<MachineOptions> = {}): Promise<RootShell> {
  const m = await Machine.boot({ board: DEFAULT_BOARD, ...opts });
  const io = new BufferIo();
  const sh = new Shell(m, io);
  const run = async (line: string): Promise<ShellResult> => {
    io.stdout = '';
    io.stderr = '';
    const code = await sh.runLine(line, false);
    return { code, out: io.stdout, err: io.stderr };
  };
  return { m, sh, io, run };
}

export const ROOT_CONFIG = 'configs/qemu-arm64.json';

/** `jailhouse enable` with a bundled root config (qemu-arm64.json by default), which must succeed. */
export async function enableRoot(b: RootShell, config = ROOT_CONFIG): Promise<RootShell> {
  expect((await b.run(`jailhouse enable ${config}`)).code).toBe(0);
  return b;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A root shell with the hypervisor enabled and the cells' UART lines collected by cell name. */
export interface Booted {
  m: Machine;
  run: RootShell['run'];
  /** UART lines of cell `name` so far. */
  lines(name: string): string[];
  /** Stop the UART reader and shut the machine down. */
  stop(): Promise<void>;
}

export async function enabledWithUart(config = ROOT_CONFIG, opts: Partial<MachineOptions> = {}): Promise<Booted> {
  const rs = await bootRootShell(opts);
  const con = UartConsole.forMachine(rs.m).start(20);
  const seen: { cell: string; text: string }[] = [];
  const lines = (name: string): string[] => {
    con.poll();
    for (const l of con.take()) seen.push({ cell: l.name, text: l.text });
    return seen.filter((l) => l.cell === name).map((l) => l.text);
  };
  const stop = async (): Promise<void> => {
    con.stop();
    await rs.m.shutdown();
  };
  try {
    await enableRoot(rs, config);
  } catch (e) {
    await stop();
    throw e;
  }
  return { m: rs.m, run: rs.run, lines, stop };
}

/**
 * For a test file whose tests each boot their own enabled machine: the returned function boots
 * one, and it is stopped after the test whether it passed or not.
 */
export function enabledPerTest(config = ROOT_CONFIG): (opts?: Partial<MachineOptions>) => Promise<Booted> {
  let booted: Booted | undefined;
  afterEach(async () => {
    await booted?.stop();
    booted = undefined;
  });
  return async (opts = {}) => {
    booted = await enabledWithUart(config, opts);
    return booted;
  };
}

/** A cell's UART lines once one matches `re` (or after `ms`). */
export async function untilLine(b: Booted, cell: string, re: RegExp, ms = 20_000): Promise<string[]> {
  const t0 = Date.now();
  for (;;) {
    const l = b.lines(cell);
    if (l.some((x) => re.test(x)) || Date.now() - t0 > ms) return l;
    await sleep(20);
  }
}

/** A per-CPU vmexit counter of a cell from sysfs. */
export async function cellStat(b: Booted, cell: number, cpu: number, name: string): Promise<number> {
  return Number((await b.run(`cat /sys/devices/jailhouse/cells/${cell}/statistics/cpu${cpu}/vmexits_${name}`)).out);
}

/** `jailhouse cell create CONFIG; cell load NAME IMAGE LOAD; cell start NAME`, each of which must succeed. */
export async function startCell(b: Booted, config: string, name: string, image: string, load = ''): Promise<void> {
  for (const line of [`jailhouse cell create ${config}`, `jailhouse cell load ${name} ${image}${load}`, `jailhouse cell start ${name}`]) {
    const r = await b.run(line);
    expect(r.code, `${line}: ${r.err}`).toBe(0);
  }
}
