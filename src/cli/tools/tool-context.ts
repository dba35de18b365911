/**
 * What every `jailhouse` subcommand gets (the user process to issue syscalls from, the
 * terminal, the stop signal of live views) and the helpers they share: reading a file the user
 * named and explaining a failed ioctl as the real tool does, plus the errno line.
 */
import { readFileSync } from 'node:fs';
import { Errno, errnoName, strerror } from '../../shared/errno.js';
import type { Io } from '../io.js';
import type { UserProcess } from '../shell/user.js';
import { resolveUserPath } from '../paths.js';

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
    const code = (e as NodeJS.ErrnoException).code;
    const errno = code === 'ENOENT' ? Errno.ENOENT : code === 'EACCES' ? Errno.EACCES : code === 'EISDIR' ? Errno.EISDIR : 0;
    ctx.io.err(`opening ${file}: ${errno ? strerror(errno) : (e as Error).message}\n`);
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
