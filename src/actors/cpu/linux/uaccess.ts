/**
 * copy_from_user/copy_to_user: user pointers must lie in the user-memory window of root-cell
 * Linux RAM (where the supervisor places each caller's buffers); anything else is -EFAULT.
 */
import { Errno } from '../../../shared/errno.js';
import type { CpuContext } from '../context.js';
import { MAX_CALLERS, USER_MEM_BASE, USER_MEM_PER_CALLER } from './layout.js';

/** System RAM Linux owns: the first 768 MiB of the first bank (booted with mem=768M). */
export const LINUX_MEM_BYTES = 768 * 1024 * 1024;

function userRange(ptr: number, len: number): boolean {
  return ptr >= USER_MEM_BASE && len >= 0 && ptr + len <= USER_MEM_BASE + MAX_CALLERS * USER_MEM_PER_CALLER;
}

export function copyFromUser(c: CpuContext, ptr: number, len: number): Uint8Array | number {
  if (!userRange(ptr, len)) return -Errno.EFAULT;
  return c.mem.copyOut(ptr, len);
}

export function copyToUser(c: CpuContext, ptr: number, bytes: Uint8Array): number {
  if (!userRange(ptr, bytes.length)) return -Errno.EFAULT;
  c.mem.copyIn(ptr, bytes);
  return 0;
}

/** Physical ranges Linux uses as System RAM (request_mem_region fails on them). */
export function linuxSystemRam(c: CpuContext): { start: number; end: number } {
  const b = c.board.ram[0]!;
  return { start: b.base, end: b.base + Math.min(b.size, LINUX_MEM_BYTES) };
}
