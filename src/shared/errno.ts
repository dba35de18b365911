/**
 * Linux errno values as Jailhouse's driver and hypervisor use them. Results cross the
 * simulated kernel/user boundary as negative numbers, exactly like an ioctl return value.
 */
export const Errno = {
  EPERM: 1,
  ENOENT: 2,
  EINTR: 4,
  EIO: 5,
  E2BIG: 7,
  ENOEXEC: 8,
  EAGAIN: 11,
  ENOMEM: 12,
  EACCES: 13,
  EFAULT: 14,
  EBUSY: 16,
  EEXIST: 17,
  ENODEV: 19,
  ENOTDIR: 20,
  EISDIR: 21,
  EINVAL: 22,
  ERANGE: 34,
  ENAMETOOLONG: 36,
  ENOSYS: 38,
  EOPNOTSUPP: 95,
} as const;

export type ErrnoName = keyof typeof Errno;

const MESSAGES: Record<number, string> = {
  1: 'Operation not permitted',
  2: 'No such file or directory',
  4: 'Interrupted system call',
  5: 'Input/output error',
  7: 'Argument list too long',
  8: 'Exec format error',
  11: 'Resource temporarily unavailable',
  12: 'Cannot allocate memory',
  13: 'Permission denied',
  14: 'Bad address',
  16: 'Device or resource busy',
  17: 'File exists',
  19: 'No such device',
  20: 'Not a directory',
  21: 'Is a directory',
  95: 'Operation not supported',
  22: 'Invalid argument',
  34: 'Numerical result out of range',
  36: 'File name too long',
  38: 'Function not implemented',
};

/** strerror(3) for the errno values the simulation produces. */
export function strerror(errno: number): string {
  const e = Math.abs(errno);
  return MESSAGES[e] ?? `Unknown error ${e}`;
}

/** "EINVAL" for 22 or -22. */
export function errnoName(errno: number): string {
  const e = Math.abs(errno);
  for (const [name, value] of Object.entries(Errno)) if (value === e) return name;
  return `E${e}`;
}

/** An error carrying an errno, for paths that are not plain return codes (CLI, file I/O). */
export class ErrnoError extends Error {
  constructor(
    readonly errno: number,
    message: string,
  ) {
    super(message);
    this.name = 'ErrnoError';
  }
}
