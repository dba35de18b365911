/**
 * A machine booted in-process with the root-cell shell on it, for tests that drive it line by
 * line as a user would (and read its shared memory directly where a test needs to look).
 */
import { expect } from 'vitest';
import { Machine } from '../dist/actors/cpu/supervisor.js';
import { DEFAULT_BOARD } from '../dist/shared/board.js';
import { BufferIo } from '../dist/cli/io.js';
import { Shell } from '../dist/cli/shell.js';

export interface ShellResult { code: number; out: string; err: string }

export interface RootShell {
  m: Machine;
  sh: Shell;
  io: BufferIo;
  /** Run one shell line; stdout, stderr and the exit code of its last command. */
  run(line: string): Promise<ShellResult>;
}

export async function bootRootShell(): Promise<RootShell> {
  const m = await Machine.boot({ board: DEFAULT_BOARD });
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

/** `jailhouse enable` with the bundled root config, which must succeed. */
export async function enableRoot(b: RootShell): Promise<RootShell> {
  expect((await b.run('jailhouse enable configs/qemu-arm64.json')).code).toBe(0);
  return b;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
