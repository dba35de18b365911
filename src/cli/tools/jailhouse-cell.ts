/**
 * `jailhouse cell create|load|start|shutdown|destroy|stats` (tools/jailhouse.c and
 * jailhouse-cell-stats) against the simulated /dev/jailhouse: the same argument grammar, ioctl
 * structures and messages as the real tool.
 */
import { Errno } from '../../shared/errno.js';
import { loadCellConfig } from '../../shared/config/index.js';
import { CellCreate, CellId, CellLoad, JAILHOUSE_CELL_CREATE, JAILHOUSE_CELL_DESTROY, JAILHOUSE_CELL_ID_NAMELEN, JAILHOUSE_CELL_LOAD, JAILHOUSE_CELL_START, PreloadImage } from '../../actors/hypervisor/driver/uapi.js';
import { explain, readUserConfig, readUserFile, type ToolContext } from './tool-context.js';
import { encodeUtf8 } from '../../shared/text.js';
import { UserProcess } from '../shell/user.js';

const CELL_ID_UNUSED = -1;
export const CELL_STATS_USAGE = 'usage: jailhouse cell stats { ID | [--name] NAME } [--once | --json] [--interval MS] [--unperturbed]\n';

export interface CellSelector {
  id: number;
  name: string;
}

/** `{ ID | [--name] NAME }`; returns the selector and how many arguments it used. */
export function parseSelector(args: string[]): { sel: CellSelector; used: number } | undefined {
  if (args[0] === '--name') return args[1] === undefined ? undefined : { sel: { id: CELL_ID_UNUSED, name: args[1] }, used: 2 };
  if (args[0] === undefined) return undefined;
  // strtoll(..., 0) with a full-string check, like the real tool: "1" is an id, "1x" a name.
  const id = parseCInt(args[0]);
  if (id !== undefined) return { sel: { id, name: '' }, used: 1 };
  return { sel: { id: CELL_ID_UNUSED, name: args[0] }, used: 1 };
}

/** A C integer literal as strtoll(s, &end, 0) reads it when all of s is consumed: 0x hex, 0 octal, decimal. */
export function parseCInt(s: string): number | undefined {
  if (/^0x[0-9a-f]+$/i.test(s)) return parseInt(s.slice(2), 16);
  if (/^0[0-7]*$/.test(s)) return parseInt(s, 8);
  if (/^[1-9]\d*$/.test(s)) return Number(s);
  return undefined;
}

const U64_MAX = (1n << 64n) - 1n;

/**
 * strtoull(s, &end, 0) with a full-string check, exact (a double would round an address near
 * 2^64 up to 2^64, which the u64 field then wraps to 0) and saturating at 2^64 - 1 as strtoull does.
 */
export function parseCU64(s: string): bigint | undefined {
  let v: bigint;
  if (/^0x[0-9a-f]+$/i.test(s)) v = BigInt(s);
  else if (/^0[0-7]*$/.test(s)) v = s.length > 1 ? BigInt(`0o${s.slice(1)}`) : 0n;
  else if (/^[1-9]\d*$/.test(s)) v = BigInt(s);
  else return undefined;
  return v > U64_MAX ? U64_MAX : v;
}

/** struct jailhouse_cell_id (40 bytes). */
export function cellIdBytes(sel: CellSelector): Uint8Array {
  const b = new Uint8Array(CellId.SIZE);
  const v = new DataView(b.buffer);
  v.setInt32(CellId.ID, sel.id, true);
  b.set(encodeUtf8(sel.name).subarray(0, JAILHOUSE_CELL_ID_NAMELEN - 1), CellId.NAME);
  return b;
}

export async function ioctlOrExplain(ctx: ToolContext, name: string, run: () => Promise<number>): Promise<number> {
  const from = ctx.user.m.kernelLog().tail;
  const r = await run();
  if (r < 0) {
    explain(ctx, name, r, from, reasonFor);
    return 1;
  }
  return 0;
}

function reasonFor(ioctl: string, errno: number): string {
  const common: Record<number, string> = {
    [Errno.ENOENT]: 'no cell with that id or name',
    [Errno.EINVAL]: ioctl === 'JAILHOUSE_CELL_CREATE' ? 'the hypervisor is not enabled, or the configuration is invalid' : 'the hypervisor is not enabled, or the target is the root cell',
    [Errno.EPERM]: 'the cell refused to shut down, or a cell is running/locked',
    [Errno.EBUSY]: 'a CPU of the new cell is in use (not owned by the root cell, or the calling CPU)',
    [Errno.EEXIST]: 'a cell with that name or id exists',
    [Errno.E2BIG]: 'the configuration is too large (more than 16 pages) or the cell id exceeds 255',
    [Errno.ENOMEM]: 'the hypervisor ran out of pool memory; see `jailhouse console`',
    [Errno.EINTR]: 'a wait inside the machine was cut short by the watchdog (its report names the CPU and the wait), or the cell never answered the shutdown request',
  };
  return common[errno] ?? 'returned by the hypervisor; see `jailhouse console`';
}

export async function cellCreate(ctx: ToolContext, file: string): Promise<number> {
  const cfg = readUserConfig(ctx, file, loadCellConfig);
  if (!cfg) return 1;
  if (cfg.length + 16 > UserProcess.ARG_MAX) {
    ctx.io.err(`${file}: ${cfg.length} bytes do not fit the tool's ${UserProcess.ARG_MAX}-byte ioctl buffer (E2BIG ${Errno.E2BIG})\n`);
    return 1;
  }
  const from = ctx.user.m.kernelLog().tail;
  const r = await ioctlOrExplain(ctx, 'JAILHOUSE_CELL_CREATE', () =>
    ctx.user.ioctlBuilt(JAILHOUSE_CELL_CREATE, (addr) => cellCreatePayload(addr, cfg)),
  );
  if (r === 0 && /architecture mismatch/.test(ctx.user.m.kernelLog(from).text)) {
    // The real driver logs this and still returns success without creating a cell.
    ctx.io.err(`jhsim: note: the driver logged "Configuration architecture mismatch" and created no cell (an upstream quirk)\n`);
  }
  return r;
}

/** struct jailhouse_cell_create followed by the config it points to, for user address `addr`. */
export function cellCreatePayload(addr: number, cfg: Uint8Array): Uint8Array {
  const b = new Uint8Array(CellCreate.SIZE + cfg.length);
  const v = new DataView(b.buffer);
  v.setBigUint64(CellCreate.CONFIG_ADDRESS, BigInt(addr + CellCreate.SIZE), true);
  v.setUint32(CellCreate.CONFIG_SIZE, cfg.length, true);
  b.set(cfg, CellCreate.SIZE);
  return b;
}

function cellLoadPayloadSize(images: readonly LoadImage[]): number {
  return CellLoad.IMAGE + images.length * PreloadImage.SIZE + images.reduce((a, im) => a + im.bytes.length, 0);
}

/** struct jailhouse_cell_load with its preload images and their data, for user address `addr`. */
export function cellLoadPayload(addr: number, sel: CellSelector, images: readonly LoadImage[]): Uint8Array {
  const b = new Uint8Array(cellLoadPayloadSize(images));
  const v = new DataView(b.buffer);
  b.set(cellIdBytes(sel), CellLoad.CELL_ID);
  v.setUint32(CellLoad.NUM_PRELOAD_IMAGES, images.length, true);
  let data = CellLoad.IMAGE + images.length * PreloadImage.SIZE;
  images.forEach((im, i) => {
    const o = CellLoad.IMAGE + i * PreloadImage.SIZE;
    v.setBigUint64(o + PreloadImage.SOURCE_ADDRESS, BigInt(addr + data), true);
    v.setBigUint64(o + PreloadImage.SIZE_FIELD, BigInt(im.bytes.length), true);
    v.setBigUint64(o + PreloadImage.TARGET_ADDRESS, BigInt(im.address), true);
    b.set(im.bytes, data);
    data += im.bytes.length;
  });
  return b;
}

export interface LoadImage {
  bytes: Uint8Array;
  /** Guest-physical load address (a bigint where it is beyond 2^53, as `-a` may give). */
  address: number | bigint;
}

/** `cell load SEL { IMAGE | -s STRING } [-a ADDR] ...` */
export async function cellLoad(ctx: ToolContext, args: string[], usage: () => number): Promise<number> {
  const p = parseSelector(args);
  if (!p || args.length <= p.used) return usage();
  const images: LoadImage[] = [];
  for (let i = p.used; i < args.length; ) {
    let bytes: Uint8Array | undefined;
    if (args[i] === '-s' || args[i] === '--string') {
      if (args[i + 1] === undefined) return usage();
      const s = encodeUtf8(args[i + 1]!);
      bytes = new Uint8Array(s.length + 1);
      bytes.set(s);
      i += 2;
    } else {
      const raw = readUserFile(ctx, args[i]!);
      if (!raw) return 1;
      bytes = new Uint8Array(raw);
      i += 1;
    }
    let address: bigint = 0n;
    if (args[i] === '-a' || args[i] === '--address') {
      const a = args[i + 1];
      const n = a === undefined ? undefined : parseCU64(a);
      if (n === undefined) return usage();
      address = n;
      i += 2;
    }
    images.push({ bytes, address });
  }
  return loadImages(ctx, p.sel, images);
}

export function loadImages(ctx: ToolContext, sel: CellSelector, images: LoadImage[]): Promise<number> {
  const total = cellLoadPayloadSize(images);
  if (total > UserProcess.ARG_MAX) {
    ctx.io.err(`jhsim: ${total} bytes of images exceed the tool's ${UserProcess.ARG_MAX}-byte ioctl buffer (E2BIG ${Errno.E2BIG})\n`);
    return Promise.resolve(1);
  }
  return ioctlOrExplain(ctx, 'JAILHOUSE_CELL_LOAD', () =>
    ctx.user.ioctlBuilt(JAILHOUSE_CELL_LOAD, (addr) => cellLoadPayload(addr, sel, images)),
  );
}

/** `cell start|shutdown|destroy SEL` */
export async function cellSimple(ctx: ToolContext, what: 'start' | 'shutdown' | 'destroy', args: string[], usage: () => number): Promise<number> {
  const p = parseSelector(args);
  if (!p || args.length !== p.used) return usage();
  if (what === 'shutdown') return loadImages(ctx, p.sel, []);
  const cmd = what === 'start' ? JAILHOUSE_CELL_START : JAILHOUSE_CELL_DESTROY;
  const name = what === 'start' ? 'JAILHOUSE_CELL_START' : 'JAILHOUSE_CELL_DESTROY';
  return ioctlOrExplain(ctx, name, () => ctx.user.ioctl(cmd, cellIdBytes(p.sel)));
}
