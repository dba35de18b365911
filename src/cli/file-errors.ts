/**
 * Failed file accesses as the user should read them: the file as they named it, the errno's
 * text, name and value (`--board /x.json: No such file or directory (ENOENT 2)` once the top
 * level prints it), whatever part of jhsim opened the file. Node's own message repeats the code
 * and the syscall, and a code turned into EINVAL hides why a file could not be used.
 */
import { constants } from 'node:os';
import { ErrnoError, errnoName, strerror } from '../shared/errno.js';

/** The errno of a Node file-system error (ENOENT → 2), or undefined for anything else. */
export function fsErrno(e: unknown): number | undefined {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code !== 'string') return undefined;
  const n = (constants.errno as Record<string, number | undefined>)[code];
  return typeof n === 'number' ? n : undefined;
}

/** The errno's name: jhsim's table first, then the host's (ELOOP, EMFILE...), else `E<n>`. */
export function errnoLabel(errno: number): string {
  const name = errnoName(errno);
  if (name !== `E${Math.abs(errno)}`) return name;
  for (const [k, v] of Object.entries(constants.errno)) if (v === Math.abs(errno)) return k;
  return name;
}

/** strerror(3) text of a Node file-system error, from jhsim's table or else Node's message. */
export function fsErrorText(e: unknown): string {
  const errno = fsErrno(e);
  const known = errno === undefined ? undefined : strerror(errno);
  if (known !== undefined && !known.startsWith('Unknown error')) return known;
  // "EMFILE: too many open files, open 'x'" → "too many open files".
  const m = /^[A-Z]+: ([^,]+)/.exec((e as Error).message);
  return m ? m[1]! : (e as Error).message;
}

/**
 * `what: <strerror>` as an ErrnoError carrying the file's errno, for a Node file-system error;
 * any other error comes back unchanged (a bug is not a bad file).
 */
export function fileError(what: string, e: unknown): Error {
  const errno = fsErrno(e);
  if (errno === undefined) return e instanceof Error ? e : new Error(String(e));
  return new ErrnoError(errno, `${what}: ${fsErrorText(e)}`);
}
