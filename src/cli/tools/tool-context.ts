/**
 * What every `jailhouse` subcommand gets (the user process to issue syscalls from, the
 * terminal, the stop signal of live views) and the helpers they share: reading a file or a
 * configuration the user named and explaining a failed ioctl as the real tool does, plus the
 * errno line.
 */
import { readFileSync } from 'node:fs';
import { ConfigError, type LoadedConfig } from '../../shared/config/index.js';
import { Errno, errnoName, strerror } from '../../shared/errno.js';
import { fsErrorText } from '../file-errors.js';
import type { Io } from '../io.js';
import type { UserProcess } from '../shell/user.js';
import { looksLikeJson, resolveUserPath } from '../paths.js';

export interface ToolContext {
  user: UserProcess;
  io: Io;
  /** Stops `console -f` and the live `cell stats`. */
  signal?: AbortSignal;
  /** Single key presses for live views (`cell stats`); returns the unsubscribe function. */
  keys?: (onKey: (key: string) => void) => () => void;
  /** The cells' UART lines not shown yet, formatted (`console` prints them after the hypervisor's). */
  uart?: { takeText(): string };
}

/**
 * Explain a failed ioctl: the driver's own log lines since `logFrom` ("jailhouse: ..." and
 * "Jailhouse: ..."), else what the errno means for that ioctl.
 */
export function explain(ctx: ToolContext, name: string, ret: number, logFrom: number, reason: (name: string, errno: number) => string = defaultReason): void {
  const log = ctx.user.m.kernelLog(logFrom).text.split('\n');
  const reasons = log.filter((l) => /^\[cpu\d+\] [Jj]ailhouse: /.test(l)).map((l) => l.replace(/^\[cpu\d+\] [Jj]ailhouse: /, ''));
  ctx.io.err(`${name}: ${strerror(ret)}\n`);
  const why = reasons.length ? reasons.join('; ') : reason(name, -ret);
  ctx.io.err(`  ${errnoName(ret)} (${-ret}): ${why}\n`);
}

/** Read a file the user named; on failure print what the real tool prints and return undefined. */
export function readUserFile(ctx: ToolContext, file: string): Buffer | undefined {
  try {
    return readFileSync(resolveUserPath(file));
  } catch (e) {
    ctx.io.err(`opening ${file}: ${fsErrorText(e)}\n`);
    return undefined;
  }
}

/**
 * The configuration blob for the driver from a file the user named, read once: a binary file's
 * bytes as they are (the driver checks them, as with the real tool), jhsim's JSON form validated
 * and serialised by `load` (loadSystemConfig or loadCellConfig). On failure prints what the
 * tool prints (the unreadable file, or the ConfigError naming file and field) and returns
 * undefined.
 */
export function readUserConfig(ctx: ToolContext, file: string, load: (path: string, raw: Uint8Array) => LoadedConfig<unknown>): Uint8Array | undefined {
  const raw = readUserFile(ctx, file);
  if (!raw) return undefined;
  const bytes = new Uint8Array(raw);
  if (!looksLikeJson(bytes)) return bytes;
  try {
    return load(resolveUserPath(file), bytes).bytes;
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    ctx.io.err(`${e.message}\n`);
    return undefined;
  }
}

function defaultReason(name: string, errno: number): string {
  if (name === 'JAILHOUSE_DISABLE' && errno === Errno.EINVAL) return 'the hypervisor is not enabled';
  if (name === 'JAILHOUSE_ENABLE' && errno === Errno.EIO) return 'the hypervisor failed to initialise a CPU; see `jailhouse console`';
  if (name === 'JAILHOUSE_ENABLE' && errno === Errno.ENOMEM) return 'the hypervisor ran out of memory in its page pool; see `jailhouse console`';
  if (name === 'JAILHOUSE_ENABLE') return 'returned by the hypervisor on every CPU; see `jailhouse console`';
  return 'returned by the hypervisor';
}
