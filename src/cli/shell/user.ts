/**
 * A user-space thread of root-cell Linux: builds syscall arguments in its own buffer in
 * simulated RAM (paths, config blobs, read buffers) and posts the syscalls to the kernel.
 */
import type { SyscallOptions } from '../../actors/cpu/machine-tasks.js';
import type { Machine } from '../../actors/cpu/supervisor.js';
import { Sys } from '../../actors/cpu/linux/layout.js';
import { Errno } from '../../shared/errno.js';
import { decodeUtf8, encodeUtf8 } from '../../shared/text.js';

const PATH_OFF = 0;
const PATH_MAX = 4096;
const READ_OFF = 0x1000;
const READ_MAX = 0x7f000;
const ARG_OFF = 0x80000;
const ARG_MAX = 0x80000;

const split64 = (v: number): [number, number] => [v >>> 0, Math.floor(v / 0x1_0000_0000) >>> 0];

export class UserProcess {
  readonly base: number;
  /** Bytes of the argument area the last ioctl filled. */
  private argUsed = 0;
  /** Told of every ioctl when it returns (the session's debug log). */
  onIoctl: ((e: { cmd: number; ret: number; ms: number; caller: number }) => void) | undefined;

  constructor(
    readonly m: Machine,
    readonly caller: number,
    readonly opts: SyscallOptions = {},
  ) {
    this.base = m.userBuffer(caller);
  }

  /** The path in user memory ([lo, hi, length]), or -ENAMETOOLONG as the kernel answers a path beyond PATH_MAX. */
  private putPath(path: string): [number, number, number] | number {
    const bytes = encodeUtf8(path);
    if (bytes.length > PATH_MAX) return -Errno.ENAMETOOLONG;
    this.m.mem.copyIn(this.base + PATH_OFF, bytes);
    const [lo, hi] = split64(this.base + PATH_OFF);
    return [lo, hi, bytes.length];
  }

  /** ioctl(/dev/jailhouse, cmd, arg) with arg pointing at a copy of payload in user memory. */
  async ioctl(cmd: number, payload?: Uint8Array, opts?: SyscallOptions): Promise<number> {
    let p = 0;
    if (payload) {
      if (payload.length > ARG_MAX) throw new Error(`ioctl argument of ${payload.length} bytes is too large`);
      p = this.base + ARG_OFF;
      this.m.mem.copyIn(p, payload);
      // A fresh buffer, as the tool's malloc gives one: nothing of an earlier call's argument
      // stays behind it (a driver reading past a short or empty file must not find an old config).
      if (this.argUsed > payload.length) this.m.mem.copyIn(p + payload.length, new Uint8Array(this.argUsed - payload.length));
      this.argUsed = payload.length;
    }
    const [lo, hi] = split64(p);
    if (!this.onIoctl) return this.m.syscall(this.caller, Sys.IOCTL, [cmd | 0, lo, hi], opts ?? this.opts);
    const t0 = performance.now();
    const ret = await this.m.syscall(this.caller, Sys.IOCTL, [cmd | 0, lo, hi], opts ?? this.opts);
    this.onIoctl({ cmd, ret, ms: performance.now() - t0, caller: this.caller });
    return ret;
  }

  /**
   * ioctl whose argument holds pointers into itself (CELL_CREATE, CELL_LOAD): `build` gets the
   * user address the payload will be copied to.
   */
  async ioctlBuilt(cmd: number, build: (addr: number) => Uint8Array, opts?: SyscallOptions): Promise<number> {
    return this.ioctl(cmd, build(this.base + ARG_OFF), opts);
  }

  /** Room for an ioctl argument and everything it points to. */
  static readonly ARG_MAX = ARG_MAX;

  /** Read a whole file: the data, or a negative errno. */
  async readFile(path: string): Promise<Uint8Array | number> {
    const p = this.putPath(path);
    if (typeof p === 'number') return p;
    const [lo, hi, len] = p;
    const [blo, bhi] = split64(this.base + READ_OFF);
    const r = await this.m.syscall(this.caller, Sys.READ_FILE, [lo, hi, len, blo, bhi, READ_MAX], this.opts);
    return r < 0 ? r : this.m.mem.copyOut(this.base + READ_OFF, r);
  }

  async readText(path: string): Promise<string | number> {
    const r = await this.readFile(path);
    return typeof r === 'number' ? r : decodeUtf8(r);
  }

  async writeFile(path: string, data: string, opts?: SyscallOptions): Promise<number> {
    const p = this.putPath(path);
    if (typeof p === 'number') return p;
    const [lo, hi, len] = p;
    const bytes = encodeUtf8(data);
    this.m.mem.copyIn(this.base + READ_OFF, bytes);
    const [blo, bhi] = split64(this.base + READ_OFF);
    return this.m.syscall(this.caller, Sys.WRITE_FILE, [lo, hi, len, blo, bhi, bytes.length], opts ?? this.opts);
  }

  /** pwrite(2) of raw bytes at a file offset: bytes written, or a negative errno. */
  async pwrite(path: string, data: Uint8Array, offset: number, opts?: SyscallOptions): Promise<number> {
    const p = this.putPath(path);
    if (typeof p === 'number') return p;
    const [lo, hi, len] = p;
    this.m.mem.copyIn(this.base + READ_OFF, data);
    const [blo, bhi] = split64(this.base + READ_OFF);
    return this.m.syscall(this.caller, Sys.PWRITE_FILE, [lo, hi, len, blo, bhi, data.length, offset], opts ?? this.opts);
  }

  async listDir(path: string): Promise<string[] | number> {
    const p = this.putPath(path);
    if (typeof p === 'number') return p;
    const [lo, hi, len] = p;
    const [blo, bhi] = split64(this.base + READ_OFF);
    const r = await this.m.syscall(this.caller, Sys.LIST_DIR, [lo, hi, len, blo, bhi, READ_MAX], this.opts);
    if (r < 0) return r;
    const text = decodeUtf8(this.m.mem.copyOut(this.base + READ_OFF, r));
    return text === '' ? [] : text.split('\n');
  }

  async consoleOpen(): Promise<number> {
    return this.m.syscall(this.caller, Sys.CONSOLE_OPEN, [], this.opts);
  }

  async consoleClose(fd: number): Promise<number> {
    return this.m.syscall(this.caller, Sys.CONSOLE_CLOSE, [fd], this.opts);
  }

  /** read(fd, buf, count) on /dev/jailhouse: bytes, 0-length at EOF, or a negative errno. */
  async consoleRead(fd: number, count: number, nonblock: boolean): Promise<Uint8Array | number> {
    const [blo, bhi] = split64(this.base + READ_OFF);
    const r = await this.m.syscall(this.caller, Sys.CONSOLE_READ, [fd, blo, bhi, Math.min(count, READ_MAX), nonblock ? 1 : 0], this.opts);
    return r < 0 ? r : this.m.mem.copyOut(this.base + READ_OFF, r);
  }
}
